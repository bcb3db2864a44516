import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { createSmtpMailer, type Mailer } from '../../src/activities/mailer.js';
import { createApp } from '../../src/api/app.js';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { seedDemo, type DemoTokens } from '../../src/db/seed.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/devstack/embedded-postgres.js';
import { startMailCapture, type MailCapture } from '../../src/devstack/mail-capture.js';
import { getFreePort } from '../../src/devstack/port-probe.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/devstack/temporal-dev-server.js';
import { createLogger } from '../../src/logger.js';
import { connectTemporalClient } from '../../src/temporal-connection.js';
import { ensureTemporalServerBinaries } from '../../scripts/temporal-postgres/binaries.js';
import { startTemporalOnPostgres, type TemporalOnPostgres } from '../../scripts/temporal-postgres/server.js';

export interface ProcessStackOptions {
  /**
   * 'dev': the Temporal dev server (the CLI's, SQLite persisted to a file in the stack's folder).
   * 'postgres': Temporal server 1.29.1 on PostgreSQL (scripts/temporal-postgres), its databases
   * `temporal` and `temporal_visibility` on the stack's PostgreSQL, next to the app's. Default 'dev'.
   */
  temporal?: 'dev' | 'postgres';
}

/**
 * The stack as separate processes, so a fault test can kill or stop each part: PostgreSQL
 * and the Temporal server (child processes, persisted to a temp folder), the SMTP capture
 * (persisted), the worker as its own Node process (kill -9), the API in this process.
 */
export class ProcessStack {
  dir = mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-faults-'));
  ports = { pg: 0, temporal: 0, ui: 0, smtp: 0, http: 0 };
  pg?: EmbeddedPostgresHandle;
  temporalServer?: TemporalDevServer | TemporalOnPostgres;
  readonly temporalKind: 'dev' | 'postgres';
  mail?: MailCapture;
  worker?: ChildProcess;
  db!: Kysely<Database>;
  temporal!: Client;
  server?: Server;
  /** The API's mailer (the console's login links), on the SMTP capture's port. */
  apiMailer?: Mailer;
  baseUrl = '';
  tokens!: DemoTokens;
  readonly taskQueue = 'faults';
  private quiet = process.env.TEST_LOG_LEVEL ? undefined : () => undefined;

  constructor(opts: ProcessStackOptions = {}) {
    this.temporalKind = opts.temporal ?? 'dev';
  }

