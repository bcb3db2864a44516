import { logRankOfSorted, newcombeDifference, type SortedTimes } from '../../domain/stats/index.js';
import { implicitDecisionIds } from './activity.js';
import {
  durationCellIds,
  durationLabel,
  type DurationOut,
  type RawDuration,
  type SegmentKey,
} from './durations.js';
import {
  candidaciesId,
  dropOutsId,
  FUNNEL_STEP_LABELS,
  FUNNEL_STEPS,
  proportion,
  stepReachedId,
  type PublishedInterval,
} from './funnel.js';
import type { CellBook, PublishedCount } from './suppression.js';

/**
 * Test against control. For each proportion, each arm's estimate with its Wilson 95 % interval
 * and the difference test − control with Newcombe's hybrid score interval; for each duration,
 * the two arms' Kaplan–Meier summaries and curves and a log-rank test. Anything computed from a
 * masked count is masked too (the difference of two shares gives a share away when the other is
 * shown).
 */
export interface ArmProportion extends PublishedInterval {
  successes: PublishedCount;
  total: PublishedCount;
}

export interface ProportionComparison {
  key: string;
  label: string;
  test: ArmProportion;
  control: ArmProportion;
  /** test − control, Newcombe's 95 % interval. */
  difference: PublishedInterval;
}

export interface DurationComparison {
  key: SegmentKey;
  label: string;
  test: DurationOut;
  control: DurationOut;
  logRank: {
    chiSquare: number | null;
    pValue: number | null;
    observedTest: PublishedCount;
    observedControl: PublishedCount;
    expectedTest: number | null;
    expectedControl: number | null;
    masked: boolean;
  };
}

export interface ComparisonOut {
  test: { candidacies: PublishedCount };
  control: { candidacies: PublishedCount };
  proportions: ProportionComparison[];
  durations: DurationComparison[];
}

const MASKED: PublishedInterval = { value: null, lower: null, upper: null, masked: true };

function compare(
  book: CellBook,
  key: string,
  label: string,
  ids: (prefix: string) => { successes: string; total: string },
  prefixes: { test: string; control: string },
): ProportionComparison {
  const t = ids(prefixes.test);
  const c = ids(prefixes.control);
  const test = proportion(book, t.successes, t.total);
  const control = proportion(book, c.successes, c.total);
  let difference: PublishedInterval = MASKED;
  if (!test.masked && !control.masked) {
    const tn = book.raw(t.total);
    const cn = book.raw(c.total);
    if (tn === 0 || cn === 0) difference = { value: null, lower: null, upper: null, masked: false };
    else {
      const d = newcombeDifference(
        { successes: book.raw(t.successes), total: tn },
        { successes: book.raw(c.successes), total: cn },
      );
      difference = { value: d.difference, lower: d.lower, upper: d.upper, masked: false };
    }
  }
  return { key, label, test, control, difference };
}

export function compareArms(
  book: CellBook,
  prefixes: { test: string; control: string },
  durations: { test: DurationOut[]; control: DurationOut[] },
  observations: { test: readonly RawDuration[]; control: readonly RawDuration[] },
): ComparisonOut {
  const proportions: ProportionComparison[] = [];
  FUNNEL_STEPS.forEach((step, k) => {
    if (k === 0) return;
    proportions.push(
      compare(
        book,
        `reached.${step}`,
        `${FUNNEL_STEP_LABELS[step]}, parmi les repérés`,
        (p) => ({ successes: stepReachedId(p, step), total: candidaciesId(p) }),
        prefixes,
      ),
    );
    const previous = FUNNEL_STEPS[k - 1]!;
    proportions.push(
      compare(
        book,
        `conversion.${step}`,
        `${FUNNEL_STEP_LABELS[step]}, parmi : ${FUNNEL_STEP_LABELS[previous].toLowerCase()}`,
        (p) => ({ successes: stepReachedId(p, step), total: stepReachedId(p, previous) }),
        prefixes,
      ),
    );
  });
  proportions.push(
    compare(
      book,
      'implicit_decisions',
      'Décisions de recevabilité implicites (silence du certificateur), parmi les décisions',
      (p) => ({ successes: implicitDecisionIds(p).implicit, total: implicitDecisionIds(p).decisions }),
      prefixes,
    ),
    compare(
      book,
      'drop_outs',
      'Sorties du parcours (retrait, abandon, caducité), parmi les repérés',
      (p) => ({ successes: dropOutsId(p), total: candidaciesId(p) }),
      prefixes,
    ),
  );

  const byKey = (list: readonly RawDuration[], key: SegmentKey): SortedTimes =>
    list.find((d) => d.key === key)?.times() ?? {
      events: new Float64Array(0),
      censored: new Float64Array(0),
    };
  const comparisons: DurationComparison[] = durations.test.map((test) => {
    const control = durations.control.find((d) => d.key === test.key)!;
    const t = durationCellIds(book, prefixes.test, test.key);
    const c = durationCellIds(book, prefixes.control, test.key);
    const masked = book.isMasked(t.observations, t.events, c.observations, c.events);
    const lr = masked
      ? null
      : logRankOfSorted(byKey(observations.test, test.key), byKey(observations.control, test.key));
    return {
      key: test.key,
      label: durationLabel(test.key),
      test,
      control,
      logRank: {
        chiSquare: lr?.chiSquare ?? null,
        pValue: lr?.pValue ?? null,
        observedTest: book.out(t.events),
        observedControl: book.out(c.events),
        expectedTest: lr ? lr.expected[0] : null,
        expectedControl: lr ? lr.expected[1] : null,
        masked,
      },
    };
  });
  return {
    test: { candidacies: book.out(candidaciesId(prefixes.test)) },
    control: { candidacies: book.out(candidaciesId(prefixes.control)) },
    proportions,
    durations: comparisons,
  };
}
