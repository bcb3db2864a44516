import { PHASE_LABELS_FR, PHASES, TERMINAL_PHASES, type Phase } from '../../domain/phases.js';
import type { CandidacyFacts } from './facts.js';
import { candidaciesId } from './funnel.js';
import { maskedValue, shownValue, type CellBook, type PublishedValue } from './suppression.js';

/**
 * Who the path waited on: from each journal event to the next (or to `asOf` while open), the
 * time is the candidate's when `waiting_on_after` is the candidate (writing the file, completing
 * it, answering a reminder, coming to the jury), the operators' when it names an operator (the
 * advisor, the certifier's decision, the coach), nobody's once the path is closed. Summed in days,
 * by phase and over the whole path.
 */
export const WAITING_PHASES: readonly Phase[] = PHASES.filter((p) => !TERMINAL_PHASES.includes(p));

const DAY_MS = 86_400_000;

export interface RawWaiting {
  byPhase: Record<string, { candidateDays: number; operatorDays: number }>;
  candidateDays: number;
  operatorDays: number;
}

/** Every candidacy's waiting in days, read once per request for all groups. */
export interface WaitingTable {
  /** The phases met: WAITING_PHASES, then any other in the order first met. */
  phases: string[];
  /**
   * The k-th candidacy's entries, from start[k] to start[k + 1]: each its phase's rank in
   * `phases`, the days waiting on the candidate and on operators.
   */
  start: Int32Array;
  phase: Int32Array;
  candidateDays: Float64Array;
  operatorDays: Float64Array;
}

export function waitingTable(facts: readonly CandidacyFacts[]): WaitingTable {
  const phases: string[] = [...WAITING_PHASES];
  const rank = new Map(phases.map((p, k) => [p, k]));
  const start = new Int32Array(facts.length + 1);
  let phase: Int32Array = new Int32Array(facts.length * 4 + 16);
  let candidateDays: Float64Array = new Float64Array(phase.length);
  let operatorDays: Float64Array = new Float64Array(phase.length);
  let n = 0;
  for (let k = 0; k < facts.length; k++) {
    const waiting = facts[k]!.waiting;
    for (const p in waiting) {
      if (n === phase.length) {
        phase = grown(phase, new Int32Array(2 * n));
        candidateDays = grown(candidateDays, new Float64Array(2 * n));
        operatorDays = grown(operatorDays, new Float64Array(2 * n));
      }
      let r = rank.get(p);
      if (r === undefined) rank.set(p, (r = phases.push(p) - 1));
      const w = waiting[p]!;
      phase[n] = r;
      candidateDays[n] = w.candidateMs / DAY_MS;
      operatorDays[n] = w.operatorMs / DAY_MS;
      n++;
    }
    start[k + 1] = n;
  }
  return { phases, start, phase, candidateDays, operatorDays };
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** A group's waiting, its candidacies added one by one (rows of the table). */
export class WaitingCount {
  private readonly candidate: Float64Array;
  private readonly operator: Float64Array;
  /** A phase outside WAITING_PHASES is listed if the group met it, in the order met. */
  private readonly others: number[] = [];
  private candidateDays = 0;
  private operatorDays = 0;

  constructor(private readonly table: WaitingTable) {
    this.candidate = new Float64Array(table.phases.length);
    this.operator = new Float64Array(table.phases.length);
  }

  add(k: number): void {
    const t = this.table;
    for (let i = t.start[k]!; i < t.start[k + 1]!; i++) {
      const phase = t.phase[i]!;
      if (phase >= WAITING_PHASES.length && !this.others.includes(phase)) this.others.push(phase);
      this.candidate[phase]! += t.candidateDays[i]!;
      this.operator[phase]! += t.operatorDays[i]!;
      this.candidateDays += t.candidateDays[i]!;
      this.operatorDays += t.operatorDays[i]!;
    }
  }

  result(): RawWaiting {
    const byPhase: RawWaiting['byPhase'] = {};
    for (const phase of [...WAITING_PHASES.keys(), ...this.others]) {
      byPhase[this.table.phases[phase]!] = {
        candidateDays: this.candidate[phase]!,
        operatorDays: this.operator[phase]!,
      };
    }
    return { byPhase, candidateDays: this.candidateDays, operatorDays: this.operatorDays };
  }
}

export interface WaitingOut {
  /** Days summed over the candidacies. */
  candidateDays: number;
  operatorDays: number;
  /** Share of the waiting that was the candidate's. */
  candidateShare: PublishedValue;
  /** Mean per candidacy (masked with the number of candidacies). */
  candidateDaysPerCandidacy: PublishedValue;
  operatorDaysPerCandidacy: PublishedValue;
  byPhase: { phase: string; label: string; candidateDays: number; operatorDays: number }[];
}

export function publishWaiting(book: CellBook, prefix: string, raw: RawWaiting): WaitingOut {
  const n = candidaciesId(prefix);
  const total = raw.candidateDays + raw.operatorDays;
  const perCandidacy = (days: number) =>
    book.isMasked(n) ? maskedValue : shownValue(book.raw(n) === 0 ? null : days / book.raw(n));
  return {
    candidateDays: raw.candidateDays,
    operatorDays: raw.operatorDays,
    candidateShare: shownValue(total > 0 ? raw.candidateDays / total : null),
    candidateDaysPerCandidacy: perCandidacy(raw.candidateDays),
    operatorDaysPerCandidacy: perCandidacy(raw.operatorDays),
    byPhase: Object.entries(raw.byPhase).map(([phase, w]) => ({
      phase,
      label: PHASE_LABELS_FR[phase as Phase] ?? phase,
      candidateDays: w.candidateDays,
      operatorDays: w.operatorDays,
    })),
  };
}
