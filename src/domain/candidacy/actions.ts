import { addDuration, formatDurationFr } from '../duration.js';
import { allowedActions, isTerminal, PHASE_LABELS_FR, type Action } from '../phases.js';
import type { Policy } from '../policy.js';
import type { OperatorRole } from '../roles.js';
import { clockDueAt, pauseClock, resumeClock, startClock } from './clock.js';
import type { ActionRefusal, EmailIntent, Handoff, Transition } from './effects.js';
import { enterAdmissible } from './apply-timer.js';
import { cloneState, type CandidacyState, type JuryModality, type JuryOutcome } from './state.js';

/** The arguments of each action (IDs, codes, dates: no personal data). */
export interface ActionPayloads {
  'record-information': {
    rncpCode: string;
    targetBlocks: string[];
    wholeCertification: boolean;
    certifierOperatorId: string;
    silenceRule: 'admissible' | 'rejected';
    reinforced: boolean;
  };
  'submit-admissibility': Record<string, never>;
  'mark-incomplete': { missingItems: string[] };
  'complete-file': Record<string, never>;
  'decide-admissibility': { admissible: boolean; reasons: string[] };
  'assign-coach': { coachOperatorId: string };
  'log-coaching-session': { date: string; durationMinutes: number; modality: 'on_site' | 'remote' | 'phone' };
  'submit-validation-file': Record<string, never>;
  'schedule-jury': { sessionAt: string; modality: JuryModality; place: string };
  'record-jury-result': { outcome: JuryOutcome; blocks: { code: string; validated: boolean }[] };
  withdraw: { reason: string };
  'request-transfer': { toOperatorId: string; reason: string };
  'accept-transfer': Record<string, never>;
  resume: Record<string, never>;
  'contest-abandonment': Record<string, never>;
  archive: Record<string, never>;
}

export interface ActorRef {
  userId: string;
  operatorId: string;
}

export type ActionRequest = {
  [A in Action]: { action: A; payload: ActionPayloads[A]; actor: ActorRef };
}[Action];

const refuse = (code: string, message: string): ActionRefusal => ({ code, message });

/**
 * Checks an action against the state (the Update validator): phase first, then the rule of
 * the action. Returns null when allowed. Pure, so the API can explain a refusal.
 */
export function validateAction(
  state: CandidacyState,
  req: ActionRequest,
  policy: Policy,
  now: Date,
): ActionRefusal | null {
  if (isTerminal(state.phase)) {
    return refuse('candidacy_closed', 'Cette candidature est close : aucune action n’est plus possible.');
  }
  const allowed = allowedActions(state.phase, { transferPending: state.transfer !== null });
  if (!allowed.includes(req.action)) {
    return refuse(
      'action_not_allowed',
      `L’action « ${req.action} » n’est pas possible en phase « ${PHASE_LABELS_FR[state.phase]} ».`,
    );
  }
  switch (req.action) {
    case 'record-information':
      if (req.payload.targetBlocks.length === 0)
        return refuse('no_blocks', 'Au moins un bloc de compétences doit être visé.');
      return null;
    case 'mark-incomplete':
      if (req.payload.missingItems.length === 0)
        return refuse('no_missing_items', 'Indiquez au moins une pièce manquante.');
      return null;
    case 'decide-admissibility':
      if (!req.payload.admissible && req.payload.reasons.length === 0) {
        return refuse('reasons_required', 'Une décision de non-recevabilité doit être motivée.');
      }
      return null;
    case 'log-coaching-session': {
      const at = Date.parse(req.payload.date);
      if (Number.isNaN(at) || at > now.getTime() + 60_000) {
        return refuse(
          'session_in_future',
          'Une séance d’accompagnement ne peut être saisie qu’une fois tenue.',
        );
      }
      return null;
    }
    case 'submit-validation-file':
      if (!state.coaching?.startedAt) {
        return refuse(
          'coaching_not_started',
          'Aucune séance d’accompagnement n’a été saisie avant le dépôt du dossier de validation.',
        );
      }
      return null;
    case 'schedule-jury': {
      const earliest = addDuration(now, policy.convocationLeadTime);
      if (Date.parse(req.payload.sessionAt) < earliest.getTime()) {
        return refuse(
          'convocation_lead_time',
          `La session doit être fixée au moins ${formatDurationFr(policy.convocationLeadTime)} après la convocation (au plus tôt le ${earliest.toISOString().slice(0, 10)}).`,
        );
      }
      return null;
    }
    case 'record-jury-result':
      return validateJuryResult(state, req.payload, now);
    case 'request-transfer':
      if (req.payload.toOperatorId === state.responsibleOperatorId) {
        return refuse('same_operator', 'La candidature est déjà suivie par cet opérateur.');
      }
      return null;
    case 'accept-transfer':
      if (state.transfer && req.actor.operatorId !== state.transfer.toOperatorId) {
        return refuse('not_transfer_recipient', 'Seul l’opérateur destinataire peut accepter ce transfert.');
      }
      return null;
    default:
      return null;
  }
}

