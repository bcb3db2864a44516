import { allowedActions, isTerminal, PHASE_LABELS_FR, type Action } from '../phases.js';
import type { Policy } from '../policy.js';
import { formatDayTimeFr } from '../paris-time.js';
import { settleDueClocks } from './clocks.js';
import type { ActionRefusal, EmailIntent, Transition } from './effects.js';
import { ACTION_RULES, type ActionPayloads } from './registry.js';
import { refuse, type ActionRule, type ActorRef } from './rules.js';
import { cloneState, type CandidacyState } from './state.js';

export type { ActionPayloads } from './registry.js';
export type { ActorRef } from './rules.js';

export type ActionRequest = {
  [A in Action]: { action: A; payload: ActionPayloads[A]; actor: ActorRef };
}[Action];

function ruleOf(action: Action): ActionRule<unknown> {
  return ACTION_RULES[action] as ActionRule<unknown>;
}

/**
 * Checks an action against the state: the phase first (with the area's precise reason when it
 * has one), then the action's own rule. Returns null when allowed. Pure, so the API can
 * explain a refusal.
 */
export function validateAction(
  state: CandidacyState,
  req: ActionRequest,
  policy: Policy,
  now: Date,
): ActionRefusal | null {
  const rule = ruleOf(req.action);
  const allowed = allowedActions(state.phase, { transferPending: state.transfer !== null });
  if (isTerminal(state.phase) || !allowed.includes(req.action)) {
    const explained = rule.explainRefusal?.(state);
    if (explained) return explained;
    if (isTerminal(state.phase)) {
      return refuse('candidacy_closed', 'Cette candidature est close : aucune action n’est plus possible.');
    }
    return refuse(
      'action_not_allowed',
      `L’action « ${req.action} » n’est pas possible en phase « ${PHASE_LABELS_FR[state.phase]} ».`,
    );
  }
  return rule.validate?.(state, req.payload, { policy, now, actor: req.actor }) ?? null;
}

/**
 * Judges an action as it arrives at `now`: every clock already due takes effect first, at its
 * own instant, and the action is judged on the state after them. A refusal caused by such a
 * clock names it and its date.
 */
export function judgeAction(
  state: CandidacyState,
  req: ActionRequest,
  policy: Policy,
  now: Date,
): { refusal: ActionRefusal | null; settled: CandidacyState } {
  const { state: settled, fired } = settleDueClocks(state, policy, now);
  const refusal = validateAction(settled, req, policy, now);
  if (!refusal || fired.length === 0 || validateAction(state, req, policy, now) !== null) {
    return { refusal, settled };
  }
  const clocks = fired.map((f) => ({
    type: f.transition.type,
    dueAt: f.timer.dueAt,
    summary: f.transition.summary,
  }));
  const last = clocks[clocks.length - 1]!;
  const explained = refusal.details?.implicitDecision !== undefined;
  return {
    settled,
    refusal: {
      code: refusal.code,
      message: explained
        ? refusal.message
        : `Une échéance est passée avant cette action : ${last.summary.toLowerCase()} le ${formatDayTimeFr(last.dueAt)}. ${refusal.message}`,
      details: { ...refusal.details, clocksDue: clocks },
    },
  };
}

/** Applies an allowed action: the new state and the transition to journal and notify. */
export function applyAction(
  current: CandidacyState,
  req: ActionRequest,
  policy: Policy,
  now: Date,
): { state: CandidacyState; transition: Transition } {
  const s = cloneState(current);
  const emails: EmailIntent[] = [];
  const applied = ruleOf(req.action).apply(s, req.payload, { policy, now, actor: req.actor }, emails);
  return { state: s, transition: { ...applied, emails } };
}
