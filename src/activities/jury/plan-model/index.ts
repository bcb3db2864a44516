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
export { buildPlanModel, type ModelScope } from './build-model.js';
export { type Carried, carryPlan, emptyCarried } from './carried.js';
export { decodePlan } from './decode.js';
export { unplacedPenalty } from './penalty.js';
export { DEFAULT_PRUNING, pruningFor, type PruningOptions } from './pruning.js';
export type { Jury, PlanModel, SessionOption } from './types.js';
export { v } from './variables.js';
