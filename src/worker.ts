import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection } from '@temporalio/worker';
import { createSmtpMailer } from './activities/mailer.js';
import { loadConfig } from './config.js';
import { createDb } from './db/connection.js';
import { createLogger } from './logger.js';
import { temporalConnectConfig } from './temporal-connection.js';
import { createVaeWorker } from './worker-factory.js';
import { startTracingFromEnv } from './observability/tracing.js';
import { installWorkerRuntime } from './observability/worker.js';

/** Production worker entry point (`npm run worker`), from the prebuilt workflow bundle. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  if (!config.databaseUrl)
    throw new Error('DATABASE_URL is required to run the worker alone (npm run dev embeds one).');
  const db = createDb({ url: config.databaseUrl, applicationName: 'parcours-vae-worker' });
  const mailer = createSmtpMailer(config.smtpUrl ?? 'smtp://localhost:1025?ignoreTLS=true');
  // WORKER_METRICS_ADDRESS: the SDK's Prometheus endpoint; OTEL_EXPORTER_OTLP_ENDPOINT: traces.
  installWorkerRuntime(config.workerMetricsAddress);
  const tracing = startTracingFromEnv('parcours-vae-worker');
  const { connectionOptions, namespace } = temporalConnectConfig({ address: config.temporalAddress });
  const connection = await NativeConnection.connect(connectionOptions);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const worker = await createVaeWorker({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    db,
    mailer,
    mailFrom: config.mailFrom,
    workflowBundlePath: path.join(here, 'workflow-bundle.js'),
    logger,
  });
  logger.info({ taskQueue: config.taskQueue, namespace }, 'worker started');
  // Worker.run() stops gracefully on SIGINT/SIGTERM (shutdownSignals default).
  await worker.run();
  await connection.close();
  await db.destroy();
  mailer.close();
  await tracing?.shutdown();
  logger.info('worker stopped');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
