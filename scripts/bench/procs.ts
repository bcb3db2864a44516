import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildSettings, MemReport } from './child.js';

const CHILD_PATH = fileURLToPath(new URL('./child.ts', import.meta.url));

/** A process of the benchmarked stack (scripts/bench/child.ts), driven over IPC. */
export class StackProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (r: MemReport) => void>();
  private exitReason: string | undefined;
  readonly ready: Promise<Record<string, string | number>>;

  private constructor(
    readonly role: string,
    private readonly proc: ChildProcess,
  ) {
    this.ready = new Promise((resolve, reject) => {
      proc.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') resolve(m.info);
        else if (m.type === 'failed') reject(new Error(`${role}: ${m.error}`));
        else if (m.type === 'mem') {
          this.pending.get(m.id)?.(m.report);
          this.pending.delete(m.id);
        }
      });
      proc.once('exit', (code, signal) => {
        this.exitReason = `exited with ${signal ?? `code ${code}`}`;
        reject(new Error(`${role} ${this.exitReason}`));
      });
    });
  }

  static spawn(settings: ChildSettings, logFile: string): StackProcess {
    const fd = openSync(logFile, 'a');
    try {
      const proc = fork(CHILD_PATH, [], {
        execArgv: [
          '--expose-gc',
          '--import',
          'tsx',
          // BENCH_CPU_PROF=<folder>: a V8 CPU profile of each child, written when it stops.
          ...(process.env.BENCH_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : []),
        ],
        env: { ...process.env, BENCH_CHILD: JSON.stringify(settings) },
        stdio: ['ignore', fd, fd, 'ipc'],
      });
      return new StackProcess(settings.role, proc);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Memory of the process (after a full GC when `gc`), CPU time and, for workers, cached workflows. */
  mem(gc = false, resetLoop = false): Promise<MemReport> {
    if (this.exitReason) return Promise.reject(new Error(`${this.role} ${this.exitReason}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.role}: no memory report`)), 10_000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.proc.send({ type: 'mem', id, gc, resetLoop });
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.send({ type: 'stop' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------
// CPU time of processes, from /proc (Linux): where the cores went during a phase.

const CLOCK_TICKS = 100; // USER_HZ on Linux

interface ProcStat {
  ppid: number;
  /** utime + stime, and the same for waited-for children, in seconds. */
  self: number;
  children: number;
}

async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17, ppid 4.
    const n = (field: number) => Number(fields[field - 3]);
    return { ppid: n(4), self: (n(14) + n(15)) / CLOCK_TICKS, children: (n(16) + n(17)) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

async function allPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
}

/** CPU seconds used so far by a process and, with `tree`, its live and reaped descendants. */
export async function cpuSeconds(pid: number | undefined, tree = false): Promise<number | undefined> {
  if (!pid) return undefined;
  const root = await procStat(pid);
  if (!root) return undefined;
  if (!tree) return root.self;
  let total = root.self + root.children;
  const stats = new Map<number, ProcStat>();
  for (const p of await allPids()) {
    const s = await procStat(p);
    if (s) stats.set(p, s);
  }
  const under = (p: number): boolean => {
    for (let cur = stats.get(p)?.ppid, depth = 0; cur && depth < 10; cur = stats.get(cur)?.ppid, depth++) {
      if (cur === pid) return true;
    }
    return false;
  };
  for (const [p, s] of stats) if (p !== pid && under(p)) total += s.self;
  return total;
}

/** The pid of the process listening on 127.0.0.1:<port> (IPv4), from /proc/net/tcp and /proc/<pid>/fd. */
export async function pidListeningOn(port: number): Promise<number | undefined> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]!);
  }
  if (!inodes.size) return undefined;
  for (const pid of await allPids()) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) return pid;
    }
  }
  return undefined;
}

/** CPU seconds used by the whole machine so far (all processes, from /proc/stat). */
export async function machineCpuSeconds(): Promise<number | undefined> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => '');
  const cols = /^cpu\s+(.*)$/m.exec(text)?.[1]?.split(/\s+/).map(Number);
  if (!cols) return undefined;
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cols;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}
