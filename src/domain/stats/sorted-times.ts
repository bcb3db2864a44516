import type { Observation } from './kaplan-meier.js';

/**
 * The times of the events and of the censorings apart, each sorted ascending: what the Kaplan–Meier
 * estimator and the log-rank test sweep, once sorted (O(n log n), then linear).
 */
export interface SortedTimes {
  events: Float64Array;
  censored: Float64Array;
}

export function sortedTimes(observations: readonly Observation[]): SortedTimes {
  let e = 0;
  for (const o of observations) if (o.event) e++;
  const events = new Float64Array(e);
  const censored = new Float64Array(observations.length - e);
  let i = 0;
  let j = 0;
  for (const o of observations) {
    if (o.event) events[i++] = o.time;
    else censored[j++] = o.time;
  }
  return { events: sortTimes(events), censored: sortTimes(censored) };
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
// The radix sort's digits: 3 per 32-bit word (bits 0–10, 11–21, 22–31), the low word first.
const DIGIT_SHIFT = [0, 11, 22, 0, 11, 22];
const DIGIT_MASK = [0x7ff, 0x7ff, 0x3ff, 0x7ff, 0x7ff, 0x3ff];
const BUCKETS = 1 << 11;
// Reused from call to call (synchronous): the digits' counts and the other buffer of the passes.
const counts = new Uint32Array(6 * BUCKETS);
let spare = new Float64Array(0);

/**
 * Sorts times in place, ascending, as `Float64Array.prototype.sort` does. From 2,000 values on,
 * when all are ≥ 0 (durations), a radix sort of their bits — a double ≥ 0 orders as its bits read
 * as an unsigned integer —, 3 times faster at 100,000: 6 passes of 11 bits, a pass skipped when
 * every value has the same digit; −0 is written 0.
 */
export function sortTimes(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 2_000 || !LITTLE_ENDIAN) return values.sort();
  for (let i = 0; i < n; i++) {
    if (!(values[i]! >= 0)) return values.sort();
    if (values[i] === 0) values[i] = 0; // −0 is ≥ 0, but its sign bit would sort it last
  }
  counts.fill(0);
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    counts[lo & 0x7ff]!++;
    counts[BUCKETS + ((lo >>> 11) & 0x7ff)]!++;
    counts[2 * BUCKETS + (lo >>> 22)]!++;
    counts[3 * BUCKETS + (hi & 0x7ff)]!++;
    counts[4 * BUCKETS + ((hi >>> 11) & 0x7ff)]!++;
    counts[5 * BUCKETS + (hi >>> 22)]!++;
  }
  let src: Float64Array = values;
  if (spare.length < n) spare = new Float64Array(n);
  let dst: Float64Array = spare.subarray(0, n);
  let srcWords: Uint32Array = words;
  let dstWords: Uint32Array = new Uint32Array(dst.buffer, 0, 2 * n);
  for (let pass = 0; pass < 6; pass++) {
    const base = pass * BUCKETS;
    const word = pass < 3 ? 0 : 1;
    const shift = DIGIT_SHIFT[pass]!;
    const mask = DIGIT_MASK[pass]!;
    if (counts[base + ((srcWords[word]! >>> shift) & mask)] === n) continue;
    for (let d = 0, sum = 0; d < BUCKETS; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) dst[counts[base + ((srcWords[2 * i + word]! >>> shift) & mask)]!++] = src[i]!;
    [src, dst, srcWords, dstWords] = [dst, src, dstWords, srcWords];
  }
  if (src !== values) values.set(src);
  return values;
}

/** Every time finite and ≥ 0: sorted, only the ends need a look. */
export function checkTimes(t: SortedTimes): void {
  for (const values of [t.events, t.censored]) {
    if (values.length === 0) continue;
    const bad = values[0]! >= 0 ? values[values.length - 1]! : values[0]!;
    if (!(Number.isFinite(bad) && bad >= 0)) throw new RangeError(`Durée ${bad} impossible.`);
  }
}

/** How many values from `from` on equal `t` (the array sorted): the run of a tie. */
export function runOf(values: Float64Array, from: number, t: number): number {
  let k = from;
  while (k < values.length && values[k] === t) k++;
  return k - from;
}

/** The smallest of the two next values, Infinity once both are read. */
export function nextTime(a: Float64Array, i: number, b: Float64Array, j: number): number {
  return Math.min(i < a.length ? a[i]! : Infinity, j < b.length ? b[j]! : Infinity);
}
