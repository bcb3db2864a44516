import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Transaction } from 'kysely';
import { refreshCandidacyFacts } from '../db/candidacy-facts.js';
import { writeOutbox, type OutboxWrite } from '../db/email-outbox.js';
import { personKey } from '../db/person.js';
import type { Database } from '../db/schema.js';
import type { ActivityDeps } from './deps.js';
import type { Handoff } from '../domain/candidacy/effects.js';
import type { JournalEvent, TargetScope } from '../domain/candidacy/journal-events.js';
import type { ExperimentArm } from '../domain/arm.js';
import type { Phase } from '../domain/phases.js';

export type TransitionRecord = JournalEvent & {
  candidacyId: string;
  /** Sequence number carried in workflow state: the idempotency key of this transition. */
  seq: number;
  actorUserId: string | null;
  actorOperatorId: string | null;
  occurredAt: string;
  /** The read model after the transition. */
  readModel: {
    phase: Phase;
    waitingOn: string;
    operatorId: string;
    nextDeadline: string | null;
    reinforced: boolean;
    adviceOperatorId?: string;
    certifierOperatorId?: string;
    coachOperatorId?: string | null;
    transferTo?: { operatorId: string; role: string } | null;
    /** Set by candidacies of this version on: the journal's indicator columns. */
    arm?: ExperimentArm;
    scope?: TargetScope;
  };
  handoff?: Handoff;
  /**
   * From `emails-in-journal` on: the transition's e-mails, written to the outbox in the event's
   * transaction and sent by the relay (src/db/email-outbox.ts), with the task that decided them.
   */
  outbox?: Pick<OutboxWrite, 'workflowId' | 'emails' | 'confirmed' | 'task'>;
};

export function journalActivities({ db, outboxWritten }: ActivityDeps) {
  return {
    /**
     * Appends a journal event and updates the read model in one transaction. Idempotent:
     * a retried call changes nothing and never moves the read model backwards.
     *
     * It runs as a local activity, i.e. before the workflow task that decided the transition is
     * saved. If that task is lost (worker killed, task refused by the server), the workflow
     * replays and may decide another transition under the same sequence number: the later
     * write is the one the history keeps, so it replaces the event (and the read model) of
     * that number rather than being ignored.
     */
    async recordTransition(t: TransitionRecord): Promise<{ inserted: boolean }> {
      const result = await db
        .transaction()
        .execute(async (trx) => {
          const inserted = await trx
            .insertInto('candidacy_events')
            .values({
              candidacy_id: t.candidacyId,
              seq: t.seq,
              type: t.type,
              actor_user_id: t.actorUserId,
              actor_operator_id: t.actorOperatorId,
              occurred_at: t.occurredAt,
              payload: JSON.stringify(t.payload),
              // Indicator columns: what indicators read without opening payloads.
              phase_after: t.readModel.phase,
              waiting_on_after: t.readModel.waitingOn,
              arm: t.readModel.arm ?? null,
              reinforced: t.readModel.reinforced,
              scope: t.readModel.scope ?? null,
            })
            .onConflict((oc) =>
              oc.columns(['candidacy_id', 'seq']).doUpdateSet((eb) => ({
                type: eb.ref('excluded.type'),
                actor_user_id: eb.ref('excluded.actor_user_id'),
                actor_operator_id: eb.ref('excluded.actor_operator_id'),
                occurred_at: eb.ref('excluded.occurred_at'),
                payload: eb.ref('excluded.payload'),
                phase_after: eb.ref('excluded.phase_after'),
                waiting_on_after: eb.ref('excluded.waiting_on_after'),
                arm: eb.ref('excluded.arm'),
                reinforced: eb.ref('excluded.reinforced'),
                scope: eb.ref('excluded.scope'),
              })),
            )
            // xmax = 0 only for a freshly inserted row, not for one the conflict updated.
            .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('candidacies')
            .set({
              phase: t.readModel.phase,
              waiting_on: t.readModel.waitingOn,
              operator_id: t.readModel.operatorId,
              next_deadline: t.readModel.nextDeadline,
              reinforced: t.readModel.reinforced,
              ...(t.readModel.adviceOperatorId
                ? {
                    advice_operator_id: t.readModel.adviceOperatorId,
                    certifier_operator_id: t.readModel.certifierOperatorId ?? null,
                    coach_operator_id: t.readModel.coachOperatorId ?? null,
                    transfer_to_operator_id: t.readModel.transferTo?.operatorId ?? null,
                  }
                : {}),
              last_seq: t.seq,
              updated_at: sql<Date>`now()`,
            })
            .where('id', '=', t.candidacyId)
            .where('last_seq', '<=', t.seq)
            .execute();
          // Who may see the candidacy: every operator that holds, or held, a role on it.
          const involved = [
            t.readModel.adviceOperatorId && { operator_id: t.readModel.adviceOperatorId, role: 'advice' },
            t.readModel.certifierOperatorId && {
              operator_id: t.readModel.certifierOperatorId,
              role: 'certifier',
            },
            t.readModel.coachOperatorId && { operator_id: t.readModel.coachOperatorId, role: 'coaching' },
            t.readModel.transferTo && {
              operator_id: t.readModel.transferTo.operatorId,
              role: t.readModel.transferTo.role,
            },
          ].filter((x): x is { operator_id: string; role: string } => Boolean(x));
          if (involved.length) {
            await trx
              .insertInto('candidacy_operators')
              .values(involved.map((i) => ({ ...i, candidacy_id: t.candidacyId })))
              .onConflict((oc) => oc.doNothing())
              .execute();
          }
          if (t.handoff) await recordHandoff(trx, t);
          await recordCandidateRecords(trx, t);
          if (t.outbox) {
            await writeOutbox(trx, {
              ...t.outbox,
              candidacyId: t.candidacyId,
              seq: t.seq,
            });
          }
          // Last: the summary aggregates the event, the hand-off and the acquired blocks above.
          await refreshCandidacyFacts(trx, [t.candidacyId]);
          return { inserted: inserted.inserted };
        })
        .catch((err: unknown) => {
          // 23503: the candidacy row does not exist; retrying cannot fix that.
          if ((err as { code?: string }).code === '23503') {
            throw ApplicationFailure.nonRetryable(`Unknown candidacy ${t.candidacyId}`, 'UnknownCandidacy');
          }
          throw err;
        });
      if (t.outbox?.emails.length && t.outbox.confirmed) outboxWritten?.();
      return result;
    },
  };
}

