import { sql, type Kysely } from 'kysely';
import { refreshStaleCandidacyFacts } from '../candidacy-facts.js';
import type { Database } from '../schema.js';

/**
 * `candidacy_facts`: one summary row per candidacy, the aggregate of its journal that the
 * indicators read (src/db/candidacy-facts.ts), kept by the journal activity. Filled here from the
 * journals written before, in batches of 2,000 candidacies (about 30 s for 100,000).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = (name: string) => sql.raw(`${name} timestamptz`);
  await sql`
    create table candidacy_facts (
      candidacy_id uuid primary key references candidacies(id) on delete cascade,
      through_seq integer not null,
      ${sql.join(
        [
          'identified_at',
          'informed_at',
          'requested_at',
          'decided_at',
          'coach_at',
          'validation_file_at',
          'presented_at',
          'blocks_validated_at',
          'last_at',
          'closed_at',
        ].map(ts),
      )},
      admissible boolean,
      implicit_decision boolean,
      validated_blocks integer not null,
      certification_obtained boolean not null,
      last_outcome text,
      jury_modality text,
      last_phase text,
      last_waiting_on text,
      scope text,
      waiting jsonb not null,
      ${sql.join(
        [
          'r_incomplete',
          'r_inactivity',
          'r_jury',
          'r_warning',
          'r_result',
          'r_escalation',
          't_requested',
          't_accepted',
          't_escalated',
          'jury_missed',
          'phase_handoffs',
        ].map((c) => sql.raw(`${c} integer not null`)),
      )},
      refreshed_at timestamptz not null default now()
    )
  `.execute(db);
  await refreshStaleCandidacyFacts(db as Kysely<Database>);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('candidacy_facts').execute();
}
