import type { ExperimentArm } from '../arm.js';
import { blockArms, blockSizes } from './blocks.js';
import { assertAllocationConfig, type AllocationConfig } from './config.js';
import { seedKey } from './keyed-draws.js';

/** One candidacy's allocation, as journaled: enough for an auditor holding the seed to recompute it. */
export interface Allocation {
  arm: ExperimentArm;
  stratum: string;
  /** 0-based position in the stratum, counted across versions. */
  position: number;
  /** The configuration version it was made under. */
  version: number;
  /** Position at which that version started in this stratum (0 for a project's first version). */
  segmentStart: number;
  /** Block of the version's sequence, counted from 0 at `segmentStart`; null with the experiment off. */
  blockIndex: number | null;
  blockSize: number | null;
}

/**
 * The allocation at `position` of a stratum, regenerated from the seed: the sequence of blocks
 * is walked from `segmentStart` (one HMAC per 8 block sizes). The allocator gives the same allocations
 * incrementally; this is the auditor's (and the tests') way.
 */
export function allocationAt(
  seed: string,
  stratum: string,
  position: number,
  config: AllocationConfig,
  segmentStart = 0,
): Allocation {
  assertAllocationConfig(config);
  if (
    !Number.isInteger(position) ||
    !Number.isInteger(segmentStart) ||
    position < segmentStart ||
    segmentStart < 0
  ) {
    throw new RangeError(`Position ${position} hors de la séquence commencée en ${segmentStart}.`);
  }
  const base = { stratum, position, version: config.version, segmentStart };
  if (config.mode === 'fixed') return { ...base, arm: config.arm, blockIndex: null, blockSize: null };

  const key = seedKey(seed);
  let blockIndex = 0;
  let blockStart = segmentStart;
  for (const size of blockSizes(key, stratum, config)) {
    if (position < blockStart + size) {
      const arm = blockArms(key, stratum, config, blockIndex, size)[position - blockStart]!;
      return { ...base, arm, blockIndex, blockSize: size };
    }
    blockStart += size;
    blockIndex++;
  }
  throw new Error('unreachable: the block sizes never end');
}

/** An auditor's check of a journaled allocation against the seed and the version's configuration. */
export function allocationMatches(seed: string, allocation: Allocation, config: AllocationConfig): boolean {
  if (config.version !== allocation.version) return false;
  const expected = allocationAt(
    seed,
    allocation.stratum,
    allocation.position,
    config,
    allocation.segmentStart,
  );
  return (
    expected.arm === allocation.arm &&
    expected.blockIndex === allocation.blockIndex &&
    expected.blockSize === allocation.blockSize
  );
}
