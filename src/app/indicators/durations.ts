import {
  CONFIDENTIALITY_THRESHOLD,
  kaplanMeier,
  survivalQuantile,
  type Observation,
  type SurvivalCurve,
} from '../../domain/stats/index.js';
import type { CandidacyFacts } from './facts.js';
import type { CellBook, PublishedCount } from './suppression.js';

/**
 * Durations of the path's phases as survival data. A candidacy enters a phase at its start event
 * and leaves it at its end event (an *event* of the Kaplan–Meier estimator); one still in the
 * phase is censored at `asOf`, one that left the path without reaching the end (withdrawn,
 * abandoned, lapsed, not admissible…) is censored at the day it left. So the median is that of
 * the time to get through the phase, counting the slow ones still in it — not the median of the
 * finished ones alone, which would be biased towards the fast.
 */
export const SEGMENTS = [
  {
    key: 'information',
    start: 'identifiedAt',
    end: 'informedAt',
    label: 'Repérage → information et conseil',
  },
  {
    key: 'filing',
    start: 'informedAt',
    end: 'requestedAt',
    label: 'Information → demande de recevabilité',
  },
  {
    key: 'admissibility',
    start: 'requestedAt',
    end: 'decidedAt',
    label: 'Demande → décision de recevabilité (explicite ou implicite)',
  },
  {
    key: 'coaching_start',
    start: 'admissibleAt',
    end: 'coachAssignedAt',
    label: 'Recevabilité → accompagnateur désigné',
  },
  {
    key: 'coaching',
    start: 'coachAssignedAt',
    end: 'validationFileAt',
    label: 'Accompagnement → dossier de validation déposé',
  },
  {
    key: 'jury',
    start: 'validationFileAt',
    end: 'presentedAt',
    label: 'Dossier de validation → passage devant le jury',
  },
  {
    key: 'whole_path',
    start: 'identifiedAt',
    end: 'presentedAt',
    label: 'Parcours entier : repérage → passage devant le jury',
  },
] as const;
export type SegmentKey = (typeof SEGMENTS)[number]['key'];

type Instant =
  | 'identifiedAt'
  | 'informedAt'
  | 'requestedAt'
  | 'decidedAt'
  | 'coachAssignedAt'
  | 'validationFileAt'
  | 'presentedAt';

const DAY_MS = 86_400_000;

function instant(f: CandidacyFacts, name: Instant | 'admissibleAt'): number | null {
  if (name === 'admissibleAt') return f.admissible === true ? f.decidedAt : null;
  return f[name];
}

/** The observation of one candidacy in one segment (days), or null if it never entered it. */
export function observationOf(
  f: CandidacyFacts,
  segment: (typeof SEGMENTS)[number],
  asOf: number,
): Observation | null {
  const start = instant(f, segment.start);
  if (start === null) return null;
  const end = instant(f, segment.end);
  if (end !== null && end >= start) return { time: (end - start) / DAY_MS, event: true };
  const stop = f.closedAt ?? asOf;
  return { time: Math.max(0, stop - start) / DAY_MS, event: false };
}

export interface RawDuration {
  key: SegmentKey;
  observations: Observation[];
}

export function rawDurations(facts: readonly CandidacyFacts[], asOf: number): RawDuration[] {
  return SEGMENTS.map((segment) => ({
    key: segment.key,
    observations: facts
      .map((f) => observationOf(f, segment, asOf))
      .filter((o): o is Observation => o !== null),
  }));
}

/**
 * The count that a segment's observations (its start) or events (its end) already are elsewhere:
 * the funnel's steps, the admissibility decisions. Registered under the same cell, a count is
 * masked once for every table that holds it (else a duration's count would show what the funnel
 * masks, or the reverse).
 */
const SAME_COUNT: Partial<Record<Instant | 'admissibleAt', string>> = {
  identifiedAt: 'funnel.identified.reached',
  informedAt: 'funnel.informed.reached',
  requestedAt: 'funnel.admissibility_requested.reached',
  decidedAt: 'activity.decisions',
  admissibleAt: 'funnel.admissible.reached',
  coachAssignedAt: 'funnel.coached.reached',
  presentedAt: 'funnel.presented_to_jury.reached',
};

interface SegmentCells {
  observations: string;
  events: string;
  censored: string;
}

