import { addDuration, formatDurationFr, subtractDuration } from '../duration.js';
import { formatDayTimeFr, parisDay } from '../paris-time.js';
import type { Area } from './rules.js';
import { refuse } from './rules.js';
import type { JuryCancellationReason } from '../reason-codes.js';
import type { CandidacyState, JuryModality } from './state.js';

/** Jury: the session and its convocation, the 3-month deadline, reminders around the session. */
export interface JuryPayloads {
  /** `sessionId` is set by a jury-session workflow (the planner's sessions), never by the API. */
  'schedule-jury': { sessionAt: string; modality: JuryModality; place: string; sessionId?: string };
  'cancel-jury': { reason: JuryCancellationReason; sessionId?: string };
}

/** A convocation made by a jury session is changed by that session only. */
function managedBySession(s: CandidacyState, sessionId: string | undefined) {
  const managing = s.jury?.session?.sessionId;
  if (s.phase !== 'jury_scheduled' || !managing || managing === sessionId) return null;
  return refuse(
    'jury_session_managed',
    `Cette convocation a été faite par la session de jury ${managing} : modifiez ou annulez la session elle-même.`,
    { sessionId: managing },
  );
}

export type JuryClock =
  'jury-escalation' | 'jury-deadline' | 'jury-reminder' | 'jury-held' | 'result-reminder';

