import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { killOnExit } from '../../src/devstack/kill-on-exit.js';
import { isPortListening } from '../../src/devstack/port-probe.js';
import { findTemporalCli } from '../../src/devstack/temporal-cli.js';
import { CLI_TYPE_NAMES } from '../../src/devstack/temporal-dev-server.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes.js';
import {
  ensureTemporalServerBinaries,
  TEMPORAL_SERVER_VERSION,
  type TemporalServerBinaries,
} from './binaries.js';

const execFileAsync = promisify(execFile);

export interface TemporalOnPostgresOptions {
  /**
   * A PostgreSQL server: `postgres://user:password@host:port/anything`. The user must be allowed to create
   * databases; the database in the URL is ignored (Temporal uses `temporal` and `temporal_visibility`).
   */
  pgUrl: string;
  /** Frontend gRPC port. Default 7233 when free (a dev server may hold it), else a free port. */
  port?: number;
  /** Where the generated config and the server log go. Default: a temporary folder, removed on stop. */
  runDir?: string;
  /** Default 'default'. */
  namespace?: string;
  /** Names of the two databases. Default temporal / temporal_visibility (as in docker-compose.yml). */
  databases?: { main: string; visibility: string };
  /** SQL connection pool per Temporal service (frontend, history, matching, worker). Default 10 and 5. */
  maxConns?: { main: number; visibility: number };
  /** Server log level. Default 'warn'. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Serves Go pprof on 127.0.0.1:<port> (profiling). Off when unset. */
  pprofPort?: number;
  log?: (msg: string) => void;
}

