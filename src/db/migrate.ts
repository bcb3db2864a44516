import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_access.js';
import * as m0003 from './migrations/0003_project_publics.js';
import * as m0004 from './migrations/0004_inbox_index.js';
import * as m0005 from './migrations/0005_candidate_records.js';
import * as m0006 from './migrations/0006_email_failures.js';
import * as m0007 from './migrations/0007_policy_changes.js';
import * as m0008 from './migrations/0008_journal_indicators.js';
import * as m0009 from './migrations/0009_jury_pool.js';
import * as m0010 from './migrations/0010_jury_sessions.js';
import * as m0011 from './migrations/0011_web_sessions.js';
import * as m0012 from './migrations/0012_person_key.js';
import * as m0013 from './migrations/0013_experiment_secrets.js';
import * as m0014 from './migrations/0014_rate_limits.js';
import * as m0015 from './migrations/0015_experiment_allocations.js';
import * as m0016 from './migrations/0016_candidacy_facts.js';
import * as m0017 from './migrations/0017_email_outbox.js';
import * as m0018 from './migrations/0018_email_log_open_status.js';

/** Migrations are listed statically so they run the same from sources (tsx) and from dist/. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_access': m0002,
  '0003_project_publics': m0003,
  '0004_inbox_index': m0004,
  '0005_candidate_records': m0005,
  '0006_email_failures': m0006,
  '0007_policy_changes': m0007,
  '0008_journal_indicators': m0008,
  '0009_jury_pool': m0009,
  '0010_jury_sessions': m0010,
  '0011_web_sessions': m0011,
  '0012_person_key': m0012,
  '0013_experiment_secrets': m0013,
  '0014_rate_limits': m0014,
  '0015_experiment_allocations': m0015,
  '0016_candidacy_facts': m0016,
  '0017_email_outbox': m0017,
  '0018_email_log_open_status': m0018,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider,
    migrationTableName: 'kysely_migration',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
