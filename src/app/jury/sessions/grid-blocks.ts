import type { Kysely } from 'kysely';
import { loadWaitingCandidates } from '../../../db/jury-planning.js';
import type { Database } from '../../../db/schema.js';

/**
 * The blocks each convened candidacy presents to the jury (targeted, not acquired): the rows of
 * a session's results grid, by candidacy ID.
 */
export async function blocksPresented(
  db: Kysely<Database>,
  candidacyIds: string[],
): Promise<Map<string, string[]>> {
  const candidates = await loadWaitingCandidates(db, { candidacyIds });
  return new Map(candidates.map((c) => [c.candidacyId, c.blockCodes]));
}
