/**
 * `npm run bench`: how fast parcours-vae is compared with the limit of its own stack, measured in one run.
 *
 *   1. Baseline: no-op workflows started (and started and completed) with the Temporal client directly,
 *      bare Update round trips (sequential, and at the offered rate of 3.);
 *   2. Creation: candidacies through POST /api/candidacies with a token, at the same in-flight limit;
 *   3. Actions: M advisors sharing a fixed offered rate (open loop) drive a candidacy each through the
 *      whole path (compressed policy); then a few whole paths back to back without pacing;
 *   4. Resources: worker and API RSS, memory per cached workflow, PostgreSQL rows written per path,
 *      and the CPU used by each part during each phase.
 *
 * The worker, the bare worker (baseline) and the API run as child processes; the load generator and the
 * Temporal client of the baseline run in this process. Services are embedded (PostgreSQL in a temporary
 * folder, the Temporal dev server on its SQLite file, or Temporal server 1.29.1 on that PostgreSQL with
 * --persistence postgres, a mail sink) unless DATABASE_URL, TEMPORAL_ADDRESS or SMTP_URL say otherwise.
 *
 *   npm run bench                                   # dev server (SQLite file), defaults below
 *   npm run bench -- --persistence both             # dev server, then the server on PostgreSQL
 *   npm run bench -- --n 1000 --m 200 --rate 50     # scaled up
 *
 * Writes bench-results.json (--out) and prints a table; progress goes to stderr.
 *
 * With --open N, the scale run of scale.ts instead: N candidacies left open on their timers, then RSS,
 * storage sizes and the latency of the inbox and list routes at that size.
 *
 * With --jury, the jury-planning bench of jury.ts instead (no services): solver against greedy baseline.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TEMPORAL_SERVER_VERSION } from '../temporal-postgres/binaries.js';
import { note } from './progress.js';
import { renderTable } from './report.js';
import { runBench, type BenchOptions, type RunResult } from './run.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS, runScaleCommand } from './scale.js';
import { startShared, startStack, type Persistence, type Shared, BENCH_POLICY } from './stack.js';
import { machineFacts } from './machine.js';

const USAGE = `npm run bench -- [options]
  --persistence dev|postgres|both   Temporal persistence (default dev: the dev server on a SQLite file)
  --n N               no-op workflows of the baseline, and candidacies created (default 200)
  --concurrency C     in-flight limit of the baseline and of creation (default 10)
  --create-rate R     offered rate of creation per second (default 0: as fast as C allows)
  --m M               concurrent advisors, one whole path each (default 50)
  --rate R            actions per second shared by the advisors, and bare Updates per second (default 20)
  --paths P           whole paths driven back to back without pacing (default 5)
  --no-diagnostics    skip Update + activity / local activity at the same rate
  --worker-tuning J   JSON passed to createVaeWorker's tuning (and the bare worker), e.g.
                      '{"maxConcurrentWorkflowTaskExecutions":40}'
  --db-pool N         PostgreSQL pool of the worker and of the API (default: createDb's)
  --api-log-level L   pino level of the API process (default info, as in production)
  --out FILE          results file (default bench-results.json)
  --keep              keep the temporary folder (logs, databases)

Scale run (issue 6): instead of the phases above, N candidacies left open on their timers, then sizes,
RSS and the latency of the inbox and list routes at that size (README: "Scale run")
  --open N            candidacies to create and leave open (target 100000)
  --advance-every K   move every K-th to the certifier, for the certifier's inbox (default 20, 0: none)
  --samples S         sequential requests per route at the final size (default 200)
  --checkpoints K     also measure the routes at 1/K … (K-1)/K of N (default 4)
  --read-model-rows R then copy the candidacies in the read model (PostgreSQL rows, no workflows) up to R
                      rows and measure the routes again (default 0: no)
  --hold              keep the stack running after the report, until Ctrl-C
  --restart-sample K  worker restart at size: K candidacies put on a short clock, the worker stopped and
                      started again, their clocks checked (default 100, 0: no restart step)
  --restart-pause S   seconds at least without a worker during the restart (default 5; longer if the
                      sample's clocks are not all due by then)
  --restart-clock S   the sample's clock: admissibility deadline in seconds (default 30)
  --data-dir DIR      keep the stack's state (PostgreSQL, the dev server's SQLite file) and the run's
                      (scale-state.json) in DIR, created if absent, for --resume; one persistence
  --resume            go on with the run kept in --data-dir, from the count reached up to --open N
  (--persistence, --concurrency, --create-rate, --worker-tuning, --db-pool, --out, --keep apply too;
   the worker's sticky cache is maxCachedWorkflows of --worker-tuning, default 2000)

Jury planning (instead of all the above; no services): the HiGHS solver against the greedy baseline on
generated instances, then a ladder of sizes up to the first one not solved within the time limit
  --jury              run it (results in bench-jury.json unless --out is given)
  --jury-seed S       seed of the generated instances (default 1)
  --jury-time-limit T seconds per solve (default 10)

Indicators (issue 12; instead of all the above): one project with N synthetic candidacies and their
journal (about 15 rows each) written in SQL, then p50/p95/max of the indicators (JSON, CSV, by arm, by
operator), the evaluators' export and the console's dashboard; target p95 ≤ 1 s (README: "Indicators")
  --indicators [N]    run it with N candidacies (default 100000; results in bench-indicators.json unless
                      --out is given)
  --samples S         sequential requests per route (default 20 here)
  --profile           EXPLAIN (ANALYZE, BUFFERS) of the indicators' queries even when the target is met
  (--persistence dev|postgres, --keep apply too)`;

// `--indicators` alone: the default size.
const args = process.argv.slice(2);
const at = args.indexOf('--indicators');
if (at >= 0 && (at === args.length - 1 || args[at + 1]!.startsWith('-'))) args.splice(at + 1, 0, '100000');
const { values } = parseArgs({
  args,
  options: {
    persistence: { type: 'string', default: 'dev' },
    n: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    'create-rate': { type: 'string', default: '0' },
    m: { type: 'string', default: '50' },
    rate: { type: 'string', default: '20' },
    paths: { type: 'string', default: '5' },
    'no-diagnostics': { type: 'boolean', default: false },
    'worker-tuning': { type: 'string' },
    'db-pool': { type: 'string' },
    'api-log-level': { type: 'string', default: 'info' },
    out: { type: 'string', default: 'bench-results.json' },
    keep: { type: 'boolean', default: false },
    open: { type: 'string' },
    'advance-every': { type: 'string', default: '20' },
    samples: { type: 'string', default: '200' },
    checkpoints: { type: 'string', default: '4' },
    'read-model-rows': { type: 'string', default: '0' },
    hold: { type: 'boolean', default: false },
    'restart-sample': { type: 'string', default: '100' },
    'restart-pause': { type: 'string', default: '5' },
    'restart-clock': { type: 'string', default: '30' },
    'data-dir': { type: 'string' },
    resume: { type: 'boolean', default: false },
    jury: { type: 'boolean', default: false },
    indicators: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'jury-seed': { type: 'string', default: '1' },
    'jury-time-limit': { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const int = (name: string, raw: string | undefined, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}\n\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
};
if (values.jury) {
  const { runJuryBench } = await import('./jury.js');
  const outGiven = process.argv.some((a) => a === '--out' || a.startsWith('--out='));
  process.exit(
    await runJuryBench({
      seed: int('jury-seed', values['jury-seed'], 0),
      timeLimitSeconds: int('jury-time-limit', values['jury-time-limit'], 1),
      out: outGiven ? values.out : 'bench-jury.json',
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    }),
  );
}
if (values.indicators !== undefined) {
  const { runIndicatorsCommand } = await import('./indicators.js');
  const given = (flag: string) => process.argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  const persistence: Persistence = process.env.TEMPORAL_ADDRESS
    ? 'configured'
    : values.persistence === 'postgres'
      ? 'postgres'
      : 'dev';
  process.exit(
    await runIndicatorsCommand({
      persistence,
      candidacies: int('indicators', values.indicators, 1),
      samples: given('--samples') ? int('samples', values.samples, 1) : 20,
      profile: values.profile,
      out: given('--out') ? values.out : 'bench-indicators.json',
      keep: values.keep,
      argv: process.argv.slice(2),
    }),
  );
}
const options: BenchOptions = {
  n: int('n', values.n, 1),
  concurrency: int('concurrency', values.concurrency, 1),
  createRate: int('create-rate', values['create-rate'], 0),
  m: int('m', values.m, 1),
  rate: int('rate', values.rate, 1),
  paths: int('paths', values.paths, 0),
  diagnostics: !values['no-diagnostics'],
};
const configured = Boolean(process.env.TEMPORAL_ADDRESS);
let persistences: Persistence[];
if (configured) {
  note(
    `[bench] TEMPORAL_ADDRESS is set: one run against ${process.env.TEMPORAL_ADDRESS} (--persistence ignored)`,
  );
  persistences = ['configured'];
} else if (values.persistence === 'both') persistences = ['dev', 'postgres'];
else if (values.persistence === 'dev' || values.persistence === 'postgres')
  persistences = [values.persistence];
else {
  process.stderr.write(`--persistence must be dev, postgres or both\n\n${USAGE}\n`);
  process.exit(2);
}

if ((values['data-dir'] !== undefined || values.resume) && values.open === undefined) {
  process.stderr.write(`--data-dir and --resume belong to the scale run (--open N)\n\n${USAGE}\n`);
  process.exit(2);
}
if (values.open !== undefined) {
  if (values['data-dir'] !== undefined && (process.env.DATABASE_URL || configured)) {
    process.stderr.write(
      '--data-dir keeps the embedded services (PostgreSQL, Temporal): not with DATABASE_URL or TEMPORAL_ADDRESS\n',
    );
    process.exit(2);
  }
  const workerTuning = values['worker-tuning'] ? JSON.parse(values['worker-tuning']) : undefined;
  process.exit(
    await runScaleCommand({
      persistences,
      options: {
        open: int('open', values.open, 1),
        concurrency: options.concurrency,
        createRate: options.createRate,
        advanceEvery: int('advance-every', values['advance-every'], 0),
        samples: int('samples', values.samples, 1),
        checkpoints: int('checkpoints', values.checkpoints, 1),
        readModelRows: int('read-model-rows', values['read-model-rows'], 0),
        reportEveryS: 30,
        maxCachedWorkflows: workerTuning?.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
        restartSample: int('restart-sample', values['restart-sample'], 0),
        restartPauseS: int('restart-pause', values['restart-pause'], 0),
        restartClockS: int('restart-clock', values['restart-clock'], 1),
      },
      workerTuning,
      dbPool: values['db-pool'] ? int('db-pool', values['db-pool'], 1) : undefined,
      apiLogLevel: values['api-log-level'],
      out: values.out,
      keep: values.keep,
      hold: values.hold,
      dataDir: values['data-dir'],
      resume: values.resume,
      argv: process.argv.slice(2),
    }),
  );
}

const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-bench-'));
let shared: Shared | undefined;
let current: { stop(): Promise<void> } | undefined;
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  note('\n[bench] interrupted: stopping…');
  void (async () => {
    await current?.stop();
    await shared?.stop();
    process.exit(130);
  })();
});

const started = Date.now();
const loadBefore = os.loadavg()[0]!;
if (loadBefore > 0.7) {
  note(`[bench] the machine is not idle (load average ${loadBefore.toFixed(2)}): figures will be disturbed`);
}
const runs: RunResult[] = [];
let failed = false;
try {
  shared = await startShared({
    tmpDir,
    workerTuning: values['worker-tuning'] ? JSON.parse(values['worker-tuning']) : undefined,
    dbPool: values['db-pool'] ? int('db-pool', values['db-pool'], 1) : undefined,
    apiLogLevel: values['api-log-level'],
  });
  for (const persistence of persistences) {
    if (interrupted) break;
    const stack = await startStack(shared, persistence);
    current = stack;
    try {
      runs.push(await runBench(stack, options));
    } finally {
      await stack.stop();
      current = undefined;
    }
  }
} catch (err) {
  failed = true;
  process.stderr.write(`\n[bench] failed: ${(err as Error).stack ?? err}\n`);
} finally {
  await shared?.stop();
}

if (runs.length) {
  const results = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: machineFacts(loadBefore),
    versions: { temporalServer: TEMPORAL_SERVER_VERSION, temporalCli: '1.5.1 (dev server)' },
    options,
    policy: BENCH_POLICY,
    processes:
      'load generator and baseline client in the bench process; worker, bare worker, API and mail sink as child processes',
    runs,
  };
  writeFileSync(values.out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write('\n' + renderTable(runs, options) + '\n');
  process.stdout.write(`\nResults: ${path.resolve(values.out)} (${results.durationS} s)\n`);
}
if (values.keep || failed) note(`[bench] temporary folder kept: ${tmpDir}`);
else rmSync(tmpDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
