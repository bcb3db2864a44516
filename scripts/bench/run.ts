import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { sql } from 'kysely';
import pg from 'pg';
import { newCandidacyBody } from '../../test/support/fixtures.js';
import type { MemReport } from './child.js';
import {
  closedLoop,
  latencyStats,
  openLoop,
  type ClosedLoopResult,
  type LatencyStats,
  type OpenLoopResult,
  type Step,
  type VirtualUser,
} from './load.js';
import { finishSignal, pingActivityUpdate, pingLocalActivityUpdate, pingUpdate } from './noop-workflows.js';
import { profileHistories, type HistoryProfile } from './history-profile.js';
import { ACTION_COUNT, callApi, CandidacyPath } from './path.js';
import { phaseMetrics, scrape, type WorkerMetrics } from './sdk-metrics.js';
import { Progress, note } from './progress.js';
import { coresUsed, cpuSnapshot, type BenchStack, type CpuGroup } from './stack.js';

export interface BenchOptions {
  /** No-op workflows (baseline) and candidacies (creation). */
  n: number;
  /** In-flight limit of the baseline and of creation. */
  concurrency: number;
  /** Offered rate of creation (per second); 0 = as fast as the in-flight limit allows. */
  createRate: number;
  /** Concurrent advisors (virtual teams), one whole path each. */
  m: number;
  /** Offered rate shared by the advisors, and of the bare Updates (per second). */
  rate: number;
  /** Whole paths driven back to back without pacing. */
  paths: number;
  /** Updates with an activity / a local activity at the same rate, to explain the action latency. */
  diagnostics: boolean;
}

type Cores = Partial<Record<CpuGroup, number>>;

