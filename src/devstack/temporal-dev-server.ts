import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { killOnExit } from './kill-on-exit.js';
import { connectHost, hostPort, isPortListening } from './port-probe.js';
import { devstackCacheDir, findTemporalCli } from './temporal-cli.js';

export interface TemporalDevServerOptions {
  /** SQLite file to persist state across restarts; in-memory when unset. */
  dbFile?: string;
  /** Default 127.0.0.1. */
  ip?: string;
  /** Frontend gRPC port. Default 7233. */
  port?: number;
  /** Web UI port. Default 8233. */
  uiPort?: number;
  /** Default 'default'. */
  namespace?: string;
  /** Where the server's stdout/stderr go; discarded when unset (the tail is kept for error messages). */
  logFile?: string;
  /** How long to wait for the server to serve the namespace. Default 60 s. */
  readyTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface TemporalDevServer {
  /** gRPC address for Connection.connect / NativeConnection.connect, e.g. 127.0.0.1:7233. */
  address: string;
  uiUrl: string;
  namespace: string;
  stop(): Promise<void>;
}

const defaultLog = (m: string): void => {
  process.stderr.write(m + '\n');
};

// Spelling expected by the temporal CLI (`start-dev --search-attribute Name=Type`,
// `operator search-attribute create --type`).
export const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

const STOP_GRACE_MS = 10_000;

export async function startTemporalDevServer(
  opts: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  const log = opts.log ?? defaultLog;
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  const namespace = opts.namespace ?? 'default';
  const host = connectHost(ip);
  const address = hostPort(host, port);
  const uiUrl = `http://${hostPort(host, uiPort)}`;
  const dbFile = opts.dbFile ? resolve(opts.dbFile) : undefined;
  const started = Date.now();

  await assertPortsFree(host, port, uiPort);
  // The CLI checks that the parent folder of the db file exists but does not create it.
  if (dbFile) await mkdir(dirname(dbFile), { recursive: true });

  const binary = await findTemporalCli({ log });
  if (!binary) {
    return startWithSdkDownload({ ip, port, uiPort, namespace, dbFile, uiUrl, log });
  }

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--ui-port', String(uiPort)];
  if (namespace !== 'default') args.push('--namespace', namespace); // "default" always exists
  if (dbFile) args.push('--db-filename', dbFile);
  args.push('--log-level', 'warn', '--color', 'never');
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  }

