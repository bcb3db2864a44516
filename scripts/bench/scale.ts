/**
 * The scale run of `npm run bench -- --open N` (issue 6): N candidacies of the demo project (legal
 * durations, so they stay open on their timers) created through POST /api/candidacies, then what that
 * size costs: time to start them, worker and API RSS with the bounded sticky cache, Temporal server and
 * PostgreSQL sizes, the latency of the inbox and of the list routes at that size, and a restart of the
 * worker at that size (how long until the clocks are served again, none missed).
 *
 * Creation runs in chunks (--checkpoints): after each, every K-th candidacy of the chunk (--advance-every)
 * is moved to the certifier (record-information, submit-admissibility) so that the certifier's inbox is
 * not empty, and the routes are measured (a few requests at the intermediate sizes, --samples at the end).
 * A first Ctrl-C stops creating and measures the size reached; a second stops everything.
 *
 * With --data-dir the stack's state (embedded PostgreSQL, the dev server's SQLite file) and the run's
 * (scale-state.json: see scale-state.ts) are kept in that folder, and --resume goes on from the count
 * reached, in a later session: the creation time, CPU and samples are accumulated across sessions.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { DEMO } from '../../src/db/demo-data.js';
import { newCandidacyBody } from '../../test/support/fixtures.js';
import { createProjectWithPolicy, OPERATORS } from '../../test/support/projects.js';
import { TEMPORAL_SERVER_VERSION } from '../temporal-postgres/binaries.js';
import type { ChildSettings, MemReport } from './child.js';
import { latencyStats, type LatencyStats } from './load.js';
import { callApi } from './path.js';
import { SESSION_COOKIE } from '../../src/web/auth/session-cookie.js';
import { createWebSession } from '../../src/web/auth/sessions.js';
import { Progress, note } from './progress.js';
import { query } from './run.js';
import { renderScaleTable } from './scale-report.js';
import { machineFacts } from './machine.js';
import { scrape } from './sdk-metrics.js';
import {
  dataDirProblem,
  readState,
  writeState,
  STATE_FILE,
  type ScaleSessionRecord,
  type ScaleState,
  type SessionEnd,
} from './scale-state.js';
import {
  BENCH_POLICY,
  coresUsed,
  cpuSnapshot,
  startShared,
  startStack,
  type BenchStack,
  type CpuGroup,
  type Persistence,
  type Shared,
} from './stack.js';

/** The worker's sticky cache when --worker-tuning does not set it (createVaeWorker's default). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 2_000;
export const TARGET_WORKER_RSS = 2 * 2 ** 30;
export const TARGET_ROUTE_P95_MS = 100;
export const TARGET_PAGE_P95_MS = 150;
export const TARGET_OPEN = 100_000;
/** Restart step: a clock served later than this after it was due and a worker polled counts as late. */
export const RESTART_LATE_MS = 5_000;
/** Restart step: how long to wait for the sample's clocks after the new worker started. */
const RESTART_SERVE_TIMEOUT_MS = 180_000;
const WARMUP = 5;

export interface ScaleOptions {
  /** Candidacies to create (and leave open). */
  open: number;
  /** Creation requests in flight. */
  concurrency: number;
  /** Offered creation rate per second (0: as fast as the in-flight limit allows). */
  createRate: number;
  /** Every K-th candidacy is moved to the certifier after creation (0: none). */
  advanceEvery: number;
  /** Requests per route case at the final size (a quarter of that at the intermediate checkpoints). */
  samples: number;
  /** Measurements of the routes: at 1/k, 2/k, … k/k of N. */
  checkpoints: number;
  /**
   * After the real run, copy the created candidacies in the read model (PostgreSQL only: no workflows)
   * up to this many rows and measure the routes again (0: no). The routes read PostgreSQL alone, so this
   * tells their latency at a size the creation rate does not reach in a reasonable time.
   */
  readModelRows: number;
  /** A progress line with the throughput and the processes' RSS every so many seconds. */
  reportEveryS: number;
  maxCachedWorkflows: number;
  /** Restart step: candidacies put on a short clock before the worker is restarted (0: no restart step). */
  restartSample: number;
  /**
   * Restart step: seconds at least between the old worker's exit and the new one's start (longer when the
   * sample's clocks are not all due by then: the new worker starts once they are).
   */
  restartPauseS: number;
  /** Restart step: the sample's admissibility deadline, in seconds (longer than it takes to start them). */
  restartClockS: number;
}

export interface RouteCase {
  name: string;
  role: string;
  url: string;
  /** A console page (HTML, session cookie) rather than an API route (JSON, token). */
  page?: boolean;
  /** Its p95 target: the API's routes 100 ms, the console's pages 150 ms (issue 11). */
  targetMs?: number;
}

export interface RouteLatency extends LatencyStats {
  name: string;
  role: string;
  url: string;
  page?: boolean;
  targetMs?: number;
  /** `total` of the last answer: how many candidacies the route covered. */
  total: number | undefined;
  errors: number;
  firstError?: string;
}

export interface Checkpoint {
  open: number;
  advanced: number;
  routes: RouteLatency[];
}

export interface TimelineSample {
  /** Seconds since the start of its session. */
  atS: number;
  /** Its session (1, 2, …; --resume), when kept in a state file. */
  session?: number;
  open: number;
  /**
   * Candidacies created per second of creation since the previous sample (the pauses to measure the routes
   * at the checkpoints left out); null when the interval was mostly a pause.
   */
  ratePerS: number | null;
  workerRss: number;
  cachedWorkflows: number | undefined;
  apiRss: number;
  temporalRss: number | undefined;
  loadAverage: number;
}

export interface ProcMemory {
  rss: number;
  /** Peak RSS since the process started (VmHWM). */
  peakRss: number;
}

export interface Sizes {
  /** Temporal persistence: the dev server's SQLite file (with -wal, -shm), or its PostgreSQL databases. */
  temporal: { kind: 'sqlite' | 'postgres' | 'unknown'; bytes: number; parts: Record<string, number> };
  /** The application database, and its biggest tables (rows, total size with indexes and TOAST). */
  app: {
    bytes: number;
    tables: { name: string; rows: number; bytes: number; indexBytes: number }[];
  };
  /** The embedded PostgreSQL's data folder on disk (all databases, WAL), when embedded. */
  pgDataDirBytes: number | undefined;
}

/**
 * The worker restarted at size: K candidacies (another project: BENCH_POLICY with an admissibility
 * deadline of `clockS`) are submitted for admissibility, the worker is stopped (graceful shutdown), and a
 * new one starts `pauseS` later or 1 s after the last of their deadlines, whichever comes later: they all
 * run out while no worker runs (unless starting them took longer than `clockS`). Then: how long until the new worker
 * completes a workflow task, until each deadline's transition (admissibility_decided, implicit) is in the
 * journal, and whether any is missing.
 */
