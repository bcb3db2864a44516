import { addDuration, formatDurationFr } from '../duration.js';
import type { Policy } from '../policy.js';
import type { EmailIntent } from './effects.js';
import type { Area } from './rules.js';
import type { CandidacyState } from './state.js';

/** Overlays at any step: withdrawal, archiving, abandonment and its contest. */
export interface OverlayPayloads {
  withdraw: { reason: string };
  archive: Record<string, never>;
  'contest-abandonment': Record<string, never>;
}

export type OverlayClock = 'abandonment-contest-deadline';

export function proposeAbandonment(
  s: CandidacyState,
  policy: Policy,
  now: Date,
  reason: 'inactivity' | 'coaching_not_started',
  emails: EmailIntent[],
): void {
  s.phase = 'abandonment_proposed';
  const contestDueAt = addDuration(now, policy.abandonmentContestDelay).toISOString();
  s.abandonment = { proposedAt: now.toISOString(), contestDueAt, reason };
  const data = { contestDueAt, reason };
  emails.push(
    { template: 'candidate.abandonment_proposed', to: 'candidate', data },
    s.coachOperatorId
      ? { template: 'coach.abandonment_proposed', to: 'coach', data }
      : { template: 'advisor.abandonment_proposed', to: 'advisor', data },
  );
}

export const overlays: Area<OverlayPayloads, OverlayClock> = {
  actions: {
    withdraw: {
      apply(s, p, _ctx, emails) {
        const responsible = s.responsibleOperatorId;
        s.phase = 'withdrawn';
        s.transfer = null;
        emails.push(
          { template: 'candidate.withdrawn', to: 'candidate', data: {} },
          { template: 'operator.withdrawn', to: { operatorId: responsible }, data: {} },
        );
        return { type: 'withdrawn', payload: { reason: p.reason }, summary: 'Retrait du candidat' };
      },
    },
    archive: {
      apply(s, _p, _ctx, emails) {
        const responsible = s.responsibleOperatorId;
        s.phase = 'archived';
        s.transfer = null;
        emails.push(
          { template: 'candidate.archived', to: 'candidate', data: {} },
          { template: 'operator.archived', to: { operatorId: responsible }, data: {} },
        );
        return { type: 'archived', payload: {}, summary: 'Candidature archivée' };
      },
    },
    'contest-abandonment': {
      apply(s, _p, { policy, now }, emails) {
        s.phase = 'coaching';
        s.abandonment = null;
        const c = s.coaching!;
        c.lastActivityAt = now.toISOString();
        c.unansweredReminders = 0;
        // A contested "not started" abandonment gets a new start window.
        if (!c.startedAt) c.startDueAt = addDuration(now, policy.coachingStartDeadline).toISOString();
        emails.push({ template: 'candidate.abandonment_contested', to: 'candidate', data: {} });
        if (s.coachOperatorId)
          emails.push({ template: 'coach.abandonment_contested', to: 'coach', data: {} });
        return { type: 'abandonment_contested', payload: {}, summary: 'Abandon contesté : parcours repris' };
      },
    },
  },
  clocks: {
    'abandonment-contest-deadline': {
      deadline: 'abandonment-contest',
      dueAt: (s) =>
        s.abandonment && s.phase === 'abandonment_proposed' ? new Date(s.abandonment.contestDueAt) : null,
      summary: (_s, policy) =>
        `Délai de contestation de l’abandon : ${formatDurationFr(policy.abandonmentContestDelay)}`,
      apply(s, _policy, _at, emails) {
        s.phase = 'abandoned';
        emails.push(
          { template: 'candidate.abandoned', to: 'candidate', data: {} },
          s.coachOperatorId
            ? { template: 'coach.abandoned', to: 'coach', data: {} }
            : { template: 'advisor.abandoned', to: 'advisor', data: {} },
        );
        return {
          type: 'abandoned',
          payload: { reason: s.abandonment?.reason ?? 'inactivity' },
          summary: 'Candidature abandonnée',
        };
      },
    },
  },
};
