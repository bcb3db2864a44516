import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, OutboxRequest } from './schema.js';

/**
 * The e-mail outbox in the e-mail log (migration 0017): a candidacy's e-mails are written in the
 * transaction of the journal event that sends them, and the relay (src/outbox/relay.ts) sends them.
 *
 * The journal is a local activity: it commits before the workflow task that decided the transition
 * is saved, and a task that is lost (worker killed, task failed) runs again and may decide otherwise
 * under the same sequence number (the journal then replaces the event). So an e-mail may leave at
 * once only if its transition is decided the same way by any later attempt of its task:
 * - a clock's (and the identification's): an attempt applies the clocks due at its start, in due
 *   order, from the state the history holds, before any action; a later attempt starts later, so it
 *   applies the same ones first, under the same numbers (and perhaps more after them);
 * - an action's is not: a later attempt may find a clock due first (then the action moves to another
 *   number, or is refused). Its e-mails are 'held' until the Update is known to be in the history:
 *   when the caller gets the Update's answer (`confirmOutbox`, from runAction), when a later task of
 *   the run journals a later event (below), or when the relay finds the workflow past it.
 * Each write first drops the held e-mails a lost attempt left under the same number, and a later
 * task releases the held ones of earlier numbers: every earlier number was written again since any
 * lost attempt, so what is still held there was decided by a saved task.
 */

/** One e-mail of a transition: the workflow's outbox entry, keyed `<workflowId>/<seq>/<template>/<recipient>`. */
export interface OutboxEmail {
  key: string;
  template: string;
  recipient: OutboxRequest['recipient'];
  data: OutboxRequest['data'];
}

export interface OutboxWrite {
  candidacyId: string;
  workflowId: string;
  seq: number;
  /** The workflow task that wrote it: its history length when it started. */
  task: number;
  /** Sent at once (a clock's, the identification's), or held until confirmed (an action's). */
  confirmed: boolean;
  emails: OutboxEmail[];
}

/** In the journal event's transaction, after the candidacy's row is locked. One statement. */
export async function writeOutbox(trx: Transaction<Database>, w: OutboxWrite): Promise<void> {
  const keys = w.emails.map((e) => e.key);
  const rows = JSON.stringify(
    w.emails.map((e) => ({ key: e.key, template: e.template, recipient: e.recipient, data: e.data })),
  );
  await sql`
    with dropped as (
      delete from email_log
      where candidacy_id = ${w.candidacyId} and seq = ${w.seq} and status = 'held'
        and not (idempotency_key = any(${keys}::text[]))
    ), released as (
      update email_log set status = 'pending'
      where candidacy_id = ${w.candidacyId} and status = 'held' and seq < ${w.seq} and task < ${w.task}
    )
    insert into email_log (idempotency_key, candidacy_id, template, recipient_kind, status, request, seq, task)
    select e.key, ${w.candidacyId}, e.template, e.recipient->>'kind', ${w.confirmed ? 'pending' : 'held'},
      jsonb_build_object('workflowId', ${w.workflowId}::text, 'recipient', e.recipient, 'data', e.data),
      ${w.seq}, ${w.task}
    from jsonb_to_recordset(${rows}::jsonb) as e(key text, template text, recipient jsonb, data jsonb)
    on conflict (idempotency_key) do update
      set status = excluded.status, request = excluded.request, seq = excluded.seq, task = excluded.task
      where email_log.status = 'held'
  `.execute(trx);
}