export interface RunResult {
  persistence: string;
  temporalAddress: string;
  baseline: {
    starts: ClosedLoopResult & { cores: Cores };
    startAndComplete: ClosedLoopResult & { cores: Cores };
    updateSequential: LatencyStats;
    updateOpenLoop: OpenLoopResult & { cores: Cores };
    updateWithActivity?: OpenLoopResult;
    updateWithLocalActivity?: OpenLoopResult;
  };
  creation: ClosedLoopResult & {
    cores: Cores;
    ratioToBaselineStarts: number;
    workerMetrics: WorkerMetrics | undefined;
  };
  actions: OpenLoopResult & {
    cores: Cores;
    actionLatency: LatencyStats;
    createLatency: LatencyStats | undefined;
    pacedPathMs: LatencyStats;
    ratioP99ToBareUpdateP99: number;
    /** schedule-jury requests sent again because the session was no longer far enough ahead. */
    scheduleRetries: number;
    /** Temporal-side timings read from the histories of (up to 25) paced paths. */
    profile: HistoryProfile;
    /** The worker's own view during the phase (sampled every 250 ms). */
    workerLoad: WorkerLoad;
    /** Mean latencies from the worker's SDK metrics during the phase. */
    workerMetrics: WorkerMetrics | undefined;
    /** From the e-mail log of the paced paths: written to the outbox (or the log) → sent. */
    emailDelayMs: LatencyStats;
  };
  wholePath: {
    wallMs: LatencyStats;
    waitingForSessionMs: LatencyStats;
    actionsOnlyMs: LatencyStats;
    /** Each action of these paths: the latency of an action with nothing else running. */
    actionLatency: LatencyStats;
    byStep: Record<string, LatencyStats>;
    profile: HistoryProfile;
  };
  resources: {
    worker: { beforeCreation: MemReport; afterCreation: MemReport; end: MemReport };
    api: { beforeCreation: MemReport; end: MemReport };
    bareWorker: MemReport;
    cachedWorkflowsAdded: number;
    bytesPerCachedWorkflow: { rss: number; heap: number };
    rowsPerCandidacy: {
      app: { inserted: number; updated: number; deleted: number; byTable: Record<string, number> };
      temporal?: { inserted: number; updated: number; deleted: number };
    };
  };
  targets: {
    creation: { value: number; target: string; met: boolean };
    actionP99: { value: number; target: string; met: boolean };
    wholePath: { value: number; target: string; met: boolean };
  };
  errors: string[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function withCores<T>(stack: BenchStack, fn: () => Promise<T>): Promise<T & { cores: Cores }> {
  const before = await cpuSnapshot(stack);
  const t = performance.now();
  const result = await fn();
  const after = await cpuSnapshot(stack);
  return { ...result, cores: coresUsed(before, after, performance.now() - t) };
}

export async function runBench(stack: BenchStack, o: BenchOptions): Promise<RunResult> {
  const tag = `${stack.persistence}-${Date.now().toString(36)}`;
  const label = (s: string) => `[${stack.persistence}] ${s}`;
  const errors: string[] = [];
  const keep = (what: string, r: { errors: number; firstError?: string }) => {
    if (r.errors) errors.push(`${what}: ${r.errors} error(s), first: ${r.firstError}`);
  };
  const client = stack.client;
  const bareQueue = stack.bareTaskQueue;
  const http = { baseUrl: stack.baseUrl, tokens: stack.tokens };

  // Warm-up (not measured): JIT, connection pools, sticky caches.
  {
    const p = new Progress(label('warm-up'), 30);
    await closedLoop({
      total: 20,
      concurrency: 5,
      progress: p,
      fn: (i) => client.workflow.execute('noop', { taskQueue: bareQueue, workflowId: `warm-${tag}-${i}` }),
    });
    await closedLoop({
      total: 8,
      concurrency: 4,
      progress: p,
      fn: () =>
        callApi(http, 'advisor', 'POST', '/api/candidacies', newCandidacyBody()).then(() => undefined),
    });
    for (let i = 0; i < 2; i++) {
      await new CandidacyPath(http, stack.benchProjectId).runUnpaced();
      p.tick();
    }
    p.finish();
  }

  // 1. Baseline: no-op workflows started, then started and completed, with the client directly.
  const startHandles: WorkflowHandle[] = [];
  const starts = await withCores(stack, () =>
    closedLoop({
      total: o.n,
      concurrency: o.concurrency,
      progress: new Progress(label(`baseline: ${o.n} starts`), o.n),
      fn: async (i) => {
        startHandles.push(
          await client.workflow.start('noop', { taskQueue: bareQueue, workflowId: `noop-start-${tag}-${i}` }),
        );
      },
    }),
  );
  keep('baseline starts', starts);
  await Promise.allSettled(startHandles.map((h) => h.result()));
  const startAndComplete = await withCores(stack, () =>
    closedLoop({
      total: o.n,
      concurrency: o.concurrency,
      progress: new Progress(label(`baseline: ${o.n} start+complete`), o.n),
      fn: (i) =>
        client.workflow.execute('noop', { taskQueue: bareQueue, workflowId: `noop-exec-${tag}-${i}` }),
    }),
  );
  keep('baseline start+complete', startAndComplete);

  // Bare Updates: one open workflow per advisor, one Update at a time each.
  const updatables = await Promise.all(
    Array.from({ length: o.m }, (_, i) =>
      client.workflow.start('updatable', { taskQueue: bareQueue, workflowId: `updatable-${tag}-${i}` }),
    ),
  );
  await Promise.all(updatables.map((h) => h.executeUpdate(pingUpdate, { args: [0] }))); // warm (sticky cache)
  const sequential = await closedLoop({
    total: 100,
    concurrency: 1,
    progress: new Progress(label('bare Update, sequential'), 100),
    fn: (i) => updatables[i % o.m]!.executeUpdate(pingUpdate, { args: [i] }).then(() => undefined),
  });
  keep('bare Update sequential', sequential);
  const updateUsers = (perUser: number, update: typeof pingUpdate): VirtualUser[] =>
    updatables.map((h, u) => {
      let left = perUser;
      return {
        next: (): Step | undefined =>
          left-- > 0
            ? { name: update.name, run: () => h.executeUpdate(update, { args: [u] }).then(() => undefined) }
            : undefined,
      };
    });
  const updateOpenLoop = await withCores(stack, () =>
    openLoop({
      users: updateUsers(ACTION_COUNT, pingUpdate),
      rate: o.rate,
      progress: new Progress(label(`bare Update, ${o.rate}/s offered`), o.m * ACTION_COUNT),
    }),
  );
  keep('bare Update open loop', updateOpenLoop);
  let updateWithActivity: OpenLoopResult | undefined;
  let updateWithLocalActivity: OpenLoopResult | undefined;
  if (o.diagnostics) {
    const per = Math.max(1, Math.round(ACTION_COUNT / 2));
    updateWithActivity = await openLoop({
      users: updateUsers(per, pingActivityUpdate),
      rate: o.rate,
      progress: new Progress(label(`Update + activity, ${o.rate}/s`), o.m * per),
    });
    keep('Update + activity', updateWithActivity);
    updateWithLocalActivity = await openLoop({
      users: updateUsers(per, pingLocalActivityUpdate),
      rate: o.rate,
      progress: new Progress(label(`Update + local activity, ${o.rate}/s`), o.m * per),
    });
    keep('Update + local activity', updateWithLocalActivity);
  }
  await Promise.all(updatables.map((h) => h.signal(finishSignal)));
  await Promise.allSettled(updatables.map((h) => h.result()));

  // 2. Creation through the HTTP API (demo project: legal durations, so every candidacy stays open).
  await sleep(1000);
  const workerBefore = await stack.worker.mem(true);
  const apiBefore = await stack.api.mem(true);
  const creationMetricsBefore = await scrape(stack.workerMetricsUrl);
  const creation = await withCores(stack, () =>
    closedLoop({
      total: o.n,
      concurrency: o.concurrency,
      rate: o.createRate || undefined,
      progress: new Progress(label(`creation: ${o.n} candidacies (HTTP)`), o.n),
      fn: () =>
        callApi(http, 'advisor', 'POST', '/api/candidacies', newCandidacyBody()).then(() => undefined),
    }),
  );
  keep('creation', creation);
  const creationMetrics = phaseMetrics(creationMetricsBefore, await scrape(stack.workerMetricsUrl));
  // Their first workflow task, journal entry and welcome e-mail finish in the background.
  let workerAfterCreation = await stack.worker.mem(false);
  for (
    let i = 0;
    i < 40 && (workerAfterCreation.cachedWorkflows ?? 0) < (workerBefore.cachedWorkflows ?? 0) + o.n;
    i++
  ) {
    await sleep(250);
    workerAfterCreation = await stack.worker.mem(false);
  }
  await sleep(2000);
  workerAfterCreation = await stack.worker.mem(true);
  const cachedAdded = (workerAfterCreation.cachedWorkflows ?? 0) - (workerBefore.cachedWorkflows ?? 0);

  // 3. Actions: M advisors sharing an offered rate, each driving one candidacy through the whole path.
  const rowsBefore = await rowCounters(stack);
  const paths = Array.from({ length: o.m }, () => new CandidacyPath(http, stack.benchProjectId));
  await Promise.all([stack.worker.mem(false, true), stack.api.mem(false, true)]);
  const metricsBefore = await scrape(stack.workerMetricsUrl);
  const sampler = sampleWorker(stack);
  const actions = await withCores(stack, () =>
    openLoop({
      users: paths,
      rate: o.rate,
      progress: new Progress(label(`actions: ${o.m} advisors, ${o.rate}/s`), o.m * (ACTION_COUNT + 1)),
      inOverall: (step) => step !== 'create',
    }),
  );
  keep('actions', actions);
  const workerLoad = await sampler.stop();
  const workerMetrics = phaseMetrics(metricsBefore, await scrape(stack.workerMetricsUrl));
  const [workerLoop, apiLoop] = await Promise.all([stack.worker.mem(false), stack.api.mem(false)]);
  workerLoad.workerLoopDelay = workerLoop.loopDelay;
  workerLoad.apiLoopDelay = apiLoop.loopDelay;
  const actionLatency = actions.latency;
  const completed = paths.filter((p) => p.wallMs !== undefined);
  // Let the last e-mails leave and the workflows close, then read what was written.
  await waitQuiet(
    stack,
    completed.map((p) => p.candidacyId!),
  );
  const rowsAfter = await rowCounters(stack);

  // 4. Whole path, back to back (no pacing): the time a candidacy needs with the compressed policy.
  const wall: number[] = [];
  const waited: number[] = [];
  const unpacedIds: string[] = [];
  const unpacedActions: number[] = [];
  const unpacedByStep = new Map<string, number[]>();
  const pw = new Progress(label(`whole path x${o.paths}, unpaced`), o.paths);
  for (let i = 0; i < o.paths; i++) {
    try {
      const path = new CandidacyPath(http, stack.benchProjectId);
      const res = await path.runUnpaced();
      unpacedIds.push(`candidacy-${path.candidacyId}`);
      for (const st of res.steps) {
        if (st.name !== 'create') unpacedActions.push(st.ms);
        unpacedByStep.set(st.name, [...(unpacedByStep.get(st.name) ?? []), st.ms]);
      }
      wall.push(res.wallMs);
      waited.push(res.waitedMs);
    } catch (err) {
      errors.push(`whole path: ${(err as Error).message}`);
    }
    pw.tick();
  }
  pw.finish();

  const pacedProfile = await profileHistories(
    client,
    completed.slice(0, 25).map((p) => `candidacy-${p.candidacyId}`),
  );
  const unpacedProfile = await profileHistories(client, unpacedIds);
  const emailDelays = completed.length
    ? await stack.db
        .selectFrom('email_log')
        .select(sql<number>`extract(epoch from sent_at - created_at) * 1000`.as('ms'))
        .where(
          'candidacy_id',
          'in',
          completed.map((p) => p.candidacyId!),
        )
        .where('status', '=', 'sent')
        .execute()
    : [];

  // 5. Resources at the end.
  await sleep(1000);
  const workerEnd = await stack.worker.mem(true);
  const apiEnd = await stack.api.mem(true);
  const bareWorker = await stack.bareWorker.mem(true);
  const appRows = diffRows(rowsBefore.app, rowsAfter.app, completed.length);
  const temporalRows =
    rowsBefore.temporal && rowsAfter.temporal
      ? {
          inserted: r1((rowsAfter.temporal.ins - rowsBefore.temporal.ins) / completed.length),
          updated: r1((rowsAfter.temporal.upd - rowsBefore.temporal.upd) / completed.length),
          deleted: r1((rowsAfter.temporal.del - rowsBefore.temporal.del) / completed.length),
        }
      : undefined;

  const ratioCreation = r2(creation.perSecond / starts.perSecond);
  const ratioP99 = r2(actionLatency.p99 / updateOpenLoop.latency.p99);
  const wholeStats = latencyStats(wall);
  return {
    persistence: stack.persistence,
    temporalAddress: stack.temporalAddress,
    baseline: {
      starts,
      startAndComplete,
      updateSequential: sequential.latency,
      updateOpenLoop,
      updateWithActivity,
      updateWithLocalActivity,
    },
    creation: { ...creation, ratioToBaselineStarts: ratioCreation, workerMetrics: creationMetrics },
    actions: {
      ...actions,
      actionLatency,
      createLatency: actions.byStep.create,
      pacedPathMs: latencyStats(completed.map((p) => p.wallMs!)),
      ratioP99ToBareUpdateP99: ratioP99,
      scheduleRetries: paths.reduce((n, p) => n + p.retries, 0),
      profile: pacedProfile,
      workerLoad,
      workerMetrics,
      emailDelayMs: latencyStats(emailDelays.map((r) => Number(r.ms))),
    },
    wholePath: {
      wallMs: wholeStats,
      waitingForSessionMs: latencyStats(waited),
      actionsOnlyMs: latencyStats(wall.map((w, i) => w - waited[i]!)),
      actionLatency: latencyStats(unpacedActions),
      byStep: Object.fromEntries([...unpacedByStep].map(([k, v]) => [k, latencyStats(v)])),
      profile: unpacedProfile,
    },
    resources: {
      worker: { beforeCreation: workerBefore, afterCreation: workerAfterCreation, end: workerEnd },
      api: { beforeCreation: apiBefore, end: apiEnd },
      bareWorker,
      cachedWorkflowsAdded: cachedAdded,
      bytesPerCachedWorkflow: {
        rss: cachedAdded > 0 ? Math.round((workerAfterCreation.rss - workerBefore.rss) / cachedAdded) : NaN,
        heap:
          cachedAdded > 0
            ? Math.round((workerAfterCreation.heapUsed - workerBefore.heapUsed) / cachedAdded)
            : NaN,
      },
      rowsPerCandidacy: { app: appRows, temporal: temporalRows },
    },
    targets: {
      creation: { value: ratioCreation, target: '≥ 0.8 × baseline starts/s', met: ratioCreation >= 0.8 },
      actionP99: { value: ratioP99, target: '≤ 1.5 × bare Update p99', met: ratioP99 <= 1.5 },
      wholePath: { value: wholeStats.max, target: '≤ 3000 ms', met: wholeStats.max <= 3000 },
    },
    errors,
  };
}

export interface WorkerLoad {
  samples: number;
  inFlightActivities: { mean: number; max: number };
  inFlightActivations: { mean: number; max: number };
  /** Share of samples where the worker had no activity poll outstanding (it was not asking for work). */
  noActivityPollShare: number;
  noWorkflowPollShare: number;
  /** Event loop delay of the worker and API processes during the phase (ms). */
  workerLoopDelay?: MemReport['loopDelay'];
  apiLoopDelay?: MemReport['loopDelay'];
}

function sampleWorker(stack: BenchStack): { stop(): Promise<WorkerLoad> } {
  const acts: number[] = [];
  const activations: number[] = [];
  let noActPoll = 0;
  let noWfPoll = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const m = await stack.worker.mem(false).catch(() => undefined);
      if (m) {
        acts.push(m.inFlightActivities ?? 0);
        activations.push(m.inFlightActivations ?? 0);
        if (m.outstandingActivityPoll === false) noActPoll++;
        if (m.outstandingWorkflowPoll === false) noWfPoll++;
      }
      await sleep(250);
    }
  })();
  const summary = (xs: number[]) => ({
    mean: xs.length ? r1(xs.reduce((a, b) => a + b, 0) / xs.length) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
  });
  return {
    async stop() {
      running = false;
      await loop;
      return {
        samples: acts.length,
        inFlightActivities: summary(acts),
        inFlightActivations: summary(activations),
        noActivityPollShare: acts.length ? r2(noActPoll / acts.length) : NaN,
        noWorkflowPollShare: acts.length ? r2(noWfPoll / acts.length) : NaN,
      };
    },
  };
}