export interface RestartResult {
  sample: number;
  /** Sample candidacies whose clock started (submit-admissibility answered). */
  started: number;
  clockS: number;
  pauseS: number;
  /** Creating the sample (record-information included), until the worker was idle again. */
  prepareMs: number;
  /** Starting the sample's clocks (submit-admissibility, `concurrency` in flight). */
  submitMs: number;
  /** The old worker's graceful shutdown. */
  stopMs: number;
  /** From the stop request to the new worker's start (no worker polling). */
  downMs: number;
  /** New worker: from its start to running (Worker created, polling). */
  readyMs: number;
  /** New worker: from its start to its first workflow task completed (SDK metrics); null if none. */
  firstTaskMs: number | null;
  /** The sample's deadlines: due before the stop, while no worker served, after the new one polled. */
  due: { beforeStop: number; whileDown: number; afterStart: number };
  served: number;
  missing: number;
  missingIds: string[];
  /** From the new worker's start to the last of the sample's transitions in the journal. */
  lastServedMs: number | null;
  /** Per candidacy: journaled minus due. */
  lateness: LatencyStats;
  /** Per candidacy: journaled minus the later of due and the new worker's first task. */
  afterPolling: LatencyStats;
  lateThresholdMs: number;
  /** Served more than lateThresholdMs after both their due time and the new worker's first task. */
  late: number;
  workerAfter?: MemReport;
  errors: number;
  firstError?: string;
}

export interface ScaleResult {
  persistence: string;
  temporalAddress: string;
  /** The kept folder of --data-dir (state across sessions), if any. */
  dataDir?: string;
  requested: number;
  /** Candidacies created (started workflows answered 201), all sessions. */
  open: number;
  stoppedEarly: boolean;
  maxCachedWorkflows: number;
  /** One per session of this run (one without --data-dir); the last is this one. */
  sessions: ScaleSessionRecord[];
  creation: {
    /** Time spent creating, all sessions (the pauses of the checkpoints and between sessions left out). */
    elapsedMs: number;
    perSecond: number;
    /** This session's share. */
    sessionElapsedMs: number;
    sessionCreated: number;
    sessionPerSecond: number;
    /** This session's requests. */
    latency: LatencyStats;
    errors: number;
    firstError?: string;
    /** All sessions' samples. */
    timeline: TimelineSample[];
    /** Cores used by each part of the stack while creating, all sessions (other = outside the bench). */
    cores: Partial<Record<CpuGroup, number>>;
  };
  advance: {
    /** All sessions. */
    candidacies: number;
    elapsedMs: number;
    /** This session's. */
    latency: LatencyStats;
    errors: number;
    firstError?: string;
  };
  /** Seconds waited after creation for the background work (first workflow tasks, e-mails) to finish. */
  settleS: number;
  /** start: before the first candidacy (first session); end: this session, after a full GC. */
  worker: { start: MemReport; afterCreation: MemReport; end: MemReport };
  api: { start: MemReport; end: MemReport };
  /** This session's Temporal server; peakRss is the highest over all sessions. */
  temporalServer: ProcMemory | undefined;
  /** before: the baseline of the first session (after the warm-up). */
  sizes: { before: Sizes; after: Sizes };
  /**
   * Storage growth divided by the candidacies started since the baseline (`candidacies`): the created ones
   * and, after a resume, the restart samples of the earlier sessions.
   */
  perCandidacy: { temporalBytes: number; appBytes: number; candidacies: number };
  checkpoints: Checkpoint[];
  restart?: RestartResult;
  /** The routes again once the read model was padded to --read-model-rows (synthetic rows, no workflows). */
  readModel?: {
    rows: number;
    padded: number;
    paddingMs: number;
    appBytes: number;
    routes: RouteLatency[];
    /** With --data-dir the synthetic rows are deleted afterwards (they would stay in the kept database). */
    removed?: boolean;
  };
  targets: {
    open: { value: number; target: string; met: boolean };
    workerRss: { value: number; target: string; met: boolean };
    routeP95: { value: number; worst: string; target: string; met: boolean };
    routeP95AtReadModel?: { rows: number; value: number; worst: string; target: string; met: boolean };
    restart?: { value: number; target: string; met: boolean };
  };
  errors: string[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** A control over the creation loop: a first Ctrl-C asks it to stop and measure what was reached. */
export interface StopFlag {
  requested: boolean;
  /** SIGTERM: stop creating, save the state and stop, without measuring. */
  terminate?: boolean;
}

/** The run's state (kept in --data-dir when given) and how to save it. */
export interface ScaleSession {
  dataDir: string | undefined;
  state: ScaleState;
  /** Live counters of the running session, copied into the state before it is written. */
  flush?: () => void;
}

export function saveSession(session: ScaleSession | undefined, ended?: SessionEnd): void {
  if (!session) return;
  session.flush?.();
  const record = session.state.sessions.at(-1);
  if (record && ended) {
    record.ended = ended;
    record.endedAt = new Date().toISOString();
  }
  if (session.dataDir) writeState(session.dataDir, session.state);
}

/** Started candidacies in the database, of one project or all (the padding of the read model left out). */
async function countStarted(stack: BenchStack, projectId?: string): Promise<number> {
  let q = stack.db
    .selectFrom('candidacies')
    .select(sql<string>`count(*)`.as('n'))
    .where('started', '=', true)
    .where('workflow_id', 'not like', 'padding-%');
  if (projectId) q = q.where('project_id', '=', projectId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** fn over items, `concurrency` at a time. */
async function inPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let cursor = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (cursor < items.length) await fn(items[cursor++]!);
    }),
  );
}

const RECORD_INFORMATION = {
  eligibilityChecked: true,
  rncpCode: 'RNCP35830',
  targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
  profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
};

/** The advisor records the information interview of a candidacy (its first action). */
function recordInformation(http: Parameters<typeof callApi>[0], id: string) {
  return callApi(http, 'advisor', 'POST', `/api/candidacies/${id}/record-information`, RECORD_INFORMATION);
}

