import type { Policy } from '../policy.js';
import type { ActionRefusal, EmailIntent, Handoff } from './effects.js';
import type { ClockStamp, JournalEvent, JournalEventType, JournalPayloads } from './journal-events.js';
import type { CandidacyState } from './state.js';

/** Who acts: IDs only. */
export interface ActorRef {
  userId: string;
  operatorId: string;
}

export interface ActionContext {
  policy: Policy;
  now: Date;
  actor: ActorRef;
}

/**
 * What a rule returns once it has changed the state: the journal event (typed by the
 * catalogue), a French one-liner for the Temporal UI, and what it hands over or counts.
 * E-mails are pushed to the `emails` list the rule receives.
 */
export type Applied = JournalEvent & {
  summary: string;
  handoff?: Handoff;
  /** Counts toward the reminders shown in the state and indicators. */
  reminder?: boolean;
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a clock's rule returns: the engine stamps it with the clock and its due instant. */
export type ClockApplied = {
  [T in JournalEventType]: { type: T; payload: DistributiveOmit<JournalPayloads[T], keyof ClockStamp> };
}[JournalEventType] & { summary: string; handoff?: Handoff; reminder?: boolean };

/** One human action of an area: its own rule (after the phase check) and its effect. */
export interface ActionRule<P> {
  /** The action's own rule, judged once the phase allows the action; null when allowed. */
  validate?(state: CandidacyState, payload: P, ctx: ActionContext): ActionRefusal | null;
  /**
   * A more precise reason than the phase when the phase refuses the action, e.g. a decision
   * sent after the silence rule decided (the implicit decision and its date).
   */
  explainRefusal?(state: CandidacyState): ActionRefusal | null;
  /** Changes `s` (a copy) and returns the event to journal. */
  apply(s: CandidacyState, payload: P, ctx: ActionContext, emails: EmailIntent[]): Applied;
}

/**
 * One clock of an area. `dueAt` derives the instant from the state (null while it does not
 * run); `apply` is its effect at that instant. A clock that is a legal or product deadline
 * names itself in `deadline`, so the deadlines shown to people are these same instants.
 */
export interface ClockRule {
  dueAt(state: CandidacyState, policy: Policy): Date | null;
  /** French summary of the timer in the Temporal UI (IDs and dates only). */
  summary(state: CandidacyState, policy: Policy, dueAt: Date): string;
  apply(s: CandidacyState, policy: Policy, at: Date, emails: EmailIntent[]): ClockApplied;
  deadline?: DeadlineName;
}

/**
 * A deadline shown to people that is not (or no longer) a clock of its own: the result
 * notification (15 days, nothing fires), or a jury deadline already reported as missed.
 */
export interface DeadlineRule {
  name: DeadlineName;
  dueAt(state: CandidacyState, policy: Policy): Date | null;
}

/** A suspended clock: shown with its remaining time, never with a date. */
export interface SuspendedRule {
  name: DeadlineName;
  remainingMs(state: CandidacyState): number | null;
}

export const DEADLINE_LABELS = {
  'admissibility-decision': 'Décision de recevabilité',
  'incomplete-file': 'Complétude du dossier',
  'coaching-start': 'Début de l’accompagnement',
  'abandonment-contest': 'Contestation de l’abandon',
  'jury-deadline': 'Passage devant le jury',
  'jury-session': 'Session de jury',
  'result-notification': 'Notification du résultat',
  'transfer-acceptance': 'Acceptation du transfert',
} as const;
export type DeadlineName = keyof typeof DEADLINE_LABELS;

/** An area of the path: its actions, its clocks, its deadlines. */
export interface Area<Payloads, Clock extends string> {
  actions: { [A in keyof Payloads]: ActionRule<Payloads[A]> };
  clocks: Record<Clock, ClockRule>;
  deadlines?: DeadlineRule[];
  suspended?: SuspendedRule[];
}

export const refuse = (code: string, message: string, details?: Record<string, unknown>): ActionRefusal => ({
  code,
  message,
  ...(details ? { details } : {}),
});

export function setResponsible(
  s: CandidacyState,
  operatorId: string,
  role: CandidacyState['responsibleRole'],
) {
  s.responsibleOperatorId = operatorId;
  s.responsibleRole = role;
}
