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

export function rawWaiting(facts: readonly CandidacyFacts[]): RawWaiting {
  const byPhase: RawWaiting['byPhase'] = Object.fromEntries(
    WAITING_PHASES.map((p) => [p, { candidateDays: 0, operatorDays: 0 }]),
  );
  let candidateDays = 0;
  let operatorDays = 0;
  for (const f of facts) {
    for (const [phase, w] of Object.entries(f.waiting)) {
      const slot = (byPhase[phase] ??= { candidateDays: 0, operatorDays: 0 });
      slot.candidateDays += w.candidateMs / DAY_MS;
      slot.operatorDays += w.operatorMs / DAY_MS;
      candidateDays += w.candidateMs / DAY_MS;
      operatorDays += w.operatorMs / DAY_MS;
    }
  }
  return { byPhase, candidateDays, operatorDays };
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
