import { survivalLimit, type SurvivalCurve, type SurvivalTable } from './kaplan-meier.js';
import { criticalValue } from './normal.js';

export interface QuantileEstimate {
  /** 0.5 for the median, 0.9 for the 90th percentile. */
  p: number;
  /** Smallest t with S(t) ≤ 1 − p; null when the curve never gets there (too many still open). */
  time: number | null;
  /** Confidence limits; null when not reached (an upper limit is often "not yet known"). */
  lower: number | null;
  upper: number | null;
}

// S(t) is a product of fractions: 18/21 × … may land a hair above an exact 0.5.
const TOLERANCE = 1e-12;
/** S ≤ upper limit up to rounding: where S is above the target by more, so is the upper limit. */
const UPPER_MARGIN = 1e-9;

function firstTimeAtOrBelow(curve: SurvivalCurve, band: 'survival' | 'lower' | 'upper', target: number) {
  return curve.steps.find((s) => s[band] <= target + TOLERANCE)?.time ?? null;
}

/**
 * The p-quantile of a Kaplan–Meier curve with its confidence interval by inverting the pointwise
 * interval of S(t) (Brookmeyer–Crowley's construction, here with the curve's log-log band, as R
 * survival's quantile.survfit): the limits are the times where the lower, then the upper band
 * first reach 1 − p, with the same "smallest t with … ≤ 1 − p" as the estimate. Unlike R, an
 * S(t) equal to 1 − p over an interval gives its start, not the middle of the flat stretch.
 */
export function survivalQuantile(curve: SurvivalCurve, p: number): QuantileEstimate {
  checkP(p);
  const target = 1 - p;
  return {
    p,
    time: firstTimeAtOrBelow(curve, 'survival', target),
    lower: firstTimeAtOrBelow(curve, 'lower', target),
    upper: firstTimeAtOrBelow(curve, 'upper', target),
  };
}

function checkP(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`Quantile ${p} hors de ]0, 1[.`);
}

/** The same quantiles from a survival table, in one scan that stops once every limit is found. */
export function tableQuantiles(table: SurvivalTable, ps: readonly number[]): QuantileEstimate[] {
  ps.forEach(checkP);
  const z = criticalValue(table.level);
  // found[3q], [3q + 1], [3q + 2]: the time, lower and upper limit of ps[q]; NaN until found.
  const found = new Float64Array(ps.length * 3).fill(NaN);
  let missing = found.length;
  for (let i = 0; i < table.length && missing > 0; i++) {
    // Censorings alone change neither S nor its interval: never the first to reach a target.
    if (table.events[i] === 0) continue;
    const time = table.time[i]!;
    const survival = table.survival[i]!;
    // A limit is computed only where it may be found (the upper one is never below S), once.
    let lower = NaN;
    let upper = NaN;
    for (let q = 0; q < ps.length; q++) {
      const target = 1 - ps[q]! + TOLERANCE;
      if (Number.isNaN(found[3 * q]!) && survival <= target) {
        found[3 * q] = time;
        missing--;
      }
      if (Number.isNaN(found[3 * q + 1]!) && !lowerAbove(table, i, z, target)) {
        if (Number.isNaN(lower)) lower = survivalLimit(table, i, -z);
        if (lower <= target) {
          found[3 * q + 1] = time;
          missing--;
        }
      }
      if (Number.isNaN(found[3 * q + 2]!) && survival <= target + UPPER_MARGIN) {
        if (Number.isNaN(upper)) upper = survivalLimit(table, i, z);
        if (upper <= target) {
          found[3 * q + 2] = time;
          missing--;
        }
      }
    }
  }
  const orNull = (t: number) => (Number.isNaN(t) ? null : t);
  return ps.map((p, q) => ({
    p,
    time: orNull(found[3 * q]!),
    lower: orNull(found[3 * q + 1]!),
    upper: orNull(found[3 * q + 2]!),
  }));
}

/**
 * The lower limit S^exp(zσ/L), L = −ln S, is above the target when L·exp(zσ/L) < −ln target; as
 * e^x ≤ 1 / (1 − x) for x < 1, surely so when zσ < L and L² / (L − zσ) < −ln target (with a
 * margin far above rounding). Cheaper than the limit: most steps of a long curve are settled so.
 */
function lowerAbove(table: SurvivalTable, i: number, z: number, target: number): boolean {
  const survival = table.survival[i]!;
  if (!(survival > 0 && survival < 1)) return false;
  const l = -Math.log(survival);
  const x = z * Math.sqrt(table.greenwood[i]!);
  return x < l && (l * l) / (l - x) < -Math.log(target) * (1 - 1e-9);
}

export const survivalMedian = (curve: SurvivalCurve): QuantileEstimate => survivalQuantile(curve, 0.5);
