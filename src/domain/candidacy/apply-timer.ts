import { addDuration } from '../duration.js';
import type { Policy } from '../policy.js';
import type { EmailIntent, Transition } from './effects.js';
import { cloneState, type CandidacyState } from './state.js';
import type { Timer } from './timers.js';

/** Applies a clock that ran out: the new state and the transition to journal and notify. */
export function applyTimer(
  current: CandidacyState,
  timer: Timer,
  policy: Policy,
  now: Date,
): { state: CandidacyState; transition: Transition } {
  const s = cloneState(current);
  const iso = now.toISOString();
  const emails: EmailIntent[] = [];
  const t = (
    type: string,
    payload: Record<string, unknown>,
    summary: string,
    reminder = false,
  ): Transition => ({
    type,
    payload: { ...payload, timer: timer.kind, dueAt: timer.dueAt },
    emails,
    summary,
    ...(reminder ? { reminder } : {}),
  });

  switch (timer.kind) {
    case 'admissibility-warning-share':
    case 'admissibility-warning-before': {
      const a = s.admissibility!;
      a.warningsSent.push(timer.kind === 'admissibility-warning-share' ? 'share' : 'before');
      const dueAt = new Date(Date.parse(a.clock.runningSince!) + a.clock.remainingMs).toISOString();
      emails.push({
        template: 'certifier.admissibility_warning',
        to: 'certifier',
        data: { dueAt, silenceRule: s.silenceRule },
      });
      return {
        state: s,
        transition: t('admissibility_warning_sent', { deadline: dueAt }, 'Alerte au certificateur', true),
      };
    }
    case 'admissibility-deadline': {
      // Silence of the certifier: the certification's rule decides (L. 6412-2).
      const admissible = s.silenceRule === 'admissible';
      const a = s.admissibility!;
      a.decidedAt = iso;
      a.clock = { ...a.clock, remainingMs: 0, runningSince: null };
      if (admissible) enterAdmissible(s, policy, now);
      else {
        s.phase = 'not_admissible';
      }
      emails.push(
        {
          template: 'candidate.admissibility_decision',
          to: 'candidate',
          data: { admissible, implicit: true, reasons: [] },
        },
        {
          template: 'advisor.admissibility_decision',
          to: 'advisor',
          data: { admissible, implicit: true, reasons: [] },
        },
        { template: 'certifier.implicit_decision', to: 'certifier', data: { admissible } },
      );
      return {
        state: s,
        transition: t(
          'admissibility_decided',
          { admissible, implicit: true },
          'Décision implicite de recevabilité',
        ),
      };
    }
    case 'incomplete-reminder': {
      const inc = s.incomplete!;
      inc.reminderSent = true;
      const data = { dueAt: inc.dueAt, missingItems: inc.missingItems };
      emails.push(
        { template: 'candidate.file_incomplete_reminder', to: 'candidate', data },
        { template: 'advisor.file_incomplete_reminder', to: 'advisor', data },
      );
      return {
        state: s,
        transition: t('incomplete_file_reminder_sent', {}, 'Relance : dossier incomplet', true),
      };
    }
    case 'incomplete-lapse': {
      s.phase = 'admissibility_lapsed';
      emails.push(
        { template: 'candidate.request_lapsed', to: 'candidate', data: {} },
        { template: 'advisor.request_lapsed', to: 'advisor', data: {} },
      );
      return {
        state: s,
        transition: t('admissibility_request_lapsed', {}, 'Demande de recevabilité caduque'),
      };
    }
    case 'coaching-start-deadline': {
      proposeAbandonment(s, policy, now, 'coaching_not_started', emails);
      return {
        state: s,
        transition: t(
          'abandonment_proposed',
          { reason: 'coaching_not_started' },
          'Abandon proposé : accompagnement non commencé',
        ),
      };
    }
    case 'inactivity-reminder': {
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
        state: s,
        transition: t(
          'inactivity_reminder_sent',
          { reminderNumber: c.unansweredReminders },
          `Relance n°${c.unansweredReminders} du candidat`,
          true,
        ),
      };
    }
    case 'abandonment-proposal': {
      proposeAbandonment(s, policy, now, 'inactivity', emails);
      return {
        state: s,
        transition: t(
          'abandonment_proposed',
          { reason: 'inactivity' },
          'Abandon proposé après relances sans réponse',
        ),
      };
    }
    case 'abandonment-contest-deadline': {
      s.phase = 'abandoned';
      emails.push(
        { template: 'candidate.abandoned', to: 'candidate', data: {} },
        {
          template: s.coachOperatorId ? 'coach.abandoned' : 'advisor.abandoned',
          to: s.coachOperatorId ? 'coach' : 'advisor',
          data: {},
        },
      );
      return {
        state: s,
        transition: t(
          'abandoned',
          { reason: s.abandonment?.reason ?? 'inactivity' },
          'Candidature abandonnée',
        ),
      };
    }
    case 'jury-escalation': {
      s.jury!.escalated = true;
      emails.push({
        template: 'certifier.jury_escalation',
        to: 'certifier',
        data: { juryDeadlineAt: s.jury!.deadlineAt },
      });
      return { state: s, transition: t('jury_escalated', {}, 'Alerte : jury non programmé', true) };
    }
    case 'jury-deadline': {
      s.jury!.deadlineMissed = true;
      emails.push({
        template: 'certifier.jury_deadline_missed',
        to: 'certifier',
        data: { juryDeadlineAt: s.jury!.deadlineAt },
      });
      // The project lead hears of it too (skipped when the project names no lead).
      emails.push({
        template: 'lead.jury_deadline_missed',
        to: 'lead',
        data: { juryDeadlineAt: s.jury!.deadlineAt },
      });
      return { state: s, transition: t('jury_deadline_missed', {}, 'Délai de jury dépassé') };
    }
    case 'jury-reminder': {
      const session = s.jury!.session!;
      session.reminderSent = true;
      emails.push({
        template: 'candidate.jury_reminder',
        to: 'candidate',
        data: { sessionAt: session.at, modality: session.modality, place: session.place },
      });
      return {
        state: s,
        transition: t('jury_reminder_sent', {}, 'Rappel de la session de jury au candidat', true),
      };
    }
    case 'jury-held': {
      s.phase = 'jury_held';
      return {
        state: s,
        transition: t('jury_held', { sessionAt: s.jury!.session!.at }, 'Session de jury tenue'),
      };
    }
    case 'result-reminder': {
      const session = s.jury!.session!;
      session.resultReminderSent = true;
      const resultDueAt = addDuration(new Date(session.at), policy.resultNotificationDeadline).toISOString();
      emails.push({
        template: 'certifier.result_reminder',
        to: 'certifier',
        data: { sessionAt: session.at, resultDueAt },
      });
      return {
        state: s,
        transition: t('result_reminder_sent', {}, 'Relance certificateur : résultat du jury', true),
      };
    }
    case 'transfer-timeout': {
      const tr = s.transfer!;
      s.transfer = null;
      // The candidacy stays where it was; the project lead arbitrates.
      emails.push({
        template: 'lead.transfer_escalated',
        to: 'lead',
        data: {
          fromOperatorId: tr.fromOperatorId,
          toOperatorId: tr.toOperatorId,
          role: tr.role,
          dueAt: tr.dueAt,
        },
      });
      // Both sides hear of it too.
      for (const operatorId of [tr.fromOperatorId, tr.toOperatorId]) {
        emails.push({
          template: 'operator.transfer_expired',
          to: { operatorId },
          data: {
            fromOperatorId: tr.fromOperatorId,
            toOperatorId: tr.toOperatorId,
            role: tr.role,
            dueAt: tr.dueAt,
          },
        });
      }
      const transition = t(
        'transfer_escalated',
        { fromOperatorId: tr.fromOperatorId, toOperatorId: tr.toOperatorId, role: tr.role },
        'Transfert non accepté : escalade au porteur de projet',
      );
      transition.handoff = {
        kind: 'transfer',
        role: tr.role,
        fromOperatorId: tr.fromOperatorId,
        toOperatorId: tr.toOperatorId,
        reason: tr.reason,
        status: 'escalated',
      };
      return { state: s, transition };
    }
  }
}

export function enterAdmissible(s: CandidacyState, policy: Policy, now: Date): void {
  s.phase = 'admissible';
  // Back to the advice operator, who hands over to a coaching operator.
  s.responsibleOperatorId = s.adviceOperatorId;
  s.responsibleRole = 'advice';
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

function proposeAbandonment(
  s: CandidacyState,
  policy: Policy,
  now: Date,
  reason: 'inactivity' | 'coaching_not_started',
  emails: EmailIntent[],
): void {
  s.phase = 'abandonment_proposed';
  const contestDueAt = addDuration(now, policy.abandonmentContestDelay).toISOString();
  s.abandonment = { proposedAt: now.toISOString(), contestDueAt, reason };
  emails.push({
    template: 'candidate.abandonment_proposed',
    to: 'candidate',
    data: { contestDueAt, reason },
  });
  emails.push(
    s.coachOperatorId
      ? { template: 'coach.abandonment_proposed', to: 'coach', data: { contestDueAt, reason } }
      : { template: 'advisor.abandonment_proposed', to: 'advisor', data: { contestDueAt, reason } },
  );
}
