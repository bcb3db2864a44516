import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { devstackCacheDir, findOnPath, goInstall, installIntoCache, isExecutableFile } from './go-install.js';

export { devstackCacheDir } from './go-install.js';

export const TEMPORAL_CLI_VERSION = '1.5.1';

const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
const PROGRESS_EVERY_MS = 15_000;

export interface FindTemporalCliOptions {
  /** Environment to read TEMPORAL_CLI_PATH, PATH, XDG_CACHE_HOME, HOME from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Build the CLI with `go install` when nothing else is found. Default: true. */
  allowGoInstall?: boolean;
  log?: (msg: string) => void;
}

const defaultLog = (m: string): void => {
  process.stderr.write(m + '\n');
};

/** Folder holding the `temporal` binary built by `go install` (it is GOBIN). */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(devstackCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

/**
 * Finds the `temporal` CLI, in this order: $TEMPORAL_CLI_PATH (must be valid, else throws),
 * `temporal` on PATH, the per-user cached build, a fresh `go install` into that cache.
 * Returns undefined when none of these worked (the caller may then let the SDK download it).
 */
export async function findTemporalCli(opts: FindTemporalCliOptions = {}): Promise<string | undefined> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? defaultLog;

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (await isExecutableFile(explicit)) return explicit;
    throw new Error(
      `TEMPORAL_CLI_PATH=${explicit} is not an executable file. ` +
        'Fix the path, or unset TEMPORAL_CLI_PATH to let the dev stack find or build the Temporal CLI.',
    );
  }

  const onPath = await findOnPath('temporal', env);
  if (onPath) return onPath;

  const cached = join(temporalCliCacheDir(env), 'temporal');
  if (await isExecutableFile(cached)) return cached;

  if (opts.allowGoInstall === false) return undefined;
  const go = await findOnPath('go', env);
  if (!go) return undefined;
  try {
    return await goInstallTemporalCli(go, env, log);
  } catch (err) {
    log(`[temporal-cli] go install failed: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * Builds the CLI with `go install` (3–4 min the first time). GOBIN is a temporary sibling folder
 * renamed into place at the end, so an interrupted build never leaves a half-written binary in the cache.
 */
async function goInstallTemporalCli(go: string, env: NodeJS.ProcessEnv, log: (m: string) => void) {
  const finalDir = temporalCliCacheDir(env);
  // Same flags as the official release build (.goreleaser.yml), so `temporal --version` reports 1.5.1.
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
  // -v prints each package as it is compiled: the only sign of progress during the long compile phase.
  const args = ['install', '-v', `-ldflags=${ldflags}`, `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`];
  log(`[temporal-cli] Temporal CLI not found; building it: go ${args.join(' ')} (GOBIN=${finalDir})`);
  log('[temporal-cli] The first build takes 3–4 minutes; later runs reuse the cached binary.');

  const { seconds } = await installIntoCache(finalDir, async (tmpDir) => {
    const result = await goInstall({
      go,
      env,
      gobin: tmpDir,
      args,
      prefix: '[temporal-cli]',
      log,
      progressEveryMs: PROGRESS_EVERY_MS,
      progress: (p) =>
        `[temporal-cli] go install still running: ${p.seconds} s elapsed, ${p.compiled} packages compiled` +
        (p.lastLine ? ` (last: ${p.lastLine})` : ''),
    });
    const built = join(tmpDir, 'temporal');
    if (!(await isExecutableFile(built))) throw new Error(`go install produced no binary at ${built}`);
    return result;
  });
  log(`[temporal-cli] Built in ${seconds} s: ${join(finalDir, 'temporal')}`);
  return join(finalDir, 'temporal');
}

/**
 * What to give `TestWorkflowEnvironment.createLocal({ server: { executable } })`: the local CLI when found,
 * else the SDK's own download (needs internet; cached in the per-user cache folder).
 */
export async function resolveTemporalExecutable(
  opts: FindTemporalCliOptions = {},
): Promise<EphemeralServerExecutable> {
  const path = await findTemporalCli(opts);
  if (path) return { type: 'existing-path', path };
  const log = opts.log ?? defaultLog;
  const downloadDir = devstackCacheDir(opts.env ?? process.env);
  await mkdir(downloadDir, { recursive: true });
  log(`[temporal-cli] No local Temporal CLI; the Temporal SDK will download one into ${downloadDir}.`);
  return { type: 'cached-download', downloadDir };
}