export interface TemporalOnPostgres {
  /** gRPC address of the frontend, e.g. 127.0.0.1:7233. */
  address: string;
  namespace: string;
  runDir: string;
  logFile: string;
  pid: number | undefined;
  binaries: TemporalServerBinaries;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 15_000;
const READY_TIMEOUT_MS = 90_000;
/** Minimum allowed by the server's file-based dynamic config client. */
const DYNAMIC_CONFIG_POLL_S = 5;
const HISTORY_SHARDS = 4; // as the template and docker-compose.yml; fixed once the cluster exists
const CONFIG_ENV = 'parcours-vae';

interface PgTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

function parsePgUrl(pgUrl: string): PgTarget {
  const url = new URL(pgUrl);
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`not a PostgreSQL URL: ${redact(pgUrl)}`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

/**
 * Creates (if missing) and migrates the two databases with temporal-sql-tool, like
 * deploy/temporal/setup-schema.sh does in docker-compose: `create`, `setup-schema -v 0.0`, then
 * `update-schema` from the module's versioned folders. Idempotent.
 */
export async function setupTemporalSchema(opts: {
  pgUrl: string;
  binaries: TemporalServerBinaries;
  databases?: { main: string; visibility: string };
  log?: (msg: string) => void;
}): Promise<void> {
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const pg = parsePgUrl(opts.pgUrl);
  const dbs = opts.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  };
  const tool = async (args: string[]) => {
    try {
      const { stdout, stderr } = await execFileAsync(opts.binaries.sqlTool, args, { env });
      return `${stdout}${stderr}`;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`temporal-sql-tool ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  for (const [db, folder] of [
    [dbs.main, 'temporal'],
    [dbs.visibility, 'visibility'],
  ] as const) {
    const started = Date.now();
    const created = !(await databaseExists(opts.pgUrl, db));
    if (created) await tool(['--db', db, 'create']);
    await tool(['--db', db, 'setup-schema', '-v', '0.0']);
    await tool(['--db', db, 'update-schema', '-d', join(opts.binaries.schemaDir, folder, 'versioned')]);
    const version = await schemaVersion(opts.pgUrl, db).catch(() => undefined);
    log(
      `[temporal-postgres] database ${db}: ${created ? 'created' : 'exists'}, schema ` +
        `${version ? `v${version}` : 'up to date'} (${Date.now() - started} ms)`,
    );
  }
}

async function schemaVersion(pgUrl: string, database: string): Promise<string | undefined> {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version');
    return rows[0]?.curr_version;
  } finally {
    await client.end();
  }
}

/**
 * A previous run on this machine leaves its members in cluster_membership, considered alive for 20 s after
 * their last heartbeat: the new process would route to them (a minute of failed calls after a restart on
 * other ports). Members on loopback whose port no longer answers are removed; other hosts are left alone.
 */
async function clearStaleLocalMembers(
  pgUrl: string,
  database: string,
  log: (m: string) => void,
): Promise<void> {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ rpc_address: string; rpc_port: number }>(
      `SELECT DISTINCT rpc_address, rpc_port FROM cluster_membership
        WHERE rpc_address IN ('127.0.0.1', 'localhost', '::1')`,
    );
    let removed = 0;
    for (const row of rows) {
      if (await isPortListening(row.rpc_address, row.rpc_port)) continue;
      const res = await client.query(
        'DELETE FROM cluster_membership WHERE rpc_address = $1 AND rpc_port = $2',
        [row.rpc_address, row.rpc_port],
      );
      removed += res.rowCount ?? 0;
    }
    if (removed) log(`[temporal-postgres] removed ${removed} stale member row(s) of a previous run`);
  } finally {
    await client.end();
  }
}

async function databaseExists(pgUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return Boolean(rowCount);
  } finally {
    await client.end();
  }
}

/** The server config, adapted from the module's config/development-postgres12.yaml (see README of the script). */
function serverConfig(p: {
  pg: PgTarget;
  dbs: { main: string; visibility: string };
  maxConns: { main: number; visibility: number };
  ports: { frontend: number; frontendHttp: number; history: number; matching: number; worker: number };
  membership: { frontend: number; history: number; matching: number; worker: number };
  logLevel: string;
  pprofPort: number;
  dynamicConfigFile: string;
}): string {
  const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML scalar
  const store = (db: string, conns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: ${q(db)}
        connectAddr: ${q(`${p.pg.host.includes(':') ? `[${p.pg.host}]` : p.pg.host}:${p.pg.port}`)}
        connectProtocol: "tcp"
        user: ${q(p.pg.user)}
        password: ${q(p.pg.password)}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  const service = (name: string, grpc: number, membership: number, extra = '') => `  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `# Generated by scripts/temporal-postgres (Temporal server ${TEMPORAL_SERVER_VERSION}), adapted from the
# module's config/development-postgres12.yaml: same stores, shards and services, but the PostgreSQL
# given, loopback-only free ports, no metrics listener, pprof off unless asked, archival off, and a
# generated dynamic config. Rewritten on every start.
log:
  stdout: true
  level: ${q(p.logLevel)}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:
${store(p.dbs.main, p.maxConns.main)}
    postgres-visibility:
${store(p.dbs.visibility, p.maxConns.visibility)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  pprof:
    port: ${p.pprofPort}
    host: "127.0.0.1"

services:
${service('frontend', p.ports.frontend, p.membership.frontend, `\n      httpPort: ${p.ports.frontendHttp}`)}
${service('matching', p.ports.matching, p.membership.matching)}
${service('history', p.ports.history, p.membership.history)}
${service('worker', p.ports.worker, p.membership.worker)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${p.ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

archival:
  history:
    state: "disabled"
  visibility:
    state: "disabled"

namespaceDefaults:
  archival:
    history:
      state: "disabled"
    visibility:
      state: "disabled"

dynamicConfigClient:
  filepath: ${q(p.dynamicConfigFile)}
  pollInterval: "${DYNAMIC_CONFIG_POLL_S}s"
`;
}

/**
 * Dynamic config: what deploy/temporal/dynamicconfig/parcours-vae.yaml sets for docker-compose. While the
 * namespace and search attributes are being created, search attributes are re-read on every use (as the
 * compose file does, "DEV ONLY"); once they exist it is switched off, as in production.
 */
function dynamicConfig(forceSearchAttributeRefresh: boolean): string {
  return `# Generated by scripts/temporal-postgres.
limit.maxIDLength:
  - value: 255
    constraints: {}
system.forceSearchAttributesCacheRefreshOnRead:
  - value: ${forceSearchAttributeRefresh}
    constraints: {}
`;
}

/**
 * Sets up the two databases on the PostgreSQL given, starts Temporal server 1.29.1 on them (loopback only),
 * creates the namespace and the custom search attributes with the temporal CLI, and returns its address.
 */
export async function startTemporalOnPostgres(opts: TemporalOnPostgresOptions): Promise<TemporalOnPostgres> {
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const started = Date.now();
  const namespace = opts.namespace ?? 'default';
  const dbs = opts.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const pg = parsePgUrl(opts.pgUrl);

  const binaries = await ensureTemporalServerBinaries({ log });
  const cli = await findTemporalCli({ log });
  if (!cli)
    throw new Error('The temporal CLI is needed to create the namespace: run `npm run temporal:cli`.');
  await setupTemporalSchema({ pgUrl: opts.pgUrl, binaries, databases: dbs, log });

  const { ports, membership } = await choosePorts(opts.port);
  await clearStaleLocalMembers(opts.pgUrl, dbs.main, log);

  const ownRunDir = opts.runDir === undefined;
  const runDir = resolve(opts.runDir ?? (await mkdtemp(join(tmpdir(), 'temporal-postgres-'))));
  const configDir = join(runDir, 'config');
  await mkdir(configDir, { recursive: true });
  const dynamicConfigFile = join(runDir, 'dynamicconfig.yaml');
  await writeFile(dynamicConfigFile, dynamicConfig(true));
  await writeFile(
    join(configDir, `${CONFIG_ENV}.yaml`),
    serverConfig({
      pg,
      dbs,
      maxConns: opts.maxConns ?? { main: 10, visibility: 5 },
      ports,
      membership,
      logLevel: opts.logLevel ?? 'warn',
      pprofPort: opts.pprofPort ?? 0,
      dynamicConfigFile,
    }),
    { mode: 0o600 }, // holds the database password
  );

  const logFile = join(runDir, 'temporal-server.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      binaries.server,
      ['--root', runDir, '--config', 'config', '--env', CONFIG_ENV, '--allow-no-auth', 'start'],
      { stdio: ['ignore', fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const forget = killOnExit(child, 'SIGTERM');
  let exitReason: string | undefined;
  const exited = new Promise<void>((done) => {
    child.once('error', (err) => {
      exitReason = `could not start: ${err.message}`;
      done();
    });
    child.once('exit', (code, signal) => {
      exitReason = `exited with ${signal ?? `code ${code}`}`;
      done();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timedOut = await Promise.race([
          exited.then(() => false),
          sleep(STOP_GRACE_MS, true, { ref: false }),
        ]);
        if (timedOut) {
          log(`[temporal-postgres] server did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
          child.kill('SIGKILL');
          await exited;
        }
      }
      forget();
      if (ownRunDir) await rm(runDir, { recursive: true, force: true });
    })());

  const address = `127.0.0.1:${ports.frontend}`;
  try {
    await waitFor(
      `the frontend on ${address}`,
      () => exitReason,
      () =>
        withConnection(address, async (conn) => {
          await conn.withDeadline(Date.now() + 3000, () => conn.workflowService.getSystemInfo({}));
        }),
    );
    const cliRun = cliRunner(cli, address, namespace);
    await ensureNamespace(cliRun, namespace, log);
    // Workflow calls and search attribute changes go through the namespace registry, refreshed in the
    // background: wait until the new namespace is served.
    let existing: Record<string, unknown> = {};
    await waitFor(
      `namespace ${namespace} in service`,
      () => exitReason,
      async () => {
        existing = await withConnection(address, async (conn) => {
          const res = await conn.withDeadline(Date.now() + 3000, () =>
            conn.operatorService.listSearchAttributes({ namespace }),
          );
          return res.customAttributes ?? {};
        });
      },
    );
    await ensureSearchAttributes(cliRun, Object.keys(existing), log);
    // The history shards must be owned by this process (after a restart, members of the previous run
    // linger in cluster_membership for a while): probe workflow ids spread over every shard.
    await waitFor(
      'history shards',
      () => exitReason,
      () =>
        withConnection(address, async (conn) => {
          await Promise.all(
            Array.from({ length: 8 * HISTORY_SHARDS }, (_, i) =>
              conn
                .withDeadline(Date.now() + 3000, () =>
                  conn.workflowService.describeWorkflowExecution({
                    namespace,
                    execution: { workflowId: `readiness-probe-${i}-${Date.now()}` },
                  }),
                )
                .then(
                  () => undefined,
                  (err: { code?: number }) => {
                    if (err.code !== GRPC_NOT_FOUND) throw err;
                  },
                ),
            ),
          );
        }),
    );
    // Production setting from now on; the server re-reads the file within one poll interval.
    await writeFile(dynamicConfigFile, dynamicConfig(false));
    await sleep((DYNAMIC_CONFIG_POLL_S + 1) * 1000);
  } catch (err) {
    await stop();
    const tail = await readTail(logFile);
    throw new Error(
      `Temporal server on PostgreSQL did not become ready: ${(err as Error).message}` +
        (tail ? `\n--- ${logFile} (last lines) ---\n${tail}` : ''),
    );
  }
  log(
    `[temporal-postgres] Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL ${pg.host}:${pg.port} ` +
      `ready on ${address} (namespace ${namespace}) in ${Math.round((Date.now() - started) / 100) / 10} s`,
  );
  return { address, namespace, runDir, logFile, pid: child.pid, binaries, stop };
}

/** Template layout relative to the frontend (7233): http 7243, history 7234, matching 7235, worker 7239, membership 69xx. */
const TEMPLATE_OFFSETS = [10, 1, 2, 6, -300, -299, -298, -294];
/** Ports are stored in the SMALLINT columns of cluster_membership: they must stay below 32768. */
const MAX_PORT = 32_767;

async function isBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The template's layout shifted to the frontend port when all of it is free (so a persistent database keeps
 * seeing the same members), else free ports drawn below 32768. The frontend defaults to 7233 unless taken
 * (e.g. by a dev server).
 */
async function choosePorts(requested: number | undefined) {
  let frontend = requested;
  if (frontend !== undefined) {
    if (!(frontend > 0 && frontend <= MAX_PORT)) throw new Error(`--port must be between 1 and ${MAX_PORT}`);
    if (!(await isBindable(frontend))) throw new Error(`port ${frontend} on 127.0.0.1 is already in use`);
  } else if (await isBindable(7233)) frontend = 7233;

  const taken = new Set<number>();
  if (frontend !== undefined) {
    const wanted = TEMPLATE_OFFSETS.map((o) => frontend! + o);
    const ok =
      wanted.every((p) => p > 1024 && p <= MAX_PORT) &&
      (await Promise.all(wanted.map(isBindable))).every(Boolean);
    if (ok) {
      const f = frontend;
      return {
        ports: { frontend: f, frontendHttp: f + 10, history: f + 1, matching: f + 2, worker: f + 6 },
        membership: { frontend: f - 300, history: f - 299, matching: f - 298, worker: f - 294 },
      };
    }
    taken.add(frontend);
  }
  const draw = async (): Promise<number> => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * (MAX_PORT - 20_000));
      if (!taken.has(port) && (await isBindable(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  return {
    ports: {
      frontend: frontend ?? (await draw()),
      frontendHttp: await draw(),
      history: await draw(),
      matching: await draw(),
      worker: await draw(),
    },
    membership: {
      frontend: await draw(),
      history: await draw(),
      matching: await draw(),
      worker: await draw(),
    },
  };
}

const GRPC_NOT_FOUND = 5;

async function withConnection<T>(address: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

async function waitFor(
  what: string,
  exited: () => string | undefined,
  probe: () => Promise<void>,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const reason = exited();
    if (reason) throw new Error(`the server process ${reason}`);
    try {
      await probe();
      return;
    } catch (err) {
      last = err;
      await sleep(300);
    }
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what} (last error: ${(last as Error)?.message})`,
  );
}

type CliRun = (args: string[]) => Promise<string>;

/** Runs the temporal CLI against this server only; resolves 'ok' or the error output. */
function cliRunner(cli: string, address: string, namespace: string): CliRun {
  // Only the flags given here: no TEMPORAL_* variable (API key, TLS, profile) meant for another server.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  env.TEMPORAL_CONFIG_FILE = '/dev/null';
  return async (args) => {
    try {
      await execFileAsync(cli, [...args, '--address', address, '--namespace', namespace], { env });
      return 'ok';
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      return `${e.stderr ?? ''}${e.stdout ?? ''}`.trim() || e.message;
    }
  };
}

/** `temporal operator namespace create`, idempotent (as deploy/temporal/bootstrap.sh). */
async function ensureNamespace(run: CliRun, namespace: string, log: (m: string) => void) {
  if ((await run(['operator', 'namespace', 'describe'])) === 'ok') {
    log(`[temporal-postgres] namespace ${namespace}: exists`);
    return;
  }
  const out = await run(['operator', 'namespace', 'create', '--retention', '168h']);
  if (out !== 'ok' && !/already (exists|registered)/i.test(out)) throw new Error(`namespace create: ${out}`);
  log(`[temporal-postgres] namespace ${namespace}: created (retention 7 days)`);
}

/** `temporal operator search-attribute create` for each attribute not registered yet (as bootstrap.sh). */
async function ensureSearchAttributes(run: CliRun, existing: string[], log: (m: string) => void) {
  const created: string[] = [];
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    if (existing.includes(key.name)) continue;
    const type = CLI_TYPE_NAMES[key.type];
    const out = await run(['operator', 'search-attribute', 'create', '--name', key.name, '--type', type]);
    if (/different type/i.test(out))
      throw new Error(`search attribute ${key.name} exists with another type: ${out}`);
    if (out !== 'ok' && !/already exists/i.test(out)) throw new Error(`search attribute ${key.name}: ${out}`);
    created.push(`${key.name} (${type})`);
  }
  log(
    `[temporal-postgres] search attributes: ${created.length ? `created ${created.join(', ')}` : `all ${ALL_SEARCH_ATTRIBUTES.length} registered`}`,
  );
}

async function readTail(file: string, bytes = 6000): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const buf = Buffer.alloc(Math.min(bytes, size));
      await handle.read(buf, 0, buf.length, size - buf.length);
      return buf.toString('utf8').trim();
    } finally {
      await handle.close();
    }
  } catch {
    return readFile(file, 'utf8').catch(() => '');
  }
}
