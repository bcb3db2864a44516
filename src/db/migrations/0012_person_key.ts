import { sql, type Kysely } from 'kysely';

/**
 * The same person across candidacies is their e-mail without case (src/db/person.ts): the yearly
 * limit and the acquired blocks find a person's candidate rows by `lower(email)`, which this index
 * serves (the expression must stay the one of `personKey`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index candidates_person_key_idx on candidates (lower(email))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists candidates_person_key_idx`.execute(db);
}
