import { execFile } from 'node:child_process';
import { cp, mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  devstackCacheDir,
  findOnPath,
  goInstall,
  installIntoCache,
  isExecutableFile,
} from '../../src/devstack/go-install.js';

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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
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

  const go = await findOnPath('go', env);
  if (!go) {
    throw new Error(
      `Temporal server ${TEMPORAL_SERVER_VERSION} is not in ${finalDir} and Go is not installed to build it. ` +
        `Install Go (https://go.dev/dl/), or put temporal-server, temporal-sql-tool, schema/ and config/ there by hand.`,
    );
  }

  await installIntoCache(finalDir, async (tmpDir) => {
    await buildBinaries(go, env, tmpDir, log);
    const tmp = layout(tmpDir);
    await rename(join(tmpDir, 'server'), tmp.server);
    await rename(join(tmpDir, 'sql'), tmp.sqlTool);

    // The module source is now in the Go module cache: copy what the server needs at run time.
    const { stdout } = await execFileAsync(go, ['env', 'GOMODCACHE'], { env });
    const moduleDir = join(stdout.trim(), `${MODULE}@v${TEMPORAL_SERVER_VERSION}`);
    await cp(join(moduleDir, 'schema', 'postgresql', 'v12'), tmp.schemaDir, { recursive: true });
    await mkdir(join(tmpDir, 'config'), { recursive: true });
    await cp(join(moduleDir, 'config', 'development-postgres12.yaml'), tmp.configTemplate);
  });
  log(`[temporal-postgres] installed in ${finalDir}`);
  return ready;
}

async function buildBinaries(go: string, env: NodeJS.ProcessEnv, gobin: string, log: (m: string) => void) {
  const args = [
    'install',
    '-v',
    '-ldflags=-s -w',
    ...PACKAGES.map((p) => `${p}@v${TEMPORAL_SERVER_VERSION}`),
  ];
  log(`[temporal-postgres] building Temporal server ${TEMPORAL_SERVER_VERSION}: go ${args.join(' ')}`);
  log('[temporal-postgres] about 2 minutes the first time (more on a cold Go cache); cached afterwards.');
  // GOFLAGS from the environment stays (e.g. -buildvcs=false).
  const { seconds } = await goInstall({
    go,
    env,
    gobin,
    args,
    prefix: '[temporal-postgres]',
    log,
    progressEveryMs: PROGRESS_EVERY_MS,
    progress: (p) =>
      `[temporal-postgres] go install: ${p.seconds} s, ` +
      `${p.compiled} packages compiled${p.lastLine ? ` (last: ${p.lastLine})` : ''}`,
  });
  log(`[temporal-postgres] built in ${seconds} s`);
}