/**
 * What the candidate keeps across candidacies, in the event's transaction (after the candidacy row
 * is updated, so after its lock): the blocks a jury validated, acquired for good, and the
 * admissibility request for the yearly limit (the API reserved it before the Update; this restores
 * it if the API removed it while the Update's outcome was unknown). Both idempotent.
 */
async function recordCandidateRecords(trx: Transaction<Database>, t: TransitionRecord): Promise<void> {
  if (t.type === 'jury_result_recorded') {
    const validated = t.payload.validatedBlocks;
    if (!Array.isArray(validated) || validated.length === 0) return;
    await sql`
      insert into acquired_blocks (candidate_id, rncp_code, block_code, candidacy_id, acquired_at)
      select c.candidate_id, c.rncp_code, b.block_code, c.id, ${t.occurredAt}::timestamptz
      from candidacies c cross join unnest(${validated.map(String)}::text[]) as b(block_code)
      where c.id = ${t.candidacyId}
      on conflict do nothing
    `.execute(trx);
  } else if (t.type === 'admissibility_requested') {
    await sql`
      insert into admissibility_requests
        (candidacy_id, candidate_key, rncp_code, whole_certification, year, created_at)
      select c.id, ${personKey(sql.ref('p.email'))}, c.rncp_code, ${t.payload.wholeCertification === true}::boolean,
        extract(year from ${t.occurredAt}::timestamptz at time zone 'Europe/Paris')::integer,
        ${t.occurredAt}::timestamptz
      from candidacies c join candidates p on p.id = c.candidate_id
      where c.id = ${t.candidacyId}
      on conflict do nothing
    `.execute(trx);
  }
}

async function recordHandoff(trx: Transaction<Database>, t: TransitionRecord): Promise<void> {
  const h = t.handoff!;
  if (h.kind === 'transfer' && h.status !== 'pending') {
    await trx
      .updateTable('handoffs')
      .set(
        h.status === 'accepted'
          ? { status: 'accepted', accepted_at: t.occurredAt }
          : { status: 'escalated', escalated_at: t.occurredAt },
      )
      .where('candidacy_id', '=', t.candidacyId)
      .where('kind', '=', 'transfer')
      .where('status', '=', 'pending')
      .execute();
    return;
  }
  await trx
    .insertInto('handoffs')
    .values({
      candidacy_id: t.candidacyId,
      seq: t.seq,
      kind: h.kind,
      role: h.role,
      from_operator_id: h.fromOperatorId,
      to_operator_id: h.toOperatorId,
      reason: h.reason,
      status: h.status,
      requested_at: t.occurredAt,
      due_at: h.dueAt ?? null,
      accepted_at: h.status === 'accepted' ? t.occurredAt : null,
    })
    .onConflict((oc) =>
      oc.columns(['candidacy_id', 'seq']).doUpdateSet((eb) => ({
        kind: eb.ref('excluded.kind'),
        role: eb.ref('excluded.role'),
        from_operator_id: eb.ref('excluded.from_operator_id'),
        to_operator_id: eb.ref('excluded.to_operator_id'),
        reason: eb.ref('excluded.reason'),
        status: eb.ref('excluded.status'),
        requested_at: eb.ref('excluded.requested_at'),
        due_at: eb.ref('excluded.due_at'),
        accepted_at: eb.ref('excluded.accepted_at'),
      })),
    )
    .execute();
}
