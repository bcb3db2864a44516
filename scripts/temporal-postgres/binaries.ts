import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { devstackCacheDir } from '../../src/devstack/temporal-cli.js';

/** Same release as the dev server embedded in CLI 1.5.1 and as docker-compose.yml (temporalio/server). */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

const MODULE = 'go.temporal.io/server';
const PACKAGES = [`${MODULE}/cmd/server`, `${MODULE}/cmd/tools/sql`];
const PROGRESS_EVERY_MS = 10_000;
const execFileAsync = promisify(execFile);

export interface TemporalServerBinaries {
  /** The cache folder: `~/.cache/parcours-vae/temporal-server-1.29.1/`. */
  dir: string;
  /** `temporal-server` (built from go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (built from go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** Copy of the module's `schema/postgresql/v12` (temporal/versioned, visibility/versioned). */
  schemaDir: string;
  /** Copy of the module's `config/development-postgres12.yaml`, the template of our config. */
  configTemplate: string;
}

export function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(devstackCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function layout(dir: string): TemporalServerBinaries {
  return {
    dir,
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
    configTemplate: join(dir, 'config', 'development-postgres12.yaml'),
  };
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function findGo(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutableFile(join(dir, 'go')))) return join(dir, 'go');
  }
  return undefined;
}

/**
 * The Temporal server and its SQL schema tool, built once with `go install` into the per-user cache
 * (about 2 minutes on 2 cores), with the schema folders and the config template copied next to them
 * from the Go module cache, so that later runs need neither Go nor the module cache.
 */
export async function ensureTemporalServerBinaries(
  opts: { env?: NodeJS.ProcessEnv; log?: (msg: string) => void } = {},
): Promise<TemporalServerBinaries> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const finalDir = temporalServerCacheDir(env);
  const ready = layout(finalDir);
  if (
    (await isExecutableFile(ready.server)) &&
    (await isExecutableFile(ready.sqlTool)) &&
    (await exists(join(ready.schemaDir, 'temporal', 'versioned'))) &&
    (await exists(ready.configTemplate))
  ) {
    return ready;
  }

  const go = await findGo(env);
  if (!go) {
    throw new Error(
      `Temporal server ${TEMPORAL_SERVER_VERSION} is not in ${finalDir} and Go is not installed to build it. ` +
        `Install Go (https://go.dev/dl/), or put temporal-server, temporal-sql-tool, schema/ and config/ there by hand.`,
    );
  }

  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  try {
    await goInstall(go, env, tmpDir, log);
    const tmp = layout(tmpDir);
    await rename(join(tmpDir, 'server'), tmp.server);
    await rename(join(tmpDir, 'sql'), tmp.sqlTool);

    // The module source is now in the Go module cache: copy what the server needs at run time.
    const { stdout } = await execFileAsync(go, ['env', 'GOMODCACHE'], { env });
    const moduleDir = join(stdout.trim(), `${MODULE}@v${TEMPORAL_SERVER_VERSION}`);
    await cp(join(moduleDir, 'schema', 'postgresql', 'v12'), tmp.schemaDir, { recursive: true });
    await mkdir(join(tmpDir, 'config'), { recursive: true });
    await cp(join(moduleDir, 'config', 'development-postgres12.yaml'), tmp.configTemplate);

    await rm(finalDir, { recursive: true, force: true });
    await rename(tmpDir, finalDir);
    log(`[temporal-postgres] installed in ${finalDir}`);
    return ready;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

async function goInstall(go: string, env: NodeJS.ProcessEnv, gobin: string, log: (m: string) => void) {
  const args = [
    'install',
    '-v',
    '-ldflags=-s -w',
    ...PACKAGES.map((p) => `${p}@v${TEMPORAL_SERVER_VERSION}`),
  ];
  log(`[temporal-postgres] building Temporal server ${TEMPORAL_SERVER_VERSION}: go ${args.join(' ')}`);
  log('[temporal-postgres] about 2 minutes the first time (more on a cold Go cache); cached afterwards.');
  const started = Date.now();
  let compiled = 0;
  let lastLine = '';
  const child = spawn(go, args, {
    // GOFLAGS from the environment stays (e.g. -buildvcs=false); the binaries are static.
    env: { ...env, GOBIN: gobin, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (!line.trim()) return;
      lastLine = line;
      if (/^[\w.~/-]+$/.test(line)) compiled++;
      else log(`[temporal-postgres] ${line}`);
    });
  }
  const timer = setInterval(() => {
    log(
      `[temporal-postgres] go install: ${Math.round((Date.now() - started) / 1000)} s, ` +
        `${compiled} packages compiled${lastLine ? ` (last: ${lastLine})` : ''}`,
    );
  }, PROGRESS_EVERY_MS);
  timer.unref();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`go install exited with code ${code}${lastLine ? `: ${lastLine}` : ''}`);
  } finally {
    clearInterval(timer);
  }
  log(`[temporal-postgres] built in ${Math.round((Date.now() - started) / 1000)} s`);
}
