import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { seedDemo, type DemoTokens } from '../../src/db/seed.js';
import type { PolicyOverrides } from '../../src/domain/policy.js';
import { startEmbeddedPostgres } from '../../src/devstack/embedded-postgres.js';
import { getFreePort } from '../../src/devstack/port-probe.js';
import { startTemporalDevServer } from '../../src/devstack/temporal-dev-server.js';
import { COMPRESSED, createProjectWithPolicy } from '../../test/support/projects.js';
import { startTemporalOnPostgres } from '../temporal-postgres/server.js';
import type { ChildSettings } from './child.js';
import { cpuSeconds, machineCpuSeconds, pidListeningOn, StackProcess } from './procs.js';
import { note } from './progress.js';

export type Persistence = 'dev' | 'postgres' | 'configured';

/**
 * The compressed policy of test/support/projects.ts, with the clocks that would run out while a paced
 * path waits for its next action (admissibility, incomplete file, coaching, jury deadline) lengthened to
 * minutes, so that every path runs the same transitions. The jury clocks stay in seconds: a session can be
 * scheduled 1 s ahead (convocation lead time) and its result recorded as soon as it has been held.
 */
export const BENCH_POLICY: PolicyOverrides = {
  ...COMPRESSED,
  admissibilityDecisionDeadline: { seconds: 600 },
  admissibilityWarningBefore: { seconds: 60 },
  incompleteFileCompletionDelay: { seconds: 600 },
  incompleteFileReminderBefore: { seconds: 60 },
  coachingStartDeadline: { seconds: 600 },
  inactivityReminderStandard: { seconds: 600 },
  inactivityReminderReinforced: { seconds: 600 },
  juryDeadlineAfterValidationFile: { seconds: 600 },
  juryEscalationBefore: { seconds: 60 },
  convocationLeadTime: { seconds: 1 },
  juryReminderBefore: { seconds: 1 },
  resultReminderAfter: { seconds: 60 },
  resultNotificationDeadline: { seconds: 600 },
};
export const CONVOCATION_LEAD_MS = 1000;

export interface SharedOptions {
  tmpDir: string;
  workerTuning?: ChildSettings['workerTuning'];
  dbPool?: number;
  apiLogLevel: string;
}

/** What both persistences share: PostgreSQL, the mail sink, the two workflow bundles. */
export interface Shared {
  opts: SharedOptions;
  /** A URL to the PostgreSQL server with the right to create databases (embedded, or configured). */
  pgServerUrl: string | undefined;
  /** The configured application database (DATABASE_URL), when there is one. */
  configuredDbUrl: string | undefined;
  embedded: boolean;
  postmasterPid: number | undefined;
  smtpUrl: string;
  mail: StackProcess | undefined;
  bundles: { vae: string; bare: string };
  stop(): Promise<void>;
}

