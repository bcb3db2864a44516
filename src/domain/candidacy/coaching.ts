import { addDuration, formatDurationFr } from '../duration.js';
import { parisDay } from '../paris-time.js';
import type { Policy } from '../policy.js';
import { proposeAbandonment } from './overlays.js';
import type { Area } from './rules.js';
import { refuse, setResponsible } from './rules.js';
import type { CandidacyState } from './state.js';

/** Coaching (accompagnement): the coach, the sessions, inactivity reminders, the validation file. */
export interface CoachingPayloads {
  'assign-coach': { coachOperatorId: string };
  'log-coaching-session': { date: string; durationMinutes: number; modality: 'on_site' | 'remote' | 'phone' };
  resume: Record<string, never>;
  'submit-validation-file': Record<string, never>;
}

export type CoachingClock = 'coaching-start-deadline' | 'inactivity-reminder' | 'abandonment-proposal';

/** Admissible: back to the advice operator, who hands over to a coaching operator. */
export function enterAdmissible(s: CandidacyState, policy: Policy, now: Date): void {
  s.phase = 'admissible';
  setResponsible(s, s.adviceOperatorId, 'advice');
  s.coaching = {
    admissibleAt: now.toISOString(),
    startDueAt: addDuration(now, policy.coachingStartDeadline).toISOString(),
    assignedAt: null,
    startedAt: null,
    lastActivityAt: now.toISOString(),
    unansweredReminders: 0,
    sessions: 0,
    minutes: 0,
  };
}

function cadence(s: CandidacyState, policy: Policy) {
  return s.reinforced ? policy.inactivityReminderReinforced : policy.inactivityReminderStandard;
}

/** The next inactivity step: the n-th reminder, n × the cadence after the last activity. */
function nextInactivityAt(s: CandidacyState, policy: Policy): Date | null {
  const c = s.coaching;
  if (!c || s.phase !== 'coaching') return null;
  const d = cadence(s, policy);
  const n = c.unansweredReminders + 1;
  return addDuration(new Date(c.lastActivityAt), {
    months: (d.months ?? 0) * n,
    days: (d.days ?? 0) * n,
    workingDays: (d.workingDays ?? 0) * n,
    hours: (d.hours ?? 0) * n,
    seconds: (d.seconds ?? 0) * n,
  });
}

/** Activity of the candidate: the reminder count starts again. */
function markActivity(s: CandidacyState, now: Date): void {
  const c = s.coaching!;
  c.lastActivityAt = now.toISOString();
  c.unansweredReminders = 0;
}