function validateJuryResult(
  state: CandidacyState,
  p: ActionPayloads['record-jury-result'],
  now: Date,
): ActionRefusal | null {
  const session = state.jury?.session;
  if (state.phase === 'jury_scheduled' && session && Date.parse(session.at) > now.getTime()) {
    return refuse('jury_not_held', 'Le résultat ne peut être saisi qu’après la session de jury.');
  }
  const targeted = new Set(state.blocks.filter((b) => b.status === 'targeted').map((b) => b.code));
  const given = new Set(p.blocks.map((b) => b.code));
  const validated = p.blocks.filter((b) => b.validated).length;
  if (p.outcome === 'absent' || p.outcome === 'excused') {
    return validated > 0
      ? refuse('inconsistent_result', 'Un candidat absent ou excusé ne peut valider de bloc.')
      : null;
  }
  if (given.size !== targeted.size || [...given].some((c) => !targeted.has(c))) {
    return refuse(
      'blocks_mismatch',
      `Le résultat doit porter sur chacun des blocs visés : ${[...targeted].join(', ')}.`,
    );
  }
  const expected: Record<string, boolean> = {
    full: validated === targeted.size,
    partial: validated > 0 && validated < targeted.size,
    refused: validated === 0,
  };
  if (!expected[p.outcome]) {
    return refuse(
      'inconsistent_result',
      `Le résultat « ${p.outcome} » ne correspond pas aux blocs validés (${validated}/${targeted.size}).`,
    );
  }
  return null;
}