/** Waits until the given candidacies reached their result and every e-mail of theirs left (30 s at most). */
async function waitQuiet(stack: BenchStack, ids: string[]): Promise<void> {
  if (!ids.length) return;
  for (let i = 0; i < 60; i++) {
    const [open, unsent] = await Promise.all([
      stack.db
        .selectFrom('candidacies')
        .select(sql<string>`count(*)`.as('n'))
        .where('id', 'in', ids)
        .where('phase', '!=', 'result')
        .executeTakeFirstOrThrow(),
      stack.db
        .selectFrom('email_log')
        .select(sql<string>`count(*)`.as('n'))
        .where('candidacy_id', 'in', ids)
        .where('status', '!=', 'sent')
        .executeTakeFirstOrThrow(),
    ]);
    if (Number(open.n) === 0 && Number(unsent.n) === 0) return;
    await sleep(500);
  }
  note(`[bench] ${stack.persistence}: some candidacies had not finished after 30 s`);
}

interface Counters {
  app: Record<string, { ins: number; upd: number; del: number }>;
  temporal?: { ins: number; upd: number; del: number };
}

/**
 * Rows written so far, from PostgreSQL's statistics: per table of the application database, and for the
 * Temporal databases when the server runs on PostgreSQL. Backends report them within about a second
 * after going idle, hence the pause first.
 */