export const coaching: Area<CoachingPayloads, CoachingClock> = {
  actions: {
    'assign-coach': {
      apply(s, p, { now }, emails) {
        const c = s.coaching!;
        s.phase = 'coaching';
        s.coachOperatorId = p.coachOperatorId;
        c.assignedAt = now.toISOString();
        markActivity(s, now);
        setResponsible(s, p.coachOperatorId, 'coaching');
        emails.push(
          {
            template: 'candidate.coach_assigned',
            to: 'candidate',
            data: { coachOperatorId: p.coachOperatorId, reinforced: s.reinforced, startDueAt: c.startDueAt },
          },
          {
            template: 'coach.coach_assigned',
            to: 'coach',
            data: { startDueAt: c.startDueAt, reinforced: s.reinforced },
          },
        );
        return {
          type: 'coach_assigned',
          payload: { coachOperatorId: p.coachOperatorId, reinforced: s.reinforced },
          summary: 'Accompagnateur désigné',
        };
      },
    },
    'log-coaching-session': {
      validate(_s, p, { now }) {
        const at = Date.parse(p.date);
        if (Number.isNaN(at) || at > now.getTime() + 60_000) {
          return refuse(
            'session_in_future',
            'Une séance d’accompagnement ne peut être saisie qu’une fois tenue.',
          );
        }
        return null;
      },
      apply(s, p, { now }) {
        const c = s.coaching!;
        c.startedAt ??= p.date;
        markActivity(s, now);
        c.sessions += 1;
        c.minutes += p.durationMinutes;
        return {
          type: 'coaching_session_logged',
          payload: { ...p, sessionNumber: c.sessions },
          summary: 'Séance d’accompagnement saisie',
        };
      },
    },
    resume: {
      apply(s, _p, { now }) {
        markActivity(s, now);
        return { type: 'resumed', payload: {}, summary: 'Reprise d’activité du candidat' };
      },
    },
    'submit-validation-file': {
      validate: (s) =>
        s.coaching?.startedAt
          ? null
          : refuse(
              'coaching_not_started',
              'Aucune séance d’accompagnement n’a été saisie avant le dépôt du dossier de validation.',
            ),
      apply(s, _p, { policy, now }, emails) {
        s.phase = 'validation_file_submitted';
        const deadlineAt = addDuration(now, policy.juryDeadlineAfterValidationFile).toISOString();
        s.jury = {
          validationFileAt: now.toISOString(),
          deadlineAt,
          escalated: false,
          deadlineMissed: false,
          session: null,
        };
        setResponsible(s, s.certifierOperatorId, 'certifier');
        emails.push(
          {
            template: 'candidate.validation_file_received',
            to: 'candidate',
            data: { juryDeadlineAt: deadlineAt },
          },
          {
            template: 'certifier.validation_file_submitted',
            to: 'certifier',
            data: { juryDeadlineAt: deadlineAt },
          },
        );
        return {
          type: 'validation_file_submitted',
          payload: { juryDeadlineAt: deadlineAt },
          summary: 'Dossier de validation déposé',
        };
      },
    },
  },
  clocks: {
    'coaching-start-deadline': {
      deadline: 'coaching-start',
      dueAt: (s) =>
        s.coaching && !s.coaching.startedAt && (s.phase === 'admissible' || s.phase === 'coaching')
          ? new Date(s.coaching.startDueAt)
          : null,
      summary: (_s, _p, due) => `Début d’accompagnement avant le ${parisDay(due)}`,
      apply(s, policy, at, emails) {
        proposeAbandonment(s, policy, at, 'coaching_not_started', emails);
        return {
          type: 'abandonment_proposed',
          payload: { reason: 'coaching_not_started' },
          summary: 'Abandon proposé : accompagnement non commencé',
        };
      },
    },
    'inactivity-reminder': {
      dueAt: (s, policy) =>
        s.coaching && s.coaching.unansweredReminders < policy.remindersBeforeAbandonment
          ? nextInactivityAt(s, policy)
          : null,
      summary: (s, policy) =>
        `Relance n°${s.coaching!.unansweredReminders + 1} du candidat (inactivité ${formatDurationFr(cadence(s, policy))})`,
      apply(s, policy, _at, emails) {
        const c = s.coaching!;
        c.unansweredReminders += 1;
        const data = {
          reminderNumber: c.unansweredReminders,
          remindersBeforeAbandonment: policy.remindersBeforeAbandonment,
        };
        emails.push(
          { template: 'candidate.inactivity_reminder', to: 'candidate', data },
          { template: 'coach.inactivity_reminder', to: 'coach', data },
        );
        return {
          type: 'inactivity_reminder_sent',
          payload: { reminderNumber: c.unansweredReminders },
          summary: `Relance n°${c.unansweredReminders} du candidat`,
          reminder: true,
        };
      },
    },
    'abandonment-proposal': {
      dueAt: (s, policy) =>
        s.coaching && s.coaching.unansweredReminders >= policy.remindersBeforeAbandonment
          ? nextInactivityAt(s, policy)
          : null,
      summary: (_s, policy) =>
        `Proposition d’abandon après ${policy.remindersBeforeAbandonment} relances sans réponse`,
      apply(s, policy, at, emails) {
        proposeAbandonment(s, policy, at, 'inactivity', emails);
        return {
          type: 'abandonment_proposed',
          payload: { reason: 'inactivity' },
          summary: 'Abandon proposé après relances sans réponse',
        };
      },
    },
  },
};
