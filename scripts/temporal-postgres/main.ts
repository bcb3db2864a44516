/**
 * `npm run temporal:postgres`: the production persistence on one machine. Builds Temporal server 1.29.1
 * and temporal-sql-tool once (go install, cached in ~/.cache/parcours-vae/temporal-server-1.29.1/),
 * creates and migrates the `temporal` and `temporal_visibility` databases on a PostgreSQL, starts the
 * server on loopback, creates the namespace and the search attributes, prints the address and runs
 * until Ctrl-C.
 *
 * PostgreSQL, in order: --pg-url, TEMPORAL_DB_URL, DATABASE_URL's server, else an embedded one kept
 * under $DATA_DIR/temporal-postgres/postgres (.data/ by default).
 *
 *   npm run temporal:postgres                         # embedded PostgreSQL, frontend on 7233 if free
 *   npm run temporal:postgres -- --port 7300          # another frontend port
 *   npm run temporal:postgres -- --smoke              # start, run a workflow and an Update through it, stop
 *   npm run temporal:postgres -- --build-only         # only build the binaries into the cache
 *   TEMPORAL_DB_URL=postgres://postgres@127.0.0.1:5432/postgres npm run temporal:postgres
 *
 * Then, in another terminal: TEMPORAL_ADDRESS=<printed address> npm run dev (or npm run worker / start).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../../src/devstack/embedded-postgres.js';
import { getFreePort, isPortListening } from '../../src/devstack/port-probe.js';
import { ensureTemporalServerBinaries } from './binaries.js';
import { redact, startTemporalOnPostgres } from './server.js';
import { smokeTest } from './smoke.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'pg-url': { type: 'string' },
    'data-dir': { type: 'string' },
    namespace: { type: 'string', default: 'default' },
    smoke: { type: 'boolean', default: false },
    'build-only': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'npm run temporal:postgres -- [--port N] [--pg-url URL] [--data-dir DIR] [--namespace NS] [--smoke] [--build-only]\n',
  );
  process.exit(0);
}

const say = (m: string) => process.stdout.write(m + '\n');
const stops: (() => Promise<void>)[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const stop of stops.reverse())
      await stop().catch((err: Error) => say(`stop failed: ${err.message}`));
  }
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  if (values['build-only']) {
    const b = await ensureTemporalServerBinaries();
    say(`${b.server}\n${b.sqlTool}\n${b.schemaDir}`);
    process.exit(0);
  }
  const dataDir = path.resolve(
    values['data-dir'] ?? path.join(process.env.DATA_DIR || '.data', 'temporal-postgres'),
  );
  mkdirSync(dataDir, { recursive: true });

  let pgUrl = values['pg-url'] || process.env.TEMPORAL_DB_URL || process.env.DATABASE_URL;
  if (!pgUrl) {
    const port = (await isPortListening('127.0.0.1', 55433)) ? await getFreePort() : 55433;
    say(`PostgreSQL embarqué (${path.join(dataDir, 'postgres')}, port ${port})…`);
    const pg = await startEmbeddedPostgres({
      // Benign, expected lines: the server re-creates its system namespace at each start, and
      // stopping PostgreSQL ends the connections the server left open.
      log: (m) => {
        if (!/namespaces_pkey|terminating connection due to administrator command/.test(m)) say(m);
      },
      dataDir: path.join(dataDir, 'postgres'),
      port,
      database: 'postgres',
    });
    stops.push(() => pg.stop());
    pgUrl = pg.url;
  }

  const server = await startTemporalOnPostgres({
    pgUrl,
    port: values.port ? Number(values.port) : undefined,
    runDir: path.join(dataDir, 'run'),
    namespace: values.namespace,
    logLevel: values['log-level'] as 'warn',
  });
  stops.push(() => server.stop());

  if (values.smoke) {
    const result = await smokeTest({ address: server.address, namespace: server.namespace });
    say(result);
    await stopAll(0);
  }

  say('');
  say(`Temporal server (PostgreSQL) prêt : ${server.address}  namespace ${server.namespace}`);
  say(`  PostgreSQL       ${redact(pgUrl)} (bases temporal, temporal_visibility)`);
  say(`  configuration    ${path.join(server.runDir, 'config')}`);
  say(`  journal          ${server.logFile}`);
  say(`  utiliser         TEMPORAL_ADDRESS=${server.address} npm run dev`);
  say('Ctrl-C pour arrêter.');
} catch (err) {
  process.stderr.write(
    `${(err as Error).message}${(err as Error).cause ? `: ${((err as Error).cause as Error).message}` : ''}\n`,
  );
  await stopAll(1);
}
