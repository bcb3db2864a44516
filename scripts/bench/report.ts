import os from 'node:os';
import type { HistoryProfile } from './history-profile.js';
import type { LatencyStats } from './load.js';
import type { BenchOptions, RunResult } from './run.js';

const mib = (b: number) => (Number.isFinite(b) ? `${(b / 1048576).toFixed(0)} MiB` : '–');
const kib = (b: number) => (Number.isFinite(b) ? `${(b / 1024).toFixed(0)} KiB` : '–');
const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');
const lat = (s: LatencyStats | undefined, keys: (keyof LatencyStats)[] = ['p50', 'p95', 'p99', 'max']) =>
  s && s.count ? keys.map((k) => ms(s[k])).join(' / ') + ' ms' : '–';
const ok = (met: boolean) => (met ? '✔' : '✘');
const cores = (c: Record<string, number | undefined>) =>
  Object.entries(c)
    .filter(([, v]) => (v ?? 0) >= 0.05)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, v]) => `${k} ${v!.toFixed(2)}`)
    .join(', ');

/** CPU milliseconds of the stack (all parts but the load generator and other processes) per operation. */
function perOp(c: Record<string, number | undefined>, perSecond: number): string {
  const total = Object.entries(c)
    .filter(([k]) => k !== 'bench' && k !== 'other')
    .reduce((sum, [, v]) => sum + (v ?? 0), 0);
  return perSecond > 0 ? `${((total * 1000) / perSecond).toFixed(0)} ms` : '–';
}

