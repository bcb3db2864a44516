/**
 * The jury-planning MIP (DOMAIN.md, « Jury sessions, as a planning problem ») as CPLEX LP text,
 * and the decoding of a solution into a `Plan`. Pure: no solver here (solve-plan.ts runs HiGHS).
 *
 * A *session option* s is (certification, slot, remote | on site at a venue). Rather than one
 * variable per member and session (whose relaxation is weak: fractional members satisfy the
 * composition rules cheaply), the model chooses whole juries, enumerated beforehand per option
 * among its cheapest usable members, each already valid on its own (size, share of
 * professionals) and priced with its gender penalty:
 *   y_sj binary   option s is held with jury j
 *   x_cs binary   candidate c sits in s (only for the options kept for c, see pruning)
 *   u_c  [0, 1]   c is unplaced (integral because the x are): keeps the model always feasible
 * Constraints:
 *   Σ_s x_cs + u_c = 1                       each candidate once, or unplaced
 *   Σ_j y_sj ≤ 1                             one jury per option
 *   x_cs ≤ Σ_{j covers c} y_sj               j covers c: a member qualified for c's blocks, none tied
 *   Σ_c x_cs ≤ Σ_j min(capacity, |covered by j|) y_sj
 *   Σ_{s ∋ t} Σ_{j ∋ m} y_sj ≤ 1             no member in two overlapping sessions: one row per
 *                                            member and slot start t (interval cliques)
 *   Σ_{s in year y} Σ_{j ∋ m} y_sj ≤ cap − booked − carried      yearly caps, Paris calendar year
 *   Σ_{s of k ending by D} Σ_j y_sj + Σ u ≥ ceil(n_k(D) / capacity)   rounding rows (`packingRows`):
 *                                            they raised the root bound by 8 % at 100 candidates
 * Objective: Σ (cost_j + genderPenalty if j is unbalanced) y_sj + unplacedPenalty · Σ u_c. A
 * candidate with no option at all is left out (unplaced whatever happens; its penalty would only
 * loosen the relative gap).
 *
 * No president variable: the checker asks only that the president sits, so `decodePlan` picks
 * the member qualified for the most of the session's candidates.
 *
 * Pruning (what keeps the model small; `PruningOptions`, wider for small instances: `pruningFor`):
 * - an option exists only if it has enough usable members for a valid jury; its estimated cost
 *   per seat is its cheapest valid jury divided by the candidates it could take (up to capacity);
 * - each candidate (by jury deadline) may sit only in its `bestPerCandidate` cheapest options among
 *   those not yet wanted by `spread` × capacity candidates (so that a popular certification gets
 *   enough seats, not 30 candidates on the same cheap option), and in its
 *   `earliestPerCandidate` earliest options (deadline safety);
 * - a jury draws on the option's `membersPerSession` cheapest members, plus the 2 cheapest
 *   qualified untied members of each of its candidates, the 2 cheapest professionals and the 2
 *   cheapest of each gender; juries have minMembers or minMembers + 1 members (a bigger one only
 *   adds cost, unless it covers more candidates); the `juriesPerSession` cheapest are kept, with
 *   each member in at most a third of them (so caps and overlaps leave alternatives), plus the 2
 *   cheapest covering each candidate; a jury that contains a cheaper one covering as much is cut;
 * - a warm-start plan (the greedy one) has its sessions added as options with their jury and
 *   candidates, so that plan stays feasible in the model and can seed the solver.
 */
import {
  assessesCertification,
  genderBalanced,
  isAvailable,
  isQualifiedFor,
  isTiedTo,
  meetsJuryDeadline,
  memberSessionCostCents,
  minMembersOf,
  remainingCap,
  requiredProfessionals,
  respectsLeadTime,
  sessionCostCents,
  sessionYear,
  slotsOverlap,
} from '../../domain/jury/eligibility.js';
import type {
  Plan,
  PlanningInstance,
  PoolMember,
  ProposedSession,
  SessionModality,
  Slot,
  Venue,
  WaitingCandidate,
} from '../../domain/jury/types.js';

