/** The possible juries of a session option, each valid on its own, pruned (see index.ts). */
import { genderBalanced, requiredProfessionals } from '../../../domain/jury/eligibility.js';
import type { Context } from './context.js';
import type { Draft } from './drafts.js';
import type { Jury } from './types.js';

/** The members juries are drawn from (see index.ts): the cheapest, plus what each rule needs. */
function juryPool(ctx: Context, d: Draft, candidates: number[]): number[] {
  const { members } = ctx.instance;
  const keep = new Set<number>(d.forcedJury ?? []);
  d.usable.slice(0, ctx.pruning.membersPerSession).forEach((m) => keep.add(m));
  const cheapest = (pred: (m: number) => boolean, k: number) =>
    d.usable
      .filter(pred)
      .slice(0, k)
      .forEach((m) => keep.add(m));
  cheapest((m) => members[m]!.profile === 'professional', 2);
  cheapest((m) => members[m]!.gender === 'F', 2);
  cheapest((m) => members[m]!.gender === 'M', 2);
  for (const c of candidates) cheapest((m) => ctx.okFor.get(c)!.has(m), 2);
  return d.usable.filter((m) => keep.has(m));
}

export function enumerateJuries(ctx: Context, d: Draft, candidates: number[], minMembers: number): Jury[] {
  const { members, rules } = ctx.instance;
  const pool = juryPool(ctx, d, candidates);
  const sizes = [minMembers, minMembers + 1].filter((k) => k <= rules.maxMembers);
  const all: Array<Jury & { total: number }> = [];
  const add = (combo: number[]) => {
    const juryMembers = combo.map((m) => members[m]!);
    const pros = juryMembers.filter((m) => m.profile === 'professional').length;
    if (pros < requiredProfessionals(combo.length, rules.minProfessionalShare)) return;
    const covers = candidates.filter(
      (c) => combo.some((m) => ctx.okFor.get(c)!.has(m)) && !combo.some((m) => ctx.tiedTo.get(c)!.has(m)),
    );
    if (!covers.length) return;
    const costCents = combo.reduce((sum, m) => sum + d.costs.get(m)!, 0);
    const penaltyCents = genderBalanced(juryMembers) ? 0 : rules.genderPenaltyCents;
    all.push({ members: combo, costCents, penaltyCents, covers, total: costCents + penaltyCents });
  };
  for (const k of sizes) combinations(pool, k, add);
  if (d.forcedJury && !all.some((j) => sameMembers(j.members, d.forcedJury!))) add(d.forcedJury);
  all.sort(
    (a, b) => a.total - b.total || b.covers.length - a.covers.length || a.members.length - b.members.length,
  );

  const kept: Array<Jury & { total: number }> = [];
  const dominated = (j: Jury & { total: number }) =>
    kept.some(
      (k) =>
        k.total <= j.total &&
        k.members.every((m) => j.members.includes(m)) &&
        j.covers.every((c) => k.covers.includes(c)),
    );
  const uses = new Map<number, number>();
  const maxUses = Math.max(2, Math.ceil(ctx.pruning.juriesPerSession / 3));
  const take = (j: Jury & { total: number }) => {
    kept.push(j);
    j.members.forEach((m) => uses.set(m, (uses.get(m) ?? 0) + 1));
  };
  for (const j of all) {
    if (kept.length >= ctx.pruning.juriesPerSession) break;
    if (j.members.some((m) => (uses.get(m) ?? 0) >= maxUses) || dominated(j)) continue;
    take(j);
  }
  for (const c of candidates) {
    let covering = kept.filter((k) => k.covers.includes(c)).length;
    for (const j of all) {
      if (covering >= 2) break;
      if (!kept.includes(j) && j.covers.includes(c) && !dominated(j)) {
        take(j);
        covering++;
      }
    }
  }
  const forced = d.forcedJury && all.find((j) => sameMembers(j.members, d.forcedJury!));
  if (forced && !kept.includes(forced)) take(forced);
  return kept.map(({ members: m, costCents, penaltyCents, covers }) => ({
    members: m,
    costCents,
    penaltyCents,
    covers,
  }));
}

export const sameMembers = (a: number[], b: number[]) =>
  a.length === b.length && a.every((m) => b.includes(m));

/** Calls `visit` with every k-subset of `xs`, in lexicographic order of positions. */
function combinations(xs: number[], k: number, visit: (combo: number[]) => void): void {
  const combo: number[] = [];
  const rec = (from: number) => {
    if (combo.length === k) {
      visit([...combo]);
      return;
    }
    for (let i = from; i <= xs.length - (k - combo.length); i++) {
      combo.push(xs[i]!);
      rec(i + 1);
      combo.pop();
    }
  };
  rec(0);
}
