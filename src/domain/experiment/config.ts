import type { ExperimentArm } from '../arm.js';

/**
 * A project's allocation settings, versioned. A new version applies to candidacies allocated
 * after it: positions already given keep their arm, since an allocation is always recomputed
 * with the version it was made under (the allocation carries that version). In each stratum a
 * version starts a fresh sequence at the stratum's next position; the unfinished block of the
 * previous version is left unfinished (its remaining slots are never given).
 */
export interface RandomisedAllocation {
  version: number;
  mode: 'randomised';
  /** Share of the test arm, honoured exactly at the end of each block. */
  testShare: number;
  /** Block sizes, each drawn with equal probability; every size × testShare is a whole number. */
  blockSizes: readonly number[];
}

/** The experiment switched off: everyone allocated from this version on goes to one arm. */
export interface FixedAllocation {
  version: number;
  mode: 'fixed';
  arm: ExperimentArm;
}

export type AllocationConfig = RandomisedAllocation | FixedAllocation;

export const DEFAULT_BLOCK_SIZES: readonly number[] = [2, 4];
export const MAX_BLOCK_SIZE = 20;

export function randomisedAllocation(
  version: number,
  testShare = 0.5,
  blockSizes: readonly number[] = DEFAULT_BLOCK_SIZES,
): RandomisedAllocation {
  return { version, mode: 'randomised', testShare, blockSizes };
}

// Shares are stored as numbers (1/3 is 0.333…): "whole" allows for the rounding of the stored value.
const isWhole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9;

/** Test slots in a block: the share of the block, a whole number for a valid configuration. */
export const testSlots = (testShare: number, blockSize: number): number => Math.round(testShare * blockSize);

/** Smallest block the share divides exactly (3 for 1/3, 10 for 0.3), or null beyond 1 000. */
export function shareDenominator(testShare: number): number | null {
  for (let q = 1; q <= 1000; q++) if (isWhole(testShare * q)) return q;
  return null;
}

const fr = (x: number, digits = 6) => String(Number(x.toFixed(digits))).replace('.', ',');

/** "0,5", "0,25", or "1/3" when the decimal would be long. */
function shareLabel(share: number, q: number | null): string {
  return q === null || String(share).length <= 5 ? fr(share) : `${Math.round(share * q)}/${q}`;
}

export interface ConfigRefusal {
  code: string;
  message: string;
}

/** Null when the configuration is usable, else why not, in French for the project lead. */
export function allocationConfigRefusal(config: AllocationConfig): ConfigRefusal | null {
  if (!Number.isInteger(config.version) || config.version < 1) {
    return { code: 'invalid_version', message: 'La version de la répartition doit être un entier positif.' };
  }
  if (config.mode === 'fixed') return null;
  const { testShare, blockSizes } = config;
  if (!(testShare >= 0 && testShare <= 1)) {
    return { code: 'invalid_share', message: 'La part du groupe test doit être comprise entre 0 et 1.' };
  }
  if (blockSizes.length === 0 || new Set(blockSizes).size !== blockSizes.length) {
    return {
      code: 'invalid_block_sizes',
      message: 'Indiquez au moins une taille de bloc, sans doublon (par exemple 2 et 4).',
    };
  }
  const wrongSize = blockSizes.find((b) => !Number.isInteger(b) || b < 1 || b > MAX_BLOCK_SIZE);
  if (wrongSize !== undefined) {
    return {
      code: 'invalid_block_sizes',
      message: `Taille de bloc ${fr(wrongSize)} refusée : une taille de bloc est un entier de 1 à ${MAX_BLOCK_SIZE}.`,
    };
  }
  const q = shareDenominator(testShare);
  if (q === null) {
    return {
      code: 'share_not_a_fraction',
      message: `La part du groupe test (${fr(testShare)}) doit être une fraction simple, par exemple 1/2, 1/3 ou 2/5.`,
    };
  }
  const misfit = blockSizes.find((b) => b % q !== 0);
  if (misfit !== undefined) {
    return {
      code: 'share_does_not_divide_block',
      message: `Avec une part du groupe test de ${shareLabel(testShare, q)}, chaque taille de bloc doit être un multiple de ${q} pour que chaque bloc respecte exactement cette part : un bloc de ${misfit} donnerait ${fr(testShare * misfit, 2)} candidature(s) au groupe test.`,
    };
  }
  return null;
}

export function assertAllocationConfig(config: AllocationConfig): void {
  const refusal = allocationConfigRefusal(config);
  if (refusal) throw new RangeError(refusal.message);
}
