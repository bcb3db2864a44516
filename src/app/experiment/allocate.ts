import type { Transaction } from 'kysely';
import { projectSecrets } from '../../db/experiment-secrets.js';
import type { Database } from '../../db/schema.js';
import {
  allocateNext,
  stratumOf,
  type Allocation,
  type StratumFacts,
} from '../../domain/experiment/index.js';
import { lockAllocator, saveAllocatorState, type Db } from './allocator-store.js';

/**
 * Allocates a new candidacy of the project, in the caller's transaction (the one that writes the
 * candidacy's rows): the project's allocator is locked, the stratum's next position is taken
 * from the sequence the seed defines, journaled, and the allocator's state moves on. A transaction
 * rolled back (a refusal, a conflict) gives nothing back because it took nothing: the journal row
 * and the state are written with the candidacy or not at all. The seed is read here and nowhere
 * else on this path; it never leaves this function.
 */
export async function allocateCandidacy(
  trx: Transaction<Database>,
  req: { projectId: string; candidacyId: string; facts: StratumFacts },
): Promise<Allocation> {
  // The seed never changes once made: read before the lock, which is held as briefly as can be.
  const { allocationSeed } = await projectSecrets(trx, req.projectId);
  const { state, stratumFactors } = await lockAllocator(trx, req.projectId);
  const stratum = stratumOf(req.facts, stratumFactors);
  const next = allocateNext(state, stratum, allocationSeed);
  const a = next.allocation;
  await trx
    .insertInto('experiment_allocations')
    .values({
      candidacy_id: req.candidacyId,
      project_id: req.projectId,
      stratum: a.stratum,
      position: a.position,
      arm: a.arm,
      config_version: a.version,
      segment_start: a.segmentStart,
      block_index: a.blockIndex,
      block_size: a.blockSize,
    })
    .execute();
  await saveAllocatorState(trx, req.projectId, next.state);
  return a;
}

/**
 * The candidacy's rows are removed (its workflow could not start, see create-candidacy.ts): its
 * position stays used — the allocator never goes back, later creations may already have taken
 * the next ones — and stays in the journal, `void`, so that the sequence an auditor checks has
 * no hole.
 */
export async function voidAllocation(db: Db, candidacyId: string, reason: string): Promise<void> {
  await db
    .updateTable('experiment_allocations')
    .set({ status: 'void', voided_at: new Date(), void_reason: reason })
    .where('candidacy_id', '=', candidacyId)
    .execute();
}
