/**
 * `npm run bench -- --jury`: the jury-planning solver (HiGHS on the model of
 * src/activities/jury/plan-model/) against the greedy baseline, on generated instances:
 *
 *   1. a small one and a certifier-scale one, each also solved in the other mode (joint model vs
 *      one model per certification), to show the choice solve-plan.ts makes;
 *   2. a ladder of sizes, up to the first instance not solved to the gap within the time limit.
 *
 * Every plan (solver's and greedy's) goes through checkPlan: hard violations must be 0. Progress
 * on stderr, the table on stdout, the figures in a JSON file.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { solvePlan, type SolveOptions } from '../../src/activities/jury/solve-plan.js';
import { checkPlan, greedyPlan } from '../../src/domain/jury/index.js';
import type { Plan, PlanningInstance, PlanViolation } from '../../src/domain/jury/types.js';
import { generateInstance, type InstanceOptions } from './jury-instance.js';
import { note } from './progress.js';

export interface JuryBenchOptions {
  seed: number;
  timeLimitSeconds: number;
  out: string;
  /** For the record in the JSON file. */
  command?: string;
}

interface PlanFigures {
  ms: number;
  placed: number;
  unplaced: number;
  sessions: number;
  costCents: number;
  costPerPlacedCents: number | null;
  hard: number;
  soft: number;
  /** The first hard violations, if any (there must be none). */
  hardViolations: string[];
}

interface SolverFigures extends PlanFigures {
  status: string;
  variables: number;
  constraints: number;
  decomposed: boolean;
  /** Solved to the gap (status Optimal) within the time limit. */
  solved: boolean;
  error?: string;
}

export interface JuryRun {
  label: string;
  instance: Omit<InstanceOptions, 'plannedAt'> & { slots: number; venues: number };
  solver: SolverFigures;
  greedy: PlanFigures;
  /** Solver's cost per placed candidate / greedy's. */
  costRatio: number | null;
}

const LADDER = [50, 100, 200, 300, 500, 800];

function figures(instance: PlanningInstance, plan: Plan, ms: number): PlanFigures {
  const violations = checkPlan(instance, plan);
  const hard = violations.filter((x) => x.severity === 'hard');
  const placed = instance.candidates.length - plan.unplaced.length;
  return {
    ms: Math.round(ms),
    placed,
    unplaced: plan.unplaced.length,
    sessions: plan.sessions.length,
    costCents: plan.totalCostCents,
    costPerPlacedCents: placed ? Math.round(plan.totalCostCents / placed) : null,
    hard: hard.length,
    soft: violations.filter((x) => x.severity === 'soft').length,
    hardViolations: hard.slice(0, 5).map((x: PlanViolation) => `${x.rule}: ${x.message}`),
  };
}

async function runOne(
  label: string,
  opts: Omit<InstanceOptions, 'plannedAt'>,
  solve: SolveOptions,
  timeLimitSeconds: number,
): Promise<JuryRun> {
  note(
    `[jury] ${label}: ${opts.candidates} candidates, ${opts.members} members, ${opts.weeks} weeks, ${opts.certifications} certifications…`,
  );
  const instance = generateInstance(opts);
  const g0 = performance.now();
  const greedy = figures(instance, greedyPlan(instance), 0);
  greedy.ms = Math.round(performance.now() - g0);

  let solver: SolverFigures;
  try {
    const r = await solvePlan(instance, { timeLimitSeconds, ...solve });
    solver = {
      ...figures(instance, r.plan, r.solveMs),
      status: r.status,
      variables: r.model.variables,
      constraints: r.model.constraints,
      decomposed: r.decomposed,
      solved: r.status === 'Optimal' && r.solveMs <= timeLimitSeconds * 1000,
    };
  } catch (err) {
    // solvePlan throws when checkPlan finds a hard violation in the solver's plan.
    solver = {
      ms: 0,
      placed: 0,
      unplaced: instance.candidates.length,
      sessions: 0,
      costCents: 0,
      costPerPlacedCents: null,
      hard: 1,
      soft: 0,
      hardViolations: [(err as Error).message],
      status: 'error',
      variables: 0,
      constraints: 0,
      decomposed: false,
      solved: false,
      error: (err as Error).message,
    };
  }
  const costRatio =
    solver.costPerPlacedCents !== null && greedy.costPerPlacedCents
      ? Math.round((solver.costPerPlacedCents / greedy.costPerPlacedCents) * 1000) / 1000
      : null;
  note(
    `[jury]   solver ${solver.ms} ms, ${solver.status}${solver.decomposed ? ' (by certification)' : ''}, ${euros(solver.costPerPlacedCents)}/candidate, ${solver.unplaced} unplaced; greedy ${euros(greedy.costPerPlacedCents)}/candidate, ${greedy.unplaced} unplaced`,
  );
  for (const h of [...solver.hardViolations, ...greedy.hardViolations]) note(`[jury]   HARD VIOLATION ${h}`);
  return {
    label,
    instance: { ...opts, slots: instance.slots.length, venues: instance.venues.length },
    solver,
    greedy,
    costRatio,
  };
}