/** Applies an allowed action: the new state and the transition to journal and notify. */
export function applyAction(
  current: CandidacyState,
  req: ActionRequest,
  policy: Policy,
  now: Date,
): { state: CandidacyState; transition: Transition } {
  const s = cloneState(current);
  const iso = now.toISOString();
  const emails: EmailIntent[] = [];
  const done = (type: string, payload: Record<string, unknown>, summary: string) => ({
    state: s,
    transition: { type, payload, emails, summary },
  });

  switch (req.action) {
    case 'record-information': {
      const p = req.payload;
      s.phase = 'informed';
      s.rncpCode = p.rncpCode;
      s.targetBlocks = [...p.targetBlocks].sort();
      s.blocks = s.targetBlocks.map((code) => ({ code, status: 'targeted' }));
      s.wholeCertification = p.wholeCertification;
      s.certifierOperatorId = p.certifierOperatorId;
      s.silenceRule = p.silenceRule;
      s.reinforced = p.reinforced;
      emails.push({ template: 'candidate.informed', to: 'candidate', data: { reinforced: p.reinforced } });
      return done(
        'informed',
        {
          rncpCode: p.rncpCode,
          targetBlocks: s.targetBlocks,
          wholeCertification: p.wholeCertification,
          reinforced: p.reinforced,
        },
        'Information et conseil enregistrés',
      );
    }
    case 'submit-admissibility': {
      const totalMs = addDuration(now, policy.admissibilityDecisionDeadline).getTime() - now.getTime();
      s.phase = 'admissibility_requested';
      s.admissibility = {
        submittedAt: iso,
        clock: startClock(totalMs, now),
        warningsSent: [],
        decidedAt: null,
      };
      setResponsible(s, s.certifierOperatorId, 'certifier');
      const dueAt = clockDueAt(s.admissibility.clock)!.toISOString();
      emails.push(
        {
          template: 'candidate.admissibility_requested',
          to: 'candidate',
          data: { dueAt, silenceRule: s.silenceRule },
        },
        {
          template: 'certifier.admissibility_requested',
          to: 'certifier',
          data: { dueAt, silenceRule: s.silenceRule },
        },
      );
      return done(
        'admissibility_requested',
        { dueAt, wholeCertification: s.wholeCertification },
        'Demande de recevabilité envoyée',
      );
    }
    case 'mark-incomplete': {
      const a = s.admissibility!;
      a.clock = pauseClock(a.clock, now);
      const dueAt = addDuration(now, policy.incompleteFileCompletionDelay).toISOString();
      s.phase = 'admissibility_incomplete';
      s.incomplete = { since: iso, dueAt, missingItems: [...req.payload.missingItems], reminderSent: false };
      const data = { dueAt, missingItems: req.payload.missingItems };
      emails.push(
        { template: 'candidate.file_incomplete', to: 'candidate', data },
        { template: 'advisor.file_incomplete', to: 'advisor', data },
      );
      return done(
        'admissibility_incomplete',
        {
          missingItems: req.payload.missingItems,
          completionDueAt: dueAt,
          clockRemainingMs: a.clock.remainingMs,
        },
        'Dossier déclaré incomplet : délai suspendu',
      );
    }
    case 'complete-file': {
      const a = s.admissibility!;
      a.clock = resumeClock(a.clock, now);
      s.phase = 'admissibility_requested';
      s.incomplete = null;
      const dueAt = clockDueAt(a.clock)!.toISOString();
      emails.push({ template: 'certifier.file_completed', to: 'certifier', data: { dueAt } });
      return done('admissibility_file_completed', { dueAt }, 'Dossier complété : délai repris');
    }
    case 'decide-admissibility': {
      const { admissible, reasons } = req.payload;
      s.admissibility!.decidedAt = iso;
      if (admissible) {
        enterAdmissible(s, policy, now);
      } else s.phase = 'not_admissible';
      const data = { admissible, implicit: false, reasons };
      emails.push(
        { template: 'candidate.admissibility_decision', to: 'candidate', data },
        { template: 'advisor.admissibility_decision', to: 'advisor', data },
      );
      return done(
        'admissibility_decided',
        { admissible, implicit: false, reasons },
        'Décision de recevabilité',
      );
    }
    case 'assign-coach': {
      const c = s.coaching!;
      s.phase = 'coaching';
      s.coachOperatorId = req.payload.coachOperatorId;
      c.assignedAt = iso;
      c.lastActivityAt = iso;
      c.unansweredReminders = 0;
      setResponsible(s, req.payload.coachOperatorId, 'coaching');
      const data = {
        coachOperatorId: req.payload.coachOperatorId,
        reinforced: s.reinforced,
        startDueAt: c.startDueAt,
      };
      emails.push(
        { template: 'candidate.coach_assigned', to: 'candidate', data },
        {
          template: 'coach.coach_assigned',
          to: 'coach',
          data: { startDueAt: c.startDueAt, reinforced: s.reinforced },
        },
      );
      return done(
        'coach_assigned',
        { coachOperatorId: req.payload.coachOperatorId, reinforced: s.reinforced },
        'Accompagnateur désigné',
      );
    }
    case 'log-coaching-session': {
      const c = s.coaching!;
      c.startedAt ??= req.payload.date;
      c.lastActivityAt = iso;
      c.unansweredReminders = 0;
      c.sessions += 1;
      c.minutes += req.payload.durationMinutes;
      return done(
        'coaching_session_logged',
        { ...req.payload, sessionNumber: c.sessions },
        'Séance d’accompagnement saisie',
      );
    }
    case 'resume': {
      const c = s.coaching!;
      c.lastActivityAt = iso;
      c.unansweredReminders = 0;
      return done('resumed', {}, 'Reprise d’activité du candidat');
    }
    case 'contest-abandonment': {
      s.phase = 'coaching';
      s.abandonment = null;
      const c = s.coaching!;
      c.lastActivityAt = iso;
      c.unansweredReminders = 0;
      // A contested "not started" abandonment gets a new start window.
      if (!c.startedAt) c.startDueAt = addDuration(now, policy.coachingStartDeadline).toISOString();
      emails.push({ template: 'candidate.abandonment_contested', to: 'candidate', data: {} });
      if (s.coachOperatorId) emails.push({ template: 'coach.abandonment_contested', to: 'coach', data: {} });
      return done('abandonment_contested', {}, 'Abandon contesté : parcours repris');
    }
    case 'submit-validation-file': {
      s.phase = 'validation_file_submitted';
      const deadlineAt = addDuration(now, policy.juryDeadlineAfterValidationFile).toISOString();
      s.jury = { validationFileAt: iso, deadlineAt, escalated: false, deadlineMissed: false, session: null };
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
      return done(
        'validation_file_submitted',
        { juryDeadlineAt: deadlineAt },
        'Dossier de validation déposé',
      );
    }
    case 'schedule-jury': {
      const j = s.jury!;
      const rescheduled = j.session !== null;
      const reminderAt =
        new Date(Date.parse(req.payload.sessionAt)).getTime() -
        (addDuration(now, policy.juryReminderBefore).getTime() - now.getTime());
      j.session = {
        at: new Date(req.payload.sessionAt).toISOString(),
        modality: req.payload.modality,
        place: req.payload.place,
        scheduledAt: iso,
        // A session closer than the reminder lead time: the convocation is the reminder.
        reminderSent: reminderAt <= now.getTime(),
        resultReminderSent: false,
      };
      s.phase = 'jury_scheduled';
      emails.push({
        template: 'candidate.jury_convocation',
        to: 'candidate',
        data: { sessionAt: j.session.at, modality: j.session.modality, place: j.session.place, rescheduled },
      });
      return done(
        rescheduled ? 'jury_rescheduled' : 'jury_scheduled',
        { sessionAt: j.session.at, modality: j.session.modality },
        rescheduled
          ? 'Session de jury déplacée : nouvelle convocation'
          : 'Session de jury programmée : convocation envoyée',
      );
    }
    case 'record-jury-result': {
      const { outcome, blocks } = req.payload;
      if (outcome === 'excused') {
        // Excused: a new session must be scheduled, the candidacy goes back to the certifier.
        s.phase = 'validation_file_submitted';
        s.jury!.session = null;
        emails.push({
          template: 'candidate.result',
          to: 'candidate',
          data: { outcome, validatedBlocks: [], remainingBlocks: s.targetBlocks },
        });
        return done('jury_result_recorded', { outcome, blocks: [] }, 'Candidat excusé : jury à reprogrammer');
      }
      const validated = new Set(blocks.filter((b) => b.validated).map((b) => b.code));
      s.blocks = s.blocks.map((b) =>
        b.status === 'targeted'
          ? { code: b.code, status: validated.has(b.code) ? 'validated' : 'not_validated' }
          : b,
      );
      s.phase = 'result';
      s.result = { outcome, decidedAt: iso };
      const validatedBlocks = s.blocks.filter((b) => b.status === 'validated').map((b) => b.code);
      const remainingBlocks = s.blocks.filter((b) => b.status === 'not_validated').map((b) => b.code);
      const data = { outcome, validatedBlocks, remainingBlocks };
      emails.push(
        { template: 'candidate.result', to: 'candidate', data },
        { template: 'advisor.result', to: 'advisor', data },
      );
      if (s.coachOperatorId) emails.push({ template: 'coach.result', to: 'coach', data });
      return done(
        'jury_result_recorded',
        { outcome, validatedBlocks, remainingBlocks },
        `Résultat du jury : ${outcome}`,
      );
    }
    case 'withdraw': {
      const responsible = s.responsibleOperatorId;
      s.phase = 'withdrawn';
      s.transfer = null;
      emails.push(
        { template: 'candidate.withdrawn', to: 'candidate', data: {} },
        { template: 'operator.withdrawn', to: { operatorId: responsible }, data: {} },
      );
      return done('withdrawn', { reason: req.payload.reason }, 'Retrait du candidat');
    }
    case 'archive': {
      const responsible = s.responsibleOperatorId;
      s.phase = 'archived';
      s.transfer = null;
      emails.push(
        { template: 'candidate.archived', to: 'candidate', data: {} },
        { template: 'operator.archived', to: { operatorId: responsible }, data: {} },
      );
      return done('archived', {}, 'Candidature archivée');
    }
    case 'request-transfer': {
      const dueAt = addDuration(now, policy.transferAcceptanceDelay).toISOString();
      s.transfer = {
        fromOperatorId: s.responsibleOperatorId,
        toOperatorId: req.payload.toOperatorId,
        role: s.responsibleRole,
        reason: req.payload.reason,
        requestedAt: iso,
        dueAt,
      };
      emails.push({
        template: 'operator.transfer_requested',
        to: { operatorId: req.payload.toOperatorId },
        data: {
          fromOperatorId: s.responsibleOperatorId,
          toOperatorId: req.payload.toOperatorId,
          dueAt,
          role: s.responsibleRole,
        },
      });
      const handoff = {
        kind: 'transfer' as const,
        role: s.responsibleRole,
        fromOperatorId: s.responsibleOperatorId,
        toOperatorId: req.payload.toOperatorId,
        reason: req.payload.reason,
        status: 'pending' as const,
        dueAt,
      };
      return withHandoff(
        handoff,
        done(
          'transfer_requested',
          {
            fromOperatorId: s.responsibleOperatorId,
            toOperatorId: req.payload.toOperatorId,
            role: s.responsibleRole,
            reason: req.payload.reason,
            dueAt,
          },
          'Transfert demandé',
        ),
      );
    }
    case 'accept-transfer': {
      const tr = s.transfer!;
      s.transfer = null;
      setResponsible(s, tr.toOperatorId, tr.role);
      if (tr.role === 'coaching') s.coachOperatorId = tr.toOperatorId;
      if (tr.role === 'advice') s.adviceOperatorId = tr.toOperatorId;
      if (tr.role === 'certifier') s.certifierOperatorId = tr.toOperatorId;
      const data = { fromOperatorId: tr.fromOperatorId, toOperatorId: tr.toOperatorId, role: tr.role };
      emails.push(
        { template: 'operator.transfer_accepted', to: { operatorId: tr.fromOperatorId }, data },
        {
          template: 'candidate.transfer_accepted',
          to: 'candidate',
          data: { toOperatorId: tr.toOperatorId, role: tr.role },
        },
      );
      return withHandoff(
        {
          kind: 'transfer',
          role: tr.role,
          fromOperatorId: tr.fromOperatorId,
          toOperatorId: tr.toOperatorId,
          reason: tr.reason,
          status: 'accepted',
        },
        done('transfer_accepted', { ...data, requestedAt: tr.requestedAt }, 'Transfert accepté'),
      );
    }
  }
}

function setResponsible(s: CandidacyState, operatorId: string, role: OperatorRole): void {
  s.responsibleOperatorId = operatorId;
  s.responsibleRole = role;
}

function withHandoff<T extends { transition: Transition }>(handoff: Handoff, result: T): T {
  result.transition.handoff = handoff;
  return result;
}
