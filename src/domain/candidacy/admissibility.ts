import { addDuration, formatDurationFr, subtractDuration } from '../duration.js';
import { formatDayTimeFr, parisDay } from '../paris-time.js';
import { clockDueAt, pauseClock, resumeClock, startClock } from './clock.js';
import { enterAdmissible } from './coaching.js';
import type { ActionRefusal } from './effects.js';
import type { Area, ClockRule } from './rules.js';
import { refuse, setResponsible } from './rules.js';
import type { CandidacyState } from './state.js';

/** Admissibility (recevabilité): the request, an incomplete file, the certifier's decision. */
export interface AdmissibilityPayloads {
  'submit-admissibility': Record<string, never>;
  'mark-incomplete': { missingItems: string[] };
  'complete-file': Record<string, never>;
  'decide-admissibility': { admissible: boolean; reasons: string[] };
}

export type AdmissibilityClock =
  | 'admissibility-warning-share'
  | 'admissibility-warning-before'
  | 'admissibility-deadline'
  | 'incomplete-reminder'
  | 'incomplete-lapse';

/** The certifier's decision clock while it runs (null while suspended or once decided). */
function decisionDueAt(s: CandidacyState): Date | null {
  const a = s.admissibility;
  if (!a || a.decidedAt || s.phase !== 'admissibility_requested') return null;
  return clockDueAt(a.clock);
}

function shareAt(s: CandidacyState, share: number): Date | null {
  const due = decisionDueAt(s);
  return due && new Date(due.getTime() - (1 - share) * s.admissibility!.clock.totalMs);
}

/**
 * Once the silence rule has decided, a later explicit decision cannot replace it
 * (L. 6412-2); an implicit admissibility may only be withdrawn for illegality within
 * 4 months (CRPA L. 242-1).
 */
function implicitDecisionTaken(s: CandidacyState): ActionRefusal | null {
  const a = s.admissibility;
  if (!a?.decidedAt || a.implicit !== true) return null;
  const admissible = s.silenceRule === 'admissible';
  return refuse(
    'implicit_decision_taken',
    `Le certificateur n’a pas statué dans le délai : la demande est réputée ${admissible ? 'recevable' : 'non recevable'} depuis le ${formatDayTimeFr(a.decidedAt)} (décision implicite, art. L. 6412-2 du code du travail). Une décision explicite ne peut plus la remplacer.`,
    { implicitDecision: { admissible, decidedAt: a.decidedAt } },
  );
}

function warningClock(which: 'share' | 'before'): ClockRule {
  return {
    dueAt(s, policy) {
      const a = s.admissibility;
      const due = decisionDueAt(s);
      if (!a || !due || a.warningsSent.includes(which)) return null;
      const share = shareAt(s, policy.admissibilityWarningShare)!;
      if (which === 'share') return share;
      const before = subtractDuration(due, policy.admissibilityWarningBefore);
      return before > share ? before : null;
    },
    summary: (_s, policy) =>
      which === 'share'
        ? `Alerte certificateur (${Math.round(policy.admissibilityWarningShare * 100)} % du délai de recevabilité)`
        : `Alerte certificateur : échéance dans ${formatDurationFr(policy.admissibilityWarningBefore)}`,
    apply(s, _policy, _at, emails) {
      const a = s.admissibility!;
      a.warningsSent.push(which);
      const dueAt = clockDueAt(a.clock)!.toISOString();
      emails.push({
        template: 'certifier.admissibility_warning',
        to: 'certifier',
        data: { dueAt, silenceRule: s.silenceRule },
      });
      return {
        type: 'admissibility_warning_sent',
        payload: { deadline: dueAt },
        summary: 'Alerte au certificateur',
        reminder: true,
      };
    },
  };
}

