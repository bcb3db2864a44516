import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EphemeralServerExecutable } from '@temporalio/testing';

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

/** Per-user cache folder: `$XDG_CACHE_HOME/parcours-vae` or `~/.cache/parcours-vae`. */
export function devstackCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'parcours-vae');
}

/** Folder holding the `temporal` binary built by `go install` (it is GOBIN). */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(devstackCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
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
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });

  // Same flags as the official release build (.goreleaser.yml), so `temporal --version` reports 1.5.1.
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
  // -v prints each package as it is compiled: the only sign of progress during the long compile phase.
  const args = ['install', '-v', `-ldflags=${ldflags}`, `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`];
  log(`[temporal-cli] Temporal CLI not found; building it: go ${args.join(' ')} (GOBIN=${finalDir})`);
  log('[temporal-cli] The first build takes 3–4 minutes; later runs reuse the cached binary.');

  const started = Date.now();
  let lastLine = '';
  let compiled = 0;
  const child = spawn(go, args, {
    env: { ...env, GOBIN: tmpDir, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (!line.trim()) return;
      lastLine = line;
      // Bare package paths (from -v) are hundreds of lines: count them; log everything else
      // (`go: downloading ...`, errors).
      if (/^[\w.~/-]+$/.test(line)) compiled++;
      else log(`[temporal-cli] ${line}`);
    });
  }
  const timer = setInterval(() => {
    const secs = Math.round((Date.now() - started) / 1000);
    log(
      `[temporal-cli] go install still running: ${secs} s elapsed, ${compiled} packages compiled` +
        (lastLine ? ` (last: ${lastLine})` : ''),
    );
  }, PROGRESS_EVERY_MS);
  timer.unref();

  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`go install exited with code ${code}${lastLine ? `: ${lastLine}` : ''}`);
    const built = join(tmpDir, 'temporal');
    if (!(await isExecutableFile(built))) throw new Error(`go install produced no binary at ${built}`);
    // Another process may have finished the same build meanwhile: replacing its folder is harmless.
    await rm(finalDir, { recursive: true, force: true });
    await rename(tmpDir, finalDir);
    log(
      `[temporal-cli] Built in ${Math.round((Date.now() - started) / 1000)} s: ${join(finalDir, 'temporal')}`,
    );
    return join(finalDir, 'temporal');
  } finally {
    clearInterval(timer);
    await rm(tmpDir, { recursive: true, force: true });
  }
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
