import { criticalValue } from './normal.js';

export interface ProportionInterval {
  estimate: number;
  lower: number;
  upper: number;
}

function checkCounts(successes: number, total: number): void {
  if (
    !Number.isInteger(successes) ||
    !Number.isInteger(total) ||
    total < 1 ||
    successes < 0 ||
    successes > total
  ) {
    throw new RangeError(`Proportion ${successes}/${total} impossible.`);
  }
}

/**
 * Wilson score interval (Wilson 1927): the proportions p₀ with |p̂ − p₀| ≤ z·√(p₀(1 − p₀)/n).
 * Unlike the Wald interval it stays in [0, 1] and keeps its coverage near 0 and 1, which the
 * small strata of an experiment reach.
 */
export function wilsonInterval(successes: number, total: number, level = 0.95): ProportionInterval {
  checkCounts(successes, total);
  const z = criticalValue(level);
  const n = total;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n one bound is exactly 0 or 1; clamping removes the rounding residue.
  return {
    estimate: p,
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}