export const jury: Area<JuryPayloads, JuryClock> = {
  actions: {
    'schedule-jury': {
      validate(s, p, { policy, now }) {
        const managed = managedBySession(s, p.sessionId);
        if (managed) return managed;
        const earliest = addDuration(now, policy.convocationLeadTime);
        if (Date.parse(p.sessionAt) < earliest.getTime()) {
          return refuse(
            'convocation_lead_time',
            `La session doit être fixée au moins ${formatDurationFr(policy.convocationLeadTime)} après la convocation (au plus tôt le ${formatDayTimeFr(earliest)}).`,
            { earliestAt: earliest.toISOString() },
          );
        }
        return null;
      },
      apply(s, p, { policy, now }, emails) {
        const j = s.jury!;
        const rescheduled = j.session !== null;
        const reminderAt =
          new Date(Date.parse(p.sessionAt)).getTime() -
          (addDuration(now, policy.juryReminderBefore).getTime() - now.getTime());
        j.session = {
          at: new Date(p.sessionAt).toISOString(),
          modality: p.modality,
          place: p.place,
          scheduledAt: now.toISOString(),
          ...(p.sessionId ? { sessionId: p.sessionId } : {}),
          // A session closer than the reminder lead time: the convocation is the reminder.
          reminderSent: reminderAt <= now.getTime(),
          resultReminderSent: false,
        };
        s.phase = 'jury_scheduled';
        emails.push({
          template: 'candidate.jury_convocation',
          to: 'candidate',
          data: {
            sessionAt: j.session.at,
            modality: j.session.modality,
            place: j.session.place,
            rescheduled,
          },
        });
        return {
          type: rescheduled ? 'jury_rescheduled' : 'jury_scheduled',
          payload: {
            sessionAt: j.session.at,
            modality: j.session.modality,
            ...(p.sessionId ? { sessionId: p.sessionId } : {}),
          },
          summary: rescheduled
            ? 'Session de jury déplacée : nouvelle convocation'
            : 'Session de jury programmée : convocation envoyée',
        };
      },
    },
    'cancel-jury': {
      validate: (s, p) => managedBySession(s, p.sessionId),
      apply(s, p, _ctx, emails) {
        const j = s.jury!;
        const cancelled = j.session!;
        j.session = null;
        // Back to waiting: the 3-month deadline and any escalation already sent are unchanged.
        s.phase = 'validation_file_submitted';
        emails.push({
          template: 'candidate.jury_cancelled',
          to: 'candidate',
          data: { sessionAt: cancelled.at, reason: p.reason },
        });
        return {
          type: 'jury_cancelled',
          payload: {
            sessionAt: cancelled.at,
            reason: p.reason,
            ...(cancelled.sessionId ? { sessionId: cancelled.sessionId } : {}),
          },
          summary: 'Convocation au jury annulée : en attente d’une nouvelle session',
        };
      },
    },
  },
  clocks: {
    'jury-escalation': {
      dueAt: (s, policy) =>
        s.jury && s.phase === 'validation_file_submitted' && !s.jury.escalated
          ? subtractDuration(new Date(s.jury.deadlineAt), policy.juryEscalationBefore)
          : null,
      summary: () => 'Alerte certificateur : jury non programmé',
      apply(s, _policy, _at, emails) {
        s.jury!.escalated = true;
        emails.push({
          template: 'certifier.jury_escalation',
          to: 'certifier',
          data: { juryDeadlineAt: s.jury!.deadlineAt },
        });
        return {
          type: 'jury_escalated',
          payload: {},
          summary: 'Alerte : jury non programmé',
          reminder: true,
        };
      },
    },
    'jury-deadline': {
      deadline: 'jury-deadline',
      dueAt: (s) =>
        s.jury && s.phase === 'validation_file_submitted' && !s.jury.deadlineMissed
          ? new Date(s.jury.deadlineAt)
          : null,
      summary: (_s, _p, due) => `Jury avant le ${parisDay(due)} (fin du 3e mois)`,
      apply(s, _policy, _at, emails) {
        s.jury!.deadlineMissed = true;
        const data = { juryDeadlineAt: s.jury!.deadlineAt };
        emails.push(
          { template: 'certifier.jury_deadline_missed', to: 'certifier', data },
          // The project lead hears of it too (skipped when the project names no lead).
          { template: 'lead.jury_deadline_missed', to: 'lead', data },
        );
        return { type: 'jury_deadline_missed', payload: {}, summary: 'Délai de jury dépassé' };
      },
    },
    'jury-reminder': {
      dueAt: (s, policy) =>
        s.jury?.session && s.phase === 'jury_scheduled' && !s.jury.session.reminderSent
          ? subtractDuration(new Date(s.jury.session.at), policy.juryReminderBefore)
          : null,
      summary: (_s, policy) =>
        `Rappel au candidat : jury dans ${formatDurationFr(policy.juryReminderBefore)}`,
      apply(s, _policy, _at, emails) {
        const session = s.jury!.session!;
        session.reminderSent = true;
        emails.push({
          template: 'candidate.jury_reminder',
          to: 'candidate',
          data: { sessionAt: session.at, modality: session.modality, place: session.place },
        });
        return {
          type: 'jury_reminder_sent',
          payload: {},
          summary: 'Rappel de la session de jury au candidat',
          reminder: true,
        };
      },
    },
    'jury-held': {
      deadline: 'jury-session',
      dueAt: (s) => (s.jury?.session && s.phase === 'jury_scheduled' ? new Date(s.jury.session.at) : null),
      summary: (_s, _p, due) => `Session de jury le ${parisDay(due)}`,
      apply(s) {
        s.phase = 'jury_held';
        return {
          type: 'jury_held',
          payload: { sessionAt: s.jury!.session!.at },
          summary: 'Session de jury tenue',
        };
      },
    },
    'result-reminder': {
      dueAt: (s, policy) =>
        s.jury?.session && s.phase === 'jury_held' && !s.jury.session.resultReminderSent
          ? addDuration(new Date(s.jury.session.at), policy.resultReminderAfter)
          : null,
      summary: (_s, policy) =>
        `Relance certificateur : résultat non saisi ${formatDurationFr(policy.resultReminderAfter)} après la session`,
      apply(s, policy, _at, emails) {
        const session = s.jury!.session!;
        session.resultReminderSent = true;
        const resultDueAt = addDuration(
          new Date(session.at),
          policy.resultNotificationDeadline,
        ).toISOString();
        emails.push({
          template: 'certifier.result_reminder',
          to: 'certifier',
          data: { sessionAt: session.at, resultDueAt },
        });
        return {
          type: 'result_reminder_sent',
          payload: {},
          summary: 'Relance certificateur : résultat du jury',
          reminder: true,
        };
      },
    },
  },
  deadlines: [
    {
      // Still shown (overdue) once the missed deadline was reported.
      name: 'jury-deadline',
      dueAt: (s) =>
        s.jury && s.phase === 'validation_file_submitted' && s.jury.deadlineMissed
          ? new Date(s.jury.deadlineAt)
          : null,
    },
    {
      name: 'result-notification',
      dueAt: (s, policy) =>
        s.jury?.session && s.phase === 'jury_held'
          ? addDuration(new Date(s.jury.session.at), policy.resultNotificationDeadline)
          : null,
    },
  ],
};
