import { formatDurationFr } from '../duration.js';
import type { Policy } from '../policy.js';
import type { EmailIntent, Transition } from './effects.js';
import { CLOCK_RULES, DEADLINE_RULES, SUSPENDED_RULES, type ClockKind } from './registry.js';
import { DEADLINE_LABELS, type DeadlineName } from './rules.js';
import { cloneState, type CandidacyState } from './state.js';

export type TimerKind = ClockKind;

export interface Timer {
  kind: TimerKind;
  dueAt: string;
  /** French summary shown on the timer in the Temporal UI. */
  summary: string;
}

/**
 * Every clock that runs for this state, earliest first. The workflow sleeps until the
 * earliest and applies it; a state change recomputes them.
 */
export function pendingTimers(state: CandidacyState, policy: Policy): Timer[] {
  const out: Timer[] = [];
  for (const [kind, rule] of Object.entries(CLOCK_RULES) as [TimerKind, (typeof CLOCK_RULES)[TimerKind]][]) {
    const due = rule.dueAt(state, policy);
    if (due) out.push({ kind, dueAt: due.toISOString(), summary: rule.summary(state, policy, due) });
  }
  // Stable: clocks due at the same instant keep the areas' order.
  return out.sort((x, y) => x.dueAt.localeCompare(y.dueAt));
}

/** Applies a clock that ran out, at `at`: the new state and the transition to journal. */
export function applyTimer(
  current: CandidacyState,
  timer: Timer,
  policy: Policy,
  at: Date,
): { state: CandidacyState; transition: Transition } {
  const s = cloneState(current);
  const emails: EmailIntent[] = [];
  const applied = CLOCK_RULES[timer.kind].apply(s, policy, at, emails);
  const transition = {
    ...applied,
    payload: { ...applied.payload, timer: timer.kind, dueAt: timer.dueAt },
    emails,
  } as Transition;
  return { state: s, transition };
}

/**
 * Every clock due at `now`, applied in order, each at its own due instant: time wins its
 * races, so a clock that ran out takes effect before an action that arrives later, whatever
 * order Temporal delivers them in. Pure: the workflow commits the transitions it returns.
 */
export function settleDueClocks(
  state: CandidacyState,
  policy: Policy,
  now: Date,
): { state: CandidacyState; fired: { timer: Timer; transition: Transition }[] } {
  const fired: { timer: Timer; transition: Transition }[] = [];
  let s = state;
  // Bounded: each clock changes the state so that it no longer runs.
  for (let i = 0; i < 100; i++) {
    const next = pendingTimers(s, policy)[0];
    if (!next || Date.parse(next.dueAt) > now.getTime()) break;
    const applied = applyTimer(s, next, policy, new Date(next.dueAt));
    fired.push({ timer: next, transition: applied.transition });
    s = applied.state;
  }
  return { state: s, fired };
}

export interface DeadlineView {
  name: DeadlineName;
  label: string;
  /** When it ends; null for a suspended clock, which has a remaining duration instead. */
  dueAt: string | null;
  suspended?: true;
  remainingMs?: number;
  /** « 12 jours » for a suspended clock. */
  remainingLabel?: string;
}

/**
 * The deadlines of a candidacy shown to people (API, Temporal UI, inbox): the clocks that are
 * deadlines, at the same instants, then suspended ones with their remaining time.
 */
export function activeDeadlines(state: CandidacyState, policy: Policy): DeadlineView[] {
  const running: DeadlineView[] = [];
  for (const rule of Object.values(CLOCK_RULES)) {
    if (!rule.deadline) continue;
    const due = rule.dueAt(state, policy);
    if (due)
      running.push({ name: rule.deadline, label: DEADLINE_LABELS[rule.deadline], dueAt: due.toISOString() });
  }
  for (const rule of DEADLINE_RULES) {
    const due = rule.dueAt(state, policy);
    if (due) running.push({ name: rule.name, label: DEADLINE_LABELS[rule.name], dueAt: due.toISOString() });
  }
  running.sort((x, y) => x.dueAt!.localeCompare(y.dueAt!));
  const suspended: DeadlineView[] = [];
  for (const rule of SUSPENDED_RULES) {
    const remainingMs = rule.remainingMs(state);
    if (remainingMs === null) continue;
    suspended.push({
      name: rule.name,
      label: `${DEADLINE_LABELS[rule.name]} (délai suspendu)`,
      dueAt: null,
      suspended: true,
      remainingMs,
      remainingLabel: formatRemainingFr(remainingMs),
    });
  }
  return [...running, ...suspended];
}

/** The next running deadline: what `NextDeadline`, the read model and the inbox order use. */
export function nextRunningDeadline(
  deadlines: DeadlineView[],
): (DeadlineView & { dueAt: string }) | undefined {
  return deadlines.find((d): d is DeadlineView & { dueAt: string } => d.dueAt !== null);
}

/** « 12 jours 4 h », « 25 s »: a remaining duration for people. */
export function formatRemainingFr(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  if (days > 0) return formatDurationFr({ days, ...(hours ? { hours } : {}) });
  if (hours > 0) return formatDurationFr({ hours });
  const minutes = Math.floor(totalSeconds / 60);
  return minutes > 0 ? `${minutes} min` : formatDurationFr({ seconds: totalSeconds });
}
