import { addDuration, formatDurationFr, subtractDuration } from '../duration.js';
import { formatDayTimeFr, parisDay } from '../paris-time.js';
import type { Area } from './rules.js';
import { refuse } from './rules.js';
import type { JuryModality } from './state.js';

/** Jury: the session and its convocation, the 3-month deadline, reminders around the session. */
export interface JuryPayloads {
  'schedule-jury': { sessionAt: string; modality: JuryModality; place: string };
}

export type JuryClock =
  'jury-escalation' | 'jury-deadline' | 'jury-reminder' | 'jury-held' | 'result-reminder';

export const jury: Area<JuryPayloads, JuryClock> = {
  actions: {
    'schedule-jury': {
      validate(_s, p, { policy, now }) {
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
          payload: { sessionAt: j.session.at, modality: j.session.modality },
          summary: rescheduled
            ? 'Session de jury déplacée : nouvelle convocation'
            : 'Session de jury programmée : convocation envoyée',
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
