import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** A new operator (organisme) with its shared mailbox. */
export async function createOperator(db: Kysely<Database>, input: { name: string; email: string }) {
  const id = randomUUID();
  await db.insertInto('operators').values({ id, name: input.name, email: input.email }).execute();
  return { id, ...input };
}
