import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { toJuryMember, type JuryMember } from './member.js';
import { poolOperatorOf } from './pool-access.js';

export interface MemberFilters {
  /** The pool's operator: an administrator names it; a jury organiser's is their own. */
  operatorId?: string | undefined;
  /** Members who assess this certification (all its blocks or some). */
  rncpCode?: string | undefined;
  active?: boolean | undefined;
  remote?: boolean | undefined;
  limit: number;
  offset: number;
}

export interface MemberPage {
  items: JuryMember[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * A page of a pool, by name then id, with the filters given; `total` counts every match (a pool
 * has tens or hundreds of members, not the candidacies' hundred thousand).
 *
 * Refusals: `poolOperatorOf`'s (the operator named as `query.operatorId`).
 */
export async function listMembers(
  db: Kysely<Database>,
  caller: Caller,
  filters: MemberFilters,
): Promise<MemberPage> {
  const operatorId = await poolOperatorOf(db, caller, filters.operatorId, 'query.operatorId');
  let query = db.selectFrom('jury_members').where('operator_id', '=', operatorId);
  if (filters.rncpCode !== undefined) {
    query = query.where(sql<boolean>`rncp_codes @> array[${filters.rncpCode}]::text[]`);
  }
  if (filters.active !== undefined) query = query.where('active', '=', filters.active);
  if (filters.remote !== undefined) query = query.where('remote', '=', filters.remote);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('display_name')
      .orderBy('id')
      .limit(filters.limit)
      .offset(filters.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map(toJuryMember),
    total: Number(count.n),
    limit: filters.limit,
    offset: filters.offset,
  };
}
