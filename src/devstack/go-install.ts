import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * What the Temporal CLI (temporal-cli.ts) and the Temporal server on PostgreSQL
 * (scripts/temporal-postgres/binaries.ts) share to build their binaries with `go install` into the
 * per-user cache: the cache folder, finding executables, the build itself with its progress lines, and
 * the temporary GOBIN renamed into place.
 */

/** Per-user cache folder: `$XDG_CACHE_HOME/parcours-vae` or `~/.cache/parcours-vae`. */
export function devstackCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'parcours-vae');
}

export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export interface GoInstallProgress {
  /** Seconds since `go install` started. */
  seconds: number;
  /** Packages compiled so far (the bare package paths printed by `-v`). */
  compiled: number;
  /** The last line go printed, '' when none yet. */
  lastLine: string;
}

export interface GoInstallOptions {
  go: string;
  /** Environment of the build; GOBIN and CGO_ENABLED=0 are set on top (GOFLAGS etc. stay). */
  env: NodeJS.ProcessEnv;
  gobin: string;
  /** Arguments after `go`, e.g. ['install', '-v', '-ldflags=-s -w', 'example.com/cmd@v1.0.0']. */
  args: string[];
  /** Prefix of the lines go prints other than package paths (downloads, errors): `[temporal-cli]`. */
  prefix: string;
  log: (msg: string) => void;
  progressEveryMs: number;
  /** The periodic progress line. */
  progress: (p: GoInstallProgress) => string;
}

/**
 * Runs `go install` (with `-v` among the args: the package paths it prints while compiling are the only
 * sign of progress during the long compile phase). Package paths are counted, every other line is logged
 * with the prefix, and a progress line is logged every `progressEveryMs`. Resolves with the seconds taken;
 * rejects when go exits with an error.
 */
export async function goInstall(opts: GoInstallOptions): Promise<{ seconds: number }> {
  const started = Date.now();
  let lastLine = '';
  let compiled = 0;
  const child = spawn(opts.go, opts.args, {
    // The binaries are static.
    env: { ...opts.env, GOBIN: opts.gobin, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (!line.trim()) return;
      lastLine = line;
      // Bare package paths (from -v) are hundreds of lines: count them; log everything else
      // (`go: downloading ...`, errors).
      if (/^[\w.~/-]+$/.test(line)) compiled++;
      else opts.log(`${opts.prefix} ${line}`);
    });
  }
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const timer = setInterval(() => {
    opts.log(opts.progress({ seconds: seconds(), compiled, lastLine }));
  }, opts.progressEveryMs);
  timer.unref();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`go install exited with code ${code}${lastLine ? `: ${lastLine}` : ''}`);
  } finally {
    clearInterval(timer);
  }
  return { seconds: seconds() };
}

/**
 * Fills `finalDir` atomically: `build` writes into a temporary sibling folder (`<finalDir>.tmp-<pid>`, the
 * GOBIN of the build), renamed into place once it succeeded, so an interrupted build never leaves a
 * half-written binary in the cache. The temporary folder is removed in every case.
 */
export async function installIntoCache<T>(
  finalDir: string,
  build: (tmpDir: string) => Promise<T>,
): Promise<T> {
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  try {
    const result = await build(tmpDir);
    // Another process may have finished the same build meanwhile: replacing its folder is harmless.
    await rm(finalDir, { recursive: true, force: true });
    await rename(tmpDir, finalDir);
    return result;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
