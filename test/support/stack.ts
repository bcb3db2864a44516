import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { ActivityDeps } from '../../src/activities/index.js';
import { createSmtpMailer } from '../../src/activities/mailer.js';
import { createApp } from '../../src/api/app.js';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { seedDemo, type DemoTokens } from '../../src/db/seed.js';
import { startEmbeddedPostgres } from '../../src/devstack/embedded-postgres.js';
import { startMailCapture, type MailCapture } from '../../src/devstack/mail-capture.js';
import { getFreePort } from '../../src/devstack/port-probe.js';
import { createLogger } from '../../src/logger.js';
import { createVaeWorker, type VaeWorker } from '../../src/worker-factory.js';
import { bounded, startLocalTemporal } from './temporal-server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON bodies freely
type JsonBody = any;

export interface TestStack {
  db: Kysely<Database>;
  temporal: Client;
  env: TestWorkflowEnvironment;
  /** The worker and its outbox relay. */
  worker: VaeWorker;
  /** Resolves when the current worker stops. */
  workerRun: Promise<void>;
  /** Starts a new worker on the same task queue (after `worker.shutdown()`), as a redeploy would. */
  restartWorker(): Promise<void>;
  mail: MailCapture;
  baseUrl: string;
  /** The test database, for tools run as separate processes (the admin CLI). */
  databaseUrl: string;
  tokens: DemoTokens;
  taskQueue: string;
  /** HTTP helper: JSON in, JSON out, with a role's demo token unless `token` is given. */
  http(
    method: string,
    url: string,
    opts?: { body?: unknown; role?: string; token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: JsonBody }>;
  /**
   * Replays the history of every workflow this stack ran against the current workflow code and
   * returns the ones that do not replay (non-determinism): what a worker restart would meet.
   */
  replayAll(): Promise<string[]>;
  stop(): Promise<void>;
}

const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

/**
 * The real parts, started for one test file: PostgreSQL (embedded in a temp dir, or a fresh
 * database on TEST_DATABASE_URL's server), the Temporal dev server (from the local CLI
 * binary), SMTP capture, the worker and the API on random ports.
 */
let runtimeInstalled = false;

export async function startTestStack(opts: { faults?: ActivityDeps['faults'] } = {}): Promise<TestStack> {
  if (!runtimeInstalled) {
    // SDK logs at warnings only; TEST_LOG_LEVEL=info shows the workers' lifecycle.
    Runtime.install({ logger: new DefaultLogger(process.env.TEST_LOG_LEVEL === 'info' ? 'INFO' : 'WARN') });
    runtimeInstalled = true;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-test-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error('cleanup failed', err);
      }
    }
  };
  const quiet = process.env.TEST_LOG_LEVEL ? undefined : () => undefined;
  try {
    const pg = await bounded('PostgreSQL', 120, async () =>
      startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await getFreePort(), log: quiet }),
    );
    cleanups.push(() => pg.stop());
    const db = createDb({ url: pg.url });
    cleanups.push(() => db.destroy());
    const tokens = await bounded('the migrations and the demo data', 120, async () => {
      await migrateToLatest(db);
      return seedDemo(db);
    });

    const mail = await bounded('the SMTP capture', 30, () =>
      startMailCapture({ smtpPort: 0, httpPort: 0, log: quiet }),
    );
    cleanups.push(() => mail.stop());

    const env = await startLocalTemporal();
    cleanups.push(() => env.teardown());

    const taskQueue = `test-${path.basename(tmp)}`;
    const mailer = createSmtpMailer(`${mail.smtpUrl}?ignoreTLS=true`);
    cleanups.push(() => mailer.close());
    const newWorker = () =>
      createVaeWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        db,
        mailer,
        mailFrom: 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
        workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
        faults: opts.faults,
      });
    const current = { worker: await bounded('the worker', 180, newWorker), run: Promise.resolve() };
    current.run = current.worker.run();
    cleanups.push(async () => {
      if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
      await current.run;
    });

    const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
    const server: Server = createServer(
      createApp({
        db,
        temporal: env.client,
        taskQueue,
        logger,
        mailer,
        mailFrom: 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
      db,
      temporal: env.client,
      env,
      get worker() {
        return current.worker;
      },
      get workerRun() {
        return current.run;
      },
      async restartWorker() {
        current.worker = await newWorker();
        current.run = current.worker.run();
      },
      mail,
      baseUrl,
      databaseUrl: pg.url,
      tokens,
      taskQueue,
      async http(method, url, opts = {}) {
        const token = opts.token === undefined ? tokens[opts.role ?? 'advisor'] : opts.token;
        const headers: Record<string, string> = { ...opts.headers };
        if (token) headers.authorization = `Bearer ${token}`;
        let body: string | undefined;
        if (opts.body !== undefined) {
          headers['content-type'] ??= 'application/json';
          body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        }
        const res = await fetch(baseUrl + url, { method, headers, body });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON: keep the text */
        }
        return { status: res.status, headers: res.headers, body: parsed };
      },
      async replayAll() {
        const bundle = process.env.TEST_WORKFLOW_BUNDLE;
        const failed: string[] = [];
        const results = Worker.runReplayHistories(
          bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath },
          env.client.workflow.list().intoHistories(),
        );
        for await (const r of results) {
          if (r.error) failed.push(`${r.workflowId}: ${r.error.message}`);
        }
        return failed;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The last test of an end-to-end file: every workflow it ran replays with the current code, so
 * the interleavings met in that file (Updates, clocks and e-mails in the same task) stay
 * deterministic — the recorded histories of test/replay cover three paths only.
 */
/**
 * Runs `fn` with the worker and its e-mail relay stopped, then starts a new worker: nothing is
 * journaled or sent meanwhile. For a down/up migration, run as in production with the workers
 * stopped: dropping a table or its columns beside live journal writes can deadlock with them (a
 * drop locks the tables its foreign keys reference) or make them fail until the up.
 */
export async function withoutWorker<T>(stack: TestStack, fn: () => Promise<T>): Promise<T> {
  stack.worker.shutdown();
  await stack.workerRun;
  try {
    return await fn();
  } finally {
    await stack.restartWorker();
  }
}

export function itReplaysEveryWorkflow(getStack: () => TestStack): void {
  it('replays the history of every workflow it ran with the current workflow code', async () => {
    const failed = await getStack().replayAll();
    assert.deepEqual(failed, [], failed.join('\n'));
  });
}