async function rowCounters(stack: BenchStack): Promise<Counters> {
  await sleep(2500);
  const app = await query(
    stack.databaseUrl,
    'SELECT relname, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd, n_tup_del::float8 AS del FROM pg_stat_user_tables',
  );
  const out: Counters = {
    app: Object.fromEntries(
      app.map((r) => [String(r.relname), { ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del) }]),
    ),
  };
  if (stack.temporalDatabases) {
    const t = await query(
      stack.temporalDatabases.url,
      `SELECT sum(tup_inserted)::float8 AS ins, sum(tup_updated)::float8 AS upd, sum(tup_deleted)::float8 AS del
         FROM pg_stat_database WHERE datname = ANY($1)`,
      [stack.temporalDatabases.names],
    );
    out.temporal = { ins: Number(t[0]?.ins ?? 0), upd: Number(t[0]?.upd ?? 0), del: Number(t[0]?.del ?? 0) };
  }
  return out;
}

/** One query on its own connection (the bench reads PostgreSQL's statistics and sizes). */
export async function query(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

function diffRows(before: Counters['app'], after: Counters['app'], candidacies: number) {
  const per = (x: number) => (candidacies ? r1(x / candidacies) : NaN);
  let ins = 0;
  let upd = 0;
  let del = 0;
  const byTable: Record<string, number> = {};
  for (const [table, a] of Object.entries(after)) {
    const b = before[table] ?? { ins: 0, upd: 0, del: 0 };
    const written = a.ins - b.ins + (a.upd - b.upd) + (a.del - b.del);
    ins += a.ins - b.ins;
    upd += a.upd - b.upd;
    del += a.del - b.del;
    if (written > 0) byTable[table] = per(written);
  }
  return { inserted: per(ins), updated: per(upd), deleted: per(del), byTable };
}