/** Returns undefined when stopped by SIGTERM (the state saved, nothing measured). */
export async function runScale(
  stack: BenchStack,
  o: ScaleOptions,
  stopFlag: StopFlag,
  session: ScaleSession,
): Promise<ScaleResult | undefined> {
  const label = (s: string) => `[${stack.persistence}] ${s}`;
  const http = { baseUrl: stack.baseUrl, tokens: stack.tokens };
  const errors: string[] = [];
  const runDir = path.join(stack.shared.opts.tmpDir, stack.persistence);
  const st = session.state;
  const record: ScaleSessionRecord = {
    index: st.sessions.length + 1,
    startedAt: new Date().toISOString(),
    ended: 'running',
    from: st.created,
    to: st.created,
    creationMs: 0,
    perSecond: NaN,
    errors: 0,
    cores: {},
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
  st.sessions.push(record);

  if (!st.baseline) {
    // Warm-up (not measured): JIT, pools, one welcome e-mail.
    for (let i = 0; i < WARMUP; i++)
      await callApi(http, 'advisor', 'POST', '/api/candidacies', newCandidacyBody());
    await sleep(1000);
    st.warmup = WARMUP;
    st.baseline = {
      candidacies: await countStarted(stack),
      demoCandidacies: await countStarted(stack, DEMO.project.id),
      sizes: await measureSizes(stack, runDir),
      worker: await stack.worker.mem(true),
      api: await stack.api.mem(true),
    };
  } else {
    // The database is the truth: a session killed without a word (reboot) saved its count up to 30 s late.
    const inDb = (await countStarted(stack, DEMO.project.id)) - st.baseline.demoCandidacies;
    if (inDb !== st.created) {
      note(
        label(`the state file said ${st.created} created, the database has ${inDb}: going on from ${inDb}`),
      );
      st.created = inDb;
    }
    record.from = st.created;
    note(label(`resuming at ${st.created} open candidacies (session ${record.index})`));
  }
  const baseline = st.baseline;

  const createLatencies: number[] = [];
  const advanceLatencies: number[] = [];
  const toAdvance: string[] = [...st.toAdvance];
  let inBatch: string[] = [];
  let batchDone = 0;
  let createFirstError: string | undefined;
  let advanceFirstError: string | undefined;
  let sessionErrors = 0;
  const priorCreationMs = st.creationMs;
  const priorAdvanceMs = st.advanceMs;
  let sessionMs = 0;
  let sessionAdvanceMs = 0;
  const sessionCpu: Partial<Record<CpuGroup, number>> = {};
  const checkpoints: Checkpoint[] = [...st.checkpoints];

  let chunkStartedAt: number | undefined;
  const creatingMs = () =>
    sessionMs + (chunkStartedAt === undefined ? 0 : performance.now() - chunkStartedAt);
  session.flush = () => {
    const ms = creatingMs();
    st.creationMs = Math.round(priorCreationMs + ms);
    st.advanceMs = Math.round(priorAdvanceMs + sessionAdvanceMs);
    st.toAdvance = [...inBatch.slice(batchDone), ...toAdvance];
    record.to = st.created;
    record.creationMs = Math.round(ms);
    record.perSecond = ms > 0 ? r1(((st.created - record.from) / ms) * 1000) : NaN;
    record.errors = sessionErrors;
    record.latency = latencyStats(createLatencies);
    record.cores = coresUsed(
      Object.fromEntries(Object.keys(sessionCpu).map((k) => [k, 0])),
      sessionCpu,
      Math.max(1, sessionMs),
    );
  };
  saveSession(session);

  const remaining = Math.max(0, o.open - st.created);
  const progress = new Progress(
    label(`creation: ${remaining} more open candidacies (HTTP)${st.created ? `, from ${st.created}` : ''}`),
    remaining,
  );
  const timeline = startTimeline(
    stack,
    o.reportEveryS,
    () => st.created,
    creatingMs,
    label,
    (s) => {
      s.session = record.index;
      st.timeline.push(s);
      st.peaks.workerRss = Math.max(st.peaks.workerRss, Number.isFinite(s.workerRss) ? s.workerRss : 0);
      st.peaks.apiRss = Math.max(st.peaks.apiRss, Number.isFinite(s.apiRss) ? s.apiRss : 0);
      st.peaks.temporalRss = Math.max(st.peaks.temporalRss, s.temporalRss ?? 0);
      saveSession(session);
    },
  );

  // Move the candidacies to the certifier (its inbox), as a certifier would find them.
  const advanceAll = async () => {
    inBatch = toAdvance.splice(0);
    batchDone = 0;
    const advStart = performance.now();
    await inPool(inBatch, o.concurrency, async (id) => {
      const t = performance.now();
      try {
        await recordInformation(http, id);
        await callApi(http, 'advisor', 'POST', `/api/candidacies/${id}/submit-admissibility`, {});
        advanceLatencies.push(performance.now() - t);
        st.advanced++;
      } catch (err) {
        st.advanceErrors++;
        advanceFirstError ??= (err as Error).message;
      }
      batchDone++;
    });
    inBatch = [];
    batchDone = 0;
    sessionAdvanceMs += performance.now() - advStart;
  };

  const sizesAt = Array.from({ length: o.checkpoints }, (_, i) =>
    Math.round((o.open * (i + 1)) / o.checkpoints),
  ).filter((target) => target > st.created);
  for (const [k, target] of sizesAt.entries()) {
    if (stopFlag.requested) break;
    // Create up to `target`, `concurrency` requests in flight (and at `createRate` per second if given).
    const cpuBefore = await cpuSnapshot(stack);
    const chunkStart = performance.now();
    chunkStartedAt = chunkStart;
    const interval = o.createRate ? 1000 / o.createRate : 0;
    let next = st.created;
    let sentInChunk = 0;
    const lane = async () => {
      for (;;) {
        if (stopFlag.requested || next >= target) return;
        const i = next++;
        if (interval) {
          const wait = chunkStart + sentInChunk++ * interval - performance.now();
          if (wait > 0) await sleep(wait);
        }
        const t = performance.now();
        try {
          const res = (await callApi(http, 'advisor', 'POST', '/api/candidacies', newCandidacyBody())) as {
            id: string;
          };
          createLatencies.push(performance.now() - t);
          st.created++;
          if (o.advanceEvery && i % o.advanceEvery === 0) toAdvance.push(res.id);
        } catch (err) {
          st.createErrors++;
          sessionErrors++;
          createFirstError ??= (err as Error).message;
          // Do not hammer a failing stack: the errors are counted, the size reached is reported.
          if (sessionErrors > 50 && sessionErrors > (st.created - record.from) / 10)
            stopFlag.requested = true;
        }
        progress.tick();
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, lane));
    sessionMs += performance.now() - chunkStart;
    chunkStartedAt = undefined;
    const cpuAfter = await cpuSnapshot(stack);
    for (const key of Object.keys(cpuAfter) as CpuGroup[]) {
      const delta = (cpuAfter[key] ?? 0) - (cpuBefore[key] ?? 0);
      sessionCpu[key] = (sessionCpu[key] ?? 0) + delta;
      st.cpuSeconds[key] = (st.cpuSeconds[key] ?? 0) + delta;
    }
    saveSession(session);
    if (stopFlag.terminate) break;

    await advanceAll();
    saveSession(session);

    const last = k === sizesAt.length - 1 || stopFlag.requested;
    if (!last) {
      note(
        label(`checkpoint at ${st.created} open: measuring the routes (${Math.ceil(o.samples / 4)} each)`),
      );
      const routes = await measureRoutes(stack, Math.ceil(o.samples / 4));
      const checkpoint = { open: st.created, advanced: st.advanced, routes };
      checkpoints.push(checkpoint);
      st.checkpoints.push(checkpoint);
      saveSession(session);
      note(routeLine(routes));
    }
  }
  // Left to advance by an earlier session, when nothing was created in this one.
  if (toAdvance.length && !stopFlag.terminate) await advanceAll();
  const created = st.created;
  const sessionCreated = created - record.from;
  progress.finish(
    `${sessionCreated} created in ${(sessionMs / 1000).toFixed(0)} s (${sessionMs > 0 ? ((sessionCreated / sessionMs) * 1000).toFixed(1) : '–'}/s)` +
      (record.index > 1
        ? `; ${created} in ${(st.creationMs / 1000).toFixed(0)} s over ${record.index} sessions`
        : '') +
      (stopFlag.requested ? ', stopped early' : ''),
  );
  const stoppedEarly = created < o.open;
  saveSession(session);
  if (stopFlag.terminate) {
    await timeline.stop();
    saveSession(session, 'terminated');
    return undefined;
  }
  const workerAfterCreation = await stack.worker.mem(false);

  // Let the background work finish (first workflow tasks, journal, welcome e-mails) before measuring.
  const settleStart = performance.now();
  await settle(stack, 180_000);
  const settleS = Math.round((performance.now() - settleStart) / 1000);
  const timelineSamples = await timeline.stop();
  saveSession(session);
  if (stopFlag.terminate) return undefined;

  note(label(`${created} open: measuring the routes (${o.samples} requests each)`));
  const finalRoutes = await measureRoutes(stack, o.samples);
  checkpoints.push({ open: created, advanced: st.advanced, routes: finalRoutes });
  note(routeLine(finalRoutes));

  // What the real candidacies cost, before any padding of the read model.
  await sleep(1000);
  const workerEnd = await stack.worker.mem(true);
  const apiEnd = await stack.api.mem(true);
  const temporalServer = await procMemory(stack.temporalPid);
  const sizesAfter = await measureSizes(stack, runDir);
  const candidaciesAfter = await countStarted(stack);
  st.peaks.workerRss = Math.max(st.peaks.workerRss, workerEnd.peakRss);
  st.peaks.apiRss = Math.max(st.peaks.apiRss, apiEnd.peakRss);
  st.peaks.temporalRss = Math.max(st.peaks.temporalRss, temporalServer?.peakRss ?? 0);
  saveSession(session);
  if (stopFlag.terminate) return undefined;

  let restart: RestartResult | undefined;
  if (o.restartSample > 0) {
    restart = await measureRestart(stack, o, label);
    st.restartSamples += restart.started;
    saveSession(session);
    note(label(restartLine(restart)));
    if (stopFlag.terminate) return undefined;
  }

  let readModel: ScaleResult['readModel'];
  if (o.readModelRows > 0 && created > 0) {
    const t = performance.now();
    const { rows, padded } = await padReadModel(stack, o.readModelRows);
    const paddingMs = Math.round(performance.now() - t);
    note(
      label(
        `read model padded with ${padded} synthetic rows to ${rows} in ${(paddingMs / 1000).toFixed(0)} s: ` +
          `measuring the routes (${o.samples} requests each)`,
      ),
    );
    const routes = await measureRoutes(stack, o.samples);
    note(routeLine(routes));
    const [size] = await query(stack.databaseUrl, 'SELECT pg_database_size(current_database())::float8 AS b');
    readModel = { rows, padded, paddingMs, appBytes: Number(size?.b ?? NaN), routes };
    if (session.dataDir && padded > 0) {
      // The kept database must hold the real candidacies only, for the next session.
      await removePadding(stack);
      readModel.removed = true;
    }
  }

  const keep = (what: string, n: number, first: string | undefined) => {
    if (n) errors.push(`${what}: ${n} error(s), first: ${first}`);
  };
  keep('creation (this session)', sessionErrors, createFirstError);
  keep('advance to the certifier (all sessions)', st.advanceErrors, advanceFirstError);
  for (const r of finalRoutes) keep(r.name, r.errors, r.firstError);
  for (const r of readModel?.routes ?? []) keep(`${r.name} (padded read model)`, r.errors, r.firstError);
  if (restart) {
    keep('restart step: preparing the sample', restart.errors, restart.firstError);
    if (restart.missing)
      errors.push(
        `restart step: ${restart.missing} clock(s) not served within ${RESTART_SERVE_TIMEOUT_MS / 1000} s, e.g. ${restart.missingIds.slice(0, 3).join(', ')}`,
      );
  }

  const worst = [...finalRoutes].sort((a, b) => b.p95 - a.p95)[0];
  const worstPadded = readModel && [...readModel.routes].sort((a, b) => b.p95 - a.p95)[0];
  const peakWorker = Math.max(
    st.peaks.workerRss,
    workerEnd.peakRss,
    ...timelineSamples.map((s) => s.workerRss),
  );
  const grown = candidaciesAfter - baseline.candidacies;
  const per = (a: number, b: number) => (grown > 0 ? Math.round((a - b) / grown) : NaN);
  saveSession(session, stoppedEarly ? 'interrupted' : 'completed');
  return {
    persistence: stack.persistence,
    temporalAddress: stack.temporalAddress,
    dataDir: session.dataDir,
    requested: o.open,
    open: created,
    stoppedEarly,
    maxCachedWorkflows: o.maxCachedWorkflows,
    sessions: st.sessions,
    creation: {
      elapsedMs: Math.round(st.creationMs),
      perSecond: st.creationMs > 0 ? r1((created / st.creationMs) * 1000) : NaN,
      sessionElapsedMs: Math.round(sessionMs),
      sessionCreated,
      sessionPerSecond: sessionMs > 0 ? r1((sessionCreated / sessionMs) * 1000) : NaN,
      latency: latencyStats(createLatencies),
      errors: st.createErrors,
      firstError: createFirstError,
      timeline: st.timeline,
      cores: coresUsed(
        Object.fromEntries(Object.keys(st.cpuSeconds).map((k) => [k, 0])),
        st.cpuSeconds,
        Math.max(1, st.creationMs),
      ),
    },
    advance: {
      candidacies: st.advanced,
      elapsedMs: Math.round(st.advanceMs),
      latency: latencyStats(advanceLatencies),
      errors: st.advanceErrors,
      firstError: advanceFirstError,
    },
    settleS,
    worker: { start: baseline.worker, afterCreation: workerAfterCreation, end: workerEnd },
    api: { start: baseline.api, end: apiEnd },
    temporalServer: temporalServer && {
      rss: temporalServer.rss,
      peakRss: Math.max(temporalServer.peakRss, st.peaks.temporalRss),
    },
    sizes: { before: baseline.sizes, after: sizesAfter },
    perCandidacy: {
      temporalBytes: per(sizesAfter.temporal.bytes, baseline.sizes.temporal.bytes),
      appBytes: per(sizesAfter.app.bytes, baseline.sizes.app.bytes),
      candidacies: grown,
    },
    checkpoints,
    restart,
    readModel,
    targets: {
      open: { value: created, target: `≥ ${TARGET_OPEN.toLocaleString('en')}`, met: created >= TARGET_OPEN },
      workerRss: { value: peakWorker, target: '≤ 2 GiB (peak)', met: peakWorker <= TARGET_WORKER_RSS },
      routeP95: {
        value: worst?.p95 ?? NaN,
        worst: worst ? `${worst.name}` : '–',
        target: `≤ ${TARGET_ROUTE_P95_MS} ms (API), ≤ ${TARGET_PAGE_P95_MS} ms (console pages)`,
        met: finalRoutes.every((r) => r.p95 <= (r.targetMs ?? TARGET_ROUTE_P95_MS) && r.errors === 0),
      },
      routeP95AtReadModel: readModel && {
        rows: readModel.rows,
        value: worstPadded?.p95 ?? NaN,
        worst: worstPadded?.name ?? '–',
        target: `≤ ${TARGET_ROUTE_P95_MS} ms (API), ≤ ${TARGET_PAGE_P95_MS} ms (console pages)`,
        met: readModel.routes.every((r) => r.p95 <= (r.targetMs ?? TARGET_ROUTE_P95_MS) && r.errors === 0),
      },
      restart: restart && {
        value: restart.missing,
        target: 'every clock of the sample served (none missing)',
        met: restart.missing === 0 && restart.started === restart.sample,
      },
    },
    errors,
  };
}

function restartLine(r: RestartResult): string {
  const s = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);
  return (
    `worker restart: stop ${s(r.stopMs)}, down ${s(r.downMs)}, new worker ready ${s(r.readyMs)}, ` +
    `first workflow task ${s(r.firstTaskMs)}; ${r.served}/${r.started} clocks served (${r.missing} missing), ` +
    `last ${s(r.lastServedMs)} after the start, ${r.late} late by > ${RESTART_LATE_MS / 1000} s`
  );
}