export interface PruningOptions {
  /**
   * Only members who assess the certification sit. Stricter than the rules: DOMAIN.md and the
   * checker want one member qualified per candidate, the others may be any active member (as the
   * greedy baseline does). Default false.
   */
  assessorsOnly: boolean;
  bestPerCandidate: number;
  earliestPerCandidate: number;
  spread: number;
  membersPerSession: number;
  juriesPerSession: number;
}

/** For an instance of more than 150 candidates (the tiers were measured with the bench). */
export const DEFAULT_PRUNING: PruningOptions = {
  assessorsOnly: false,
  bestPerCandidate: 3,
  earliestPerCandidate: 2,
  spread: 2,
  membersPerSession: 8,
  juriesPerSession: 6,
};

/** Smaller instances can afford more options and juries, and find cheaper plans with them. */
export function pruningFor(candidates: number): PruningOptions {
  if (candidates <= 60) {
    return {
      ...DEFAULT_PRUNING,
      bestPerCandidate: 12,
      earliestPerCandidate: 4,
      membersPerSession: 12,
      juriesPerSession: 30,
    };
  }
  if (candidates <= 150) {
    return { ...DEFAULT_PRUNING, bestPerCandidate: 5, membersPerSession: 10, juriesPerSession: 10 };
  }
  return DEFAULT_PRUNING;
}

/** What the sub-plans solved before this one already hold (decomposition by certification). */
export interface Carried {
  /** Member id → the spans they already sit in. */
  busy: Map<string, Slot[]>;
  /** Member id → Paris year → sessions already given to them. */
  sessions: Map<string, Map<string, number>>;
}

export function emptyCarried(): Carried {
  return { busy: new Map(), sessions: new Map() };
}

/** Adds a decoded sub-plan's sessions to what the next sub-problems must respect. */
export function carryPlan(carried: Carried, sessions: ProposedSession[]): void {
  for (const s of sessions) {
    const year = sessionYear(s);
    for (const id of s.memberIds) {
      const busy = carried.busy.get(id) ?? [];
      busy.push({ id: s.slotId, startsAt: s.startsAt, endsAt: s.endsAt });
      carried.busy.set(id, busy);
      const years = carried.sessions.get(id) ?? new Map<string, number>();
      years.set(year, (years.get(year) ?? 0) + 1);
      carried.sessions.set(id, years);
    }
  }
}

export interface Jury {
  /** Indices in `instance.members`. */
  members: number[];
  /** Fees and travel (what the plan will show). */
  costCents: number;
  /** The gender penalty when unbalanced, else 0 (objective only). */
  penaltyCents: number;
  /** The option's candidates it may examine (indices in `instance.candidates`). */
  covers: number[];
}

export interface SessionOption {
  rncpCode: string;
  slot: Slot;
  modality: SessionModality;
  venue: Venue | null;
  /** Indices in `instance.candidates` that may sit in it. */
  candidates: number[];
  juries: Jury[];
}

export interface PlanModel {
  lp: string;
  options: SessionOption[];
  /** Candidates of the model (indices in `instance.candidates`). */
  candidates: number[];
  /** Every variable name. */
  variables: string[];
  constraints: number;
  /** Values of a warm-start solution by variable name (absent: 0), when one was given. */
  start?: Map<string, number>;
}

export interface ModelScope {
  /** Only these certifications (default: all). */
  rncpCodes?: ReadonlySet<string>;
  carried?: Carried;
  /** A valid plan whose sessions (of the scope) are kept as options and given as a start. */
  start?: Plan;
  pruning?: Partial<PruningOptions>;
}

/** Variable names. */
export const v = {
  jury: (s: number, j: number) => `y${s}_${j}`,
  sits: (c: number, s: number) => `x${c}_${s}`,
  unplaced: (c: number) => `u${c}`,
};

