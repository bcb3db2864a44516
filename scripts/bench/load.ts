import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from './progress.js';

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in milliseconds rounded to 0.1 ms. */
export function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    count: s.length,
    p50: r(pick(0.5)),
    p95: r(pick(0.95)),
    p99: r(pick(0.99)),
    max: r(s.length ? s[s.length - 1]! : NaN),
    mean: r(s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN),
  };
}

export interface ClosedLoopResult {
  total: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  perSecond: number;
  latency: LatencyStats;
}

/**
 * `total` calls of fn with at most `concurrency` in flight; with `rate` (per second), calls are also
 * released on a fixed schedule (open loop, bounded by the in-flight limit), else as fast as possible.
 */
export async function closedLoop(opts: {
  total: number;
  concurrency: number;
  rate?: number;
  progress?: Progress;
  fn: (i: number) => Promise<void>;
}): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const interval = opts.rate ? 1000 / opts.rate : 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.total) return;
      if (interval) {
        const due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const t = performance.now();
      try {
        await opts.fn(i);
        latencies.push(performance.now() - t);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
      opts.progress?.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.total) }, lane));
  const elapsedMs = performance.now() - started;
  return {
    total: opts.total,
    errors,
    firstError,
    elapsedMs: Math.round(elapsedMs),
    perSecond: Math.round(((opts.total - errors) / elapsedMs) * 1000 * 10) / 10,
    latency: latencyStats(latencies),
  };
}

/** One step of a virtual user: a named call, and the earliest time its next step may be sent. */
export interface Step {
  name: string;
  run(): Promise<void>;
}

export interface VirtualUser {
  /** The next step, or undefined when this user is done. */
  next(): Step | undefined;
  /** performance.now() before which the next step must not be sent (e.g. a jury session not yet held). */
  notBefore?: number;
}

export interface OpenLoopResult {
  sent: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  offeredRate: number;
  achievedRate: number;
  /** Arrivals that found no user ready and waited for one more than 50 ms (the load was not open then). */
  lateArrivals: number;
  maxLatenessMs: number;
  latency: LatencyStats;
  byStep: Record<string, LatencyStats>;
}

/**
 * Open loop: arrivals at a fixed rate (`rate` per second, evenly spaced), whatever the latency. Each
 * arrival goes to the user that has waited longest among those ready (its previous step answered);
 * latency is measured from the moment the request is sent. Ends when every user is done.
 */
export async function openLoop(opts: {
  users: VirtualUser[];
  rate: number;
  progress?: Progress;
  /** Steps counted in the overall latency (default: all); every step has its own figures anyway. */
  inOverall?: (step: string) => boolean;
}): Promise<OpenLoopResult> {
  const interval = 1000 / opts.rate;
  const ready: VirtualUser[] = [...opts.users];
  let active = opts.users.length;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const all: number[] = [];
  const byStep = new Map<string, number[]>();
  let sent = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lateArrivals = 0;
  let maxLateness = 0;
  const inflight = new Set<Promise<void>>();

  const release = (u: VirtualUser) => {
    const delay = (u.notBefore ?? 0) - performance.now();
    if (delay > 0) {
      setTimeout(() => {
        ready.push(u);
        notify();
      }, delay);
    } else {
      ready.push(u);
      notify();
    }
  };

  const started = performance.now();
  for (let i = 0; active > 0; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    let user: VirtualUser | undefined;
    let step: Step | undefined;
    while (!step) {
      while (ready.length === 0 && active > 0) await new Promise<void>((r) => (wake = r));
      if (active === 0) break;
      user = ready.shift()!;
      step = user.next();
      if (!step) active--;
    }
    if (!step || !user) break;
    const lateness = performance.now() - due;
    if (lateness > 50) lateArrivals++;
    maxLateness = Math.max(maxLateness, lateness);
    const u = user;
    const s = step;
    const t = performance.now();
    sent++;
    const p = s
      .run()
      .then(
        () => {
          const ms = performance.now() - t;
          if (!opts.inOverall || opts.inOverall(s.name)) all.push(ms);
          let list = byStep.get(s.name);
          if (!list) byStep.set(s.name, (list = []));
          list.push(ms);
          release(u);
        },
        (err: Error) => {
          errors++;
          firstError ??= `${s.name}: ${err.message}`;
          active--; // a user whose step failed stops there
          notify();
        },
      )
      .finally(() => {
        inflight.delete(p);
        opts.progress?.tick();
      });
    inflight.add(p);
  }
  await Promise.all(inflight);
  const elapsedMs = performance.now() - started;
  return {
    sent,
    errors,
    firstError,
    elapsedMs: Math.round(elapsedMs),
    offeredRate: opts.rate,
    achievedRate: Math.round((sent / elapsedMs) * 1000 * 10) / 10,
    lateArrivals,
    maxLatenessMs: Math.round(maxLateness),
    latency: latencyStats(all),
    byStep: Object.fromEntries([...byStep].map(([k, v]) => [k, latencyStats(v)])),
  };
}