/** The Update that wrote events up to `seq` is in the history: its held e-mails may leave. */
export async function confirmOutbox(db: Kysely<Database>, candidacyId: string, seq: number): Promise<number> {
  const r = await db
    .updateTable('email_log')
    .set({ status: 'pending', next_attempt_at: null })
    .where('candidacy_id', '=', candidacyId)
    .where('status', '=', 'held')
    .where('seq', '<=', seq)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface ClaimedEmail {
  key: string;
  candidacyId: string;
  template: string;
  request: OutboxRequest;
  attempts: number;
}

/**
 * Takes up to `limit` e-mails due for sending ('pending' past their retry instant, or a 'sending'
 * claim older than `staleSeconds`, left by a relay that died), oldest first, and marks them
 * 'sending'. Relays of several workers share the outbox: a row locked by one is skipped by others.
 * A relay never retakes a claim it still holds: after a database outage longer than the staleness,
 * the send it made before is being marked, not to be made again.
 */
export async function claimOutbox(
  db: Kysely<Database>,
  limit: number,
  staleSeconds: number,
  /** This relay's own claims still in hand (a send whose 'sent' mark waits for the database). */
  inHand: readonly string[] = [],
): Promise<ClaimedEmail[]> {
  const r = await sql<ClaimedEmail>`
    update email_log set status = 'sending', claimed_at = now(), attempts = attempts + 1
    where idempotency_key in (
      select idempotency_key from email_log
      where request is not null and status in ('pending', 'sending')
        and (
          (status = 'pending' and (next_attempt_at is null or next_attempt_at <= now()))
          or (status = 'sending' and claimed_at < now() - make_interval(secs => ${staleSeconds}))
        )
        and not (idempotency_key = any(${[...inHand]}::text[]))
      order by created_at
      limit ${limit}
      for update skip locked
    )
    returning idempotency_key as key, candidacy_id as "candidacyId", template, request, attempts
  `.execute(db);
  return r.rows;
}

/** Gives a claimed e-mail back after a failure that may pass (SMTP, database), due again after `delayMs`. */
export async function retryOutboxLater(db: Kysely<Database>, key: string, delayMs: number): Promise<void> {
  await db
    .updateTable('email_log')
    .set({
      status: 'pending',
      claimed_at: null,
      next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
    })
    .where('idempotency_key', '=', key)
    .where('status', '=', 'sending')
    .execute();
}

export interface HeldCandidacy {
  candidacyId: string;
  workflowId: string;
  seq: number;
}

/**
 * Candidacies with e-mails held for longer than `olderThanSeconds` (their Update's caller never
 * confirmed them), not checked in the last `recheckSeconds`; marked as checked now.
 */
export async function heldForCheck(
  db: Kysely<Database>,
  olderThanSeconds: number,
  recheckSeconds: number,
  limit = 100,
): Promise<HeldCandidacy[]> {
  const r = await sql<HeldCandidacy>`
    with due as (
      select idempotency_key, candidacy_id, seq from email_log
      where status = 'held'
        and coalesce(next_attempt_at, created_at + make_interval(secs => ${olderThanSeconds})) <= now()
      order by created_at
      limit ${limit * 4}
      for update skip locked
    ), checked as (
      update email_log e set next_attempt_at = now() + make_interval(secs => ${recheckSeconds})
      from due where e.idempotency_key = due.idempotency_key
    )
    select due.candidacy_id as "candidacyId", c.workflow_id as "workflowId", max(due.seq)::int as seq
    from due join candidacies c on c.id = due.candidacy_id
    group by due.candidacy_id, c.workflow_id
    limit ${limit}
  `.execute(db);
  return r.rows;
}

/** The e-mail log's statuses not yet sent: held, waiting in the outbox (pending, sending), given up (failed). */
export const UNSENT_STATUSES = ['held', 'pending', 'sending', 'failed'] as const;

/**
 * The e-mails not yet sent, counted by status (the `vae_outbox_emails` gauge). It reads the index
 * of unsent e-mails only (migration 0018), never the whole log.
 */
export function unsentEmailCounts(db: Kysely<Database>) {
  return db
    .selectFrom('email_log')
    .select(['status', sql<string>`count(*)`.as('n')])
    .where('status', 'in', [...UNSENT_STATUSES])
    .groupBy('status');
}

/**
 * Drops a candidacy's held e-mails beyond `seq`, the last event of its closed workflow: the journal
 * events that wrote them were never saved in its history (a lost task, then the workflow
 * terminated), so nothing can ever confirm them.
 */
export async function dropHeldBeyond(
  db: Kysely<Database>,
  candidacyId: string,
  seq: number,
): Promise<number> {
  const r = await db
    .deleteFrom('email_log')
    .where('candidacy_id', '=', candidacyId)
    .where('status', '=', 'held')
    .where('seq', '>', seq)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
