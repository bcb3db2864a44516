import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createSmtpMailer } from './activities/mailer.js';
import { createApp } from './api/app.js';
import { createCandidacy } from './app/candidacies/create-candidacy.js';
import { loadConfig } from './config.js';
import { createDb } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemo } from './db/seed.js';
import { DEMO, DEMO_CANDIDACY } from './db/demo-data.js';
import { startEmbeddedPostgres } from './devstack/embedded-postgres.js';
import { startMailCapture } from './devstack/mail-capture.js';
import { startTemporalDevServer } from './devstack/temporal-dev-server.js';
import { createLogger } from './logger.js';
import { connectTemporalClient, temporalConnectConfig } from './temporal-connection.js';
import { createVaeWorker } from './worker-factory.js';
import { getFreePort } from './devstack/port-probe.js';
import { startTracingFromEnv } from './observability/tracing.js';
import { workerTelemetryOptions } from './observability/worker.js';

/**
 * `npm run dev`: the whole stack in one command. Every service whose variable is unset
 * (DATABASE_URL, TEMPORAL_ADDRESS, SMTP_URL) is started embedded, with its data under
 * DATA_DIR (.data/), so a second run keeps the candidacies and their running workflows.
 */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'dev');
  const say = (msg: string) => process.stdout.write(msg + '\n');
  mkdirSync(config.dataDir, { recursive: true });
  const stops: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nArrêt en cours…');
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'stop failed');
      }
    }
    say('Tout est arrêté.');
    process.exit(code);
  };
  // Metrics are on in dev: the worker's (SDK) on a free port, the API's behind a per-run token.
  const workerMetrics = config.workerMetricsAddress ?? `127.0.0.1:${await getFreePort()}`;
  const metricsToken = config.metricsToken ?? randomBytes(24).toString('base64url');
  // Ctrl-C stops everything in order (API, worker, then the services), so the SDK must not
  // stop the worker on its own; its logs stay at warnings.
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(config.logLevel === 'debug' ? 'INFO' : 'WARN'),
    ...workerTelemetryOptions(workerMetrics),
  });
  const tracing = startTracingFromEnv('parcours-vae');
  stops.push(() => tracing?.shutdown());
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    // PostgreSQL
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      say('Démarrage de PostgreSQL embarqué…');
      const pg = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres') });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    const db = createDb({ url: databaseUrl, applicationName: 'parcours-vae-dev' });
    stops.push(() => db.destroy());
    const applied = await migrateToLatest(db);
    if (applied.length) say(`Migrations appliquées : ${applied.join(', ')}`);
    const tokens = await seedDemo(db, { tokensFile: path.join(config.dataDir, 'demo-tokens.json') });

    // SMTP capture
    let smtpUrl = config.smtpUrl;
    let mailUi: string | undefined;
    if (!smtpUrl) {
      const mail = await startMailCapture({ storeDir: path.join(config.dataDir, 'mail') });
      stops.push(() => mail.stop());
      smtpUrl = `${mail.smtpUrl}?ignoreTLS=true`;
      mailUi = mail.webUrl;
    }

    // Temporal
    let temporalAddress = config.temporalAddress;
    let temporalUi: string | undefined;
    if (!temporalAddress) {
      say('Démarrage du serveur Temporal de développement (interface web incluse)…');
      const server = await startTemporalDevServer({
        dbFile: path.join(config.dataDir, 'temporal.db'),
        logFile: path.join(config.dataDir, 'temporal.log'),
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }
    const { connectionOptions, namespace } = temporalConnectConfig({ address: temporalAddress });

    // Worker
    const mailer = createSmtpMailer(smtpUrl);
    stops.push(() => mailer.close());
    const workerConnection = await NativeConnection.connect(connectionOptions);
    const worker = await createVaeWorker({
      connection: workerConnection,
      namespace,
      taskQueue: config.taskQueue,
      db,
      mailer,
      mailFrom: config.mailFrom,
      logger,
    });
    const workerRun = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
      await workerConnection.close();
    });
    workerRun.catch((err) => {
      logger.error({ err }, 'worker failed');
      void stopAll(1);
    });

    // API
    const temporal = await connectTemporalClient({ address: temporalAddress });
    stops.push(() => temporal.connection.close());
    const app = createApp({
      db,
      temporal,
      taskQueue: config.taskQueue,
      maxHistoryEvents: config.maxHistoryEvents || undefined,
      logger: createLogger(config.logLevel, 'api'),
      mailer,
      mailFrom: config.mailFrom,
      publicUrl: config.publicUrl,
      oidc: config.oidc,
      temporalUiUrl: config.temporalUiUrl ?? temporalUi,
      metricsToken,
    });
    const http = createServer(app);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, resolve);
    });
    stops.push(() => new Promise<void>((resolve) => http.close(() => resolve())));

    // The demo candidacy goes through the real creation path; its key makes reruns a no-op.
    const demo = await createCandidacy(
      { db, temporal, taskQueue: config.taskQueue },
      { id: DEMO.users[0]!.id, operatorId: DEMO.operators[1].id },
      DEMO_CANDIDACY,
      'demo-seed-candidacy-1',
    );

    const apiUrl = `http://localhost:${config.port}`;
    say('');
    say('Parcours VAE est prêt.');
    say(`  Console (navigateur) ${apiUrl}/`);
    say(`  API                 ${apiUrl}/api   (référence : ${apiUrl}/api/docs)`);
    say(`  Temporal Web UI     ${temporalUi ?? '(serveur Temporal configuré : ' + temporalAddress + ')'}`);
    say(`  Boîte mail (dév.)   ${mailUi ?? '(SMTP configuré : ' + smtpUrl + ')'}`);
    say(`  PostgreSQL          ${redactUrl(databaseUrl)}`);
    say(`  Métriques API       ${apiUrl}/metrics  (en-tête « Authorization: Bearer ${metricsToken} »)`);
    say(`  Métriques worker    http://${workerMetrics.replace(/^0\.0\.0\.0:/, 'localhost:')}/metrics`);
    if (tracing) say('  Traces              exportées en OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT)');
    say(
      `  Candidature démo    ${apiUrl}/api/candidacies/${demo.candidacyId}  (workflow candidacy-${demo.candidacyId})`,
    );
    say('');
    say('Console : se connecter avec l’adresse d’un utilisateur de démonstration ; le lien de connexion');
    say(`arrive dans la boîte mail de développement (${mailUi ?? 'SMTP configuré'}) :`);
    for (const u of DEMO.users) say(`  ${u.role.padEnd(16)} ${u.email}`);
    if (config.oidc) {
      say(
        `Connexion OpenID Connect : ${config.oidc.issuer} (retour : ${config.publicUrl.replace(/\/+$/, '')}/connexion/oidc/retour)`,
      );
    }
    say('');
    say('Jetons d’API de démonstration (en-tête « Authorization: Bearer <jeton> ») :');
    for (const [role, token] of Object.entries(tokens)) say(`  ${role.padEnd(16)} ${token}`);
    say('');
    say('Exemple : créer une candidature de démonstration');
    say(
      `  curl -s -X POST ${apiUrl}/api/candidacies -H "Authorization: Bearer ${tokens.advisor}" -H "Content-Type: application/json" \\\n` +
        `    -d @scripts/demo-candidacy.json`,
    );
    say('');
    say('Ctrl-C pour tout arrêter.');
  } catch (err) {
    logger.error({ err }, 'dev stack failed to start');
    await stopAll(1);
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

void main();
