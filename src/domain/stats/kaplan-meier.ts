import { criticalValue } from './normal.js';
import { checkTimes, nextTime, runOf, sortedTimes, type SortedTimes } from './sorted-times.js';

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
  return { lower: logLogLimit(survival, sigma, -z), upper: logLogLimit(survival, sigma, z) };
}

/** One limit of that interval: the lower with −z, the upper with z. */
function logLogLimit(survival: number, sigma: number, z: number): number {
  if (survival >= 1 || survival <= 0) return survival;
  return survival ** Math.exp((z * sigma) / Math.log(survival));
}

export function kaplanMeier(observations: readonly Observation[], level = 0.95): SurvivalCurve {
  const table = survivalTable(sortedTimes(observations), level);
  const z = criticalValue(level);
  return { level, steps: Array.from({ length: table.length }, (_, i) => survivalStep(table, i, z)) };
}

/**
 * The same estimator in columns, entry i for the i-th distinct time: no object per step (100,000
 * durations in milliseconds make as many steps). `kaplanMeier` is its steps as objects.
 */
export interface SurvivalTable {
  level: number;
  /** The observations (all at risk at the start). */
  observations: number;
  length: number;
  time: Float64Array;
  atRisk: Int32Array;
  events: Int32Array;
  censored: Int32Array;
  survival: Float64Array;
  /** Σ dᵢ / (nᵢ (nᵢ − dᵢ)) over event times ≤ t (σ², the variance of log S). */
  greenwood: Float64Array;
}

/**
 * From the times already sorted (src/domain/stats/sorted-times.ts): one sweep of both lists. With
 * `eventTimesOnly`, the entries of the times with events only (S and its interval change only
 * there; the censorings still leave those at risk): what quantiles and a published curve read.
 */
export function survivalTable(times: SortedTimes, level = 0.95, eventTimesOnly = false): SurvivalTable {
  checkTimes(times);
  const { events: eventTimes, censored: censoredTimes } = times;
  const observations = eventTimes.length + censoredTimes.length;
  const size = eventTimesOnly ? eventTimes.length : observations;
  const table = {
    time: new Float64Array(size),
    atRisk: new Int32Array(size),
    events: new Int32Array(size),
    censored: new Int32Array(size),
    survival: new Float64Array(size),
    greenwood: new Float64Array(size),
  };
  let survival = 1;
  let greenwood = 0;
  let atRisk = observations;
  let n = 0;
  for (let i = 0, j = 0; i < eventTimes.length || j < censoredTimes.length;) {
    const time = nextTime(eventTimes, i, censoredTimes, j);
    const events = runOf(eventTimes, i, time);
    const censored = runOf(censoredTimes, j, time);
    i += events;
    j += censored;
    if (events > 0) {
      survival *= (atRisk - events) / atRisk;
      greenwood += atRisk > events ? events / (atRisk * (atRisk - events)) : 0;
    }
    if (events > 0 || !eventTimesOnly) {
      table.time[n] = time;
      table.atRisk[n] = atRisk;
      table.events[n] = events;
      table.censored[n] = censored;
      table.survival[n] = survival;
      table.greenwood[n] = greenwood;
      n++;
    }
    atRisk -= events + censored;
  }
  return {
    level,
    observations,
    length: n,
    time: table.time.subarray(0, n),
    atRisk: table.atRisk.subarray(0, n),
    events: table.events.subarray(0, n),
    censored: table.censored.subarray(0, n),
    survival: table.survival.subarray(0, n),
    greenwood: table.greenwood.subarray(0, n),
  };
}

/** The pointwise interval of S at entry i; z = criticalValue(table.level). */
export function survivalBand(table: SurvivalTable, i: number, z: number): { lower: number; upper: number } {
  return logLogInterval(table.survival[i]!, Math.sqrt(table.greenwood[i]!), z);
}

/** One limit of that interval at entry i: the lower with −z, the upper with z. */
export function survivalLimit(table: SurvivalTable, i: number, z: number): number {
  return logLogLimit(table.survival[i]!, Math.sqrt(table.greenwood[i]!), z);
}

/** Entry i as a step. */
export function survivalStep(table: SurvivalTable, i: number, z: number): SurvivalStep {
  const survival = table.survival[i]!;
  const variance = survival > 0 ? survival * survival * table.greenwood[i]! : 0;
  const band = survivalBand(table, i, z);
  return {
    time: table.time[i]!,
    atRisk: table.atRisk[i]!,
    events: table.events[i]!,
    censored: table.censored[i]!,
    survival,
    variance,
    standardError: Math.sqrt(variance),
    lower: band.lower,
    upper: band.upper,
  };
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
