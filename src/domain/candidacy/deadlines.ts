import { addDuration } from '../duration.js';
import type { Policy } from '../policy.js';
import { clockDueAt, projectedDueAt } from './clock.js';
import type { CandidacyState } from './state.js';

export interface DeadlineView {
  name: string;
  dueAt: string;
  label: string;
  /** A suspended clock: dueAt is where it would end if it resumed now. */
  suspended?: boolean;
}

/** The running deadlines of a candidacy (legal and product), for the API and the Temporal UI. */
export function activeDeadlines(state: CandidacyState, policy: Policy, now: Date): DeadlineView[] {
  const out: DeadlineView[] = [];
  const a = state.admissibility;
  if (
    a &&
    !a.decidedAt &&
    (state.phase === 'admissibility_requested' || state.phase === 'admissibility_incomplete')
  ) {
    const due = clockDueAt(a.clock);
    out.push({
      name: 'admissibility-decision',
      dueAt: (due ?? projectedDueAt(a.clock, now)).toISOString(),
      label: due ? 'Décision de recevabilité' : 'Décision de recevabilité (délai suspendu)',
      ...(due ? {} : { suspended: true }),
    });
  }
  if (state.incomplete && state.phase === 'admissibility_incomplete') {
    out.push({ name: 'incomplete-file', dueAt: state.incomplete.dueAt, label: 'Complétude du dossier' });
  }
  const c = state.coaching;
  if (c && !c.startedAt && (state.phase === 'admissible' || state.phase === 'coaching')) {
    out.push({ name: 'coaching-start', dueAt: c.startDueAt, label: 'Début de l’accompagnement' });
  }
  if (state.abandonment && state.phase === 'abandonment_proposed') {
    out.push({
      name: 'abandonment-contest',
      dueAt: state.abandonment.contestDueAt,
      label: 'Contestation de l’abandon',
    });
  }
  const j = state.jury;
  if (j && state.phase === 'validation_file_submitted') {
    out.push({ name: 'jury-deadline', dueAt: j.deadlineAt, label: 'Passage devant le jury (3e mois)' });
  }
  if (j?.session && state.phase === 'jury_scheduled') {
    out.push({ name: 'jury-session', dueAt: j.session.at, label: 'Session de jury' });
  }
  if (j?.session && state.phase === 'jury_held') {
    const due = addDuration(new Date(j.session.at), policy.resultNotificationDeadline);
    out.push({
      name: 'result-notification',
      dueAt: due.toISOString(),
      label: 'Notification du résultat (15 jours)',
    });
  }
  if (state.transfer) {
    out.push({ name: 'transfer-acceptance', dueAt: state.transfer.dueAt, label: 'Acceptation du transfert' });
  }
  return out.sort((x, y) => x.dueAt.localeCompare(y.dueAt));
}
