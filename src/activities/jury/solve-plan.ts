/**
 * Solves a planning instance with HiGHS (WebAssembly) on the model of plan-model/, and checks
 * the result with the domain checker before returning it: the solver is never trusted blindly.
 *
 * The greedy plan, when valid, seeds the solver (MIP start) and its sessions are options of the
 * model, so the joint model's plan is never worse than greedy's on the model's objective. The
 * decomposed models are seeded with greedy on what is left of the pool; should their union still
 * do worse than the greedy plan, that plan is returned and the status says so.
 *
 * Joint model, or one model per certification: the joint model is used up to
 * `JOINT_MAX_VARIABLES`; beyond, certifications are solved one after the other by earliest jury
 * deadline, each respecting the members' sessions (overlaps, yearly caps) of those before it, then
 * again, while time is left, each with all the others fixed.
 * Either way, while time is left, a model is solved again seeded with its own plan.
 */
import highsModule, { type Highs } from 'highs';
import { checkPlan, hardViolations } from '../../domain/jury/check-plan.js';
import { greedyPlan } from '../../domain/jury/greedy.js';
import type { Plan, PlanningInstance } from '../../domain/jury/types.js';
import { parisDay } from '../../domain/paris-time.js';
import {
  buildPlanModel,
  type Carried,
  carryPlan,
  decodePlan,
  emptyCarried,
  type PlanModel,
  type PruningOptions,
  unplacedPenalty,
} from './plan-model/index.js';

export interface SolveOptions {
  /** Whole solve, all sub-models together (default 10 s). */
  timeLimitSeconds?: number;
  /** MIP relative gap at which HiGHS stops (default 0.01). */
  relativeGap?: number;
  /** Force (true) or forbid (false) the decomposition by certification; default: by size. */
  decompose?: boolean;
  pruning?: Partial<PruningOptions>;
  /** Seed with the greedy plan (default true). */
  warmStart?: boolean;
}

export interface SolveResult {
  plan: Plan;
  /** HiGHS status ("Optimal", "Time limit reached"…), the worst over sub-models. */
  status: string;
  solveMs: number;
  model: { variables: number; constraints: number };
  decomposed: boolean;
}

/**
 * Above this, the model is split by certification. Measured (seeds 1–3, 20 to 120 candidates): up to
 * about 80 candidates (≈ 1,000–1,300 variables) the joint model is as good or 1–2 % cheaper; from
 * about 120 the decomposition is as good or better and several times faster, and at 500 the joint
 * model does not improve on its greedy start within 10 s while the decomposition halves its cost.
 */
export const JOINT_MAX_VARIABLES = 1500;
/** Measured at 7 to 15 variables a candidate: beyond this, the joint model is not even built. */
const JOINT_MAX_CANDIDATES = 300;

/**
 * Under ESM, `highs` resolves to highs.mjs whose default export is the loader; its typings are
 * CommonJS, so TypeScript sees module.exports there (a `.default` inside). Both shapes are accepted.
 */
const loadHighs = ((highsModule as unknown as { default?: unknown }).default ??
  highsModule) as () => Promise<Highs>;

let highsPromise: Promise<Highs> | undefined;
/** HiGHS is loaded once per process (compiling the Wasm takes a few hundred ms). */
function highs(): Promise<Highs> {
  highsPromise ??= loadHighs();
  return highsPromise;
}