export async function startShared(opts: SharedOptions): Promise<Shared> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => note(`stop failed: ${err.message}`));
  };
  try {
    const configuredDbUrl = process.env.DATABASE_URL || undefined;
    let pgServerUrl = process.env.TEMPORAL_DB_URL || configuredDbUrl;
    let postmasterPid: number | undefined;
    const embedded = !configuredDbUrl;
    if (embedded) {
      const dataDir = path.join(opts.tmpDir, 'postgres');
      const handle = await startEmbeddedPostgres({
        dataDir,
        port: await getFreePort(),
        database: 'postgres',
        log: () => undefined,
      });
      stops.push(() => handle.stop());
      pgServerUrl = handle.url;
      postmasterPid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      note(`[bench] embedded PostgreSQL ${new URL(handle.url).host} (data in ${dataDir})`);
    }

    let smtpUrl = process.env.SMTP_URL;
    let mail: StackProcess | undefined;
    if (!smtpUrl) {
      mail = StackProcess.spawn({ role: 'mail' }, path.join(opts.tmpDir, 'mail.log'));
      stops.push(() => mail!.stop());
      smtpUrl = String((await mail.ready).smtpUrl);
    }

    const started = Date.now();
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const bundles = {
      vae: path.join(opts.tmpDir, 'vae-bundle.js'),
      bare: path.join(opts.tmpDir, 'bare-bundle.js'),
    };
    const quiet = { logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } };
    writeFileSync(
      bundles.vae,
      (await bundleWorkflowCode({ workflowsPath: path.join(root, 'src/workflows/index.ts'), ...quiet })).code,
    );
    writeFileSync(
      bundles.bare,
      (
        await bundleWorkflowCode({
          workflowsPath: path.join(root, 'scripts/bench/noop-workflows.ts'),
          ...quiet,
        })
      ).code,
    );
    note(`[bench] workflow bundles ready in ${Date.now() - started} ms`);
    return { opts, pgServerUrl, configuredDbUrl, embedded, postmasterPid, smtpUrl, mail, bundles, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface BenchStack {
  persistence: Persistence;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  bareTaskQueue: string;
  databaseUrl: string;
  db: Kysely<Database>;
  client: Client;
  baseUrl: string;
  tokens: DemoTokens;
  /** A project with BENCH_POLICY (the demo project keeps the legal durations). */
  benchProjectId: string;
  api: StackProcess;
  worker: StackProcess;
  /** The worker's SDK metrics (Prometheus text format). */
  workerMetricsUrl: string;
  bareWorker: StackProcess;
  temporalPid: number | undefined;
  shared: Shared;
  /** Databases of the Temporal server when it runs on PostgreSQL. */
  temporalDatabases?: { url: string; names: string[] };
  /** Stops the project's worker child (graceful shutdown: what it has in flight ends first). */
  stopWorker(): Promise<void>;
  /**
   * Starts a new worker child on the same task queue (after stopWorker), replacing `worker` and
   * `workerMetricsUrl`; resolves once it runs (Worker created, polling started).
   */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** What a stack resumed on a kept data folder must reuse (scale run with --data-dir). */
export interface StackReuse {
  /** The task queue the existing workflows were started on: a new one would leave them unserved. */
  taskQueue?: string;
  /** The project with BENCH_POLICY made by a previous session (reused when it still exists). */
  benchProjectId?: string;
  /** Where the demo tokens are kept (seedDemo's tokensFile): the same ones across sessions. */
  tokensFile?: string;
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startStack(
  shared: Shared,
  persistence: Persistence,
  reuse: StackReuse = {},
): Promise<BenchStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => note(`stop failed: ${err.message}`));
  };
  const { tmpDir } = shared.opts;
  const runDir = path.join(tmpDir, persistence);
  mkdirSync(runDir, { recursive: true });
  try {
    // Temporal
    let temporalAddress: string;
    let temporalPid: number | undefined;
    let temporalDatabases: BenchStack['temporalDatabases'];
    const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    if (persistence === 'configured') {
      temporalAddress = process.env.TEMPORAL_ADDRESS!;
    } else if (persistence === 'dev') {
      const port = await getFreePort();
      const server = await startTemporalDevServer({
        dbFile: path.join(runDir, 'temporal.db'),
        port,
        uiPort: await getFreePort(),
        logFile: path.join(runDir, 'temporal-dev-server.log'),
        log: () => undefined,
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalPid = await pidListeningOn(port);
      note(
        `[bench] Temporal dev server on ${temporalAddress} (SQLite file ${path.join(runDir, 'temporal.db')})`,
      );
    } else {
      if (!shared.pgServerUrl) throw new Error('no PostgreSQL server for Temporal');
      // On the bench's own embedded cluster the usual names; on a configured server, names of its own.
      const names = shared.embedded
        ? { main: 'temporal', visibility: 'temporal_visibility' }
        : { main: 'temporal_bench', visibility: 'temporal_bench_visibility' };
      const server = await startTemporalOnPostgres({
        pgUrl: shared.pgServerUrl,
        runDir: path.join(runDir, 'temporal-server'),
        databases: names,
        log: (m) => note(m),
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalPid = server.pid;
      temporalDatabases = { url: shared.pgServerUrl, names: [names.main, names.visibility] };
    }

    // Application database: one per persistence on the embedded cluster, else the configured one.
    const databaseUrl =
      shared.configuredDbUrl ?? (await createDatabase(shared.pgServerUrl!, `bench_${persistence}`));
    const db = createDb({ url: databaseUrl, maxConnections: 4, applicationName: 'bench' });
    stops.push(() => db.destroy());
    await migrateToLatest(db);
    const tokens = await seedDemo(db, { tokensFile: reuse.tokensFile });
    const kept =
      reuse.benchProjectId &&
      (await db
        .selectFrom('projects')
        .select('id')
        .where('id', '=', reuse.benchProjectId)
        .executeTakeFirst());
    const benchProjectId = kept ? kept.id : await createProjectWithPolicy(db, BENCH_POLICY);

    const suffix = `${Date.now().toString(36)}`;
    const taskQueue = reuse.taskQueue ?? `bench-vae-${suffix}`;
    const bareTaskQueue = `bench-bare-${suffix}`;
    const common = { temporalAddress, namespace, workerTuning: shared.opts.workerTuning };
    const spawnWorker = (metricsPort: number) =>
      StackProcess.spawn(
        {
          ...common,
          role: 'worker',
          taskQueue,
          metricsPort,
          databaseUrl,
          dbPool: shared.opts.dbPool,
          smtpUrl: shared.smtpUrl,
          workflowBundlePath: shared.bundles.vae,
        },
        path.join(runDir, 'worker.log'),
      );
    const workerMetricsPort = await getFreePort();
    const worker = spawnWorker(workerMetricsPort);
    // The worker of the moment (startWorker replaces it).
    const current = { worker, metricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics` };
    stops.push(() => current.worker.stop());
    const bareWorker = StackProcess.spawn(
      { ...common, role: 'bare-worker', taskQueue: bareTaskQueue, workflowBundlePath: shared.bundles.bare },
      path.join(runDir, 'bare-worker.log'),
    );
    stops.push(() => bareWorker.stop());
    const api = StackProcess.spawn(
      {
        role: 'api',
        temporalAddress,
        namespace,
        taskQueue,
        databaseUrl,
        dbPool: shared.opts.dbPool,
        apiLogLevel: shared.opts.apiLogLevel,
      },
      path.join(runDir, 'api.log'),
    );
    stops.push(() => api.stop());
    const [, , apiInfo] = await Promise.all([worker.ready, bareWorker.ready, api.ready]);

    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace });
    note(
      `[bench] ${persistence}: worker, bare worker and API running as child processes (logs in ${runDir})`,
    );
    const stack: BenchStack = {
      persistence,
      temporalAddress,
      namespace,
      taskQueue,
      bareTaskQueue,
      databaseUrl,
      db,
      client,
      baseUrl: String(apiInfo.baseUrl),
      tokens,
      benchProjectId,
      api,
      worker,
      workerMetricsUrl: current.metricsUrl,
      bareWorker,
      temporalPid,
      shared,
      temporalDatabases,
      stopWorker: () => current.worker.stop(),
      async startWorker() {
        const port = await getFreePort();
        const next = spawnWorker(port);
        current.worker = next;
        current.metricsUrl = `http://127.0.0.1:${port}/metrics`;
        stack.worker = next;
        stack.workerMetricsUrl = current.metricsUrl;
        await next.ready;
      },
      stop,
    };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}

export type CpuGroup = 'temporal' | 'postgres' | 'worker' | 'bareWorker' | 'api' | 'mail' | 'bench' | 'other';

/** CPU seconds used so far by each part of the stack (Linux /proc; missing parts are left out). */
export async function cpuSnapshot(stack: BenchStack): Promise<Partial<Record<CpuGroup, number>>> {
  const out: Partial<Record<CpuGroup, number>> = {};
  const set = async (k: CpuGroup, v: Promise<number | undefined>) => {
    const x = await v;
    if (x !== undefined) out[k] = x;
  };
  const bench = process.cpuUsage();
  out.bench = (bench.user + bench.system) / 1e6;
  await Promise.all([
    // Everything else on the machine (other processes), made relative in coresUsed().
    set('other', machineCpuSeconds()),
    set('temporal', cpuSeconds(stack.temporalPid)),
    set('postgres', cpuSeconds(stack.shared.postmasterPid, true)),
    set('worker', cpuSeconds(stack.worker.pid)),
    set('bareWorker', cpuSeconds(stack.bareWorker.pid)),
    set('api', cpuSeconds(stack.api.pid)),
    set('mail', cpuSeconds(stack.shared.mail?.pid)),
  ]);
  return out;
}

/** Cores used by each part between two snapshots taken `ms` apart. */
export function coresUsed(
  before: Partial<Record<CpuGroup, number>>,
  after: Partial<Record<CpuGroup, number>>,
  ms: number,
): Partial<Record<CpuGroup, number>> {
  const out: Partial<Record<CpuGroup, number>> = {};
  let parts = 0;
  for (const k of Object.keys(after) as CpuGroup[]) {
    const a = after[k];
    const b = before[k];
    if (a === undefined || b === undefined) continue;
    const cores = (a - b) / (ms / 1000);
    if (k !== 'other') parts += cores;
    out[k] = Math.round(cores * 100) / 100;
  }
  // 'other' was the whole machine: keep what the stack's parts did not use.
  if (out.other !== undefined) out.other = Math.max(0, Math.round((out.other - parts) * 100) / 100);
  return out;
}
