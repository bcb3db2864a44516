import type { ExperimentArm } from '../arm.js';
import type { HmacKey } from './keyed-draws.js';
import { chunkWords, drawStream, wordAt } from './keyed-draws.js';
import { testSlots, type RandomisedAllocation } from './config.js';

/**
 * The permuted blocks of one (stratum, version): block sizes come from the stream
 * ["taille", stratum, version], one word per block, so walking to a position reads one HMAC per
 * 8 blocks; the arms of block b come from the stream ["bloc", stratum, version, b].
 */

/**
 * Size of block `index`: the word scaled to the list (⌊word × n / 2³²⌋). Its bias, under n / 2³²,
 * is harmless for a size and keeps one word per block, so any block's size is read directly.
 */
const sizeOf = (config: RandomisedAllocation, word: number): number =>
  config.blockSizes[Math.floor((word * config.blockSizes.length) / 0x1_0000_0000)]!;

export function blockSizeAt(
  key: HmacKey,
  stratum: string,
  config: RandomisedAllocation,
  index: number,
): number {
  return sizeOf(config, wordAt(key, ['taille', stratum, config.version], index));
}

/** The sizes of blocks 0, 1, 2…, one HMAC per 8 blocks (for walking to a position). */
export function* blockSizes(key: HmacKey, stratum: string, config: RandomisedAllocation): Generator<number> {
  for (let chunk = 0; ; chunk++) {
    for (const word of chunkWords(key, ['taille', stratum, config.version], chunk))
      yield sizeOf(config, word);
  }
}

/** The arms of a block: its test slots then control slots, shuffled (Fisher–Yates). */
export function blockArms(
  key: HmacKey,
  stratum: string,
  config: RandomisedAllocation,
  index: number,
  size: number,
): ExperimentArm[] {
  const tests = testSlots(config.testShare, size);
  const arms: ExperimentArm[] = Array.from({ length: size }, (_, i) => (i < tests ? 'test' : 'control'));
  const draws = drawStream(key, ['bloc', stratum, config.version, index]);
  for (let i = size - 1; i > 0; i--) {
    const j = draws.below(i + 1);
    [arms[i], arms[j]] = [arms[j]!, arms[i]!];
  }
  return arms;
}