export const admissibility: Area<AdmissibilityPayloads, AdmissibilityClock> = {
  actions: {
    'submit-admissibility': {
      apply(s, _p, { policy, now }, emails) {
        const totalMs = addDuration(now, policy.admissibilityDecisionDeadline).getTime() - now.getTime();
        s.phase = 'admissibility_requested';
        s.admissibility = {
          submittedAt: now.toISOString(),
          clock: startClock(totalMs, now),
          warningsSent: [],
          decidedAt: null,
        };
        setResponsible(s, s.certifierOperatorId, 'certifier');
        const dueAt = clockDueAt(s.admissibility.clock)!.toISOString();
        const data = { dueAt, silenceRule: s.silenceRule };
        emails.push(
          { template: 'candidate.admissibility_requested', to: 'candidate', data },
          { template: 'certifier.admissibility_requested', to: 'certifier', data },
        );
        return {
          type: 'admissibility_requested',
          payload: { dueAt, wholeCertification: s.wholeCertification },
          summary: 'Demande de recevabilité envoyée',
        };
      },
    },
    'mark-incomplete': {
      validate: (_s, p) =>
        p.missingItems.length === 0
          ? refuse('no_missing_items', 'Indiquez au moins une pièce manquante.')
          : null,
      explainRefusal: implicitDecisionTaken,
      apply(s, p, { policy, now }, emails) {
        const a = s.admissibility!;
        a.clock = pauseClock(a.clock, now);
        const dueAt = addDuration(now, policy.incompleteFileCompletionDelay).toISOString();
        s.phase = 'admissibility_incomplete';
        s.incomplete = {
          since: now.toISOString(),
          dueAt,
          missingItems: [...p.missingItems],
          reminderSent: false,
        };
        const data = { dueAt, missingItems: p.missingItems };
        emails.push(
          { template: 'candidate.file_incomplete', to: 'candidate', data },
          { template: 'advisor.file_incomplete', to: 'advisor', data },
        );
        return {
          type: 'admissibility_incomplete',
          payload: {
            missingItems: p.missingItems,
            completionDueAt: dueAt,
            clockRemainingMs: a.clock.remainingMs,
          },
          summary: 'Dossier déclaré incomplet : délai suspendu',
        };
      },
    },
    'complete-file': {
      explainRefusal(s) {
        if (s.phase !== 'admissibility_lapsed' || !s.incomplete) return null;
        return refuse(
          'request_lapsed',
          `Le délai pour compléter le dossier a expiré le ${formatDayTimeFr(s.incomplete.dueAt)} : la demande de recevabilité est caduque.`,
          { lapsedAt: s.incomplete.dueAt },
        );
      },
      apply(s, _p, { now }, emails) {
        const a = s.admissibility!;
        a.clock = resumeClock(a.clock, now);
        s.phase = 'admissibility_requested';
        s.incomplete = null;
        const dueAt = clockDueAt(a.clock)!.toISOString();
        emails.push({ template: 'certifier.file_completed', to: 'certifier', data: { dueAt } });
        return {
          type: 'admissibility_file_completed',
          payload: { dueAt },
          summary: 'Dossier complété : délai repris',
        };
      },
    },
    'decide-admissibility': {
      validate: (_s, p) =>
        !p.admissible && p.reasons.length === 0
          ? refuse('reasons_required', 'Une décision de non-recevabilité doit être motivée.')
          : null,
      explainRefusal: implicitDecisionTaken,
      apply(s, { admissible, reasons }, { policy, now }, emails) {
        s.admissibility!.decidedAt = now.toISOString();
        s.admissibility!.implicit = false;
        if (admissible) enterAdmissible(s, policy, now);
        else s.phase = 'not_admissible';
        const data = { admissible, implicit: false, reasons };
        emails.push(
          { template: 'candidate.admissibility_decision', to: 'candidate', data },
          { template: 'advisor.admissibility_decision', to: 'advisor', data },
        );
        return {
          type: 'admissibility_decided',
          payload: { admissible, implicit: false, reasons },
          summary: 'Décision de recevabilité',
        };
      },
    },
  },
  clocks: {
    'admissibility-warning-share': warningClock('share'),
    'admissibility-warning-before': warningClock('before'),
    'admissibility-deadline': {
      deadline: 'admissibility-decision',
      dueAt: decisionDueAt,
      summary: (_s, policy, due) =>
        `Délai de recevabilité : ${formatDurationFr(policy.admissibilityDecisionDeadline)}, échéance ${parisDay(due)}`,
      apply(s, policy, at, emails) {
        // Silence of the certifier: the certification's rule decides (L. 6412-2).
        const admissible = s.silenceRule === 'admissible';
        const a = s.admissibility!;
        a.decidedAt = at.toISOString();
        a.implicit = true;
        a.clock = { ...a.clock, remainingMs: 0, runningSince: null };
        if (admissible) enterAdmissible(s, policy, at);
        else s.phase = 'not_admissible';
        const data = { admissible, implicit: true, reasons: [] };
        emails.push(
          { template: 'candidate.admissibility_decision', to: 'candidate', data },
          { template: 'advisor.admissibility_decision', to: 'advisor', data },
          { template: 'certifier.implicit_decision', to: 'certifier', data: { admissible } },
        );
        return {
          type: 'admissibility_decided',
          payload: { admissible, implicit: true },
          summary: 'Décision implicite de recevabilité',
        };
      },
    },
    'incomplete-reminder': {
      dueAt(s, policy) {
        const inc = s.incomplete;
        if (!inc || s.phase !== 'admissibility_incomplete' || inc.reminderSent) return null;
        return subtractDuration(new Date(inc.dueAt), policy.incompleteFileReminderBefore);
      },
      summary: () => 'Relance : dossier incomplet',
      apply(s, _policy, _at, emails) {
        const inc = s.incomplete!;
        inc.reminderSent = true;
        const data = { dueAt: inc.dueAt, missingItems: inc.missingItems };
        emails.push(
          { template: 'candidate.file_incomplete_reminder', to: 'candidate', data },
          { template: 'advisor.file_incomplete_reminder', to: 'advisor', data },
        );
        return {
          type: 'incomplete_file_reminder_sent',
          payload: {},
          summary: 'Relance : dossier incomplet',
          reminder: true,
        };
      },
    },
    'incomplete-lapse': {
      deadline: 'incomplete-file',
      dueAt: (s) =>
        s.incomplete && s.phase === 'admissibility_incomplete' ? new Date(s.incomplete.dueAt) : null,
      summary: (_s, policy, due) =>
        `Délai de complétude : ${formatDurationFr(policy.incompleteFileCompletionDelay)}, échéance ${parisDay(due)}`,
      apply(s, _policy, _at, emails) {
        s.phase = 'admissibility_lapsed';
        emails.push(
          { template: 'candidate.request_lapsed', to: 'candidate', data: {} },
          { template: 'advisor.request_lapsed', to: 'advisor', data: {} },
        );
        return {
          type: 'admissibility_request_lapsed',
          payload: {},
          summary: 'Demande de recevabilité caduque',
        };
      },
    },
  },
  suspended: [
    {
      name: 'admissibility-decision',
      remainingMs(s) {
        const a = s.admissibility;
        if (!a || a.decidedAt || s.phase !== 'admissibility_incomplete' || a.clock.runningSince) return null;
        return a.clock.remainingMs;
      },
    },
  ],
};
