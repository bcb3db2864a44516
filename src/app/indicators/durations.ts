import {
  CONFIDENTIALITY_THRESHOLD,
  criticalValue,
  survivalBand,
  sortTimes,
  survivalTable,
  tableQuantiles,
  type Observation,
  type QuantileEstimate,
  type SortedTimes,
  type SurvivalTable,
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
  // A switch, not f[name]: a keyed access by 7 names is slow over 100,000 candidacies.
  switch (name) {
    case 'identifiedAt':
      return f.identifiedAt;
    case 'informedAt':
      return f.informedAt;
    case 'requestedAt':
      return f.requestedAt;
    case 'decidedAt':
      return f.decidedAt;
    case 'admissibleAt':
      return f.admissible === true ? f.decidedAt : null;
    case 'coachAssignedAt':
      return f.coachAssignedAt;
    case 'validationFileAt':
      return f.validationFileAt;
    case 'presentedAt':
      return f.presentedAt;
  }
}

/** The observation of one candidacy in one segment (days), or null if it never entered it. */
export function observationOf(
  f: CandidacyFacts,
  segment: (typeof SEGMENTS)[number],
  asOf: number,
): Observation | null {
  const { times, states } = observationTable([f], asOf);
  const s = SEGMENTS.indexOf(segment);
  return states[s]! < 0 ? null : { time: times[s]!, event: states[s] === 1 };
}

/**
 * Every candidacy's observation in every segment, computed once per request for all groups: row k
 * is the k-th candidacy, column s the s-th segment of SEGMENTS.
 */
export interface ObservationTable {
  /** Days, at k · SEGMENTS.length + s. */
  times: Float64Array;
  /** 1 through the phase (an event), 0 censored, −1 never entered. */
  states: Int8Array;
  /**
   * The k-th candidacy's pattern, its rank in `patterns`: the segments it entered (bit s) and
   * those it went through (bit SEGMENTS.length + s). A group counts its patterns, not its rows.
   */
  pattern: Uint16Array;
  patterns: number[];
}

/**
 * A candidacy enters a segment at its start and goes through it at its end; one that has not is
 * censored at asOf, or when it left the path.
 */
export function observationTable(facts: readonly CandidacyFacts[], asOf: number): ObservationTable {
  const width = SEGMENTS.length;
  const times = new Float64Array(facts.length * width);
  const states = new Int8Array(facts.length * width).fill(-1);
  const pattern = new Uint16Array(facts.length);
  const patterns: number[] = [];
  const rank = new Int32Array(1 << (2 * width)).fill(-1);
  for (let k = 0; k < facts.length; k++) {
    const f = facts[k]!;
    let bits = 0;
    for (let s = 0; s < width; s++) {
      const start = instant(f, SEGMENTS[s]!.start);
      if (start === null) continue;
      const end = instant(f, SEGMENTS[s]!.end);
      const at = k * width + s;
      bits |= 1 << s;
      if (end !== null && end >= start) {
        times[at] = (end - start) / DAY_MS;
        states[at] = 1;
        bits |= 1 << (width + s);
      } else {
        times[at] = Math.max(0, (f.closedAt ?? asOf) - start) / DAY_MS;
        states[at] = 0;
      }
    }
    if (rank[bits]! < 0) rank[bits] = patterns.push(bits) - 1;
    pattern[k] = rank[bits]!;
  }
  return { times, states, pattern, patterns };
}

export interface RawDuration {
  key: SegmentKey;
  /** Candidacies that entered the phase; `events` went through it, the others are censored. */
  count: number;
  events: number;
  /** Their times, sorted: only built for a published curve or a test (memoised). */
  times: () => SortedTimes;
}

/**
 * A group's durations, its candidacies added one by one (rows of the table). Only a group whose
 * curves are published keeps its rows, up to `rows` of them (the group's size), for `times`.
 */
export class DurationCount {
  /** Candidacies by pattern of the table. */
  private readonly byPattern: Int32Array;
  private readonly rows: Int32Array | null;
  private added = 0;

  constructor(
    private readonly table: ObservationTable,
    rows: number | null,
  ) {
    this.byPattern = new Int32Array(table.patterns.length);
    this.rows = rows === null ? null : new Int32Array(rows);
  }

  add(k: number): void {
    if (this.rows) this.rows[this.added] = k;
    this.added++;
    this.byPattern[this.table.pattern[k]!]!++;
  }