const euros = (cents: number | null) => (cents === null ? '–' : `${(cents / 100).toFixed(2)} €`);

/** Instance shape of a ladder rung: members ≈ 0.3 × candidates, 80 candidates a certification. */
function rung(seed: number, candidates: number): Omit<InstanceOptions, 'plannedAt'> {
  return {
    seed,
    candidates,
    members: Math.round(candidates * 0.3),
    weeks: candidates <= 100 ? 4 : 8,
    certifications: Math.max(2, Math.round(candidates / 80)),
  };
}

export async function runJuryBench(o: JuryBenchOptions): Promise<number> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > 0.7) {
    note(
      `[jury] the machine is not idle (load average ${loadBefore.toFixed(2)}): solve times will be disturbed`,
    );
  }
  const limit = o.timeLimitSeconds;
  const runs: JuryRun[] = [];
  const comparisons: JuryRun[] = [];

  const small = { seed: o.seed, candidates: 20, members: 12, weeks: 2, certifications: 2 };
  const certifier = { seed: o.seed, candidates: 500, members: 150, weeks: 8, certifications: 6 };
  for (const [label, shape] of [
    ['small', small],
    ['certifier', certifier],
  ] as const) {
    const run = await runOne(label, shape, {}, limit);
    runs.push(run);
    // The same instance in the other mode, to show what the choice of solve-plan.ts is worth.
    const other = !run.solver.decomposed;
    comparisons.push(
      await runOne(`${label} (${other ? 'by certification' : 'joint'})`, shape, { decompose: other }, limit),
    );
  }

  let largestSolved: number | null = null;
  for (const n of LADDER) {
    const run = await runOne(`ladder ${n}`, rung(o.seed, n), {}, limit);
    runs.push(run);
    if (!run.solver.solved) break;
    largestSolved = n;
  }

  const results = {
    command: o.command ?? 'npm run bench -- --jury',
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadAverageAtStart: Math.round(loadBefore * 100) / 100,
    },
    seed: o.seed,
    timeLimitSeconds: limit,
    relativeGap: 0.01,
    largestSolvedWithinLimit: largestSolved,
    runs,
    modeComparisons: comparisons,
  };
  writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(
    '\n' + renderJuryTable([...runs.slice(0, 2), ...comparisons, ...runs.slice(2)]) + '\n',
  );
  process.stdout.write(
    `\nLargest instance solved to the 1 % gap within ${limit} s: ${largestSolved === null ? 'none of the ladder' : `${largestSolved} candidates`}\n`,
  );
  process.stdout.write(`Results: ${path.resolve(o.out)} (${results.durationS} s)\n`);
  const bad = [...runs, ...comparisons].some((r) => r.solver.hard > 0 || r.greedy.hard > 0);
  return bad ? 1 : 0;
}

export function renderJuryTable(runs: JuryRun[]): string {
  const header = [
    'instance',
    'cand/memb/wk/cert',
    'solve ms',
    'status',
    'mode',
    'vars/rows',
    'solver €/cand',
    'greedy €/cand',
    'ratio',
    'unplaced s/g',
    'hard s/g',
    'soft s/g',
  ];
  const rows = runs.map((r) => [
    r.label,
    `${r.instance.candidates}/${r.instance.members}/${r.instance.weeks}/${r.instance.certifications}`,
    String(r.solver.ms),
    r.solver.status,
    r.solver.decomposed ? 'by cert.' : 'joint',
    `${r.solver.variables}/${r.solver.constraints}`,
    euros(r.solver.costPerPlacedCents),
    euros(r.greedy.costPerPlacedCents),
    r.costRatio === null ? '–' : r.costRatio.toFixed(2),
    `${r.solver.unplaced}/${r.greedy.unplaced}`,
    `${r.solver.hard}/${r.greedy.hard}`,
    `${r.solver.soft}/${r.greedy.soft}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
