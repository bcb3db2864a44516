import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { Refusal } from '../refusal.js';
import { findCertification } from './find-certification.js';
import type { Certification } from './list-certifications.js';

/** A new certification as the API validated it: codes well formed, blocks of this certification, each once. */
export interface NewCertification {
  rncpCode: string;
  title: string;
  certifierOperatorId: string;
  silenceRule: 'admissible' | 'rejected';
  blocks: { code: string; title: string }[];
}

function certificationExists(code: string): Refusal {
  return Refusal.conflict('certification_exists', `La certification ${code} existe déjà.`, {
    rncpCode: code,
  });
}

/**
 * Adds a certification and its skill blocks to the catalogue projects choose from.
 *
 * Refusals: `unknown_operator` for a certifier that is no known operator (invalid),
 * `certification_exists` when the RNCP code is taken, even by a concurrent request (conflict).
 */
export async function createCertification(
  db: Kysely<Database>,
  input: NewCertification,
): Promise<Certification> {
  const operator = await db
    .selectFrom('operators')
    .select('id')
    .where('id', '=', input.certifierOperatorId)
    .executeTakeFirst();
  if (!operator) {
    throw Refusal.invalidField(
      'body.certifierOperatorId',
      'unknown_operator',
      'Le champ certifierOperatorId (organisme certificateur) ne désigne aucun organisme connu.',
    );
  }
  try {
    await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('certifications')
        .values({
          rncp_code: input.rncpCode,
          title: input.title,
          certifier_operator_id: input.certifierOperatorId,
          silence_rule: input.silenceRule,
        })
        .onConflict((oc) => oc.column('rncp_code').doNothing())
        .returning('rncp_code')
        .executeTakeFirst();
      if (!inserted) throw certificationExists(input.rncpCode);
      await trx
        .insertInto('skill_blocks')
        .values(input.blocks.map((b) => ({ rncp_code: input.rncpCode, block_code: b.code, title: b.title })))
        .execute();
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw certificationExists(input.rncpCode);
    throw err;
  }
  return findCertification(db, input.rncpCode);
}
