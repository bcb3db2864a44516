/**
 * The scale run of `npm run bench -- --open N` (issue 6): N candidacies of the demo project (legal
 * durations, so they stay open on their timers) created through POST /api/candidacies, then what that
 * size costs: time to start them, worker and API RSS with the bounded sticky cache, Temporal server and
 * PostgreSQL sizes, and the latency of the inbox and of the list routes at that size.
 *
 * Creation runs in chunks (--checkpoints): after each, every K-th candidacy of the chunk (--advance-every)
 * is moved to the certifier (record-information, submit-admissibility) so that the certifier's inbox is
 * not empty, and the routes are measured (a few requests at the intermediate sizes, --samples at the end).
 * A first Ctrl-C stops creating and measures the size reached; a second stops everything.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { DEMO } from '../../src/db/demo-data.js';
import { newCandidacyBody } from '../../test/support/fixtures.js';
import { OPERATORS } from '../../test/support/projects.js';
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
import {
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
  atS: number;
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

export interface ScaleResult {
  persistence: string;
  temporalAddress: string;
  requested: number;
  /** Candidacies created (started workflows answered 201). */
  open: number;
  stoppedEarly: boolean;
  maxCachedWorkflows: number;
  creation: {
    elapsedMs: number;
    perSecond: number;
    latency: LatencyStats;
    errors: number;
    firstError?: string;
    timeline: TimelineSample[];
    /** Cores used by each part of the stack while creating (other = processes outside the bench). */
    cores: Partial<Record<CpuGroup, number>>;
  };
  advance: {
    candidacies: number;
    elapsedMs: number;
    latency: LatencyStats;
    errors: number;
    firstError?: string;
  };
  /** Seconds waited after creation for the background work (first workflow tasks, e-mails) to finish. */
  settleS: number;
  worker: { start: MemReport; afterCreation: MemReport; end: MemReport };
  api: { start: MemReport; end: MemReport };
  temporalServer: ProcMemory | undefined;
  sizes: { before: Sizes; after: Sizes };
  perCandidacy: { temporalBytes: number; appBytes: number };
  checkpoints: Checkpoint[];
  /** The routes again once the read model was padded to --read-model-rows (synthetic rows, no workflows). */
  readModel?: {
    rows: number;
    padded: number;
    paddingMs: number;
    appBytes: number;
    routes: RouteLatency[];
  };
  targets: {
    open: { value: number; target: string; met: boolean };
    workerRss: { value: number; target: string; met: boolean };
    routeP95: { value: number; worst: string; target: string; met: boolean };
    routeP95AtReadModel?: { rows: number; value: number; worst: string; target: string; met: boolean };
  };
  errors: string[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** A control over the creation loop: a first Ctrl-C asks it to stop and measure what was reached. */
export interface StopFlag {
  requested: boolean;
}

export async function runScale(stack: BenchStack, o: ScaleOptions, stopFlag: StopFlag): Promise<ScaleResult> {
  const label = (s: string) => `[${stack.persistence}] ${s}`;
  const http = { baseUrl: stack.baseUrl, tokens: stack.tokens };
  const errors: string[] = [];
  const runDir = path.join(stack.shared.opts.tmpDir, stack.persistence);

  // Warm-up (not measured): JIT, pools, one welcome e-mail.
  for (let i = 0; i < 5; i++) await callApi(http, 'advisor', 'POST', '/api/candidacies', newCandidacyBody());
  await sleep(1000);
  const sizesBefore = await measureSizes(stack, runDir);
  const workerStart = await stack.worker.mem(true);
  const apiStart = await stack.api.mem(true);

  const createLatencies: number[] = [];
  const advanceLatencies: number[] = [];
  const toAdvance: string[] = [];
  let created = 0;
  let createErrors = 0;
  let createFirstError: string | undefined;
  let createMs = 0;
  let advanced = 0;
  let advanceErrors = 0;
  let advanceFirstError: string | undefined;
  let advanceMs = 0;
  const checkpoints: Checkpoint[] = [];
  const cpuSpent: Partial<Record<CpuGroup, number>> = {};

  const progress = new Progress(label(`creation: ${o.open} open candidacies (HTTP)`), o.open);
  let chunkStartedAt: number | undefined;
  const creatingMs = () => createMs + (chunkStartedAt === undefined ? 0 : performance.now() - chunkStartedAt);
  const timeline = startTimeline(stack, o.reportEveryS, () => created, creatingMs, label);
  const sizesAt = Array.from({ length: o.checkpoints }, (_, i) =>
    Math.round((o.open * (i + 1)) / o.checkpoints),
  );
  for (const [k, target] of sizesAt.entries()) {
    if (stopFlag.requested) break;
    // Create up to `target`, `concurrency` requests in flight (and at `createRate` per second if given).
    const cpuBefore = await cpuSnapshot(stack);
    const chunkStart = performance.now();
    chunkStartedAt = chunkStart;
    const interval = o.createRate ? 1000 / o.createRate : 0;
    let next = created;
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
          created++;
          if (o.advanceEvery && i % o.advanceEvery === 0) toAdvance.push(res.id);
        } catch (err) {
          createErrors++;
          createFirstError ??= (err as Error).message;
          // Do not hammer a failing stack: the errors are counted, the size reached is reported.
          if (createErrors > 50 && createErrors > created / 10) stopFlag.requested = true;
        }
        progress.tick();
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, lane));
    createMs += performance.now() - chunkStart;
    chunkStartedAt = undefined;
    const cpuAfter = await cpuSnapshot(stack);
    for (const key of Object.keys(cpuAfter) as CpuGroup[]) {
      const delta = (cpuAfter[key] ?? 0) - (cpuBefore[key] ?? 0);
      cpuSpent[key] = (cpuSpent[key] ?? 0) + delta;
    }

    // Move every K-th to the certifier (its inbox), as a certifier would find them.
    const batch = toAdvance.splice(0);
    const advStart = performance.now();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: Math.min(o.concurrency, batch.length) }, async () => {
        for (let id = batch[cursor++]; id !== undefined; id = batch[cursor++]) {
          const t = performance.now();
          try {
            await callApi(http, 'advisor', 'POST', `/api/candidacies/${id}/record-information`, {
              eligibilityChecked: true,
              rncpCode: 'RNCP35830',
              targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
              profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
            });
            await callApi(http, 'advisor', 'POST', `/api/candidacies/${id}/submit-admissibility`, {});
            advanceLatencies.push(performance.now() - t);
            advanced++;
          } catch (err) {
            advanceErrors++;
            advanceFirstError ??= (err as Error).message;
          }
        }
      }),
    );
    advanceMs += performance.now() - advStart;

    const last = k === sizesAt.length - 1 || stopFlag.requested;
    if (!last) {
      note(label(`checkpoint at ${created} open: measuring the routes (${Math.ceil(o.samples / 4)} each)`));
      const routes = await measureRoutes(stack, Math.ceil(o.samples / 4));
      checkpoints.push({ open: created, advanced, routes });
      note(routeLine(routes));
    }
  }
  progress.finish(
    `${created} created in ${(createMs / 1000).toFixed(0)} s (${((created / createMs) * 1000).toFixed(1)}/s)` +
      (stopFlag.requested ? ', stopped early' : ''),
  );
  const workerAfterCreation = await stack.worker.mem(false);

  // Let the background work finish (first workflow tasks, journal, welcome e-mails) before measuring.
  const settleStart = performance.now();
  await settle(stack, 180_000);
  const settleS = Math.round((performance.now() - settleStart) / 1000);
  const timelineSamples = await timeline.stop();

  note(label(`${created} open: measuring the routes (${o.samples} requests each)`));
  const finalRoutes = await measureRoutes(stack, o.samples);
  checkpoints.push({ open: created, advanced, routes: finalRoutes });
  note(routeLine(finalRoutes));

  // What the real candidacies cost, before any padding of the read model.
  await sleep(1000);
  const workerEnd = await stack.worker.mem(true);
  const apiEnd = await stack.api.mem(true);
  const temporalServer = await procMemory(stack.temporalPid);
  const sizesAfter = await measureSizes(stack, runDir);

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
  }

  const keep = (what: string, n: number, first: string | undefined) => {
    if (n) errors.push(`${what}: ${n} error(s), first: ${first}`);
  };
  keep('creation', createErrors, createFirstError);
  keep('advance to the certifier', advanceErrors, advanceFirstError);
  for (const r of finalRoutes) keep(r.name, r.errors, r.firstError);
  for (const r of readModel?.routes ?? []) keep(`${r.name} (padded read model)`, r.errors, r.firstError);

  const worst = [...finalRoutes].sort((a, b) => b.p95 - a.p95)[0];
  const worstPadded = readModel && [...readModel.routes].sort((a, b) => b.p95 - a.p95)[0];
  const peakWorker = Math.max(workerEnd.peakRss, ...timelineSamples.map((s) => s.workerRss));
  const per = (a: number, b: number) => (created > 0 ? Math.round((a - b) / created) : NaN);
  return {
    persistence: stack.persistence,
    temporalAddress: stack.temporalAddress,
    requested: o.open,
    open: created,
    stoppedEarly: stopFlag.requested,
    maxCachedWorkflows: o.maxCachedWorkflows,
    creation: {
      elapsedMs: Math.round(createMs),
      perSecond: createMs > 0 ? r1((created / createMs) * 1000) : NaN,
      latency: latencyStats(createLatencies),
      errors: createErrors,
      firstError: createFirstError,
      timeline: timelineSamples,
      cores: coresUsed(
        Object.fromEntries(Object.keys(cpuSpent).map((k) => [k, 0])),
        cpuSpent,
        Math.max(1, createMs),
      ),
    },
    advance: {
      candidacies: advanced,
      elapsedMs: Math.round(advanceMs),
      latency: latencyStats(advanceLatencies),
      errors: advanceErrors,
      firstError: advanceFirstError,
    },
    settleS,
    worker: { start: workerStart, afterCreation: workerAfterCreation, end: workerEnd },
    api: { start: apiStart, end: apiEnd },
    temporalServer,
    sizes: { before: sizesBefore, after: sizesAfter },
    perCandidacy: {
      temporalBytes: per(sizesAfter.temporal.bytes, sizesBefore.temporal.bytes),
      appBytes: per(sizesAfter.app.bytes, sizesBefore.app.bytes),
    },
    checkpoints,
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
    },
    errors,
  };
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
  argv: string[];
}

/** The whole scale run, from the services up to the results file; returns the exit code. */
export async function runScaleCommand(cmd: ScaleCommand): Promise<number> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-scale-'));
  const stopFlag: StopFlag = { requested: false };
  let shared: Shared | undefined;
  let current: BenchStack | undefined;
  let release: (() => void) | undefined;
  let interrupts = 0;
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
    note(
      `[bench] the machine is not idle (load average ${loadBefore.toFixed(2)}): figures will be disturbed`,
    );
  }
  const runs: ScaleResult[] = [];
  let failed = false;
  try {
    shared = await startShared({
      tmpDir,
      workerTuning: cmd.workerTuning,
      dbPool: cmd.dbPool,
      apiLogLevel: cmd.apiLogLevel,
    });
    for (const persistence of cmd.persistences) {
      if (stopFlag.requested && runs.length) break;
      const stack = await startStack(shared, persistence);
      current = stack;
      try {
        runs.push(await runScale(stack, cmd.options, stopFlag));
        if (cmd.hold) {
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
  if (cmd.keep || failed) note(`[bench] temporary folder kept: ${tmpDir}`);
  else rmSync(tmpDir, { recursive: true, force: true });
  return failed ? 1 : 0;
}
