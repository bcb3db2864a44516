import { addDuration } from '../duration.js';
import { parisDay } from '../paris-time.js';
import type { Area } from './rules.js';
import { refuse, setResponsible } from './rules.js';

/** Transfer (hand-off) of a candidacy to another operator of the same role. */
export interface TransferPayloads {
  'request-transfer': { toOperatorId: string; reason: string };
  'accept-transfer': Record<string, never>;
}

export type TransferClock = 'transfer-timeout';

export const transfer: Area<TransferPayloads, TransferClock> = {
  actions: {
    'request-transfer': {
      validate: (s, p) =>
        p.toOperatorId === s.responsibleOperatorId
          ? refuse('same_operator', 'La candidature est déjà suivie par cet opérateur.')
          : null,
      apply(s, p, { policy, now }, emails) {
        const dueAt = addDuration(now, policy.transferAcceptanceDelay).toISOString();
        const from = s.responsibleOperatorId;
        const role = s.responsibleRole;
        s.transfer = {
          fromOperatorId: from,
          toOperatorId: p.toOperatorId,
          role,
          reason: p.reason,
          requestedAt: now.toISOString(),
          dueAt,
        };
        emails.push({
          template: 'operator.transfer_requested',
          to: { operatorId: p.toOperatorId },
          data: { fromOperatorId: from, toOperatorId: p.toOperatorId, dueAt, role },
        });
        return {
          type: 'transfer_requested',
          payload: { fromOperatorId: from, toOperatorId: p.toOperatorId, role, reason: p.reason, dueAt },
          summary: 'Transfert demandé',
          handoff: {
            kind: 'transfer',
            role,
            fromOperatorId: from,
            toOperatorId: p.toOperatorId,
            reason: p.reason,
            status: 'pending',
            dueAt,
          },
        };
      },
    },
    'accept-transfer': {
      validate: (s, _p, { actor }) =>
        s.transfer && actor.operatorId !== s.transfer.toOperatorId
          ? refuse('not_transfer_recipient', 'Seul l’opérateur destinataire peut accepter ce transfert.')
          : null,
      apply(s, _p, _ctx, emails) {
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
        return {
          type: 'transfer_accepted',
          payload: { ...data, requestedAt: tr.requestedAt },
          summary: 'Transfert accepté',
          handoff: {
            kind: 'transfer',
            role: tr.role,
            fromOperatorId: tr.fromOperatorId,
            toOperatorId: tr.toOperatorId,
            reason: tr.reason,
            status: 'accepted',
          },
        };
      },
    },
  },
  clocks: {
    'transfer-timeout': {
      deadline: 'transfer-acceptance',
      dueAt: (s) => (s.transfer ? new Date(s.transfer.dueAt) : null),
      summary: (_s, _p, due) => `Acceptation du transfert avant le ${parisDay(due)}`,
      apply(s, _policy, _at, emails) {
        const tr = s.transfer!;
        s.transfer = null;
        const data = {
          fromOperatorId: tr.fromOperatorId,
          toOperatorId: tr.toOperatorId,
          role: tr.role,
          dueAt: tr.dueAt,
        };
        // The candidacy stays where it was; the project lead arbitrates, and both sides hear of it.
        emails.push({ template: 'lead.transfer_escalated', to: 'lead', data });
        for (const operatorId of [tr.fromOperatorId, tr.toOperatorId]) {
          emails.push({ template: 'operator.transfer_expired', to: { operatorId }, data });
        }
        return {
          type: 'transfer_escalated',
          payload: { fromOperatorId: tr.fromOperatorId, toOperatorId: tr.toOperatorId, role: tr.role },
          summary: 'Transfert non accepté : escalade au porteur de projet',
          handoff: {
            kind: 'transfer',
            role: tr.role,
            fromOperatorId: tr.fromOperatorId,
            toOperatorId: tr.toOperatorId,
            reason: tr.reason,
            status: 'escalated',
          },
        };
      },
    },
  },
};
