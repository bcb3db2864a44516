/**
 * The state of a scale run kept in its --data-dir (scale-state.json), so that `--resume` goes on from
 * the count reached: what was created so far, on which task queue and projects, the creation time and
 * CPU accumulated over the sessions, the samples and checkpoints of the earlier sessions, and the
 * baseline (sizes and memory before the first candidacy) that the per-candidacy figures are taken from.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MemReport } from './child.js';
import type { LatencyStats } from './load.js';
import type { Checkpoint, ScaleOptions, Sizes, TimelineSample } from './scale.js';
import type { CpuGroup, Persistence } from './stack.js';

export const STATE_FILE = 'scale-state.json';

export type SessionEnd = 'running' | 'completed' | 'interrupted' | 'terminated' | 'failed';

export interface ScaleSessionRecord {
  /** 1, 2, … */
  index: number;
  startedAt: string;
  endedAt?: string;
  ended: SessionEnd;
  /** Open candidacies at the start of the session and when its creation stopped. */
  from: number;
  to: number;
  /** Time spent creating in this session (the checkpoints' pauses left out). */
  creationMs: number;
  perSecond: number;
  latency?: LatencyStats;
  errors: number;
  cores: Partial<Record<CpuGroup, number>>;
  loadAverageAtStart: number;
}

export interface ScaleState {
  version: 1;
  persistence: Persistence;
  /** The demo project, where the candidacies are created. */
  projectId: string;
  /** The worker's task queue: the open workflows were started on it. */
  taskQueue: string;
  /** The project with BENCH_POLICY (short clocks) of stack.ts. */
  benchProjectId: string;
  /** The demo tokens (seedDemo's tokensFile), relative to the data folder. */
  tokensFile: string;
  /** N of the last session. */
  requested: number;
  options: Omit<ScaleOptions, 'open'>;
  workerTuning?: unknown;
  firstStartedAt: string;
  /** Candidacies created to warm up (not counted). */
  warmup: number;
  /** Before the first counted candidacy (after the warm-up). */
  baseline?: {
    /** Started candidacies in the database (every project): the per-candidacy figures' origin. */
    candidacies: number;
    /** Started candidacies of the demo project: `created` is counted from there. */
    demoCandidacies: number;
    sizes: Sizes;
    worker: MemReport;
    api: MemReport;
  };
  created: number;
  createErrors: number;
  advanced: number;
  advanceErrors: number;
  /** Created, not yet moved to the certifier (a session stopped before its advance step). */
  toAdvance: string[];
  creationMs: number;
  advanceMs: number;
  /** CPU seconds used by each part while creating, all sessions. */
  cpuSeconds: Partial<Record<CpuGroup, number>>;
  timeline: TimelineSample[];
  /** The intermediate checkpoints of all sessions (the final measurement is in each results file). */
  checkpoints: Checkpoint[];
  peaks: { workerRss: number; apiRss: number; temporalRss: number };
  /** Candidacies created for the restart steps (another project, short clock), all sessions. */
  restartSamples: number;
  sessions: ScaleSessionRecord[];
}

/** The state file of a data folder, or undefined when there is none. */
export function readState(dataDir: string): ScaleState | undefined {
  const file = path.join(dataDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as ScaleState;
  if (state.version !== 1) throw new Error(`${file}: unknown version ${String(state.version)}`);
  return state;
}

/** Written to a temporary file then renamed: a crash never leaves half a state file. */
export function writeState(dataDir: string, state: ScaleState): void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, STATE_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1) + '\n');
  renameSync(`${file}.tmp`, file);
}

/**
 * Why this data folder cannot be used as asked (undefined when it can): --resume needs a state made with
 * the same persistence; a new run needs an empty (or absent) folder.
 */
export function dataDirProblem(
  dataDir: string,
  resume: boolean,
  persistence: Persistence,
): string | undefined {
  const state = existsSync(dataDir) ? readState(dataDir) : undefined;
  if (resume) {
    if (!state)
      return `--resume: no ${STATE_FILE} in ${dataDir} (start the run without --resume, on an empty folder)`;
    if (state.persistence !== persistence)
      return (
        `--resume: ${dataDir} holds a run with --persistence ${state.persistence}, not ${persistence} ` +
        `(one persistence per data folder: resume with --persistence ${state.persistence}, or use another folder)`
      );
    if (!state.baseline)
      return `--resume: the first session on ${dataDir} stopped before its first candidacy; delete the folder and start again`;
    return undefined;
  }
  if (state)
    return (
      `${dataDir} already holds a scale run (${state.created} open candidacies, --persistence ${state.persistence}): ` +
      'add --resume to go on with it, or choose another folder'
    );
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    return `${dataDir} is not empty and has no ${STATE_FILE} (a first session that failed early?): delete it or choose another folder`;
  return undefined;
}