/**
 * The worker restarted at size (see RestartResult): the sample is created in a project of its own whose
 * admissibility deadline runs out `restartClockS` after submission, the worker is stopped once they are all
 * submitted and started again once they are all due; then each deadline must be served (its transition
 * journaled).
 */
async function measureRestart(
  stack: BenchStack,
  o: ScaleOptions,
  label: (s: string) => string,
): Promise<RestartResult> {
  const http = { baseUrl: stack.baseUrl, tokens: stack.tokens };
  const clockS = o.restartClockS;
  const projectId = await createProjectWithPolicy(stack.db, {
    ...BENCH_POLICY,
    admissibilityDecisionDeadline: { seconds: clockS },
  });
  note(
    label(
      `worker restart: ${o.restartSample} candidacies put on a ${clockS} s admissibility deadline, then the worker ` +
        `stopped, a new one started ${o.restartPauseS} s later or once they are all due`,
    ),
  );
  let errors = 0;
  let firstError: string | undefined;
  const fail = (err: unknown) => {
    errors++;
    firstError ??= (err as Error).message;
  };
  const prepareStart = performance.now();
  const ids: string[] = [];
  await inPool(
    Array.from({ length: o.restartSample }, (_, i) => i),
    o.concurrency,
    async () => {
      try {
        const { id } = (await callApi(
          http,
          'advisor',
          'POST',
          '/api/candidacies',
          newCandidacyBody({ projectId }),
        )) as { id: string };
        await recordInformation(http, id);
        ids.push(id);
      } catch (err) {
        fail(err);
      }
    },
  );
  // The clocks start last, all within a few seconds: once the worker is done with the creations (first
  // workflow tasks, e-mails), so that they run out after the stop.
  await settle(stack, 60_000);
  const prepareMs = Math.round(performance.now() - prepareStart);
  const submitStart = performance.now();
  const started: string[] = [];
  await inPool(ids, o.concurrency, async (id) => {
    try {
      await callApi(http, 'advisor', 'POST', `/api/candidacies/${id}/submit-admissibility`, {});
      started.push(id);
    } catch (err) {
      fail(err);
    }
  });
  const submitMs = Math.round(performance.now() - submitStart);
  const submittedAt = Date.now();
  const dueRows = started.length
    ? await stack.db
        .selectFrom('candidacy_events')
        .select(['candidacy_id', sql<string>`payload->>'dueAt'`.as('due')])
        .where('type', '=', 'admissibility_requested')
        .where('candidacy_id', 'in', started)
        .execute()
    : [];
  const due = new Map(dueRows.map((r) => [r.candidacy_id, Date.parse(r.due)]));
  const lastDue = Math.max(submittedAt + clockS * 1000, ...due.values());

  const stopAt = Date.now();
  await stack.stopWorker();
  const stoppedAt = Date.now();
  await sleep(Math.max(o.restartPauseS * 1000, lastDue + 1000 - Date.now()));
  const spawnAt = Date.now();
  await stack.startWorker();
  const readyAt = Date.now();

  // The new worker's first workflow task completed (its own SDK metrics), then the sample's transitions.
  let firstTaskAt: number | undefined;
  let served = new Map<string, number>();
  const deadline = spawnAt + RESTART_SERVE_TIMEOUT_MS;
  let lastQuery = 0;
  while (Date.now() < deadline) {
    if (firstTaskAt === undefined) {
      const m = await scrape(stack.workerMetricsUrl);
      if ((m?.get('RespondWorkflowTaskCompleted|count') ?? 0) > 0) firstTaskAt = Date.now();
    }
    if (Date.now() - lastQuery >= 500) {
      lastQuery = Date.now();
      served = await servedAt(stack, started);
      if (served.size === started.length && firstTaskAt !== undefined) break;
    }
    await sleep(firstTaskAt === undefined ? 100 : 250);
  }
  const polledAt = firstTaskAt ?? readyAt;
  const lateness: number[] = [];
  const afterPolling: number[] = [];
  const counts = { beforeStop: 0, whileDown: 0, afterStart: 0 };
  let late = 0;
  for (const id of started) {
    const d = due.get(id);
    if (d === undefined) continue;
    if (d < stopAt) counts.beforeStop++;
    else if (d < polledAt) counts.whileDown++;
    else counts.afterStart++;
    const at = served.get(id);
    if (at === undefined) continue;
    lateness.push(at - d);
    const after = at - Math.max(d, polledAt);
    afterPolling.push(after);
    if (after > RESTART_LATE_MS) late++;
  }
  const missingIds = started.filter((id) => !served.has(id));
  const lastServed = served.size ? Math.max(...served.values()) : undefined;
  return {
    sample: o.restartSample,
    started: started.length,
    clockS,
    pauseS: o.restartPauseS,
    prepareMs,
    submitMs,
    stopMs: stoppedAt - stopAt,
    downMs: spawnAt - stopAt,
    readyMs: readyAt - spawnAt,
    firstTaskMs: firstTaskAt === undefined ? null : firstTaskAt - spawnAt,
    due: counts,
    served: served.size,
    missing: missingIds.length,
    missingIds: missingIds.slice(0, 20),
    lastServedMs: lastServed === undefined ? null : lastServed - spawnAt,
    lateness: latencyStats(lateness),
    afterPolling: latencyStats(afterPolling),
    lateThresholdMs: RESTART_LATE_MS,
    late,
    workerAfter: await stack.worker.mem(false).catch(() => undefined),
    errors,
    firstError,
  };
}

