import { loadConfig } from './config.js';
import { createDb } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';

/** `npm run migrate` (sources) / `npm run migrate:prod` (dist): applies pending migrations to DATABASE_URL. */
const config = loadConfig();
if (!config.databaseUrl) {
  console.error('DATABASE_URL is required.');
  process.exit(1);
}
const db = createDb({ url: config.databaseUrl, applicationName: 'parcours-vae-migrate' });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
} finally {
  await db.destroy();
}
