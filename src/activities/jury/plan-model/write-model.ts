/** The model's rows, objective, bounds and binaries, from its options (see index.ts). */
import { remainingCap, sessionYear, slotsOverlap } from '../../../domain/jury/eligibility.js';
import type { PlanningInstance, Slot } from '../../../domain/jury/types.js';
import type { Carried } from './carried.js';
import { chunk, LpText, type Terms } from './lp-text.js';
import { packingRows } from './packing-rows.js';
import { unplacedPenalty } from './penalty.js';
import type { PlanModel, SessionOption } from './types.js';
import { v } from './variables.js';

export function writeModel(
  instance: PlanningInstance,
  candidateIdx: number[],
  options: SessionOption[],
  carried: Carried,
): PlanModel {
  const { members, rules } = instance;
  const lp = new LpText();
  const objective: Terms = [];
  const binaries: string[] = [];
  const continuous: string[] = [];
  const sitsIn = new Map<number, number[]>();
  /** Member → the (option, jury) pairs that use them. */
  const usedBy = new Map<number, Array<[number, number]>>();

  options.forEach((o, s) => {
    const ys: Terms = [];
    const seats: Terms = [];
    o.juries.forEach((j, ji) => {
      const y = v.jury(s, ji);
      binaries.push(y);
      objective.push([j.costCents + j.penaltyCents, y]);
      ys.push([1, y]);
      seats.push([-Math.min(rules.capacity, j.covers.length), y]);
      for (const m of j.members) {
        const list = usedBy.get(m) ?? [];
        list.push([s, ji]);
        usedBy.set(m, list);
      }
    });
    lp.row(ys, '<=', 1);
    const xs: Terms = [];
    for (const c of o.candidates) {
      const x = v.sits(c, s);
      binaries.push(x);
      xs.push([1, x]);
      const list = sitsIn.get(c) ?? [];
      list.push(s);
      sitsIn.set(c, list);
      const covering = o.juries.flatMap((j, ji): Terms =>
        j.covers.includes(c) ? [[-1, v.jury(s, ji)]] : [],
      );
      lp.row([[1, x], ...covering], '<=', 0);
    }
    lp.row([...xs, ...seats], '<=', 0);
  });

  packingRows(
    instance,
    candidateIdx.filter((c) => sitsIn.has(c)),
    options,
    lp,
  );
  const penalty = unplacedPenalty(instance);
  // A candidate without any option is unplaced whatever happens: left out of the model, so that its
  // penalty does not loosen the relative gap.
  for (const c of candidateIdx.filter((x) => sitsIn.has(x))) {
    continuous.push(v.unplaced(c));
    objective.push([penalty, v.unplaced(c)]);
    lp.row(
      [...(sitsIn.get(c) ?? []).map((s): [number, string] => [1, v.sits(c, s)]), [1, v.unplaced(c)]],
      '=',
      1,
    );
  }

  // Overlaps: the sessions containing the start of slot t pairwise overlap (a clique); every
  // overlapping pair contains the later start, so one row per member and start covers them all.
  for (const [m, uses] of usedBy) {
    const starts = new Map<string, Slot>();
    for (const [s] of uses) starts.set(options[s]!.slot.id, options[s]!.slot);
    for (const t of starts.values()) {
      const clique = uses.filter(([s]) => {
        const slot = options[s]!.slot;
        return slotsOverlap(slot, t) && Date.parse(slot.startsAt) <= Date.parse(t.startsAt);
      });
      if (clique.length > 1)
        lp.row(
          clique.map(([s, j]): [number, string] => [1, v.jury(s, j)]),
          '<=',
          1,
        );
    }
    const member = members[m]!;
    const byYear = new Map<string, Array<[number, number]>>();
    for (const use of uses) {
      const y = sessionYear(options[use[0]]!.slot);
      byYear.set(y, [...(byYear.get(y) ?? []), use]);
    }
    for (const [year, inYear] of byYear) {
      const cap = remainingCap(member, year, carried.sessions.get(member.id)?.get(year) ?? 0);
      const distinctSessions = new Set(inYear.map(([s]) => s)).size;
      if (distinctSessions > cap)
        lp.row(
          inYear.map(([s, j]): [number, string] => [1, v.jury(s, j)]),
          '<=',
          cap,
        );
    }
  }

  const text = [
    'Minimize',
    ` obj: ${LpText.sum(objective) || '0 dummy'}`,
    'Subject To',
    ...lp.rows,
    'Bounds',
    ...continuous.map((n) => ` 0 <= ${n} <= 1`),
    'Binaries',
    ...chunk(binaries, 16).map((line) => ` ${line.join(' ')}`),
    'End',
    '',
  ].join('\n');
  return {
    lp: text,
    options,
    candidates: candidateIdx,
    variables: [...binaries, ...continuous],
    constraints: lp.rows.length,
  };
}
