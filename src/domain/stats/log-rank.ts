import type { Observation } from './kaplan-meier.js';
import { chiSquare1UpperTail } from './normal.js';

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
 */
export function logRank(first: readonly Observation[], second: readonly Observation[]): LogRankTest {
  const times = [...new Set([...first, ...second].filter((o) => o.event).map((o) => o.time))].sort(
    (a, b) => a - b,
  );
  const atRisk = (group: readonly Observation[], t: number) => group.filter((o) => o.time >= t).length;
  const eventsAt = (group: readonly Observation[], t: number) =>
    group.filter((o) => o.event && o.time === t).length;
  let observed1 = 0;
  let observed2 = 0;
  let expected1 = 0;
  let variance = 0;
  for (const t of times) {
    const n1 = atRisk(first, t);
    const n2 = atRisk(second, t);
    const d1 = eventsAt(first, t);
    const d2 = eventsAt(second, t);
    const n = n1 + n2;
    const d = d1 + d2;
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
