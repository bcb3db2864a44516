import type { SurvivalCurve } from './kaplan-meier.js';

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
  if (!(p > 0 && p < 1)) throw new RangeError(`Quantile ${p} hors de ]0, 1[.`);
  const target = 1 - p;
  return {
    p,
    time: firstTimeAtOrBelow(curve, 'survival', target),
    lower: firstTimeAtOrBelow(curve, 'lower', target),
    upper: firstTimeAtOrBelow(curve, 'upper', target),
  };
}

export const survivalMedian = (curve: SurvivalCurve): QuantileEstimate => survivalQuantile(curve, 0.5);
