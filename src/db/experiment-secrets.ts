import { randomBytes } from 'node:crypto';
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** Migration 0013: a project's experiment secrets (never shown by a route). */
export interface ExperimentSecretsTable {
  project_id: string;
  /** Seed of the stratified permuted-block sequence (src/domain/experiment). */
  allocation_seed: string;
  /** Key of the keyed hash that gives each candidacy its pseudonym in the evaluators' export. */
  pseudonym_key: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface ExperimentSecrets {
  allocationSeed: string;
  pseudonymKey: string;
}

/** A project's secrets, created at first use (256 random bits each); concurrent first uses agree. */
export async function projectSecrets(
  db: Kysely<Database> | Transaction<Database>,
  projectId: string,
): Promise<ExperimentSecrets> {
  await db
    .insertInto('experiment_secrets')
    .values({
      project_id: projectId,
      allocation_seed: randomBytes(32).toString('base64url'),
      pseudonym_key: randomBytes(32).toString('base64url'),
    })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('experiment_secrets')
    .select(['allocation_seed', 'pseudonym_key'])
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { allocationSeed: row.allocation_seed, pseudonymKey: row.pseudonym_key };
}
