import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * What happened to a candidacy, from the journal: each event with its actor (user and operator;
 * none for an event a clock produced), the hand-offs between operators, and the e-mails of the
 * e-mail log. IDs, codes, dates and names of users and operators only: the candidate's address
 * is not read.
 */

export interface TimelineEvent {
  seq: number;
  type: string;
  occurredAt: Date;
  actor: {
    userId: string | null;
    userName: string | null;
    operatorId: string | null;
    operatorName: string | null;
  } | null;
  payload: Record<string, unknown>;
}

export interface TimelineHandoff {
  seq: number;
  kind: 'phase' | 'transfer';
  role: string;
  from: { operatorId: string; name: string };
  to: { operatorId: string; name: string };
  reason: string;
  status: 'pending' | 'accepted' | 'escalated';
  requestedAt: Date;
  dueAt: Date | null;
  acceptedAt: Date | null;
  escalatedAt: Date | null;
}

export interface CandidacyEmail {
  template: string;
  recipientKind: string;
  status: string;
  createdAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  failureReason: string | null;
}

export async function readTimeline(
  db: Kysely<Database>,
  candidacyId: string,
): Promise<{ events: TimelineEvent[]; handoffs: TimelineHandoff[] }> {
  const [events, handoffs] = await Promise.all([
    db
      .selectFrom('candidacy_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_user_id')
      .leftJoin('operators as o', 'o.id', 'e.actor_operator_id')
      .select([
        'e.seq',
        'e.type',
        'e.occurred_at',
        'e.payload',
        'e.actor_user_id',
        'e.actor_operator_id',
        'u.display_name',
        'o.name',
      ])
      .where('e.candidacy_id', '=', candidacyId)
      .orderBy('e.seq')
      .execute(),
    db
      .selectFrom('handoffs as h')
      .innerJoin('operators as f', 'f.id', 'h.from_operator_id')
      .innerJoin('operators as t', 't.id', 'h.to_operator_id')
      .select([
        'h.seq',
        'h.kind',
        'h.role',
        'h.from_operator_id',
        'f.name as from_name',
        'h.to_operator_id',
        't.name as to_name',
        'h.reason',
        'h.status',
        'h.requested_at',
        'h.due_at',
        'h.accepted_at',
        'h.escalated_at',
      ])
      .where('h.candidacy_id', '=', candidacyId)
      .orderBy('h.seq')
      .execute(),
  ]);
  return {
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      occurredAt: e.occurred_at,
      actor:
        e.actor_user_id || e.actor_operator_id
          ? {
              userId: e.actor_user_id,
              userName: e.display_name,
              operatorId: e.actor_operator_id,
              operatorName: e.name,
            }
          : null,
      payload: e.payload,
    })),
    handoffs: handoffs.map((h) => ({
      seq: h.seq,
      kind: h.kind,
      role: h.role,
      from: { operatorId: h.from_operator_id, name: h.from_name },
      to: { operatorId: h.to_operator_id, name: h.to_name },
      reason: h.reason,
      status: h.status,
      requestedAt: h.requested_at,
      dueAt: h.due_at,
      acceptedAt: h.accepted_at,
      escalatedAt: h.escalated_at,
    })),
  };
}

/** The e-mails of a candidacy, oldest first (the address is left out: it is personal data). */
export async function readCandidacyEmails(
  db: Kysely<Database>,
  candidacyId: string,
): Promise<CandidacyEmail[]> {
  const rows = await db
    .selectFrom('email_log')
    .select(['template', 'recipient_kind', 'status', 'created_at', 'sent_at', 'failed_at', 'failure_reason'])
    .where('candidacy_id', '=', candidacyId)
    .orderBy('created_at')
    .orderBy('idempotency_key')
    .execute();
  return rows.map((r) => ({
    template: r.template,
    recipientKind: r.recipient_kind,
    status: r.status,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    failedAt: r.failed_at,
    failureReason: r.failure_reason,
  }));
}