/** When each candidacy's admissibility deadline was journaled (its first admissibility_decided). */
async function servedAt(stack: BenchStack, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await stack.db
    .selectFrom('candidacy_events')
    .select(['candidacy_id', sql<Date>`min(recorded_at)`.as('at')])
    .where('type', '=', 'admissibility_decided')
    .where('candidacy_id', 'in', ids)
    .groupBy('candidacy_id')
    .execute();
  return new Map(rows.map((r) => [r.candidacy_id, new Date(r.at).getTime()]));
}

/** Deletes the synthetic rows of padReadModel (workflow ids `padding-…`) and their candidates. */
async function removePadding(stack: BenchStack): Promise<void> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMP TABLE gone ON COMMIT DROP AS
         SELECT id, candidate_id FROM candidacies WHERE workflow_id LIKE 'padding-%'`,
    );
    await client.query('DELETE FROM candidacy_operators WHERE candidacy_id IN (SELECT id FROM gone)');
    await client.query('DELETE FROM candidacies WHERE id IN (SELECT id FROM gone)');
    await client.query('DELETE FROM candidates WHERE id IN (SELECT candidate_id FROM gone)');
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE candidacies, candidates, candidacy_operators');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** The routes measured: inboxes and lists, several roles, with filters and a page further on. */
async function routeCases(stack: BenchStack): Promise<RouteCase[]> {
  const top = await stack.db
    .selectFrom('candidacies')
    .select(['phase', sql<string>`count(*)`.as('n')])
    .where('project_id', '=', DEMO.project.id)
    .groupBy('phase')
    .orderBy(sql`count(*)`, 'desc')
    .executeTakeFirst();
  const phase = top?.phase ?? 'identified';
  return [
    { name: 'inbox, advisor', role: 'advisor', url: '/api/inbox' },
    { name: 'inbox, certifier', role: 'certifier', url: '/api/inbox' },
    { name: 'list, advisor', role: 'advisor', url: '/api/candidacies' },
    {
      name: `list, advisor, phase=${phase}, page 21`,
      role: 'advisor',
      url: `/api/candidacies?phase=${phase}&limit=50&offset=1000`,
    },
    {
      name: 'list, certifier, waitingOn=certifier',
      role: 'certifier',
      url: `/api/candidacies?waitingOn=${encodeURIComponent(`certifier:${OPERATORS.certifier}`)}`,
    },
    {
      name: 'list, project lead, projectId',
      role: 'project_lead',
      url: `/api/candidacies?projectId=${DEMO.project.id}`,
    },
    { name: 'list, administrator, arm=test', role: 'administrator', url: '/api/candidacies?arm=test' },
    ...(await pageCases(stack)),
  ];
}

/**
 * The console's pages at the same size (issue 11: p95 ≤ 150 ms): the inbox and the list as the
 * advisor and the certifier see them, and a candidacy's page (a real one, its workflow queried).
 */
async function pageCases(stack: BenchStack): Promise<RouteCase[]> {
  const real = await stack.db
    .selectFrom('candidacies')
    .select('id')
    .where('project_id', '=', DEMO.project.id)
    .where('started', '=', true)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  const page = { page: true, targetMs: TARGET_PAGE_P95_MS };
  return [
    { name: 'page: inbox, advisor', role: 'advisor', url: '/', ...page },
    { name: 'page: inbox, certifier', role: 'certifier', url: '/', ...page },
    { name: 'page: list, advisor, page 21', role: 'advisor', url: '/candidatures?offset=1000', ...page },
    ...(real
      ? [{ name: 'page: candidacy, advisor', role: 'advisor', url: `/candidatures/${real.id}`, ...page }]
      : []),
  ];
}

/** A console session per demo role, as a browser holds it after the login (cookie). */
const pageCookies = new Map<string, string>();
async function callPage(stack: BenchStack, role: string, url: string): Promise<void> {
  let cookie = pageCookies.get(role);
  if (!cookie) {
    const user = DEMO.users.find((u) => u.role === role);
    if (!user) throw new Error(`no demo user for role ${role}`);
    cookie = (await createWebSession(stack.db, user.id)).cookie;
    pageCookies.set(role, cookie);
  }
  const res = await fetch(stack.baseUrl + url, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('</html>'))
    throw new Error(`GET ${url} → ${res.status} ${text.slice(0, 200)}`);
}

/** Each route `samples` times, one request at a time, the cases interleaved (after 3 unmeasured each). */
async function measureRoutes(stack: BenchStack, samples: number): Promise<RouteLatency[]> {
  const http = { baseUrl: stack.baseUrl, tokens: stack.tokens };
  const cases = await routeCases(stack);
  const lat = cases.map(() => [] as number[]);
  const totals: (number | undefined)[] = cases.map(() => undefined);
  const errs = cases.map(() => 0);
  const first: (string | undefined)[] = cases.map(() => undefined);
  for (let round = -3; round < samples; round++) {
    for (const [i, c] of cases.entries()) {
      const t = performance.now();
      try {
        if (c.page) await callPage(stack, c.role, c.url);
        else totals[i] = ((await callApi(http, c.role, 'GET', c.url)) as { total?: number }).total;
        if (round >= 0) lat[i]!.push(performance.now() - t);
      } catch (err) {
        errs[i]!++;
        first[i] ??= (err as Error).message;
      }
    }
  }
  return cases.map((c, i) => ({
    ...c,
    ...latencyStats(lat[i]!),
    total: totals[i],
    errors: errs[i]!,
    firstError: first[i],
  }));
}

function routeLine(routes: RouteLatency[]): string {
  return routes
    .map(
      (r) => `  ${r.name.padEnd(48)} p50 ${r.p50} / p95 ${r.p95} / max ${r.max} ms (total ${r.total ?? '–'})`,
    )
    .join('\n');
}

/**
 * Copies the demo project's candidacies (with their candidates and operators) in the read model until it
 * holds `target` rows: same phases, waiting-on, operators and arms in the same proportions, creation
 * dates spread over the past, deadlines spread over a day, workflow ids that no workflow has. One
 * transaction, then ANALYZE (as autovacuum would after such a load).
 */
async function padReadModel(stack: BenchStack, target: number): Promise<{ rows: number; padded: number }> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    const count = async () =>
      Number((await client.query('SELECT count(*)::int AS n FROM candidacies')).rows[0]?.n ?? 0);
    const before = await count();
    const templates = Number(
      (
        await client.query('SELECT count(*)::int AS n FROM candidacies WHERE started AND project_id = $1', [
          DEMO.project.id,
        ])
      ).rows[0]?.n ?? 0,
    );
    const missing = target - before;
    if (missing <= 0 || templates === 0) return { rows: before, padded: 0 };
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMP TABLE pad ON COMMIT DROP AS
         SELECT gen_random_uuid() AS id, gen_random_uuid() AS candidate_id, t.id AS template_id, g
           FROM generate_series(1, $1::int) AS g
           JOIN (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rn
                   FROM candidacies WHERE started AND project_id = $2) AS t
             ON t.rn = 1 + (g % $3::int)`,
      [missing, DEMO.project.id, templates],
    );
    await client.query(
      `INSERT INTO candidates (id, first_name, last_name, email, phone, birth_year, qualification_level,
                               job_situation, created_at)
       SELECT p.candidate_id, k.first_name, k.last_name || '-' || p.g, 'pad' || p.g || '.' || k.email, k.phone,
              k.birth_year, k.qualification_level, k.job_situation, c.created_at - p.g * interval '1 second'
         FROM pad p JOIN candidacies c ON c.id = p.template_id JOIN candidates k ON k.id = c.candidate_id`,
    );
    await client.query(
      `INSERT INTO candidacies (id, candidate_id, project_id, rncp_code, target_blocks, arm, reinforced, phase,
                                waiting_on, operator_id, next_deadline, workflow_id, created_by,
                                advice_operator_id, certifier_operator_id, coach_operator_id,
                                transfer_to_operator_id, started, last_seq, created_at, updated_at)
       SELECT p.id, p.candidate_id, c.project_id, c.rncp_code, c.target_blocks, c.arm, c.reinforced, c.phase,
              c.waiting_on, c.operator_id, c.next_deadline + (p.g % 86400) * interval '1 second',
              'padding-' || p.id, c.created_by, c.advice_operator_id, c.certifier_operator_id,
              c.coach_operator_id, c.transfer_to_operator_id, true, c.last_seq,
              c.created_at - p.g * interval '1 second', c.updated_at
         FROM pad p JOIN candidacies c ON c.id = p.template_id`,
    );
    await client.query(
      `INSERT INTO candidacy_operators (candidacy_id, operator_id, role, since)
       SELECT p.id, co.operator_id, co.role, co.since
         FROM pad p JOIN candidacy_operators co ON co.candidacy_id = p.template_id`,
    );
    await client.query('COMMIT');
    await client.query('ANALYZE candidacies, candidates, candidacy_operators');
    return { rows: await count(), padded: missing };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** Waits until no e-mail is left to send and the worker has nothing in flight (at most `maxMs`). */
