import type { PlanningInstance, Slot } from '../../../domain/jury/types.js';
import type { Draft } from './drafts.js';
import type { PruningOptions } from './pruning.js';

const startMs = (d: { slot: Slot }) => Date.parse(d.slot.startsAt);

/** Chooses, for each candidate of a certification, the options they may sit in (see index.ts). */
export function keepPairs(
  instance: PlanningInstance,
  certCandidates: number[],
  drafts: Draft[],
  p: PruningOptions,
): void {
  const demand = new Map<Draft, number>();
  const optionsOf = new Map<number, Draft[]>();
  for (const d of drafts) for (const c of d.compatible) optionsOf.set(c, [...(optionsOf.get(c) ?? []), d]);
  const byDeadline = [...certCandidates].sort(
    (a, b) =>
      Date.parse(instance.candidates[a]!.juryDeadlineAt) -
        Date.parse(instance.candidates[b]!.juryDeadlineAt) || a - b,
  );
  const limit = p.spread * instance.rules.capacity;
  for (const c of byDeadline) {
    const list = optionsOf.get(c) ?? [];
    const byCost = [...list].sort((a, b) => a.seatCost - b.seatCost || startMs(a) - startMs(b));
    const picked = new Set<Draft>();
    for (const d of byCost) {
      if (picked.size >= p.bestPerCandidate) break;
      if ((demand.get(d) ?? 0) < limit) picked.add(d);
    }
    for (const d of byCost) {
      if (picked.size >= p.bestPerCandidate) break;
      picked.add(d);
    }
    const byTime = [...list].sort((a, b) => startMs(a) - startMs(b) || a.seatCost - b.seatCost);
    byTime.slice(0, p.earliestPerCandidate).forEach((d) => picked.add(d));
    for (const d of picked) {
      d.kept.add(c);
      demand.set(d, (demand.get(d) ?? 0) + 1);
    }
  }
}
