import { createHmac } from 'node:crypto';

/**
 * Draws derived from the project's secret seed: chunk `c` of the stream named `label` is
 * HMAC-SHA-256(key = UTF-8 of the seed, message = UTF-8 of JSON.stringify([...label, c])),
 * read as 8 big-endian 32-bit words. JSON keeps the message unambiguous and lets an auditor
 * recompute any draw with any HMAC tool. Without the seed the words cannot be predicted
 * (HMAC is a pseudo-random function), which is what keeps the next arm concealed.
 *
 * node:crypto, so not for workflow code: allocations are made in the API, serialised by a row lock
 * per project and stratum in the creation's transaction.
 */
export type StreamLabel = readonly (string | number)[];

/** The HMAC key of a seed: its UTF-8 bytes. */
export type HmacKey = Buffer;

export const seedKey = (seed: string): HmacKey => Buffer.from(seed, 'utf8');

export function chunkWords(key: HmacKey, label: StreamLabel, chunk: number): Uint32Array {
  const digest = createHmac('sha256', key)
    .update(JSON.stringify([...label, chunk]), 'utf8')
    .digest();
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  return Uint32Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4));
}

/** Word `index` of a stream, read directly (word i is word i mod 8 of chunk ⌊i / 8⌋). */
export function wordAt(key: HmacKey, label: StreamLabel, index: number): number {
  return chunkWords(key, label, Math.floor(index / 8))[index % 8]!;
}

/** A sequential reader of one stream, with unbiased integers by rejection. */
export function drawStream(key: HmacKey, label: StreamLabel): { below(n: number): number } {
  let chunk = 0;
  let words = chunkWords(key, label, chunk);
  let next = 0;
  const word = (): number => {
    if (next === 8) {
      words = chunkWords(key, label, ++chunk);
      next = 0;
    }
    return words[next++]!;
  };
  return {
    /** A uniform integer in [0, n): words at or above the largest multiple of n are redrawn. */
    below(n: number): number {
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
      for (;;) {
        const w = word();
        if (w < limit) return w % n;
      }
    },
  };
}
