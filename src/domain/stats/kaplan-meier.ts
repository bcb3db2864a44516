import { criticalValue } from './normal.js';

/** A duration, ended by the event (`event: true`) or still running / lost (right-censored). */
export interface Observation {
  time: number;
  event: boolean;
}

export interface SurvivalStep {
  time: number;
  /** Observations with time ≥ t: a censoring at t counts as at risk at t. */
  atRisk: number;
  events: number;
  censored: number;
  /** S(t), right-continuous: after the events at t. */
  survival: number;
  /** Greenwood: S(t)² · Σ dᵢ / (nᵢ (nᵢ − dᵢ)) over event times ≤ t; 0 once S(t) = 0. */
  variance: number;
  standardError: number;
  /** Pointwise confidence interval of S(t), log-log transformed. */
  lower: number;
  upper: number;
}

export interface SurvivalCurve {
  level: number;
  /** One step per distinct time, events or censorings, ascending. */
  steps: SurvivalStep[];
}

/**
 * The log-log interval, S^exp(±z·σ/ln S) with σ² = Σ d/(n(n−d)): it stays within [0, 1], unlike
 * S ± z·SE, and is R survival's `conf.type = "log-log"`. At S = 1 or 0 it is that point.
 */
function logLogInterval(survival: number, sigma: number, z: number): { lower: number; upper: number } {
  if (survival >= 1 || survival <= 0) return { lower: survival, upper: survival };
  const spread = (z * sigma) / Math.log(survival);
  return { lower: survival ** Math.exp(-spread), upper: survival ** Math.exp(spread) };
}

export function kaplanMeier(observations: readonly Observation[], level = 0.95): SurvivalCurve {
  for (const o of observations) {
    if (!(Number.isFinite(o.time) && o.time >= 0)) throw new RangeError(`Durée ${o.time} impossible.`);
  }
  const z = criticalValue(level);
  const sorted = [...observations].sort((a, b) => a.time - b.time);
  const steps: SurvivalStep[] = [];
  let survival = 1;
  let greenwood = 0;
  let atRisk = sorted.length;
  for (let i = 0; i < sorted.length;) {
    const time = sorted[i]!.time;
    let events = 0;
    let censored = 0;
    for (; i < sorted.length && sorted[i]!.time === time; i++) {
      if (sorted[i]!.event) events++;
      else censored++;
    }
    if (events > 0) {
      survival *= (atRisk - events) / atRisk;
      greenwood += atRisk > events ? events / (atRisk * (atRisk - events)) : 0;
    }
    const variance = survival > 0 ? survival * survival * greenwood : 0;
    const sigma = Math.sqrt(greenwood);
    steps.push({
      time,
      atRisk,
      events,
      censored,
      survival,
      variance,
      standardError: Math.sqrt(variance),
      ...logLogInterval(survival, sigma, z),
    });
    atRisk -= events + censored;
  }
  return { level, steps };
}

/** S(t) at any time: the last step at or before t (1 before the first). */
export function survivalAt(curve: SurvivalCurve, time: number): number {
  let s = 1;
  for (const step of curve.steps) {
    if (step.time > time) break;
    s = step.survival;
  }
  return s;
}