  result(): RawDuration[] {
    const width = SEGMENTS.length;
    const counts = new Int32Array(width);
    const events = new Int32Array(width);
    this.table.patterns.forEach((bits, p) => {
      for (let s = 0; s < width; s++) {
        if (bits & (1 << s)) counts[s]! += this.byPattern[p]!;
        if (bits & (1 << (width + s))) events[s]! += this.byPattern[p]!;
      }
    });
    let gathered: SortedTimes[] | null = null;
    return SEGMENTS.map((segment, s) => {
      let sorted: SortedTimes | null = null;
      const times = () => {
        gathered ??= this.gather(counts, events);
        const g = gathered[s]!;
        return (sorted ??= { events: sortTimes(g.events), censored: sortTimes(g.censored) });
      };
      return { key: segment.key, count: counts[s]!, events: events[s]!, times };
    });
  }

  /** Every segment's times, in one pass over the rows (unsorted). */
  private gather(counts: Int32Array, events: Int32Array): SortedTimes[] {
    if (!this.rows || this.added > this.rows.length) throw new Error('DurationCount: rows not kept');
    const width = SEGMENTS.length;
    const out = SEGMENTS.map((_, s) => ({
      events: new Float64Array(events[s]!),
      censored: new Float64Array(counts[s]! - events[s]!),
    }));
    const passed = new Int32Array(width);
    const censored = new Int32Array(width);
    for (let r = 0; r < this.added; r++) {
      for (let s = 0, at = this.rows[r]! * width; s < width; s++, at++) {
        const state = this.table.states[at]!;
        if (state === 1) out[s]!.events[passed[s]!++] = this.table.times[at]!;
        else if (state === 0) out[s]!.censored[censored[s]!++] = this.table.times[at]!;
      }
    }
    return out;
  }
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
    // The funnel's cell when it is the same count (it always is, unless the journal is unusual).
    const cell = (instant: Instant | 'admissibleAt', own: string, n: number) => {
      const alias = SAME_COUNT[instant];
      if (alias && book.has(prefix + alias) && book.raw(prefix + alias) === n) return prefix + alias;
      return book.count(`${prefix}durations.${d.key}.${own}`, n);
    };
    const cells = {
      observations: cell(segment.start, 'observations', d.count),
      events: cell(segment.end, 'events', d.events),
      censored: book.count(`${prefix}durations.${d.key}.censored`, d.count - d.events),
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
   * The Kaplan–Meier curve (a step function: S holds from a point to the next), from (0, 1), at
   * most one point per day (S after that day's last event), cut where fewer than 5 candidacies are
   * still at risk; empty when the counts are masked.
   */
  curve: CurvePoint[];
}

const MASKED_QUANTILE: QuantileOut = { days: null, lower: null, upper: null, masked: true };

const quantileOut = (q: QuantileEstimate): QuantileOut => ({
  days: q.time,
  lower: q.lower,
  upper: q.upper,
  masked: false,
});

/**
 * The published curve: from (0, 1), at most one point per day of the phase — its last step, so S
 * after that day's last event — and only steps with at least 5 at risk (a tail of fewer would show
 * individuals). Its size is bounded by the days, not by the number of candidacies.
 */
export function publishedCurve(table: SurvivalTable, threshold = CONFIDENTIALITY_THRESHOLD): CurvePoint[] {
  if (table.observations === 0) return [];
  const points: CurvePoint[] = [{ time: 0, survival: 1, lower: 1, upper: 1, atRisk: table.observations }];
  const z = criticalValue(table.level);
  const point = (i: number): CurvePoint => ({
    time: table.time[i]!,
    survival: table.survival[i]!,
    ...survivalBand(table, i, z),
    atRisk: table.atRisk[i]!,
  });
  let last = -1;
  for (let i = 0; i < table.length; i++) {
    if (table.atRisk[i]! < threshold) break;
    if (table.events[i] === 0) continue;
    if (last >= 0 && Math.floor(table.time[i]!) !== Math.floor(table.time[last]!)) points.push(point(last));
    last = i;
  }
  if (last >= 0) points.push(point(last));
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
    const table = survivalTable(d.times(), 0.95, true);
    const [median, p90] = tableQuantiles(table, [0.5, 0.9]).map(quantileOut);
    return { ...base, median: median!, p90: p90!, curve: publishedCurve(table) };
  });
}
