import { wilsonInterval } from '../../domain/stats/index.js';
import type { CandidacyFacts } from './facts.js';
import {
  maskedValue,
  shownValue,
  type CellBook,
  type PublishedCount,
  type PublishedValue,
} from './suppression.js';

/**
 * The funnel: how many candidacies reached each step, how many went on to the next, and how the
 * others left it (withdrawn, abandoned, lapsed, closed otherwise, still open). Each candidacy is
 * counted at its furthest step, so every step's count is the next one's plus those who left it.
 */
export const FUNNEL_STEPS = [
  'identified',
  'informed',
  'admissibility_requested',
  'admissible',
  'coached',
  'presented_to_jury',
  'blocks_validated',
  'certification_obtained',
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export const FUNNEL_STEP_LABELS: Record<FunnelStep, string> = {
  identified: 'Repérés',
  informed: 'Informés et conseillés',
  admissibility_requested: 'Recevabilité demandée',
  admissible: 'Recevables',
  coached: 'Accompagnés',
  presented_to_jury: 'Présentés au jury',
  blocks_validated: 'Au moins un bloc validé',
  certification_obtained: 'Certification complète obtenue',
};

export const EXITS = ['withdrawn', 'abandoned', 'lapsed', 'closed', 'open'] as const;
export type Exit = (typeof EXITS)[number];

export const EXIT_LABELS: Record<Exit, string> = {
  withdrawn: 'Retrait du candidat',
  abandoned: 'Abandon',
  lapsed: 'Demande caduque',
  closed: 'Clos à cette étape (non recevable, refus, résultat partiel, absence, archivage)',
  open: 'En cours à cette étape',
};

/** Drop-outs in the indicators' sense: the candidate left (not a decision of the certifier or jury). */
export const DROP_OUT_EXITS: readonly Exit[] = ['withdrawn', 'abandoned', 'lapsed'];

const STEP = Object.fromEntries(FUNNEL_STEPS.map((s, k) => [s, k])) as Record<FunnelStep, number>;

/** The index of the furthest step reached in FUNNEL_STEPS (each step implies the ones before). */
export function furthestStep(f: CandidacyFacts): number {
  if (f.certificationObtained) return STEP.certification_obtained;
  if (f.blocksValidatedAt !== null) return STEP.blocks_validated;
  if (f.presentedAt !== null) return STEP.presented_to_jury;
  if (f.coachAssignedAt !== null) return STEP.coached;
  if (f.admissible === true) return STEP.admissible;
  if (f.requestedAt !== null) return STEP.admissibility_requested;
  if (f.informedAt !== null) return STEP.informed;
  return STEP.identified;
}

export function exitOf(f: CandidacyFacts): Exit {
  switch (f.phase) {
    case 'withdrawn':
      return 'withdrawn';
    case 'abandoned':
      return 'abandoned';
    case 'admissibility_lapsed':
      return 'lapsed';
    case 'not_admissible':
    case 'result':
    case 'archived':
      return 'closed';
    default:
      return 'open';
  }
}

export interface RawFunnel {
  steps: { key: FunnelStep; reached: number; exits: Record<Exit, number> }[];
  admissibleExplicit: number;
  admissibleImplicit: number;
}

/** Each candidacy's place in the funnel, read once per request: rows in the order of the facts. */
export interface FunnelTable {
  /** furthestStep · EXITS.length + the exit's rank. */
  cells: Int16Array;
  /** Admissible: 1 by an explicit decision, 2 by the certifier's silence; 0 not admissible. */
  admissible: Int8Array;
}

export function funnelTable(facts: readonly CandidacyFacts[]): FunnelTable {
  const exitRank = new Map(EXITS.map((e, k) => [e, k]));
  const cells = new Int16Array(facts.length);
  const admissible = new Int8Array(facts.length);
  facts.forEach((f, k) => {
    cells[k] = furthestStep(f) * EXITS.length + exitRank.get(exitOf(f))!;
    if (f.admissible === true) admissible[k] = f.implicitDecision ? 2 : 1;
  });
  return { cells, admissible };
}

/** A group's funnel, its candidacies added one by one (rows of the table). */
export class FunnelCount {
  private readonly cells = new Int32Array(FUNNEL_STEPS.length * EXITS.length);
  private readonly admissible = new Int32Array(3);

  constructor(private readonly table: FunnelTable) {}

  add(k: number): void {
    this.cells[this.table.cells[k]!]!++;
    this.admissible[this.table.admissible[k]!]!++;
  }

  result(): RawFunnel {
    const steps = FUNNEL_STEPS.map((key, s) => {
      const exits = Object.fromEntries(EXITS.map((e, x) => [e, this.cells[s * EXITS.length + x]!]));
      return { key, reached: 0, exits: exits as Record<Exit, number> };
    });
    // Counted at its furthest step, a candidacy reached every step before it.
    let reached = 0;
    for (let s = steps.length - 1; s >= 0; s--) {
      reached += EXITS.reduce((n, e) => n + steps[s]!.exits[e], 0);
      steps[s]!.reached = reached;
    }
    return { steps, admissibleExplicit: this.admissible[1]!, admissibleImplicit: this.admissible[2]! };
  }
}

export function rawFunnel(facts: readonly CandidacyFacts[]): RawFunnel {
  const count = new FunnelCount(funnelTable(facts));
  facts.forEach((_, k) => count.add(k));
  return count.result();
}

const reachedId = (prefix: string, step: FunnelStep) => `${prefix}funnel.${step}.reached`;
const exitId = (prefix: string, step: FunnelStep, exit: Exit) => `${prefix}funnel.${step}.${exit}`;
export const dropOutsId = (prefix: string) => `${prefix}funnel.drop_outs`;
export const candidaciesId = (prefix: string) => reachedId(prefix, 'identified');
export const stepReachedId = reachedId;

/** Registers the funnel's counts and the tables that link them: each step = next step + its exits. */
export function registerFunnel(book: CellBook, prefix: string, raw: RawFunnel): void {
  raw.steps.forEach((s, k) => {
    book.count(reachedId(prefix, s.key), s.reached);
    for (const e of EXITS) book.count(exitId(prefix, s.key, e), s.exits[e]);
    const next = raw.steps[k + 1];
    book.table(reachedId(prefix, s.key), [
      ...(next ? [reachedId(prefix, next.key)] : []),
      ...EXITS.map((e) => exitId(prefix, s.key, e)),
    ]);
  });
  const explicit = book.count(`${prefix}funnel.admissible.explicit`, raw.admissibleExplicit);
  const implicit = book.count(`${prefix}funnel.admissible.implicit`, raw.admissibleImplicit);
  book.table(reachedId(prefix, 'admissible'), [explicit, implicit]);
  const dropOutParts = raw.steps.flatMap((s) => DROP_OUT_EXITS.map((e) => exitId(prefix, s.key, e)));
  const dropOuts = raw.steps.reduce((n, s) => n + DROP_OUT_EXITS.reduce((m, e) => m + s.exits[e], 0), 0);
  book.table(book.count(dropOutsId(prefix), dropOuts), dropOutParts);
}

export interface PublishedInterval {
  value: number | null;
  lower: number | null;
  upper: number | null;
  masked: boolean;
}

export interface FunnelStepOut {
  key: FunnelStep;
  label: string;
  reached: PublishedCount;
  /** reached / identified */
  shareOfIdentified: PublishedValue;
  /** reached / previous step's reached, with its Wilson 95 % interval; null at the first step. */
  conversion: PublishedInterval | null;
  exits: Record<Exit, PublishedCount>;
}

export interface FunnelOut {
  steps: FunnelStepOut[];
  admissible: { explicit: PublishedCount; implicit: PublishedCount };
  /** Withdrawn, abandoned or lapsed, at any step. */
  dropOuts: PublishedCount;
  dropOutShare: PublishedValue;
}

/** A proportion with its Wilson interval, masked with either count. */
export function proportion(
  book: CellBook,
  successesId: string,
  totalId: string,
): PublishedInterval & { successes: PublishedCount; total: PublishedCount } {
  const successes = book.out(successesId);
  const total = book.out(totalId);
  if (successes.masked || total.masked)
    return { value: null, lower: null, upper: null, masked: true, successes, total };
  const n = book.raw(totalId);
  if (n === 0) return { value: null, lower: null, upper: null, masked: false, successes, total };
  const w = wilsonInterval(book.raw(successesId), n);
  return { value: w.estimate, lower: w.lower, upper: w.upper, masked: false, successes, total };
}

function share(book: CellBook, partId: string, totalId: string): PublishedValue {
  if (book.isMasked(partId, totalId)) return maskedValue;
  const total = book.raw(totalId);
  return shownValue(total === 0 ? null : book.raw(partId) / total);
}

export function publishFunnel(book: CellBook, prefix: string, raw: RawFunnel): FunnelOut {
  const identified = reachedId(prefix, 'identified');
  return {
    steps: raw.steps.map((s, k) => {
      const previous = raw.steps[k - 1];
      const conversion = previous
        ? proportion(book, reachedId(prefix, s.key), reachedId(prefix, previous.key))
        : null;
      return {
        key: s.key,
        label: FUNNEL_STEP_LABELS[s.key],
        reached: book.out(reachedId(prefix, s.key)),
        shareOfIdentified: share(book, reachedId(prefix, s.key), identified),
        conversion: conversion && {
          value: conversion.value,
          lower: conversion.lower,
          upper: conversion.upper,
          masked: conversion.masked,
        },
        exits: Object.fromEntries(EXITS.map((e) => [e, book.out(exitId(prefix, s.key, e))])) as Record<
          Exit,
          PublishedCount
        >,
      };
    }),
    admissible: {
      explicit: book.out(`${prefix}funnel.admissible.explicit`),
      implicit: book.out(`${prefix}funnel.admissible.implicit`),
    },
    dropOuts: book.out(dropOutsId(prefix)),
    dropOutShare: share(book, dropOutsId(prefix), identified),
  };
}
