import type { Observation } from './kaplan-meier.js';
import { chiSquare1UpperTail } from './normal.js';
import { checkTimes, nextTime, runOf, sortedTimes, type SortedTimes } from './sorted-times.js';

export interface LogRankTest {
  /** Events observed and expected under equal hazards, per group (first, second). */
  observed: [number, number];
  expected: [number, number];
  /** Hypergeometric variance of O₁ − E₁. */
  variance: number;
  /** (O₁ − E₁)² / V, chi-square with 1 df; null without any information (no event, or V = 0). */
  chiSquare: number | null;
  pValue: number | null;
}

/**
 * Log-rank (Mantel–Cox) test of two survival curves: at each event time t, with nⱼ at risk and
 * d events of the pooled groups, E₁ += d·n₁/n and V += d·(n₁/n)(n₂/n)(n − d)/(n − 1).
 * Both groups are sorted once and swept together: O(n log n).
 */
export function logRank(first: readonly Observation[], second: readonly Observation[]): LogRankTest {
  return logRankOfSorted(sortedTimes(first), sortedTimes(second));
}

/** The same from each group's times already sorted (src/domain/stats/sorted-times.ts). */
export function logRankOfSorted(a: SortedTimes, b: SortedTimes): LogRankTest {
  checkTimes(a);
  checkTimes(b);
  const size1 = a.events.length + a.censored.length;
  const size2 = b.events.length + b.censored.length;
  // Read up to: events (ie, je) and censorings (ic, jc) before the current time, per group.
  let [ie, ic, je, jc] = [0, 0, 0, 0];
  let observed1 = 0;
  let observed2 = 0;
  let expected1 = 0;
  let variance = 0;
  for (;;) {
    const t = Math.min(nextTime(a.events, ie, a.censored, ic), nextTime(b.events, je, b.censored, jc));
    if (t === Infinity) break;
    // Those at risk at t: every observation from t on (a censoring at t is still at risk).
    const n1 = size1 - ie - ic;
    const n2 = size2 - je - jc;
    const d1 = runOf(a.events, ie, t);
    const d2 = runOf(b.events, je, t);
    ie += d1;
    je += d2;
    ic += runOf(a.censored, ic, t);
    jc += runOf(b.censored, jc, t);
    const d = d1 + d2;
    if (d === 0) continue;
    const n = n1 + n2;
    observed1 += d1;
    observed2 += d2;
    expected1 += (d * n1) / n;
    if (n > 1) variance += (d * (n1 / n) * (n2 / n) * (n - d)) / (n - 1);
  }
  const expected2 = observed1 + observed2 - expected1;
  const chiSquare = variance > 0 ? (observed1 - expected1) ** 2 / variance : null;
  return {
    observed: [observed1, observed2],
    expected: [expected1, expected2],
    variance,
    chiSquare,
    pValue: chiSquare === null ? null : chiSquare1UpperTail(chiSquare),
  };
}