interface Draft {
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

interface Context {
  instance: PlanningInstance;
  pruning: PruningOptions;
  /** Candidate → members qualified for them and not tied to them. */
  okFor: Map<number, Set<number>>;
  /** Candidate → members tied to them. */
  tiedTo: Map<number, Set<number>>;
}

export function buildPlanModel(instance: PlanningInstance, scope: ModelScope = {}): PlanModel {
  const carried = scope.carried ?? emptyCarried();
  const { members, rules } = instance;
  const inScope = (code: string) => !scope.rncpCodes || scope.rncpCodes.has(code);
  const candidateIdx = instance.candidates.flatMap((c, i) => (inScope(c.rncpCode) ? [i] : []));
  // By the size of the whole instance, so that every sub-model of a decomposition prunes alike.
  const pruning = { ...pruningFor(instance.candidates.length), ...scope.pruning };
  const slots = instance.slots.filter((s) => respectsLeadTime(instance, s));
  const minMembers = minMembersOf(rules);
  const minPros = requiredProfessionals(minMembers, rules.minProfessionalShare);
  const modes: Array<{ modality: SessionModality; venue: Venue | null }> = [
    ...(instance.allowRemote ? [{ modality: 'remote' as const, venue: null }] : []),
    ...instance.venues.map((venue) => ({ modality: 'on_site' as const, venue })),
  ];

  const left = (m: PoolMember, year: string) =>
    remainingCap(m, year, carried.sessions.get(m.id)?.get(year) ?? 0);
  const free = (m: PoolMember, slot: Slot) =>
    !(carried.busy.get(m.id) ?? []).some((b) => slotsOverlap(b, slot));
  const sits = (m: PoolMember, code: string) =>
    m.active && (!pruning.assessorsOnly || assessesCertification(m, code));
  const mayUse = (m: PoolMember, code: string, slot: Slot, modality: SessionModality) =>
    sits(m, code) &&
    left(m, sessionYear(slot)) > 0 &&
    isAvailable(m, slot) &&
    free(m, slot) &&
    (modality === 'on_site' || m.remote);

  const ctx: Context = { instance, pruning, okFor: new Map(), tiedTo: new Map() };
  const byCert = new Map<string, number[]>();
  for (const c of candidateIdx) {
    const code = instance.candidates[c]!.rncpCode;
    byCert.set(code, [...(byCert.get(code) ?? []), c]);
  }

  const drafts: Draft[] = [];
  const draftByKey = new Map<string, Draft>();
  for (const [code, certCandidates] of byCert) {
    const pool = members.flatMap((m, i) => (sits(m, code) ? [i] : []));
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
      const avail = pool.filter((m) => mayUse(members[m]!, code, slot, 'on_site'));
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

  // The warm-start plan's sessions: each its own option (two sessions may share a slot and venue).
  const memberIndex = new Map(members.map((m, i) => [m.id, i]));
  const candIndex = new Map(instance.candidates.map((c, i) => [c.candidacyId, i]));
  const usedKeys = new Set<string>();
  const startSessions: Array<{ draft: Draft; session: ProposedSession }> = [];
  for (const session of scope.start?.sessions ?? []) {
    if (!inScope(session.rncpCode)) continue;
    const slot = instance.slots.find((s) => s.id === session.slotId);
    if (!slot) continue;
    const venue =
      session.venueId === null ? null : (instance.venues.find((x) => x.id === session.venueId) ?? null);
    const key = optionKey(session.rncpCode, session.slotId, session.venueId);
    let draft = usedKeys.has(key) ? undefined : draftByKey.get(key);
    if (!draft) {
      draft = {
        rncpCode: session.rncpCode,
        slot,
        modality: session.modality,
        venue,
        usable: [],
        costs: new Map(),
        compatible: [],
        kept: new Set(),
        seatCost: 0,
      };
      drafts.push(draft);
    }
    usedKeys.add(key);
    // Only members this sub-problem may use (the start may clash with carried sessions).
    const jury = session.memberIds
      .map((id) => memberIndex.get(id))
      .filter(
        (m): m is number => m !== undefined && mayUse(members[m]!, session.rncpCode, slot, session.modality),
      );
    for (const m of jury) {
      if (!draft.costs.has(m)) {
        draft.usable.push(m);
        draft.costs.set(m, memberSessionCostCents(members[m]!, session.modality, venue));
      }
    }
    // A start jury that lost a member, or of another size than the rules allow, is no start.
    if (
      jury.length === session.memberIds.length &&
      jury.length >= minMembers &&
      jury.length <= rules.maxMembers
    ) {
      draft.forcedJury = jury;
    }
    for (const id of session.candidacyIds) {
      const c = candIndex.get(id);
      if (c !== undefined && candidateIdx.includes(c)) draft.kept.add(c);
    }
    startSessions.push({ draft, session });
  }

  const options: SessionOption[] = [];
  const optionIndex = new Map<Draft, number>();
  for (const d of drafts) {
    if (!d.kept.size) continue;
    const candidates = [...d.kept].sort((a, b) => a - b);
    const juries = enumerateJuries(ctx, d, candidates, minMembers);
    if (!juries.length) continue;
    optionIndex.set(d, options.length);
    options.push({
      rncpCode: d.rncpCode,
      slot: d.slot,
      modality: d.modality,
      venue: d.venue,
      candidates,
      juries,
    });
  }

  const model = writeModel(instance, candidateIdx, options, carried);
  if (scope.start) model.start = startValues(instance, candidateIdx, options, startSessions, optionIndex);
  return model;
}

const optionKey = (rncp: string, slotId: string, venueId: string | null) =>
  `${rncp}|${slotId}|${venueId ?? '@remote'}`;

const startMs = (d: { slot: Slot }) => Date.parse(d.slot.startsAt);

/** Chooses, for each candidate of a certification, the options they may sit in (see the header). */
function keepPairs(
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

/** The members juries are drawn from (see the header): the cheapest, plus what each rule needs. */
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

function enumerateJuries(ctx: Context, d: Draft, candidates: number[], minMembers: number): Jury[] {
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

const sameMembers = (a: number[], b: number[]) => a.length === b.length && a.every((m) => b.includes(m));

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

type Terms = Array<[number, string]>;

/** LP text: rows as lines, long sums folded over several lines (the reader accepts any layout). */
class LpText {
  readonly rows: string[] = [];

  static sum(terms: Terms): string {
    const parts = terms.map(([k, name], i) => {
      const abs = Math.abs(k);
      const coef = abs === 1 ? '' : `${abs} `;
      return i === 0 && k >= 0 ? `${coef}${name}` : `${k < 0 ? '-' : '+'} ${coef}${name}`;
    });
    const lines: string[] = [];
    for (let i = 0; i < parts.length; i += 16) lines.push(parts.slice(i, i + 16).join(' '));
    return lines.join('\n   ');
  }

  row(terms: Terms, sense: '<=' | '>=' | '=', rhs: number): void {
    if (terms.length) this.rows.push(` r${this.rows.length}: ${LpText.sum(terms)} ${sense} ${rhs}`);
  }
}

function writeModel(
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

/**
 * Rounding rows (valid, not implied by the relaxation, where fractional sessions pack candidates
 * perfectly): the candidates of a certification whose deadline is at most D need
 * ceil(n / capacity) sessions ending by D, less one per unplaced candidate among them; the same
 * for those who refuse remote sessions, in on-site sessions. For a given count, only the earliest
 * deadline reaching it is written (it dominates the later ones).
 */
function packingRows(
  instance: PlanningInstance,
  candidateIdx: number[],
  options: SessionOption[],
  lp: LpText,
): void {
  const cap = instance.rules.capacity;
  const certs = new Set(candidateIdx.map((c) => instance.candidates[c]!.rncpCode));
  for (const code of certs) {
    for (const onSiteOnly of [false, true]) {
      const group = candidateIdx
        .filter((c) => {
          const cand = instance.candidates[c]!;
          return cand.rncpCode === code && (!onSiteOnly || !cand.acceptsRemote);
        })
        .sort(
          (a, b) =>
            Date.parse(instance.candidates[a]!.juryDeadlineAt) -
            Date.parse(instance.candidates[b]!.juryDeadlineAt),
        );
      let written = 0;
      group.forEach((c, i) => {
        const deadline = Date.parse(instance.candidates[c]!.juryDeadlineAt);
        const next = group[i + 1];
        if (next !== undefined && Date.parse(instance.candidates[next]!.juryDeadlineAt) === deadline) return;
        const need = Math.ceil((i + 1) / cap);
        if (need <= written || need < 2) return;
        written = need;
        const terms: Terms = [];
        options.forEach((o, s) => {
          if (o.rncpCode !== code || Date.parse(o.slot.endsAt) > deadline) return;
          if (onSiteOnly && o.modality === 'remote') return;
          o.juries.forEach((_, j) => terms.push([1, v.jury(s, j)]));
        });
        lp.row(
          [...terms, ...group.slice(0, i + 1).map((u): [number, string] => [1, v.unplaced(u)])],
          '>=',
          need,
        );
      });
    }
  }
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * More than any plan can cost (every candidate alone in a session of the dearest members, with the
 * gender penalty): placing one more candidate always beats any saving, as the law asks that each be
 * examined before the deadline. Lexicographic, then: first the most candidates, then the cost.
 */
export function unplacedPenalty(instance: PlanningInstance): number {
  const dearest = instance.members
    .map((m) => m.feeCents + m.travelCents)
    .sort((a, b) => b - a)
    .slice(0, instance.rules.maxMembers)
    .reduce((a, b) => a + b, 0);
  return (instance.candidates.length + 1) * (dearest + instance.rules.genderPenaltyCents) + 1;
}

function startValues(
  instance: PlanningInstance,
  candidateIdx: number[],
  options: SessionOption[],
  startSessions: Array<{ draft: Draft; session: ProposedSession }>,
  optionIndex: Map<Draft, number>,
): Map<string, number> {
  const values = new Map<string, number>();
  const placed = new Set<number>();
  const candIndex = new Map(instance.candidates.map((c, i) => [c.candidacyId, i]));
  for (const { draft, session } of startSessions) {
    const s = optionIndex.get(draft);
    if (s === undefined || !draft.forcedJury) continue;
    const ji = options[s]!.juries.findIndex((j) => sameMembers(j.members, draft.forcedJury!));
    if (ji < 0) continue;
    values.set(v.jury(s, ji), 1);
    for (const id of session.candidacyIds) {
      const c = candIndex.get(id);
      if (c === undefined || !options[s]!.candidates.includes(c)) continue;
      values.set(v.sits(c, s), 1);
      placed.add(c);
    }
  }
  for (const c of candidateIdx) if (!placed.has(c)) values.set(v.unplaced(c), 1);
  return values;
}

/**
 * Reads a solution (value of a variable by name) into sessions; costs come from
 * memberSessionCostCents, never from the solver's objective.
 */
export function decodePlan(
  instance: PlanningInstance,
  model: Pick<PlanModel, 'options' | 'candidates'>,
  value: (name: string) => number,
): Plan {
  const { members, candidates } = instance;
  const sessions: ProposedSession[] = [];
  const placed = new Set<number>();
  model.options.forEach((o, s) => {
    const jury = o.juries.find((_, ji) => value(v.jury(s, ji)) > 0.5);
    if (!jury) return;
    const sitting = o.candidates.filter((c) => !placed.has(c) && value(v.sits(c, s)) > 0.5);
    if (!sitting.length) return;
    sitting.forEach((c) => placed.add(c));
    const juryMembers = jury.members.map((m) => members[m]!);
    sessions.push({
      key: '',
      rncpCode: o.rncpCode,
      slotId: o.slot.id,
      startsAt: o.slot.startsAt,
      endsAt: o.slot.endsAt,
      modality: o.modality,
      venueId: o.venue?.id ?? null,
      candidacyIds: sitting.map((c) => candidates[c]!.candidacyId),
      memberIds: juryMembers.map((m) => m.id),
      presidentId: president(
        juryMembers,
        sitting.map((c) => candidates[c]!),
      ),
      costCents: sessionCostCents(juryMembers, o.modality, o.venue),
    });
  });
  sessions.sort(
    (a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.rncpCode.localeCompare(b.rncpCode),
  );
  sessions.forEach((s, i) => (s.key = `s${i + 1}`));
  const unplaced = model.candidates.filter((c) => !placed.has(c)).map((c) => candidates[c]!.candidacyId);
  return { sessions, unplaced, totalCostCents: sessions.reduce((sum, s) => sum + s.costCents, 0) };
}

/** The member qualified for the most of the session's candidates; professionals first on a tie. */
function president(jury: PoolMember[], sitting: WaitingCandidate[]): string {
  const score = (m: PoolMember) =>
    sitting.filter((c) => isQualifiedFor(m, c)).length * 2 + (m.profile === 'professional' ? 1 : 0);
  return [...jury].sort((a, b) => score(b) - score(a))[0]!.id;
}