async function settle(stack: BenchStack, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  let quietSamples = 0;
  while (performance.now() < deadline) {
    const [unsent, w] = await Promise.all([
      stack.db
        .selectFrom('email_log')
        .select(sql<string>`count(*)`.as('n'))
        .where('status', '!=', 'sent')
        .executeTakeFirstOrThrow(),
      stack.worker.mem(false),
    ]);
    const quiet = Number(unsent.n) === 0 && !w.inFlightActivities && !w.inFlightActivations;
    quietSamples = quiet ? quietSamples + 1 : 0;
    if (quietSamples >= 2) return;
    await sleep(1000);
  }
  note(`[bench] ${stack.persistence}: the stack was still busy ${Math.round(maxMs / 1000)} s after creation`);
}

/** A sample every `everyS` seconds (throughput, RSS of the processes), printed as a line on stderr. */
function startTimeline(
  stack: BenchStack,
  everyS: number,
  open: () => number,
  creatingMs: () => number,
  label: (s: string) => string,
  onSample: (s: TimelineSample) => void = () => undefined,
): { stop(): Promise<TimelineSample[]> } {
  const samples: TimelineSample[] = [];
  const started = performance.now();
  let running = true;
  let lastOpen = open();
  let lastCreating = creatingMs();
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everyS * 1000).unref();
      });
      if (!running) break;
      const now = performance.now();
      const [w, a, t] = await Promise.all([
        stack.worker.mem(false).catch(() => undefined),
        stack.api.mem(false).catch(() => undefined),
        procMemory(stack.temporalPid),
      ]);
      const n = open();
      const creating = creatingMs() - lastCreating;
      const s: TimelineSample = {
        atS: Math.round((now - started) / 1000),
        open: n,
        ratePerS: creating >= (everyS * 1000) / 2 ? r1(((n - lastOpen) / creating) * 1000) : null,
        workerRss: w?.rss ?? NaN,
        cachedWorkflows: w?.cachedWorkflows,
        apiRss: a?.rss ?? NaN,
        temporalRss: t?.rss,
        loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
      };
      samples.push(s);
      onSample(s);
      lastOpen = n;
      lastCreating += creating;
      const mb = (b: number | undefined) =>
        b === undefined || !Number.isFinite(b) ? '–' : `${Math.round(b / 2 ** 20)} MiB`;
      note(
        label(
          `${s.open} open · ${s.ratePerS ?? '–'}/s (last ${everyS} s) · worker ${mb(s.workerRss)}, ${s.cachedWorkflows ?? '–'} cached · API ${mb(s.apiRss)} · Temporal ${mb(s.temporalRss)} · load ${s.loadAverage}`,
        ),
      );
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
      return samples;
    },
  };
}

