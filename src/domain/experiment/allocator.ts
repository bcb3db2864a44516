import { blockArms, blockSizeAt } from './blocks.js';
import { assertAllocationConfig, type AllocationConfig } from './config.js';
import type { Allocation } from './allocation.js';
import { seedKey } from './keyed-draws.js';

/**
 * The incremental allocator, for the one place that serialises a project's allocations (a row per
 * project locked in the creation's transaction). Plain JSON, small (one cursor per stratum), and
 * without the seed: the state can be stored or logged without revealing the next arm.
 */
export interface StratumCursor {
  /** Next position to give in the stratum. */
  next: number;
  /** Version the stratum's current sequence follows, and where that sequence started. */
  version: number;
  segmentStart: number;
  /** The block holding `next`: its index in the sequence and its first position. */
  blockIndex: number;
  blockStart: number;
}

export interface AllocatorState {
  config: AllocationConfig;
  strata: Record<string, StratumCursor>;
}

export function initialAllocatorState(config: AllocationConfig): AllocatorState {
  assertAllocationConfig(config);
  return { config, strata: {} };
}

/**
 * A new version for the candidacies allocated from now on (share changed, experiment switched
 * off or on). Each stratum moves to it at its next allocation, starting a fresh sequence there.
 */
export function changeConfig(state: AllocatorState, config: AllocationConfig): AllocatorState {
  assertAllocationConfig(config);
  if (config.version <= state.config.version) {
    throw new RangeError(
      `La nouvelle version de la répartition (${config.version}) doit suivre la version en cours (${state.config.version}).`,
    );
  }
  return { ...state, config };
}

function cursorFor(state: AllocatorState, stratum: string): StratumCursor {
  const cursor = state.strata[stratum];
  if (cursor && cursor.version === state.config.version) return cursor;
  const start = cursor?.next ?? 0;
  return {
    next: start,
    version: state.config.version,
    segmentStart: start,
    blockIndex: 0,
    blockStart: start,
  };
}

/** Gives the stratum's next position: the allocation and the state to keep. */
export function allocateNext(
  state: AllocatorState,
  stratum: string,
  seed: string,
): { state: AllocatorState; allocation: Allocation } {
  const { config } = state;
  const cursor = cursorFor(state, stratum);
  const position = cursor.next;
  const base = { stratum, position, version: config.version, segmentStart: cursor.segmentStart };
  let allocation: Allocation;
  let moved: StratumCursor;
  if (config.mode === 'fixed') {
    allocation = { ...base, arm: config.arm, blockIndex: null, blockSize: null };
    moved = { ...cursor, next: position + 1 };
  } else {
    const key = seedKey(seed);
    const size = blockSizeAt(key, stratum, config, cursor.blockIndex);
    const arm = blockArms(key, stratum, config, cursor.blockIndex, size)[position - cursor.blockStart]!;
    allocation = { ...base, arm, blockIndex: cursor.blockIndex, blockSize: size };
    const blockDone = position + 1 === cursor.blockStart + size;
    moved = blockDone
      ? { ...cursor, next: position + 1, blockIndex: cursor.blockIndex + 1, blockStart: position + 1 }
      : { ...cursor, next: position + 1 };
  }
  return { state: { ...state, strata: { ...state.strata, [stratum]: moved } }, allocation };
}