  const output = new OutputTail();
  let child: ChildProcess;
  if (opts.logFile) {
    await mkdir(dirname(resolve(opts.logFile)), { recursive: true });
    // The child writes straight into the file: its logs survive even if this process dies first.
    const fd = openSync(opts.logFile, 'a');
    try {
      child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
  } else {
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  }
  const exited = new Promise<string>((resolveExit) => {
    child.once('error', (err) => resolveExit(`could not start ${binary}: ${err.message}`));
    child.once('exit', (code, signal) => resolveExit(`exited with ${signal ?? `code ${code}`}`));
  });

  killOnExit(child, 'SIGTERM');

  const stop = once(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // Unref'd, else the pending timer alone would keep the process alive for 10 s after a clean stop.
    const timedOut = await Promise.race([
      exited.then(() => false),
      sleep(STOP_GRACE_MS, true, { ref: false }),
    ]);
    if (timedOut) {
      log(`[temporal] dev server did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
      child.kill('SIGKILL');
      await exited;
    }
  });

  try {
    await waitUntilReady({
      address,
      namespace,
      timeoutMs: opts.readyTimeoutMs ?? 60_000,
      exited,
    });
  } catch (err) {
    await stop();
    const tail = opts.logFile ? await readTail(opts.logFile) : output.text();
    throw new Error(
      `Temporal dev server (${binary}) did not become ready on ${address}: ${(err as Error).message}` +
        (tail ? `\n--- server output (last lines) ---\n${tail}` : ''),
    );
  }

  log(
    `[temporal] dev server ready on ${address} (UI ${uiUrl}, namespace ${namespace}) in ${Date.now() - started} ms`,
  );
  return { address, uiUrl, namespace, stop };
}

/** Fails with a clear message when a port is taken, e.g. by a dev server left over from a previous run. */
async function assertPortsFree(host: string, port: number, uiPort: number): Promise<void> {
  if (await isPortListening(host, port)) {
    const temporal = await isTemporalServer(hostPort(host, port));
    throw new Error(
      temporal
        ? `A Temporal server is already running on ${hostPort(host, port)} (probably a previous \`npm run dev\` ` +
            `that was not stopped; \`lsof -i :${port}\` shows its pid). Stop it, or choose another port.`
        : `Port ${port} on ${host} is already used by another program; choose another Temporal port.`,
    );
  }
  if (await isPortListening(host, uiPort)) {
    throw new Error(`Port ${uiPort} on ${host} (Temporal Web UI) is already in use; choose another UI port.`);
  }
}

async function isTemporalServer(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: '2s' });
    const conn = connection;
    await conn.withDeadline(Date.now() + 2000, () => conn.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Polls until the namespace answers, then makes sure every search attribute is registered. */
async function waitUntilReady(params: {
  address: string;
  namespace: string;
  timeoutMs: number;
  exited: Promise<string>;
}): Promise<void> {
  const { address, namespace, timeoutMs } = params;
  const deadline = Date.now() + timeoutMs;
  let exitReason: string | undefined;
  void params.exited.then((reason) => (exitReason = reason));
  let lastError: unknown;

  while (Date.now() < deadline) {
    if (exitReason) throw new Error(`the server process ${exitReason}`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      const conn = connection;
      await conn.withDeadline(Date.now() + 5000, () => conn.workflowService.describeNamespace({ namespace }));
      await ensureSearchAttributes(conn, namespace);
      return;
    } catch (err) {
      lastError = err;
      await sleep(250);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s (last error: ${(lastError as Error)?.message ?? lastError})`,
  );
}

/**
 * The CLI only registers `--search-attribute`s when it creates the namespace, i.e. on a new db file.
 * Attributes added to the code later would be missing on an existing db file: add them here.
 */
async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.withDeadline(Date.now() + 5000, () =>
    connection.operatorService.listSearchAttributes({ namespace }),
  );
  const custom = existing.customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    const wanted = encodeSearchAttributeIndexedValueType(key.type);
    if (wanted === undefined) throw new Error(`unknown search attribute type ${key.type}`);
    const actual = custom[key.name];
    if (actual === undefined) missing[key.name] = wanted;
    else if (actual !== wanted) {
      throw new Error(
        `search attribute ${key.name} is registered with another type than ${key.type} in namespace ${namespace}; ` +
          'delete the dev server db file to start afresh',
      );
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.withDeadline(Date.now() + 10_000, () =>
      connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing }),
    );
  }
}

/** Last resort when no CLI is available locally: the SDK downloads one (needs internet). */
async function startWithSdkDownload(o: {
  ip: string;
  port: number;
  uiPort: number;
  namespace: string;
  dbFile: string | undefined;
  uiUrl: string;
  log: (msg: string) => void;
}): Promise<TemporalDevServer> {
  const started = Date.now();
  const downloadDir = devstackCacheDir();
  await mkdir(downloadDir, { recursive: true });
  o.log(`[temporal] no local Temporal CLI: the Temporal SDK downloads one into ${downloadDir}`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir },
      ...(o.dbFile ? { dbFilename: o.dbFile } : {}),
      ip: o.ip,
      port: o.port,
      ui: true,
      uiPort: o.uiPort,
      namespace: o.namespace,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  }).catch((err: unknown) => {
    throw new Error(
      `Could not start a Temporal dev server through the SDK download (${(err as Error).message}). ` +
        'Run `npm run temporal:cli` (needs Go) or set TEMPORAL_CLI_PATH.',
    );
  });
  try {
    await ensureSearchAttributes(env.connection, o.namespace);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  o.log(
    `[temporal] dev server (SDK download) ready on ${env.address} (UI ${o.uiUrl}) in ${Date.now() - started} ms`,
  );
  return { address: env.address, uiUrl: o.uiUrl, namespace: o.namespace, stop: once(() => env.teardown()) };
}

/** Keeps the last few KB of a child's output for error messages. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max = 8192) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.max && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8').trim();
  }
}

async function readTail(file: string, bytes = 8192): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      await handle.read(buf, 0, buf.length, start);
      return buf.toString('utf8').trim();
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
