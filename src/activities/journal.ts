import { ApplicationFailure } from '@temporalio/activity';
import { sql } from 'kysely';
import type { ActivityDeps } from './deps.js';
import type { Phase } from '../domain/phases.js';

export interface TransitionRecord {
  candidacyId: string;
  /** Sequence number carried in workflow state: the idempotency key of this transition. */
  seq: number;
  type: string;
  actorUserId: string | null;
  actorOperatorId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
  /** The read model after the transition. */
  readModel: {
    phase: Phase;
    waitingOn: string;
    operatorId: string;
    nextDeadline: string | null;
    reinforced: boolean;
  };
}

export function journalActivities({ db }: ActivityDeps) {
  return {
    /**
     * Appends a journal event and updates the read model in one transaction. Idempotent:
     * a retried call inserts nothing and never moves the read model backwards.
     */
    async recordTransition(t: TransitionRecord): Promise<{ inserted: boolean }> {
      return db
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
            })
            .onConflict((oc) => oc.columns(['candidacy_id', 'seq']).doNothing())
            .returning('id')
            .executeTakeFirst();
          await trx
            .updateTable('candidacies')
            .set({
              phase: t.readModel.phase,
              waiting_on: t.readModel.waitingOn,
              operator_id: t.readModel.operatorId,
              next_deadline: t.readModel.nextDeadline,
              reinforced: t.readModel.reinforced,
              last_seq: t.seq,
              updated_at: sql<Date>`now()`,
            })
            .where('id', '=', t.candidacyId)
            .where('last_seq', '<', t.seq)
            .execute();
          return { inserted: inserted !== undefined };
        })
        .catch((err: unknown) => {
          // 23503: the candidacy row does not exist; retrying cannot fix that.
          if ((err as { code?: string }).code === '23503') {
            throw ApplicationFailure.nonRetryable(`Unknown candidacy ${t.candidacyId}`, 'UnknownCandidacy');
          }
          throw err;
        });
    },
  };
}
