import type { ColumnType } from 'kysely';
import type { AllocatorState } from '../domain/experiment/allocator.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * The experiment's allocation (migration 0015; use cases in src/app/experiment/). Its secrets —
 * the seed of the sequence — are apart, in `experiment_secrets` (src/db/experiment-secrets.ts).
 */

/** One version of a project's allocation configuration (append-only): what applies from it on. */
export interface ExperimentAllocationConfigsTable {
  project_id: string;
  version: number;
  /** 'randomised' (stratified permuted blocks) or 'off' (everyone in `off_arm`). */
  mode: 'randomised' | 'off';
  /** Randomised only: the share of the test arm, and the block sizes (ascending). */
  test_share: number | null;
  block_sizes: ColumnType<number[] | null, number[] | null, never>;
  /** Off only: the arm every candidacy allocated under this version goes to. */
  off_arm: string | null;
  /** The facts the strata are made of (src/domain/experiment/stratum.ts), canonical order. */
  stratum_factors: ColumnType<string[], string[], never>;
  /** 'initial' (first use), 'migration' (migration 0015, from the policy) or 'change' (PUT). */
  origin: string;
  /** Why, when the product chose something (e.g. the migration's rounding of a share). */
  note: string | null;
  /** Null for a version the product made (first use, migration). */
  created_by: string | null;
  created_at: CreatedAt;
}

/**
 * The allocator of a project: one row holding its `AllocatorState` (current configuration and one
 * cursor per stratum, never the seed). The creation's transaction locks it (FOR UPDATE): the one
 * place where a project's allocations are serialised.
 */
export interface ExperimentAllocatorsTable {
  project_id: string;
  state: ColumnType<AllocatorState, string, string>;
  updated_at: Timestamp;
}

/**
 * The allocations journal: one row per position given, with enough for an auditor holding the
 * seed to recompute it (`allocationMatches`). A position is never given back: when a candidacy's
 * rows are removed after a failed workflow start, its row stays, `void`.
 */
export interface ExperimentAllocationsTable {
  candidacy_id: string;
  project_id: string;
  stratum: string;
  position: number;
  arm: string;
  config_version: number;
  /** Position at which that version's sequence started in the stratum. */
  segment_start: number;
  /** Null with the experiment off. */
  block_index: number | null;
  block_size: number | null;
  allocated_at: CreatedAt;
  /** 'allocated', or 'void' when the candidacy was removed (its position stays used). */
  status: ColumnType<'allocated' | 'void', 'allocated' | 'void' | undefined, 'allocated' | 'void'>;
  voided_at: Timestamp | null;
  void_reason: string | null;
}

export interface ExperimentTables {
  experiment_allocation_configs: ExperimentAllocationConfigsTable;
  experiment_allocators: ExperimentAllocatorsTable;
  experiment_allocations: ExperimentAllocationsTable;
}
