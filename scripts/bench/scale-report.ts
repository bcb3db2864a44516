import type { LatencyStats } from './load.js';
import type { ScaleOptions, ScaleResult, Sizes } from './scale.js';

const mib = (b: number | undefined) => {
  if (b === undefined || !Number.isFinite(b)) return '–';
  if (b < 2 ** 20) return `${(b / 1024).toFixed(0)} KiB`;
  if (b >= 10 * 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  return `${(b / 2 ** 20).toFixed(0)} MiB`;
};
const kib = (b: number | undefined) =>
  b !== undefined && Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KiB` : '–';
const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');
const lat = (s: LatencyStats, keys: (keyof LatencyStats)[] = ['p50', 'p95', 'max']) =>
  s.count ? keys.map((k) => ms(s[k])).join(' / ') + ' ms' : '–';
const ok = (met: boolean) => (met ? '✔' : '✘');
const n = (x: number) => x.toLocaleString('en');

function temporalSize(s: Sizes): string {
  const t = s.temporal;
  if (t.kind === 'unknown') return '– (configured server)';
  const parts = Object.entries(t.parts)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${mib(v)}`)
    .join(', ');
  return `${mib(t.bytes)} (${parts})`;
}

/** The scale run as a table: one row per figure, one column per persistence. */
export function renderScaleTable(runs: ScaleResult[], o: ScaleOptions): string {
  const rows: [string, ...string[]][] = [];
  const section = (title: string) => rows.push([`── ${title}`, ...runs.map(() => '')]);
  const row = (labelText: string, f: (r: ScaleResult) => string) => rows.push([labelText, ...runs.map(f)]);

  section(
    `Scale run: ${n(o.open)} open candidacies of the demo project (legal durations), POST /api/candidacies, ` +
      `in flight ${o.concurrency}${o.createRate ? `, ${o.createRate}/s offered` : ''}`,
  );
  row(
    `open candidacies reached (target ≥ ${n(100_000)})`,
    (r) =>
      `${n(r.open)} of ${n(r.requested)}${r.stoppedEarly ? ' (stopped early)' : ''} ${ok(r.targets.open.met)}`,
  );
  row(
    'time to start them (all sessions), rate',
    (r) =>
      `${(r.creation.elapsedMs / 1000).toFixed(0)} s, ${r.creation.perSecond.toFixed(1)}/s` +
      (r.sessions.length > 1 ? ` over ${r.sessions.length} sessions` : ''),
  );
  if (runs.some((r) => r.sessions.length > 1 || r.dataDir)) {
    row(
      'sessions (--data-dir, --resume)',
      (r) => `${r.sessions.length}${r.dataDir ? ` in ${r.dataDir}` : ''}`,
    );
    const most = Math.max(...runs.map((r) => r.sessions.length));
    for (let i = 0; i < most; i++) {
      row(i === 0 ? 'per session: open from → to, creation time, rate, how it ended' : '', (r) => {
        const x = r.sessions[i];
        if (!x) return '';
        return (
          `#${x.index}: ${n(x.from)} → ${n(x.to)}, ${(x.creationMs / 1000).toFixed(0)} s, ` +
          `${Number.isFinite(x.perSecond) ? x.perSecond.toFixed(1) : '–'}/s, ${x.ended === 'running' ? 'this one' : x.ended}` +
          ` (load ${x.loadAverageAtStart})`
        );
      });
    }
  }
  row('creation latency p50/p95/max (this session)', (r) => lat(r.creation.latency));
  row('creation rate per sample: first / min / max / last (per s)', (r) => {
    const t = r.creation.timeline.flatMap((s) => (s.ratePerS === null ? [] : [s.ratePerS]));
    return t.length ? `${t[0]} / ${Math.min(...t)} / ${Math.max(...t)} / ${t[t.length - 1]}` : '–';
  });
  row(
    `moved to the certifier (every ${o.advanceEvery || '–'}), 2 Updates each p50/p95`,
    (r) => `${n(r.advance.candidacies)}, ${lat(r.advance.latency, ['p50', 'p95'])}`,
  );
  row('cores used while creating (other = outside the bench)', (r) =>
    Object.entries(r.creation.cores ?? {})
      .filter(([, v]) => (v ?? 0) >= 0.05)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([k, v]) => `${k} ${v!.toFixed(2)}`)
      .join(', '),
  );
  row('background work finished after creation in', (r) => `${r.settleS} s`);

  section('Processes (RSS; "end" after a full GC)');
  row(
    `worker RSS: start / end / peak (target ≤ 2 GiB)`,
    (r) =>
      `${mib(r.worker.start.rss)} / ${mib(r.worker.end.rss)} / ${mib(r.targets.workerRss.value)} ${ok(r.targets.workerRss.met)}`,
  );
  row(
    'worker V8 heap: start / end',
    (r) => `${mib(r.worker.start.heapUsed)} / ${mib(r.worker.end.heapUsed)}`,
  );
  row(
    'worker sticky cache: max / cached at end',
    (r) =>
      `${n(r.maxCachedWorkflows)} / ${r.worker.end.cachedWorkflows === undefined ? '–' : n(r.worker.end.cachedWorkflows)}`,
  );
  row(
    'API RSS: start / end / peak',
    (r) => `${mib(r.api.start.rss)} / ${mib(r.api.end.rss)} / ${mib(r.api.end.peakRss)}`,
  );
  row('Temporal server RSS: end / peak', (r) =>
    r.temporalServer ? `${mib(r.temporalServer.rss)} / ${mib(r.temporalServer.peakRss)}` : '–',
  );

  section('Storage');
  row('Temporal persistence: before', (r) => temporalSize(r.sizes.before));
  row('Temporal persistence: after', (r) => temporalSize(r.sizes.after));
  row(
    'application database: before / after',
    (r) => `${mib(r.sizes.before.app.bytes)} / ${mib(r.sizes.after.app.bytes)}`,
  );
  row(
    'per open candidacy: Temporal / application',
    (r) => `${kib(r.perCandidacy.temporalBytes)} / ${kib(r.perCandidacy.appBytes)}`,
  );
  const tableCount = Math.max(0, ...runs.map((r) => r.sizes.after.app.tables.length));
  for (let i = 0; i < tableCount; i++) {
    row(i === 0 ? 'biggest tables: rows, size (of which indexes)' : '', (r) => {
      const t = r.sizes.after.app.tables[i];
      return t ? `${t.name}: ${n(t.rows)} rows, ${mib(t.bytes)} (${mib(t.indexBytes)})` : '';
    });
  }
  row('embedded PostgreSQL data folder (all databases, WAL)', (r) => mib(r.sizes.after.pgDataDirBytes));
  if (runs.some((r) => r.perCandidacy.candidacies !== r.open))
    row('  (per candidacy: started since the baseline, restart samples included)', (r) =>
      n(r.perCandidacy.candidacies),
    );

  if (runs.some((r) => r.restart)) {
    const s = (x: number | null | undefined) =>
      x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x / 1000).toFixed(1)} s`;
    const first = runs.find((r) => r.restart)!.restart!;
    section(
      `Worker restart at size: ${first.sample} candidacies on a ${first.clockS} s clock, the worker stopped ` +
        `(graceful) once they were started, a new one ${first.pauseS} s later or once they were all due`,
    );
    row('sample: clocks started; created in, clocks started in', (r) =>
      r.restart
        ? `${n(r.restart.started)} of ${n(r.restart.sample)}; ${s(r.restart.prepareMs)}, ${s(r.restart.submitMs)}`
        : '–',
    );
    row('old worker stop / no worker for', (r) =>
      r.restart ? `${s(r.restart.stopMs)} / ${s(r.restart.downMs)}` : '–',
    );
    row('new worker: running / first workflow task completed (from its start)', (r) =>
      r.restart ? `${s(r.restart.readyMs)} / ${s(r.restart.firstTaskMs)}` : '–',
    );
    row('clocks due: before the stop / with no worker / after it polled', (r) =>
      r.restart
        ? `${r.restart.due.beforeStop} / ${r.restart.due.whileDown} / ${r.restart.due.afterStart}`
        : '–',
    );
    row(`clocks served (journaled) / missing (target: none)`, (r) =>
      r.restart
        ? `${n(r.restart.served)} / ${n(r.restart.missing)} ${ok(r.targets.restart?.met ?? false)}`
        : '–',
    );
    row('every clock served again: new worker start → last one journaled', (r) =>
      r.restart ? s(r.restart.lastServedMs) : '–',
    );
    row('journaled after due p50/p95/max', (r) => (r.restart ? lat(r.restart.lateness) : '–'));
    row('journaled after max(due, first task) p50/p95/max', (r) =>
      r.restart ? lat(r.restart.afterPolling) : '–',
    );
    row(`late by > ${(first.lateThresholdMs / 1000).toFixed(0)} s after due and a worker polled`, (r) =>
      r.restart ? n(r.restart.late) : '–',
    );
    row('new worker RSS, cached workflows', (r) =>
      r.restart?.workerAfter
        ? `${mib(r.restart.workerAfter.rss)}, ${r.restart.workerAfter.cachedWorkflows ?? '–'}`
        : '–',
    );
  }

  const names = [...new Set(runs.flatMap((r) => r.checkpoints.at(-1)?.routes.map((x) => x.name) ?? []))];
  section(
    `Routes at the final size, ${o.samples} sequential requests each: p50 / p95 / max (target p95 ≤ 100 ms for the API, ≤ 150 ms for the console pages)`,
  );
  for (const name of names) {
    row(name, (r) => {
      const x = r.checkpoints.at(-1)?.routes.find((y) => y.name === name);
      if (!x) return '–';
      return `${lat(x)} ${ok(x.p95 <= (x.targetMs ?? 100) && x.errors === 0)}, total ${x.total === undefined ? '–' : n(x.total)}${x.errors ? `, ${x.errors} errors` : ''}`;
    });
  }
  const steps = Math.max(0, ...runs.map((r) => r.checkpoints.length - 1));
  if (steps > 0) {
    section('Routes at the intermediate sizes: p95 (ms) at each checkpoint, then the final size');
    for (const name of names) {
      row(name, (r) =>
        r.checkpoints
          .map((c) => `${ms(c.routes.find((y) => y.name === name)?.p95 ?? NaN)} @${n(c.open)}`)
          .join(', '),
      );
    }
  }

  if (runs.some((r) => r.readModel)) {
    section(
      `Routes with the read model padded (PostgreSQL rows copied from the candidacies, no workflows): ` +
        `p50 / p95 / max, ${o.samples} requests each`,
    );
    row('read model rows (of which synthetic), padding time', (r) =>
      r.readModel
        ? `${n(r.readModel.rows)} (${n(r.readModel.padded)}), ${(r.readModel.paddingMs / 1000).toFixed(0)} s`
        : '–',
    );
    row('application database after padding', (r) => mib(r.readModel?.appBytes));
    for (const name of names) {
      row(name, (r) => {
        const x = r.readModel?.routes.find((y) => y.name === name);
        if (!x) return '–';
        return `${lat(x)} ${ok(x.p95 <= (x.targetMs ?? 100) && x.errors === 0)}, total ${x.total === undefined ? '–' : n(x.total)}${x.errors ? `, ${x.errors} errors` : ''}`;
      });
    }
  }

  const header: [string, ...string[]] = ['', ...runs.map((r) => `${r.persistence} (${r.temporalAddress})`)];
  const all = [header, ...rows];
  const widths = header.map((_, i) =>
    Math.max(...all.filter((r) => !r[0].startsWith('── ')).map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r[0]!.startsWith('── ')
      ? r[0]!
      : r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
  const errors = runs.flatMap((r) => r.errors.map((e) => `  ${r.persistence}: ${e}`));
  return [line(header), ...rows.map(line), ...(errors.length ? ['', 'Errors:', ...errors] : [])].join('\n');
}
