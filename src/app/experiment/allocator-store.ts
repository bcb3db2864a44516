import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ExperimentAllocationConfigsTable } from '../../db/experiment-schema.js';
import type { Database } from '../../db/schema.js';
import { EXPERIMENT_ARMS, type ExperimentArm } from '../../domain/arm.js';
import {
  DEFAULT_BLOCK_SIZES,
  DEFAULT_STRATUM_FACTORS,
  initialAllocatorState,
  randomisedAllocation,
  STRATUM_FACTORS,
  type AllocationConfig,
  type AllocatorState,
  type StratumFactor,
} from '../../domain/experiment/index.js';

/**
 * A project's allocation configuration and allocator as PostgreSQL keeps them (migration 0015):
 * the one place that maps the rows to the domain's types (src/domain/experiment/).
 */

export type Db = Kysely<Database> | Transaction<Database>;
export type ConfigRow = Selectable<ExperimentAllocationConfigsTable>;

/** A version as the project lead reads it: the domain's configuration and the strata's factors. */
export interface ExperimentVersion {
  config: AllocationConfig;
  stratumFactors: StratumFactor[];
}

/** The first version of a project that never had one: half and half, blocks of 2 and 4, public × scope. */
export const FIRST_VERSION: ExperimentVersion = {
  config: randomisedAllocation(1, 0.5, DEFAULT_BLOCK_SIZES),
  stratumFactors: [...DEFAULT_STRATUM_FACTORS],
};

export const asArm = (value: string): ExperimentArm => {
  const arm = EXPERIMENT_ARMS.find((a) => a === value);
  if (!arm) throw new Error(`Groupe d’expérimentation inconnu : ${value}.`);
  return arm;
};

/** The factors in their canonical order, without repetition. */
export const canonicalFactors = (factors: readonly string[]): StratumFactor[] =>
  STRATUM_FACTORS.filter((f) => factors.includes(f));

/** A stored version → the domain's configuration ('off' is the domain's 'fixed'). */
export function configOfRow(row: ConfigRow): AllocationConfig {
  return row.mode === 'off'
    ? { version: row.version, mode: 'fixed', arm: asArm(row.off_arm ?? '') }
    : randomisedAllocation(row.version, row.test_share ?? 0.5, row.block_sizes ?? DEFAULT_BLOCK_SIZES);
}

export function rowOfVersion(
  projectId: string,
  version: ExperimentVersion,
  meta: { origin: 'initial' | 'change'; createdBy: string | null; note?: string | null },
): Insertable<ExperimentAllocationConfigsTable> {
  const { config } = version;
  return {
    project_id: projectId,
    version: config.version,
    mode: config.mode === 'fixed' ? 'off' : 'randomised',
    test_share: config.mode === 'fixed' ? null : config.testShare,
    block_sizes: config.mode === 'fixed' ? null : [...config.blockSizes],
    off_arm: config.mode === 'fixed' ? config.arm : null,
    stratum_factors: canonicalFactors(version.stratumFactors),
    origin: meta.origin,
    note: meta.note ?? null,
    created_by: meta.createdBy,
  };
}

/**
 * Gives the project its first version and allocator if it has none (a project created after
 * migration 0015); concurrent first uses agree, the second waiting for the first to commit.
 */
export async function ensureAllocator(db: Db, projectId: string): Promise<void> {
  const exists = await db
    .selectFrom('experiment_allocators')
    .select('project_id')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (exists) return;
  await db
    .insertInto('experiment_allocation_configs')
    .values(rowOfVersion(projectId, FIRST_VERSION, { origin: 'initial', createdBy: null }))
    .onConflict((oc) => oc.columns(['project_id', 'version']).doNothing())
    .execute();
  await db
    .insertInto('experiment_allocators')
    .values({
      project_id: projectId,
      state: JSON.stringify(initialAllocatorState(FIRST_VERSION.config)),
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
}

export interface LockedAllocator {
  state: AllocatorState;
  /** The strata's factors of the current version. */
  stratumFactors: StratumFactor[];
}

/**
 * Locks the project's allocator row (SELECT … FOR UPDATE) until the end of the caller's
 * transaction, creating it first when absent: allocations and changes of configuration of one
 * project run one at a time, in the order they take this lock.
 */
export async function lockAllocator(trx: Transaction<Database>, projectId: string): Promise<LockedAllocator> {
  // One round trip: the allocator row locked, with its current version's factors.
  const read = () =>
    trx
      .selectFrom('experiment_allocators as a')
      .innerJoin('experiment_allocation_configs as c', (join) =>
        join
          .onRef('c.project_id', '=', 'a.project_id')
          .on(sql<boolean>`c.version = (a.state -> 'config' ->> 'version')::int`),
      )
      .select(['a.state', 'c.stratum_factors'])
      .where('a.project_id', '=', projectId)
      .forUpdate('a')
      .executeTakeFirst();
  let row = await read();
  if (!row) {
    await ensureAllocator(trx, projectId);
    row = await read();
  }
  if (!row) throw new Error(`Allocateur du projet ${projectId} introuvable.`);
  return { state: row.state, stratumFactors: canonicalFactors(row.stratum_factors) };
}

export async function saveAllocatorState(
  trx: Transaction<Database>,
  projectId: string,
  state: AllocatorState,
): Promise<void> {
  await trx
    .updateTable('experiment_allocators')
    .set({ state: JSON.stringify(state), updated_at: new Date() })
    .where('project_id', '=', projectId)
    .execute();
}