export async function solvePlan(instance: PlanningInstance, opts: SolveOptions = {}): Promise<SolveResult> {
  const solver = await highs();
  const started = performance.now();
  const timeLimit = opts.timeLimitSeconds ?? 10;
  const gap = opts.relativeGap ?? 0.01;
  const deadline = started + timeLimit * 1000;

  let start: Plan | undefined;
  if (opts.warmStart ?? true) {
    const greedy = greedyPlan(instance);
    if (hardViolations(checkPlan(instance, greedy)).length === 0) start = greedy;
  }

  const certifications = new Set(instance.candidates.map((c) => c.rncpCode)).size;
  const tryJoint =
    opts.decompose === false ||
    (opts.decompose === undefined &&
      (certifications <= 1 || instance.candidates.length <= JOINT_MAX_CANDIDATES));
  const joint = tryJoint ? buildPlanModel(instance, { start, pruning: opts.pruning }) : undefined;
  const decomposed =
    !joint ||
    (opts.decompose === undefined && certifications > 1 && joint.variables.length > JOINT_MAX_VARIABLES);

  let plan: Plan;
  let status: string;
  let size: SolveResult['model'];
  if (!decomposed) {
    const model = joint!;
    const run = runModel(solver, model, remaining(deadline), gap);
    plan = decodePlan(instance, model, run.value);
    status = run.status;
    size = { variables: model.variables.length, constraints: model.constraints };
    // While time is left, the model again, seeded with its own plan: its sessions become options
    // with their juries, which the pruning may not have offered (a neighbourhood around the plan).
    for (let pass = 0; pass < 3 && remaining(deadline) >= 1; pass++) {
      if (hardViolations(checkPlan(instance, plan)).length) break;
      const next = buildPlanModel(instance, { start: plan, pruning: opts.pruning });
      const again = runModel(solver, next, remaining(deadline), gap);
      const better = decodePlan(instance, next, again.value);
      if (planObjective(instance, better) >= planObjective(instance, plan)) break;
      plan = better;
      status = again.status;
    }
  } else {
    ({ plan, status, size } = solveByCertification(solver, instance, start, opts.pruning, deadline, gap));
  }

  assertValidPlan(instance, plan);
  // A safety net, not the rule: a sub-model stopped by the time limit may do worse than greedy.
  if (start && planObjective(instance, start) < planObjective(instance, plan)) {
    plan = start;
    status = `${status} (greedy plan kept)`;
  }
  return { plan, status, solveMs: Math.round(performance.now() - started), model: size, decomposed };
}

/** The model's objective: costs, gender penalties, unplaced penalties (to compare plans). */
export function planObjective(instance: PlanningInstance, plan: Plan): number {
  const soft = checkPlan(instance, plan).filter((x) => x.rule === 'gender_balance').length;
  return (
    plan.totalCostCents +
    soft * instance.rules.genderPenaltyCents +
    plan.unplaced.length * unplacedPenalty(instance)
  );
}

const remaining = (deadline: number) => Math.max(0.5, (deadline - performance.now()) / 1000);

function solveByCertification(
  solver: Highs,
  instance: PlanningInstance,
  start: Plan | undefined,
  pruning: Partial<PruningOptions> | undefined,
  deadline: number,
  gap: number,
): { plan: Plan; status: string; size: SolveResult['model'] } {
  const earliest = new Map<string, number>();
  const count = new Map<string, number>();
  for (const c of instance.candidates) {
    const at = Date.parse(c.juryDeadlineAt);
    earliest.set(c.rncpCode, Math.min(earliest.get(c.rncpCode) ?? Infinity, at));
    count.set(c.rncpCode, (count.get(c.rncpCode) ?? 0) + 1);
  }
  const order = [...earliest.keys()].sort(
    (a, b) => earliest.get(a)! - earliest.get(b)! || a.localeCompare(b),
  );
  const parts = new Map<string, Plan>();
  const statuses = new Map<string, string>();
  const size = { variables: 0, constraints: 0 };
  const carriedExcept = (code: string) => {
    const carried = emptyCarried();
    for (const [other, part] of parts) if (other !== code) carryPlan(carried, part.sessions);
    return carried;
  };
  const solveOne = (code: string, subStart: Plan | undefined, share: number) => {
    const model = buildPlanModel(instance, {
      rncpCodes: new Set([code]),
      carried: carriedExcept(code),
      start: subStart,
      pruning,
    });
    const run = runModel(solver, model, Math.max(0.5, remaining(deadline) * share), gap);
    return { model, run, part: decodePlan(instance, model, run.value) };
  };

  // First pass, by earliest deadline: each certification sees the sessions of those before it.
  let candidatesLeft = instance.candidates.length;
  for (const code of order) {
    const subStart = start && residualGreedy(instance, code, carriedExcept(code));
    // The time left is shared in proportion to the candidates still to plan.
    const share = count.get(code)! / candidatesLeft;
    candidatesLeft -= count.get(code)!;
    const { model, run, part } = solveOne(code, subStart, share);
    size.variables += model.variables.length;
    size.constraints += model.constraints;
    parts.set(code, part);
    statuses.set(code, run.status);
  }

  // Then, while time is left, each certification again with all the others fixed, seeded with its
  // current sessions (still feasible, so a sub-model can only do better): the first ones to be
  // planned no longer keep members that later ones needed more.
  for (let pass = 0; pass < 3 && order.length > 1; pass++) {
    let improved = false;
    let left = instance.candidates.length;
    for (const code of order) {
      if (remaining(deadline) < 1) break;
      const share = count.get(code)! / left;
      left -= count.get(code)!;
      const current = parts.get(code)!;
      const { run, part } = solveOne(code, current, share);
      if (planObjective(instance, part) < planObjective(instance, current)) {
        parts.set(code, part);
        statuses.set(code, run.status);
        improved = true;
      }
    }
    if (!improved || remaining(deadline) < 1) break;
  }

  const sessions = order
    .flatMap((code) => parts.get(code)!.sessions)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.rncpCode.localeCompare(b.rncpCode))
    .map((s, i) => ({ ...s, key: `s${i + 1}` }));
  const placed = new Set(sessions.flatMap((s) => s.candidacyIds));
  const plan: Plan = {
    sessions,
    unplaced: instance.candidates.map((c) => c.candidacyId).filter((id) => !placed.has(id)),
    totalCostCents: sessions.reduce((sum, s) => sum + s.costCents, 0),
  };
  return { plan, status: worstStatus([...statuses.values()]), size };
}

