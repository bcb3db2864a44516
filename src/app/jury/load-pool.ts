import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PoolMember } from '../../domain/jury/types.js';
import { toJuryMember } from './members/member.js';

/**
 * An operator's jury pool as the planner and the plan checker read it (src/domain/jury/types.ts):
 * IDs, codes and numbers only — names and e-mail addresses stay in Postgres. Inactive members
 * are included, flagged `active: false` (a plan that names one is refused by the checker), unless
 * `activeOnly`. With `rncpCodes`, only the members who assess at least one of them (with all
 * their qualifications).
 *
 * A member recorded before the pool had a home département gets '' (no département: every
 * on-site session counts their travel).
 *
 * `booked` counts sessions held or booked per Paris year; it is empty here, and the jury sessions
 * table adds to it.
 */
export async function loadPool(
  db: Kysely<Database>,
  operatorId: string,
  rncpCodes?: readonly string[],
  opts: { activeOnly?: boolean } = {},
): Promise<PoolMember[]> {
  let query = db.selectFrom('jury_members').selectAll().where('operator_id', '=', operatorId);
  if (rncpCodes) {
    if (rncpCodes.length === 0) return [];
    query = query.where(sql<boolean>`rncp_codes && ${sql.val([...rncpCodes])}::text[]`);
  }
  if (opts.activeOnly) query = query.where('active', '=', true);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => {
    const m = toJuryMember(row);
    return {
      id: m.id,
      qualifications: m.qualifications,
      profile: m.profile,
      gender: m.gender,
      ties: m.ties,
      availability: m.availability,
      remote: m.remote,
      homeDepartement: m.homeDepartement ?? '',
      feeCents: m.feeCents,
      travelCents: m.travelCents,
      yearlyCap: m.yearlyCap,
      booked: {},
      active: m.active,
    };
  });
}
