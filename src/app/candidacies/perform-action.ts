import type { Client } from '@temporalio/client';
import type { Kysely, Selectable } from 'kysely';
import type { CandidaciesTable, Database } from '../../db/schema.js';
import type { Action } from '../../domain/phases.js';
import type { Actor, CandidacyView } from '../../workflows/candidacy/contract.js';
import { observeAction } from '../../observability/action-metrics.js';
import { prepareAction, type ActionInput } from './prepare-action.js';
import { actionUpdateId, runAction } from './run-action.js';

export interface PerformActionRequest<A extends Action> {
  action: A;
  input: ActionInput<A>;
  /** The candidacy, as the caller was authorised on it. */
  row: Selectable<CandidaciesTable>;
  actor: Actor;
  /** Given, the action is applied once for this caller, action, key and input. */
  idempotencyKey?: string | undefined;
  /** Told when undoing the writes of a refused action fails (the refusal still wins). */
  onUndoFailed?: (err: unknown) => void;
}

/**
 * One action of the path: Postgres checks and completes the payload, the workflow's Update
 * judges and applies it, then the writes that wait for its acceptance are made. Refused or
 * unanswered, what was written for it beforehand is removed.
 *
 * Refusals: `prepareAction`'s, then the workflow's (conflict, see `runAction`).
 */
export function performAction<A extends Action>(
  deps: { db: Kysely<Database>; temporal: Client },
  req: PerformActionRequest<A>,
): Promise<CandidacyView> {
  // Counted for GET /metrics: accepted, or refused with its code.
  return observeAction(req.action, () => perform(deps, req));
}

async function perform<A extends Action>(
  deps: { db: Kysely<Database>; temporal: Client },
  req: PerformActionRequest<A>,
): Promise<CandidacyView> {
  const { action, input, row, actor, idempotencyKey: key } = req;
  const prepared = await prepareAction(action, input, { ...deps, row, replay: key !== undefined });
  const view = await runAction(
    deps,
    row.workflow_id,
    action,
    prepared.payload,
    actor,
    key && actionUpdateId(actor.userId, action, key, input),
  ).catch(async (err: unknown) => {
    // The refusal is still what the caller gets, even if the removal fails.
    await prepared.undo?.().catch((undoErr: unknown) => req.onUndoFailed?.(undoErr));
    throw err;
  });
  await prepared.after?.();
  return view;
}
