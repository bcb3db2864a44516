/**
 * A process of the benchmarked stack, spawned by scripts/bench/stack.ts with its settings in
 * BENCH_CHILD (JSON): `api` (the express app on a port), `worker` (the project's worker, made by
 * createVaeWorker), `bare-worker` (the no-op workflows of the baseline, their own bundle and task
 * queue) or `mail` (the SMTP capture). It answers memory requests over IPC and stops on request.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createSmtpMailer } from '../../src/activities/mailer.js';
import { createApp } from '../../src/api/app.js';
import { createDb } from '../../src/db/connection.js';
import { startMailCapture } from '../../src/devstack/mail-capture.js';
import { createLogger } from '../../src/logger.js';
import { connectTemporalClient } from '../../src/temporal-connection.js';
import { createVaeWorker, type VaeWorker } from '../../src/worker-factory.js';
import { workerTelemetryOptions } from '../../src/observability/worker.js';
import { benchActivities } from './noop-activities.js';

export type ChildRole = 'api' | 'worker' | 'bare-worker' | 'mail';

export interface ChildSettings {
  role: ChildRole;
  temporalAddress?: string;
  namespace?: string;
  taskQueue?: string;
  databaseUrl?: string;
  dbPool?: number;
  smtpUrl?: string;
  workflowBundlePath?: string;
  apiLogLevel?: string;
  /** Serves the SDK's Prometheus metrics (worker roles) on 127.0.0.1:<port>. */
  metricsPort?: number;
  workerTuning?: Partial<
    Pick<
      WorkerOptions,
      'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'
    >
  >;
}

export type ParentMessage = { type: 'mem'; id: number; gc: boolean; resetLoop?: boolean } | { type: 'stop' };

export interface MemReport {
  rss: number;
  heapUsed: number;
  external: number;
  peakRss: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Event loop delay since the last reset (ms): how long ready work waited for the main thread. */
  loopDelay: { p50: number; p99: number; max: number };
  cachedWorkflows?: number;
  inFlightActivities?: number;
  inFlightActivations?: number;
  outstandingActivityPoll?: boolean;
  outstandingWorkflowPoll?: boolean;
}

export type ChildMessage =
  | { type: 'ready'; info: Record<string, string | number> }
  | { type: 'mem'; id: number; report: MemReport }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

const settings = JSON.parse(process.env.BENCH_CHILD ?? '{}') as ChildSettings;
const send = (m: ChildMessage) => process.send?.(m);

let peakRss = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 250);
sampler.unref();

async function main(): Promise<void> {
  const stops: (() => Promise<void> | void)[] = [];
  let worker: Worker | VaeWorker | undefined;
  let info: Record<string, string | number> = {};

  if (settings.role === 'worker' || settings.role === 'bare-worker') {
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger('WARN'),
      ...workerTelemetryOptions(settings.metricsPort ? `127.0.0.1:${settings.metricsPort}` : undefined),
    });
    const connection = await NativeConnection.connect({ address: settings.temporalAddress! });
    stops.push(() => connection.close());
    if (settings.role === 'worker') {
      const db = createDb({
        url: settings.databaseUrl!,
        maxConnections: settings.dbPool,
        applicationName: 'bench-worker',
      });
      stops.push(() => db.destroy());
      const mailer = createSmtpMailer(settings.smtpUrl!);
      stops.push(() => mailer.close());
      worker = await createVaeWorker({
        connection,
        namespace: settings.namespace!,
        taskQueue: settings.taskQueue!,
        db,
        mailer,
        mailFrom: 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
        workflowBundlePath: settings.workflowBundlePath,
        tuning: settings.workerTuning,
      });
    } else {
      worker = await Worker.create({
        connection,
        namespace: settings.namespace!,
        taskQueue: settings.taskQueue!,
        workflowBundle: { codePath: settings.workflowBundlePath! },
        activities: benchActivities(),
        ...settings.workerTuning,
      });
    }
    const w = worker;
    const run = w.run();
    run.catch((err: Error) => {
      send({ type: 'failed', error: `worker failed: ${err.message}` });
      process.exit(1);
    });
    stops.unshift(async () => {
      if (w.getState() === 'RUNNING') w.shutdown();
      await run.catch(() => undefined);
    });
  } else if (settings.role === 'api') {
    const db = createDb({
      url: settings.databaseUrl!,
      maxConnections: settings.dbPool,
      applicationName: 'bench-api',
    });
    stops.push(() => db.destroy());
    const temporal = await connectTemporalClient({
      address: settings.temporalAddress,
      namespace: settings.namespace,
    });
    stops.push(() => temporal.connection.close());
    const app = createApp({
      db,
      temporal,
      taskQueue: settings.taskQueue!,
      logger: createLogger(settings.apiLogLevel ?? 'info', 'api'),
    });
    const server = createServer(app);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    info = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  } else if (settings.role === 'mail') {
    const mail = await startMailCapture({ smtpPort: 0, httpPort: 0, log: () => undefined });
    stops.push(() => mail.stop());
    info = { smtpUrl: `${mail.smtpUrl}?ignoreTLS=true`, webUrl: mail.webUrl };
    // The capture keeps every message in memory: drop them as they come (only their count matters).
    setInterval(() => mail.clear(), 5_000).unref();
  } else {
    throw new Error(`unknown role ${String(settings.role)}`);
  }

  process.on('message', (m: ParentMessage) => {
    if (m.type === 'mem') {
      if (m.gc && typeof global.gc === 'function') global.gc();
      const reset = m.resetLoop;
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      peakRss = Math.max(peakRss, mem.rss);
      send({
        type: 'mem',
        id: m.id,
        report: {
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          external: mem.external,
          peakRss,
          cpuUserMs: cpu.user / 1000,
          cpuSystemMs: cpu.system / 1000,
          loopDelay: {
            p50: Math.round(loop.percentile(50) / 1e4) / 100,
            p99: Math.round(loop.percentile(99) / 1e4) / 100,
            max: Math.round(loop.max / 1e4) / 100,
          },
          ...(worker ? workerStatus(worker) : {}),
        },
      });
      if (reset) loop.reset();
    } else if (m.type === 'stop') {
      void (async () => {
        for (const stop of stops) await Promise.resolve(stop()).catch(() => undefined);
        send({ type: 'stopped' });
        process.exit(0);
      })();
    }
  });
  // The parent died: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', info });
}

function workerStatus(worker: Worker | VaeWorker): Partial<MemReport> {
  const s = worker.getStatus();
  return {
    cachedWorkflows: s.numCachedWorkflows,
    inFlightActivities: s.numInFlightActivities,
    inFlightActivations: s.numInFlightWorkflowActivations,
    outstandingActivityPoll: s.hasOutstandingActivityPoll,
    outstandingWorkflowPoll: s.hasOutstandingWorkflowPoll,
  };
}

main().catch((err: Error) => {
  send({ type: 'failed', error: err.stack ?? err.message });
  process.exit(1);
});
