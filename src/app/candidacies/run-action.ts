import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { confirmOutbox } from '../../db/email-outbox.js';
import type { Database } from '../../db/schema.js';
import type { ActionPayloads } from '../../domain/candidacy/actions.js';
import type { Action } from '../../domain/phases.js';
import {
  ACTION_REFUSED,
  actionUpdates,
  stateQuery,
  type ActionRefusedDetails,
  type Actor,
  type CandidacyView,
} from '../../workflows/candidacy/contract.js';
import { Refusal } from '../refusal.js';
import { isDeadlineExceeded, TEMPORAL_DEADLINES, withDeadline } from '../temporal-deadline.js';

/**
 * Runs one action as a workflow Update and turns a refusal by its validator into a conflict
 * that says the current phase and what is allowed now. A finished candidacy is a conflict too
 * (`candidacy_closed`). Answered, the Update is in the workflow's history: the e-mails its
 * transitions held in the outbox may leave (src/db/email-outbox.ts).
 */
export async function runAction<A extends Action>(
  { temporal, db }: { temporal: Client; db: Kysely<Database> },
  workflowId: string,
  action: A,
  payload: ActionPayloads[A],
  actor: Actor,
  /** Given, the Update is applied once per ID: a retried request gets the first answer. */
  updateId?: string,
  updateTimeoutMs: number = TEMPORAL_DEADLINES.updateMs,
): Promise<CandidacyView> {
  const handle = temporal.workflow.getHandle(workflowId);
  const definition = actionUpdates[action];
  try {
    // Bounded: a candidacy whose worker is away fails on the deadline (503 at the API) instead
    // of holding the request.
    const view = await withDeadline(temporal, updateTimeoutMs, () =>
      handle.executeUpdate(definition, {
        args: [{ payload, actor }],
        ...(updateId ? { updateId } : {}),
      }),
    );
    // Not confirmed now (database away), they leave with the candidacy's next event, or when the
    // relay finds the workflow past them: later, never lost, never wrongly.
    await confirmOutbox(db, view.candidacyId, view.seq).catch(() => undefined);
    return view;
  } catch (err) {
    if (
      err instanceof WorkflowUpdateFailedError &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === ACTION_REFUSED
    ) {
      // The refusal's details: its code, the phase (after any clock that fell due) and what
      // is allowed now, plus what explains it (an implicit decision and its date, clocks due).
      const { code, ...details } = (err.cause.details?.[0] ?? {}) as Partial<ActionRefusedDetails>;
      throw Refusal.conflict(code ?? 'action_refused', err.cause.message, {
        ...details,
        allowedActions: details.allowedActions ?? [],
      });
    }
    if (isDeadlineExceeded(err)) {
      // The Update may still be applied once a worker takes it: its outcome is unknown, so the
      // answer says so rather than inviting a blind retry that would apply it twice.
      throw Refusal.unavailable(
        'action_outcome_unknown',
        `La candidature n’a pas répondu dans les ${Math.round(updateTimeoutMs / 1000)} s (moteur de workflows occupé ou arrêté) : l’action peut encore être appliquée. Consultez la candidature avant de la renvoyer, ou renvoyez-la avec la même clé Idempotency-Key, qui ne l’applique qu’une fois.`,
      );
    }
    if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
      throw Refusal.conflict(
        'candidacy_closed',
        'Cette candidature est close : aucune action n’est plus possible.',
        {
          allowedActions: [],
        },
      );
    }
    throw err;
  }
}

/**
 * The Update ID of an action sent with an Idempotency-Key: the caller, the action, the key and
 * the body, so a retry of the same request is deduplicated by Temporal and the same key with
 * another body is another action. No personal data: a hash.
 */
export function actionUpdateId(userId: string, action: string, key: string, body: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([userId, action, key, body]))
    .digest('hex');
  return `${action}-${digest.slice(0, 40)}`;
}

function isCompletedError(err: unknown): boolean {
  return /already completed|workflow execution already completed/i.test((err as Error)?.message ?? '');
}

export async function queryState(
  temporal: Client,
  workflowId: string,
  timeoutMs: number,
): Promise<CandidacyView> {
  return withDeadline(temporal, timeoutMs, () => temporal.workflow.getHandle(workflowId).query(stateQuery));
}
