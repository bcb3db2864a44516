/**
 * The candidate sessions of a model, before their juries: per certification, slot and modality,
 * those with enough usable members for a valid jury, priced per seat (see index.ts).
 */
import {
  isQualifiedFor,
  isTiedTo,
  meetsJuryDeadline,
  memberSessionCostCents,
  minMembersOf,
  requiredProfessionals,
  respectsLeadTime,
} from '../../../domain/jury/eligibility.js';
import type { PoolMember, SessionModality, Slot, Venue } from '../../../domain/jury/types.js';
import { type Context, mayUse, sits } from './context.js';
import { keepPairs } from './keep-pairs.js';

export interface Draft {
  rncpCode: string;
  slot: Slot;
  modality: SessionModality;
  venue: Venue | null;
  /** Members that may sit, cheapest first, and their cost in this option. */
  usable: number[];
  costs: Map<number, number>;
  /** Candidates that could sit (compatible), and those kept for it. */
  compatible: number[];
  kept: Set<number>;
  seatCost: number;
  /** From the warm start. */
  forcedJury?: number[];
}

export const optionKey = (rncp: string, slotId: string, venueId: string | null) =>
  `${rncp}|${slotId}|${venueId ?? '@remote'}`;

/** Also fills `ctx.okFor` and `ctx.tiedTo` for the candidates of `candidateIdx`. */
export function sessionDrafts(
  ctx: Context,
  candidateIdx: number[],
): { drafts: Draft[]; draftByKey: Map<string, Draft> } {
  const { instance, pruning } = ctx;
  const { members, rules } = instance;
  const slots = instance.slots.filter((s) => respectsLeadTime(instance, s));
  const minMembers = minMembersOf(rules);
  const minPros = requiredProfessionals(minMembers, rules.minProfessionalShare);
  const modes: Array<{ modality: SessionModality; venue: Venue | null }> = [
    ...(instance.allowRemote ? [{ modality: 'remote' as const, venue: null }] : []),
    ...instance.venues.map((venue) => ({ modality: 'on_site' as const, venue })),
  ];

  const byCert = new Map<string, number[]>();
  for (const c of candidateIdx) {
    const code = instance.candidates[c]!.rncpCode;
    byCert.set(code, [...(byCert.get(code) ?? []), c]);
  }

  const drafts: Draft[] = [];
  const draftByKey = new Map<string, Draft>();
  for (const [code, certCandidates] of byCert) {
    const pool = members.flatMap((m, i) => (sits(ctx, m, code) ? [i] : []));
    for (const c of certCandidates) {
      const cand = instance.candidates[c]!;
      ctx.okFor.set(
        c,
        new Set(pool.filter((m) => isQualifiedFor(members[m]!, cand) && !isTiedTo(members[m]!, cand))),
      );
      ctx.tiedTo.set(c, new Set(pool.filter((m) => isTiedTo(members[m]!, cand))));
    }
    const certDrafts: Draft[] = [];
    for (const slot of slots) {
      const avail = pool.filter((m) => mayUse(ctx, members[m]!, code, slot, 'on_site'));
      if (avail.length < minMembers) continue;
      const inTime = certCandidates.filter((c) => meetsJuryDeadline(instance.candidates[c]!, slot));
      if (!inTime.length) continue;
      for (const { modality, venue } of modes) {
        const usableRaw = modality === 'remote' ? avail.filter((m) => members[m]!.remote) : avail;
        if (usableRaw.length < minMembers) continue;
        const costs = new Map(
          usableRaw.map((m) => [m, memberSessionCostCents(members[m]!, modality, venue)]),
        );
        const usable = [...usableRaw].sort((a, b) => costs.get(a)! - costs.get(b)! || a - b);
        const estimate = cheapestJury(usable, costs, members, minMembers, minPros);
        if (estimate === null) continue;
        const usableSet = new Set(usable);
        const compatible = inTime.filter((c) => {
          if (modality === 'remote' && !instance.candidates[c]!.acceptsRemote) return false;
          for (const m of ctx.okFor.get(c)!) if (usableSet.has(m)) return true;
          return false;
        });
        if (!compatible.length) continue;
        const draft: Draft = {
          rncpCode: code,
          slot,
          modality,
          venue,
          usable,
          costs,
          compatible,
          kept: new Set(),
          seatCost: estimate / Math.min(rules.capacity, compatible.length),
        };
        certDrafts.push(draft);
        draftByKey.set(optionKey(code, slot.id, venue?.id ?? null), draft);
      }
    }
    keepPairs(instance, certCandidates, certDrafts, pruning);
    drafts.push(...certDrafts);
  }
  return { drafts, draftByKey };
}

/** Cost of the cheapest jury of `size` with `pros` professionals among `usable` (sorted by cost). */
function cheapestJury(
  usable: number[],
  costs: Map<number, number>,
  members: PoolMember[],
  size: number,
  pros: number,
): number | null {
  const proList = usable.filter((m) => members[m]!.profile === 'professional').slice(0, pros);
  if (proList.length < pros) return null;
  const rest = usable.filter((m) => !proList.includes(m)).slice(0, size - pros);
  if (rest.length < size - pros) return null;
  return [...proList, ...rest].reduce((sum, m) => sum + costs.get(m)!, 0);
}