/**
 * The greedy plan of one certification given the sessions already planned, as a start that does
 * not clash with them: the members' planned sessions count as booked, and their days as
 * unavailable (a whole day, so more cautious than needed, but only for the start).
 */
function residualGreedy(instance: PlanningInstance, code: string, carried: Carried): Plan | undefined {
  const members = instance.members.map((m) => {
    const busy = carried.busy.get(m.id);
    const years = carried.sessions.get(m.id);
    if (!busy && !years) return m;
    const booked = { ...m.booked };
    for (const [y, n] of years ?? []) booked[y] = (booked[y] ?? 0) + n;
    const days = (busy ?? []).map((b) => parisDay(b.startsAt));
    return {
      ...m,
      booked,
      availability: { ...m.availability, unavailableDates: [...m.availability.unavailableDates, ...days] },
    };
  });
  const sub = { ...instance, members, candidates: instance.candidates.filter((c) => c.rncpCode === code) };
  const plan = greedyPlan(sub);
  return hardViolations(checkPlan(sub, plan)).length === 0 ? plan : undefined;
}

/** "Optimal" only if every sub-model is; otherwise the first other status met. */
function worstStatus(statuses: string[]): string {
  return statuses.find((s) => s !== 'Optimal') ?? 'Optimal';
}

interface Run {
  status: string;
  value: (name: string) => number;
}

const STATUS_NAMES: Record<number, string> = {
  0: 'Not Set',
  1: 'Load error',
  2: 'Model error',
  3: 'Presolve error',
  4: 'Solve error',
  5: 'Postsolve error',
  6: 'Empty',
  7: 'Optimal',
  8: 'Infeasible',
  9: 'Primal infeasible or unbounded',
  10: 'Unbounded',
  11: 'Bound on objective reached',
  12: 'Target for objective reached',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
  15: 'Unknown',
  16: 'Solution limit reached',
  17: 'Interrupted',
};

/** Solves one model; without a feasible primal solution, every value reads 0 (all unplaced). */
function runModel(solver: Highs, model: PlanModel, timeLimit: number, gap: number): Run {
  const m = solver.createModel({ format: 'lp', data: model.lp });
  try {
    m.options.set({ output_flag: false, time_limit: timeLimit, mip_rel_gap: gap, random_seed: 0 });
    const { numCols } = m.getDimensions();
    const index = new Map<string, number>();
    for (let i = 0; i < numCols; i++) index.set(m.getColName(i), i);
    if (model.start) {
      const colValue = new Float64Array(numCols);
      for (const [name, x] of model.start) {
        const i = index.get(name);
        if (i !== undefined) colValue[i] = x;
      }
      m.setSolution({ colValue });
    }
    const { modelStatus } = m.run();
    const status = STATUS_NAMES[modelStatus] ?? `status ${modelStatus}`;
    // 2 = feasible (HiGHS SolutionStatus); a time limit can leave an incumbent or none.
    const feasible = Number(m.info.get('primal_solution_status')) === 2;
    const values = feasible ? m.getSolution().colValue : new Float64Array(numCols);
    return {
      status: feasible ? status : `${status} (no solution)`,
      value: (name) => {
        const i = index.get(name);
        return i === undefined ? 0 : values[i]!;
      },
    };
  } finally {
    m.dispose();
  }
}

/** Throws when the checker finds a hard violation in a plan (the solver's or a decoding's fault). */
export function assertValidPlan(instance: PlanningInstance, plan: Plan): void {
  const hard = hardViolations(checkPlan(instance, plan));
  if (hard.length) {
    const list = hard
      .slice(0, 10)
      .map((h) => `${h.rule}: ${h.message}`)
      .join('; ');
    throw new Error(
      `Plan du solveur invalide (${hard.length} violation(s) de règle dure) : ${list}${hard.length > 10 ? ' …' : ''}`,
    );
  }
}