  async start(): Promise<void> {
    for (const k of Object.keys(this.ports) as (keyof typeof this.ports)[])
      this.ports[k] = await getFreePort();
    if (this.temporalKind === 'postgres') {
      // cluster_membership stores ports in SMALLINT columns. Kept across restarts: same address.
      this.ports.temporal = await freePortBelow32768();
      // Built once into ~/.cache/parcours-vae (a few minutes, progress on stderr); instant afterwards.
      await ensureTemporalServerBinaries();
    }
    await this.startPostgres();
    this.db = createDb({ url: this.databaseUrl, maxConnections: 10 });
    await migrateToLatest(this.db);
    this.tokens = await seedDemo(this.db);
    await this.startTemporal();
    await this.startMail();
    this.temporal = await connectTemporalClient({ address: this.temporalAddress });
    await this.startWorker();
    this.apiMailer = createSmtpMailer(`smtp://127.0.0.1:${this.ports.smtp}?ignoreTLS=true`);
    this.server = createServer(
      createApp({
        db: this.db,
        temporal: this.temporal,
        taskQueue: this.taskQueue,
        logger: createLogger('silent'),
        rpcTimeoutMs: 3_000,
        mailer: this.apiMailer,
      }),
    );
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get databaseUrl() {
    return `postgres://postgres:postgres@127.0.0.1:${this.ports.pg}/parcours_vae`;
  }
  get temporalAddress() {
    return `127.0.0.1:${this.ports.temporal}`;
  }

  async startPostgres() {
    this.pg = await startEmbeddedPostgres({
      dataDir: path.join(this.dir, 'pg'),
      port: this.ports.pg,
      log: this.quiet,
    });
  }
  async stopPostgres() {
    await this.pg?.stop();
    this.pg = undefined;
  }

  async startTemporal() {
    if (this.temporalKind === 'postgres') {
      this.temporalServer = await startTemporalOnPostgres({
        pgUrl: `postgres://postgres:postgres@127.0.0.1:${this.ports.pg}/postgres`,
        port: this.ports.temporal,
        runDir: path.join(this.dir, 'temporal-postgres'),
        log: this.quiet,
      });
      return;
    }
    this.temporalServer = await startTemporalDevServer({
      dbFile: path.join(this.dir, 'temporal.db'),
      port: this.ports.temporal,
      uiPort: this.ports.ui,
      logFile: path.join(this.dir, 'temporal.log'),
      log: this.quiet,
    });
  }
  /** Graceful stop (SIGTERM, SIGKILL after a grace period). */
  async stopTemporal() {
    await this.temporalServer?.stop();
    this.temporalServer = undefined;
  }
  /** kill -9 of the Temporal server on PostgreSQL: no shutdown, its members stay in cluster_membership. */
  async killTemporal() {
    const server = this.temporalServer;
    if (!server || !('pid' in server) || !server.pid)
      throw new Error('killTemporal needs the Temporal server on PostgreSQL (temporal: "postgres")');
    process.kill(server.pid, 'SIGKILL');
    await server.stop(); // waits for the exit
    this.temporalServer = undefined;
  }

  async startMail() {
    this.mail = await startMailCapture({
      smtpPort: this.ports.smtp,
      httpPort: this.ports.http,
      storeDir: path.join(this.dir, 'mail'),
      log: this.quiet,
    });
  }
  async stopMail() {
    await this.mail?.stop();
    this.mail = undefined;
  }

  /** The production worker entry point, as its own process. Resolves once it polls. */
  async startWorker(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: this.databaseUrl,
        TEMPORAL_ADDRESS: this.temporalAddress,
        TEMPORAL_TASK_QUEUE: this.taskQueue,
        SMTP_URL: `smtp://127.0.0.1:${this.ports.smtp}?ignoreTLS=true`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.worker = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker did not start:\n${output.slice(-2000)}`)),
        60_000,
      );
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('worker started')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      // Everything the worker says, for a post-mortem.
      const log = createWriteStream(path.join(this.dir, 'worker.log'), { flags: 'a' });
      child.stdout!.pipe(log);
      child.stderr!.pipe(log);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}):\n${output.slice(-2000)}`));
      });
    });
    child.removeAllListeners('exit');
  }

  /** kill -9: no graceful shutdown, in-flight activities are lost mid-way. */
  async killWorker(): Promise<void> {
    const child = this.worker;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.worker = undefined;
  }

  async http(
    method: string,
    url: string,
    opts: {
      body?: unknown;
      token?: string | null;
      headers?: Record<string, string>;
      raw?: string;
      timeoutMs?: number;
    } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? this.tokens.advisor : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(this.baseUrl + url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed as Record<string, unknown> & { code?: string } };
  }

  async stop(): Promise<void> {
    await this.killWorker().catch(() => undefined);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.apiMailer?.close();
    await this.temporal?.connection.close().catch(() => undefined);
    await this.db?.destroy().catch(() => undefined);
    await this.stopMail().catch(() => undefined);
    await this.stopTemporal().catch(() => undefined);
    await this.stopPostgres().catch(() => undefined);
    if (process.env.FAULTS_KEEP) console.log(`kept ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A free loopback port in 20000–32767 (the Temporal server on PostgreSQL needs ports below 32768). */
async function freePortBelow32768(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_700);
    const free = await new Promise<boolean>((resolve) => {
      const server = createNetServer();
      server.once('error', () => resolve(false));
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