const cellsOf = new WeakMap<CellBook, Map<string, SegmentCells>>();

/** The cells of a segment's counts, once registered (aliases included). */
export function durationCellIds(book: CellBook, prefix: string, key: SegmentKey): SegmentCells {
  const cells = cellsOf.get(book)?.get(prefix + key);
  if (!cells) throw new Error(`durationCellIds: ${prefix}${key} not registered`);
  return cells;
}

export function registerDurations(book: CellBook, prefix: string, raw: readonly RawDuration[]): void {
  let registered = cellsOf.get(book);
  if (!registered) cellsOf.set(book, (registered = new Map()));
  for (const d of raw) {
    const segment = SEGMENTS.find((s) => s.key === d.key)!;
    const events = d.observations.filter((o) => o.event).length;
    // The funnel's cell when it is the same count (it always is, unless the journal is unusual).
    const cell = (instant: Instant | 'admissibleAt', own: string, n: number) => {
      const alias = SAME_COUNT[instant];
      if (alias && book.has(prefix + alias) && book.raw(prefix + alias) === n) return prefix + alias;
      return book.count(`${prefix}durations.${d.key}.${own}`, n);
    };
    const cells = {
      observations: cell(segment.start, 'observations', d.observations.length),
      events: cell(segment.end, 'events', events),
      censored: book.count(`${prefix}durations.${d.key}.censored`, d.observations.length - events),
    };
    book.table(cells.observations, [cells.events, cells.censored]);
    registered.set(prefix + d.key, cells);
  }
}

export interface QuantileOut {
  /** Days; null when the curve does not get there (too many still in the phase) or masked. */
  days: number | null;
  lower: number | null;
  upper: number | null;
  masked: boolean;
}

export interface CurvePoint {
  /** Days since the start of the phase. */
  time: number;
  /** Share still in the phase. */
  survival: number;
  lower: number;
  upper: number;
  atRisk: number;
}

export interface DurationOut {
  key: SegmentKey;
  label: string;
  observations: PublishedCount;
  events: PublishedCount;
  censored: PublishedCount;
  median: QuantileOut;
  p90: QuantileOut;
  /**
   * The Kaplan–Meier curve (a step function: S holds from a point to the next), from (0, 1) and
   * cut where fewer than 5 candidacies are still at risk; empty when the counts are masked.
   */
  curve: CurvePoint[];
}

const MASKED_QUANTILE: QuantileOut = { days: null, lower: null, upper: null, masked: true };

function quantile(curve: SurvivalCurve, p: number): QuantileOut {
  const q = survivalQuantile(curve, p);
  return { days: q.time, lower: q.lower, upper: q.upper, masked: false };
}

/** The published curve: the steps with at least 5 at risk (a tail of fewer would show individuals). */
export function publishedCurve(curve: SurvivalCurve, threshold = CONFIDENTIALITY_THRESHOLD): CurvePoint[] {
  const points: CurvePoint[] = [];
  const first = curve.steps[0];
  if (!first) return points;
  points.push({ time: 0, survival: 1, lower: 1, upper: 1, atRisk: first.atRisk });
  for (const s of curve.steps) {
    if (s.atRisk < threshold) break;
    if (s.events === 0) continue;
    points.push({ time: s.time, survival: s.survival, lower: s.lower, upper: s.upper, atRisk: s.atRisk });
  }
  return points;
}

export function durationLabel(key: SegmentKey): string {
  return SEGMENTS.find((s) => s.key === key)!.label;
}

export function publishDurations(book: CellBook, prefix: string, raw: readonly RawDuration[]): DurationOut[] {
  return raw.map((d) => {
    const id = durationCellIds(book, prefix, d.key);
    const base = {
      key: d.key,
      label: durationLabel(d.key),
      observations: book.out(id.observations),
      events: book.out(id.events),
      censored: book.out(id.censored),
    };
    // A quantile of fewer than 5 people, or of fewer than 5 events, is one person's duration.
    if (book.isMasked(id.observations, id.events)) {
      return { ...base, median: MASKED_QUANTILE, p90: MASKED_QUANTILE, curve: [] };
    }
    const curve = kaplanMeier(d.observations);
    return { ...base, median: quantile(curve, 0.5), p90: quantile(curve, 0.9), curve: publishedCurve(curve) };
  });
}