/** RSS and peak RSS (VmHWM) of a process, from /proc. */
export async function procMemory(pid: number | undefined): Promise<ProcMemory | undefined> {
  if (!pid) return undefined;
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const rss = kb('VmRSS');
  return Number.isFinite(rss) ? { rss, peakRss: kb('VmHWM') } : undefined;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Bytes under a folder (files only, recursively). */
function folderSize(dir: string): number {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderSize(p);
    else if (e.isFile()) total += fileSize(p);
  }
  return total;
}

async function measureSizes(stack: BenchStack, runDir: string): Promise<Sizes> {
  let temporal: Sizes['temporal'] = { kind: 'unknown', bytes: NaN, parts: {} };
  if (stack.persistence === 'dev') {
    const db = path.join(runDir, 'temporal.db');
    const parts = {
      'temporal.db': fileSize(db),
      'temporal.db-wal': fileSize(`${db}-wal`),
      'temporal.db-shm': fileSize(`${db}-shm`),
    };
    temporal = { kind: 'sqlite', bytes: Object.values(parts).reduce((a, b) => a + b, 0), parts };
  } else if (stack.temporalDatabases) {
    const rows = await query(
      stack.temporalDatabases.url,
      'SELECT datname, pg_database_size(datname)::float8 AS bytes FROM pg_database WHERE datname = ANY($1)',
      [stack.temporalDatabases.names],
    );
    const parts = Object.fromEntries(rows.map((r) => [String(r.datname), Number(r.bytes)]));
    temporal = { kind: 'postgres', bytes: Object.values(parts).reduce((a, b) => a + b, 0), parts };
  }
  const [dbSize] = await query(
    stack.databaseUrl,
    'SELECT pg_database_size(current_database())::float8 AS bytes',
  );
  const tables = await query(
    stack.databaseUrl,
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::float8 AS bytes, pg_indexes_size(c.oid)::float8 AS index_bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = 'public'
      ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6`,
  );
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  const withRows: Sizes['app']['tables'] = [];
  try {
    for (const t of tables) {
      const name = String(t.name);
      const { rows } = await client.query(
        `SELECT count(*)::float8 AS n FROM ${client.escapeIdentifier(name)}`,
      );
      withRows.push({
        name,
        rows: Number(rows[0]?.n ?? NaN),
        bytes: Number(t.bytes),
        indexBytes: Number(t.index_bytes),
      });
    }
  } finally {
    await client.end();
  }
  return {
    temporal,
    app: { bytes: Number(dbSize?.bytes ?? NaN), tables: withRows },
    pgDataDirBytes: stack.shared.embedded
      ? folderSize(path.join(stack.shared.opts.tmpDir, 'postgres'))
      : undefined,
  };
}

export interface ScaleCommand {
  persistences: Persistence[];
  options: ScaleOptions;
  workerTuning?: ChildSettings['workerTuning'];
  dbPool?: number;
  apiLogLevel: string;
  out: string;
  keep: boolean;
  /** Keep the stack running after the report, until Ctrl-C (to look at it: EXPLAIN, Temporal UI…). */
  hold: boolean;
  /** A kept folder for the stack's and the run's state (one persistence), instead of a temporary one. */
  dataDir?: string;
  /** Go on with the run kept in dataDir. */
  resume: boolean;
  argv: string[];
}

function newState(persistence: Persistence, cmd: ScaleCommand): ScaleState {
  const { open, ...options } = cmd.options;
  return {
    version: 1,
    persistence,
    projectId: DEMO.project.id,
    taskQueue: '',
    benchProjectId: '',
    tokensFile: path.join(persistence, 'demo-tokens.json'),
    requested: open,
    options,
    workerTuning: cmd.workerTuning,
    firstStartedAt: new Date().toISOString(),
    warmup: 0,
    created: 0,
    createErrors: 0,
    advanced: 0,
    advanceErrors: 0,
    toAdvance: [],
    creationMs: 0,
    advanceMs: 0,
    cpuSeconds: {},
    timeline: [],
    checkpoints: [],
    peaks: { workerRss: 0, apiRss: 0, temporalRss: 0 },
    restartSamples: 0,
    sessions: [],
  };
}

/** The kept state, with the options of this session; what changed is said (the persistence cannot). */
function resumedState(dataDir: string, cmd: ScaleCommand): ScaleState {
  const state = readState(dataDir)!;
  const { open, ...options } = cmd.options;
  const was = state.options as unknown as Record<string, unknown>;
  const now = options as unknown as Record<string, unknown>;
  const changed = Object.keys(now).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
  if (changed.length)
    note(
      `[bench] --resume with other options than the previous session: ` +
        changed.map((k) => `${k} ${JSON.stringify(was[k])} → ${JSON.stringify(now[k])}`).join(', '),
    );
  if (JSON.stringify(state.workerTuning) !== JSON.stringify(cmd.workerTuning))
    note(
      `[bench] --resume with another --worker-tuning: ${JSON.stringify(state.workerTuning)} → ${JSON.stringify(cmd.workerTuning)}`,
    );
  if (open < state.created)
    note(`[bench] --open ${open}: ${state.created} are open already, none is created`);
  state.options = options;
  state.workerTuning = cmd.workerTuning;
  state.requested = open;
  return state;
}

/** The whole scale run, from the services up to the results file; returns the exit code. */
export async function runScaleCommand(cmd: ScaleCommand): Promise<number> {
  const dataDir = cmd.dataDir ? path.resolve(cmd.dataDir) : undefined;
  if (dataDir) {
    const problem =
      cmd.persistences.length !== 1
        ? '--data-dir keeps one persistence: give --persistence dev or --persistence postgres, not both'
        : dataDirProblem(dataDir, cmd.resume, cmd.persistences[0]!);
    if (problem) {
      process.stderr.write(`[bench] ${problem}\n`);
      return 2;
    }
    mkdirSync(dataDir, { recursive: true });
  } else if (cmd.resume) {
    process.stderr.write('[bench] --resume needs --data-dir (the folder of the run to go on with)\n');
    return 2;
  }
  const tmpDir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-scale-'));
  const stopFlag: StopFlag = { requested: false };
  let shared: Shared | undefined;
  let current: BenchStack | undefined;
  let session: ScaleSession | undefined;
  let release: (() => void) | undefined;
  let interrupts = 0;
  const stopNow = (code: number) => {
    saveSession(session, 'interrupted');
    note(
      '\n[bench] interrupted: stopping…' +
        (dataDir ? ` (state saved in ${path.join(dataDir, STATE_FILE)})` : ''),
    );
    void (async () => {
      await current?.stop();
      await shared?.stop();
      process.exit(code);
    })();
  };
  process.on('SIGINT', () => {
    interrupts++;
    if (release) {
      release();
      return;
    }
    if (interrupts === 1) {
      stopFlag.requested = true;
      note('\n[bench] Ctrl-C: creation stops; measuring the size reached (Ctrl-C again to stop at once)…');
      return;
    }
    stopNow(130);
  });
  process.on('SIGTERM', () => {
    interrupts++;
    if (release) {
      release();
      return;
    }
    if (stopFlag.terminate) {
      stopNow(143);
      return;
    }
    stopFlag.requested = true;
    stopFlag.terminate = true;
    note(
      '\n[bench] SIGTERM: creation stops, the state is saved and the stack stopped, without measuring' +
        (dataDir ? ' (--resume goes on from there)' : ''),
    );
  });

  const started = Date.now();
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > 0.7) {
    note(
      `[bench] the machine is not idle (load average ${loadBefore.toFixed(2)}): figures will be disturbed`,
    );
  }
  const runs: ScaleResult[] = [];
  let failed = false;
  let terminated = false;
  try {
    shared = await startShared({
      tmpDir,
      workerTuning: cmd.workerTuning,
      dbPool: cmd.dbPool,
      apiLogLevel: cmd.apiLogLevel,
    });
    for (const persistence of cmd.persistences) {
      if (stopFlag.requested && runs.length) break;
      const state = dataDir && cmd.resume ? resumedState(dataDir, cmd) : newState(persistence, cmd);
      const stack = await startStack(
        shared,
        persistence,
        dataDir
          ? {
              taskQueue: state.taskQueue || undefined,
              benchProjectId: state.benchProjectId || undefined,
              tokensFile: path.join(dataDir, state.tokensFile),
            }
          : {},
      );
      current = stack;
      state.taskQueue = stack.taskQueue;
      state.benchProjectId = stack.benchProjectId;
      session = { dataDir, state };
      // From here on the folder has its state: a failure later can be resumed.
      saveSession(session);
      try {
        const result = await runScale(stack, cmd.options, stopFlag, session);
        if (!result) {
          terminated = true;
          break;
        }
        runs.push(result);
        if (cmd.hold && !stopFlag.terminate) {
          note(
            `[bench] holding the stack: API ${stack.baseUrl}, Temporal ${stack.temporalAddress}, ` +
              `database ${stack.databaseUrl}; tokens ${JSON.stringify(stack.tokens)}. Ctrl-C to stop.`,
          );
          await new Promise<void>((resolve) => (release = resolve));
          release = undefined;
        }
      } finally {
        await stack.stop();
        current = undefined;
      }
    }
  } catch (err) {
    failed = true;
    saveSession(session, 'failed');
    process.stderr.write(`\n[bench] failed: ${(err as Error).stack ?? err}\n`);
  } finally {
    await shared?.stop();
  }

  if (runs.length) {
    const results = {
      command: `npm run bench -- ${cmd.argv.join(' ')}`.trim(),
      kind: 'scale',
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      machine: machineFacts(loadBefore),
      versions: { temporalServer: TEMPORAL_SERVER_VERSION, temporalCli: '1.5.1 (dev server)' },
      options: cmd.options,
      workerTuning: cmd.workerTuning,
      runs,
    };
    writeFileSync(cmd.out, JSON.stringify(results, null, 2) + '\n');
    process.stdout.write('\n' + renderScaleTable(runs, cmd.options) + '\n');
    process.stdout.write(`\nResults: ${path.resolve(cmd.out)} (${results.durationS} s)\n`);
  }
  if (dataDir) {
    const st = session?.state;
    note(
      `[bench] state kept in ${path.join(dataDir, STATE_FILE)}` +
        (st ? ` (${st.created} open candidacies, ${st.sessions.length} session(s))` : '') +
        (st && st.created < st.requested ? `: add --resume to go on up to ${st.requested}` : ''),
    );
  } else if (cmd.keep || failed) note(`[bench] temporary folder kept: ${tmpDir}`);
  else rmSync(tmpDir, { recursive: true, force: true });
  return failed ? 1 : terminated ? 143 : 0;
}
