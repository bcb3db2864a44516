import { addDuration, formatDurationFr, subtractDuration } from '../duration.js';
import type { Policy } from '../policy.js';
import { clockDueAt } from './clock.js';
import type { CandidacyState } from './state.js';

export type TimerKind =
  | 'admissibility-warning-share'
  | 'admissibility-warning-before'
  | 'admissibility-deadline'
  | 'incomplete-reminder'
  | 'incomplete-lapse'
  | 'coaching-start-deadline'
  | 'inactivity-reminder'
  | 'abandonment-proposal'
  | 'abandonment-contest-deadline'
  | 'jury-escalation'
  | 'jury-deadline'
  | 'jury-reminder'
  | 'jury-held'
  | 'result-reminder'
  | 'transfer-timeout';

export interface Timer {
  kind: TimerKind;
  dueAt: string;
  /** French summary shown on the timer in the Temporal UI. */
  summary: string;
}

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

function inactivityCadence(state: CandidacyState, policy: Policy) {
  return state.reinforced ? policy.inactivityReminderReinforced : policy.inactivityReminderStandard;
}

/**
 * Every clock that is running for this state, each with its due date. The workflow sleeps
 * until the earliest and applies it (timers.ts → apply-timer.ts); state changes recompute them.
 */
export function pendingTimers(state: CandidacyState, policy: Policy): Timer[] {
  const out: Timer[] = [];
  const push = (kind: TimerKind, dueAt: Date | string, summary: string) =>
    out.push({ kind, dueAt: new Date(dueAt).toISOString(), summary });

  const a = state.admissibility;
  if (a && !a.decidedAt && state.phase === 'admissibility_requested') {
    const due = clockDueAt(a.clock);
    if (due) {
      const label = formatDurationFr(policy.admissibilityDecisionDeadline);
      const shareAt = new Date(due.getTime() - (1 - policy.admissibilityWarningShare) * a.clock.totalMs);
      if (!a.warningsSent.includes('share')) {
        push(
          'admissibility-warning-share',
          shareAt,
          `Alerte certificateur (${Math.round(policy.admissibilityWarningShare * 100)} % du délai de recevabilité)`,
        );
      }
      const beforeAt = subtractDuration(due, policy.admissibilityWarningBefore);
      if (!a.warningsSent.includes('before') && beforeAt > shareAt) {
        push(
          'admissibility-warning-before',
          beforeAt,
          `Alerte certificateur : échéance dans ${formatDurationFr(policy.admissibilityWarningBefore)}`,
        );
      }
      push('admissibility-deadline', due, `Délai de recevabilité : ${label}, échéance ${day(due)}`);
    }
  }

  const inc = state.incomplete;
  if (inc && state.phase === 'admissibility_incomplete') {
    if (!inc.reminderSent) {
      push(
        'incomplete-reminder',
        subtractDuration(new Date(inc.dueAt), policy.incompleteFileReminderBefore),
        'Relance : dossier incomplet',
      );
    }
    push(
      'incomplete-lapse',
      inc.dueAt,
      `Délai de complétude : ${formatDurationFr(policy.incompleteFileCompletionDelay)}, échéance ${day(inc.dueAt)}`,
    );
  }

  const c = state.coaching;
  if (c && !c.startedAt && (state.phase === 'admissible' || state.phase === 'coaching')) {
    push('coaching-start-deadline', c.startDueAt, `Début d’accompagnement avant le ${day(c.startDueAt)}`);
  }
  if (c && state.phase === 'coaching') {
    const cadence = inactivityCadence(state, policy);
    const nextAt = addDuration(new Date(c.lastActivityAt), {
      months: (cadence.months ?? 0) * (c.unansweredReminders + 1),
      days: (cadence.days ?? 0) * (c.unansweredReminders + 1),
      workingDays: (cadence.workingDays ?? 0) * (c.unansweredReminders + 1),
      hours: (cadence.hours ?? 0) * (c.unansweredReminders + 1),
      seconds: (cadence.seconds ?? 0) * (c.unansweredReminders + 1),
    });
    if (c.unansweredReminders < policy.remindersBeforeAbandonment) {
      push(
        'inactivity-reminder',
        nextAt,
        `Relance n°${c.unansweredReminders + 1} du candidat (inactivité ${formatDurationFr(cadence)})`,
      );
    } else {
      push(
        'abandonment-proposal',
        nextAt,
        `Proposition d’abandon après ${policy.remindersBeforeAbandonment} relances sans réponse`,
      );
    }
  }

  if (state.abandonment && state.phase === 'abandonment_proposed') {
    push(
      'abandonment-contest-deadline',
      state.abandonment.contestDueAt,
      `Délai de contestation de l’abandon : ${formatDurationFr(policy.abandonmentContestDelay)}`,
    );
  }

  const j = state.jury;
  if (j && state.phase === 'validation_file_submitted') {
    if (!j.escalated) {
      push(
        'jury-escalation',
        subtractDuration(new Date(j.deadlineAt), policy.juryEscalationBefore),
        'Alerte certificateur : jury non programmé',
      );
    }
    if (!j.deadlineMissed)
      push('jury-deadline', j.deadlineAt, `Jury avant le ${day(j.deadlineAt)} (fin du 3e mois)`);
  }
  if (j?.session && state.phase === 'jury_scheduled') {
    if (!j.session.reminderSent) {
      push(
        'jury-reminder',
        subtractDuration(new Date(j.session.at), policy.juryReminderBefore),
        `Rappel au candidat : jury dans ${formatDurationFr(policy.juryReminderBefore)}`,
      );
    }
    push('jury-held', j.session.at, `Session de jury le ${day(j.session.at)}`);
  }
  if (j?.session && state.phase === 'jury_held' && !j.session.resultReminderSent) {
    push(
      'result-reminder',
      addDuration(new Date(j.session.at), policy.resultReminderAfter),
      `Relance certificateur : résultat non saisi ${formatDurationFr(policy.resultReminderAfter)} après la session`,
    );
  }

  if (state.transfer) {
    push(
      'transfer-timeout',
      state.transfer.dueAt,
      `Acceptation du transfert avant le ${day(state.transfer.dueAt)}`,
    );
  }
  return out.sort((x, y) => x.dueAt.localeCompare(y.dueAt));
}