/** The results as a table: one row per figure, one column per persistence. */
export function renderTable(runs: RunResult[], o: BenchOptions): string {
  const rows: [string, ...string[]][] = [];
  const section = (title: string) => rows.push([`── ${title}`, ...runs.map(() => '')]);
  const row = (labelText: string, f: (r: RunResult) => string) => rows.push([labelText, ...runs.map(f)]);

  section(`Baseline: no-op workflows, client → server → bare worker (in flight ${o.concurrency})`);
  row(`starts/s (${o.n})`, (r) => r.baseline.starts.perSecond.toFixed(1));
  row(`start-and-complete/s (${o.n})`, (r) => r.baseline.startAndComplete.perSecond.toFixed(1));
  row('bare Update, sequential p50 / p99', (r) => lat(r.baseline.updateSequential, ['p50', 'p99']));
  row(`bare Update @ ${o.rate}/s p50/p95/p99/max`, (r) => lat(r.baseline.updateOpenLoop.latency));
  if (runs.some((r) => r.baseline.updateWithActivity)) {
    row(`  Update + activity @ ${o.rate}/s p50 / p99`, (r) =>
      lat(r.baseline.updateWithActivity?.latency, ['p50', 'p99']),
    );
    row(`  Update + local activity @ ${o.rate}/s p50 / p99`, (r) =>
      lat(r.baseline.updateWithLocalActivity?.latency, ['p50', 'p99']),
    );
  }

  section(
    `Creation: POST /api/candidacies with auth (in flight ${o.concurrency}${o.createRate ? `, ${o.createRate}/s offered` : ''})`,
  );
  row(`candidacies/s (${o.n})`, (r) => r.creation.perSecond.toFixed(1));
  row('latency p50/p95/p99/max', (r) => lat(r.creation.latency));
  row(
    'ratio to baseline starts/s (target ≥ 0.8)',
    (r) => `${r.creation.ratioToBaselineStarts.toFixed(2)} ${ok(r.targets.creation.met)}`,
  );

  section(`Actions: ${o.m} advisors sharing ${o.rate} actions/s (open loop), whole path each`);
  row('action latency p50/p95/p99/max', (r) => lat(r.actions.actionLatency));
  row(
    'ratio p99 to bare Update p99 (target ≤ 1.5)',
    (r) => `${r.actions.ratioP99ToBareUpdateP99.toFixed(2)} ${ok(r.targets.actionP99.met)}`,
  );
  row('slowest action (p99)', (r) => {
    const [name, s] = Object.entries(r.actions.byStep)
      .filter(([n]) => n !== 'create')
      .sort((a, b) => b[1].p99 - a[1].p99)[0] ?? ['–', undefined];
    return s ? `${name} ${ms(s.p99)} ms` : '–';
  });
  row('creation within the paths p50 / p99', (r) => lat(r.actions.createLatency, ['p50', 'p99']));
  row('achieved rate, late arrivals (no advisor free), retries', (r) => {
    const a = r.actions;
    return `${a.achievedRate}/s, ${a.lateArrivals} of ${a.sent}, ${a.scheduleRetries}`;
  });
  row('paced path wall time p50 / max', (r) => lat(r.actions.pacedPathMs, ['p50', 'max']));
  row(
    `whole path unpaced (${o.paths}) p50 / max (target ≤ 3 s)`,
    (r) => `${lat(r.wholePath.wallMs, ['p50', 'max'])} ${ok(r.targets.wholePath.met)}`,
  );
  row('  of which waiting for the jury session', (r) => lat(r.wholePath.waitingForSessionMs, ['p50']));
  row('  of which the 11 requests', (r) => lat(r.wholePath.actionsOnlyMs, ['p50', 'max']));
  row('action alone (unpaced paths) p50 / p99, × bare sequential', (r) => {
    const a = r.wholePath.actionLatency;
    const bare = r.baseline.updateSequential;
    return a.count
      ? `${lat(a, ['p50', 'p99'])}, × ${(a.p50 / bare.p50).toFixed(1)} / ${(a.p99 / bare.p99).toFixed(1)}`
      : '–';
  });

  section('Temporal side, from the histories of paced paths (unpaced in brackets): p50 / p95');
  const prof = (r: RunResult, f: (p: HistoryProfile) => LatencyStats | undefined) =>
    `${lat(f(r.actions.profile), ['p50', 'p95'])} (${lat(f(r.wholePath.profile), ['p50', 'p95'])})`;
  row('Update: its workflow task scheduled → completed', (r) => prof(r, (p) => p.update));
  row('workflow task schedule → start', (r) => prof(r, (p) => p.workflowTask.scheduleToStart));
  row('workflow task start → complete', (r) => prof(r, (p) => p.workflowTask.startToComplete));
  // The journal is a local activity (no task of its own): its time is inside the workflow task's.
  // The e-mails leave from the outbox, sent by the relay beside the worker: no activity either.
  row('e-mail written → sent (outbox relay), paced paths p50 / p95', (r) =>
    r.actions.emailDelayMs ? lat(r.actions.emailDelayMs, ['p50', 'p95']) : '–',
  );
  row('worker: in-flight activities mean/max, activations max', (r) => {
    const w = r.actions.workerLoad;
    return `${w.inFlightActivities.mean} / ${w.inFlightActivities.max}, ${w.inFlightActivations.max}`;
  });
  row('worker: share of time without an activity poll', (r) => `${r.actions.workerLoad.noActivityPollShare}`);
  row('event loop delay p99 / max: worker, API', (r) => {
    const w = r.actions.workerLoad;
    const d = (x: { p99: number; max: number } | undefined) => (x ? `${ms(x.p99)} / ${ms(x.max)} ms` : '–');
    return `${d(w.workerLoopDelay)}, ${d(w.apiLoopDelay)}`;
  });
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.actions.workerMetrics?.meanMs ?? {})))];
  for (const key of keys) {
    row(`SDK metric, mean: ${key}`, (r) => {
      const v = r.actions.workerMetrics?.meanMs[key];
      return v === undefined ? '–' : `${ms(v)} ms (${r.actions.workerMetrics!.counts[key]})`;
    });
  }
  row('history events per path', (r) => `${r.actions.profile.eventsPerWorkflow.p50}`);

  section('Resources (worker and API are child processes; RSS after a full GC)');
  row('worker RSS: idle / with open candidacies / peak', (r) => {
    const w = r.resources.worker;
    return `${mib(w.beforeCreation.rss)} / ${mib(w.afterCreation.rss)} / ${mib(w.end.peakRss)}`;
  });
  row('memory per cached workflow (RSS, heap)', (r) => {
    const b = r.resources.bytesPerCachedWorkflow;
    return `${kib(b.rss)}, ${kib(b.heap)} (${r.resources.cachedWorkflowsAdded} cached)`;
  });
  row('API RSS: idle / end / peak', (r) => {
    const a = r.resources.api;
    return `${mib(a.beforeCreation.rss)} / ${mib(a.end.rss)} / ${mib(a.end.peakRss)}`;
  });
  row(
    'bare worker RSS / peak',
    (r) => `${mib(r.resources.bareWorker.rss)} / ${mib(r.resources.bareWorker.peakRss)}`,
  );
  row('app rows written per path (ins/upd/del)', (r) => {
    const a = r.resources.rowsPerCandidacy.app;
    return `${a.inserted} / ${a.updated} / ${a.deleted}`;
  });
  row('Temporal rows written per path (ins/upd/del)', (r) => {
    const t = r.resources.rowsPerCandidacy.temporal;
    return t ? `${t.inserted} / ${t.updated} / ${t.deleted}` : '(SQLite)';
  });

  section(
    `CPU: cores used per part (machine: ${os.cpus().length} cores; other = processes outside the bench)`,
  );
  row('baseline starts', (r) => cores(r.baseline.starts.cores));
  row('bare Update open loop', (r) => cores(r.baseline.updateOpenLoop.cores));
  row('creation', (r) => cores(r.creation.cores));
  row('actions', (r) => cores(r.actions.cores));
  row('stack CPU per operation: start+complete / Update', (r) =>
    [
      perOp(r.baseline.startAndComplete.cores, r.baseline.startAndComplete.perSecond),
      perOp(r.baseline.updateOpenLoop.cores, r.baseline.updateOpenLoop.achievedRate),
    ].join(' / '),
  );
  row('stack CPU per operation: creation / action', (r) =>
    [perOp(r.creation.cores, r.creation.perSecond), perOp(r.actions.cores, r.actions.achievedRate)].join(
      ' / ',
    ),
  );

  const header: [string, ...string[]] = ['', ...runs.map((r) => `${r.persistence} (${r.temporalAddress})`)];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r[0]!.startsWith('── ')
      ? r[0]!
      : r
          .map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd();
  const errors = runs.flatMap((r) => r.errors.map((e) => `  ${r.persistence}: ${e}`));
  return [line(header), ...rows.map(line), ...(errors.length ? ['', 'Errors:', ...errors] : [])].join('\n');
}
