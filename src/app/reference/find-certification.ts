import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { Refusal } from '../refusal.js';
import { listCertifications, type Certification } from './list-certifications.js';

/**
 * One certification and its blocks, by RNCP code.
 *
 * Refusals: `certification_not_found` (not found).
 */
export async function findCertification(db: Kysely<Database>, rncpCode: string): Promise<Certification> {
  const [found] = await listCertifications(db, [rncpCode]);
  if (!found) throw Refusal.notFound('certification_not_found', `Aucune certification ${rncpCode}.`);
  return found;
}
