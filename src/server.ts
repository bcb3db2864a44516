import { createServer } from 'node:http';
import { loadConfig } from './config.js';
import { createSmtpMailer } from './activities/mailer.js';
import { createApp } from './api/app.js';
import { createDb } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './logger.js';
import { connectTemporalClient } from './temporal-connection.js';
import { startTracingFromEnv } from './observability/tracing.js';

/** Production API entry point (`npm start`). */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api');
  if (!config.databaseUrl)
    throw new Error('DATABASE_URL is required to run the API alone (npm run dev embeds one).');
  const db = createDb({ url: config.databaseUrl, applicationName: 'parcours-vae-api' });
  if (config.migrateOnStart) logger.info({ applied: await migrateToLatest(db) }, 'migrations');
  // Before the Temporal client: its interceptors continue the requests' spans.
  const tracing = startTracingFromEnv('parcours-vae-api');
  const temporal = await connectTemporalClient({ address: config.temporalAddress });
  // The console's login links; the same SMTP_URL default as the worker's.
  const mailer = createSmtpMailer(config.smtpUrl ?? 'smtp://localhost:1025?ignoreTLS=true');
  const server = createServer(
    createApp({
      db,
      temporal,
      taskQueue: config.taskQueue,
      maxHistoryEvents: config.maxHistoryEvents || undefined,
      logger,
      mailer,
      mailFrom: config.mailFrom,
      publicUrl: config.publicUrl,
      oidc: config.oidc,
    }),
  );
  server.listen(config.port, process.env.HOST ?? '0.0.0.0', () =>
    logger.info({ port: config.port }, 'api listening'),
  );

  const stop = () => {
    logger.info('api stopping');
    server.close(async () => {
      await temporal.connection.close();
      mailer.close();
      await db.destroy();
      await tracing?.shutdown();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
