import { sql, type Kysely } from 'kysely';
import type { CandidacyRow, Database } from '../../db/schema.js';
import type { Phase } from '../../domain/phases.js';
import { OPERATOR_ROLES } from '../../domain/roles.js';

/**
 * The inbox of an operator: the started candidacies on which it must act now (`waiting_on` is one of
 * its roles), nearest deadline first, with counts per phase. Read by `GET /api/inbox` and the
 * console's home page.
 */

/** The `waiting_on` values that mean « this operator must act », one per role it may hold. */
export function inboxKeys(operatorId: string): string[] {
  return OPERATOR_ROLES.map((role) => `${role}:${operatorId}`);
}

export interface InboxFilters {
  /** Only the candidacies in this phase. */
  phase?: Phase | undefined;
  /** Only those whose next deadline has passed. */
  overdue?: boolean | undefined;
}

export interface InboxCount {
  phase: Phase;
  /** Candidacies of the inbox in this phase. */
  n: number;
  /** Of them, those whose next deadline has passed. */
  overdue: number;
}

export interface Inbox {
  /** One page, in inbox order, each flagged overdue or not. */
  rows: (CandidacyRow & { overdue: boolean })[];
  /** Per phase, over the whole inbox (filters apply to the rows only). */
  counts: InboxCount[];
  /** The whole inbox. */
  total: number;
  overdue: number;
  /** Candidacies matching the filters (for paging). */
  matching: number;
}

/** The inbox of `operatorId`: one page of rows (filtered) and the counts of the whole inbox. */
export async function readInbox(
  db: Kysely<Database>,
  operatorId: string,
  page: { limit: number; offset: number },
  filters: InboxFilters = {},
): Promise<Inbox> {
  const keys = inboxKeys(operatorId);
  const [rows, grouped] = await Promise.all([
    inboxPage(db, keys, page.limit, page.offset, filters),
    db
      .selectFrom('candidacies')
      .where('started', '=', true)
      .where('waiting_on', 'in', keys)
      .select((eb) => [
        'phase',
        eb.fn.countAll<string>().as('n'),
        sql<string>`count(*) filter (where next_deadline < now())`.as('overdue'),
      ])
      .groupBy('phase')
      .execute(),
  ]);
  const counts = grouped.map((c) => ({ phase: c.phase, n: Number(c.n), overdue: Number(c.overdue) }));
  const now = Date.now();
  const inScope = counts.filter((c) => !filters.phase || c.phase === filters.phase);
  return {
    rows: rows.map((r) => ({ ...r, overdue: r.next_deadline !== null && r.next_deadline.getTime() < now })),
    counts,
    total: counts.reduce((n, c) => n + c.n, 0),
    overdue: counts.reduce((n, c) => n + c.overdue, 0),
    matching: inScope.reduce((n, c) => n + (filters.overdue ? c.overdue : c.n), 0),
  };
}

/**
 * One page of the inbox: the started candidacies waiting on one of `keys`, by next deadline (none
 * last), then creation date, then id. No index gives that order across an `IN` list (a sequential scan
 * and a sort of the whole inbox: 70–100 ms at 95,000 candidacies), so each key takes its first
 * `offset + limit` rows in the order of `candidacies_inbox_idx` (waiting_on, next_deadline, created_at),
 * and the union is merged, then paged: the same rows in the same order, reading `offset + limit` rows a
 * key instead of the whole inbox. The id ends the order so that ties (left to chance before) page stably.
 * Filters (phase, overdue) apply inside each key's query, so the index order still serves them.
 */
export function inboxPage(
  db: Kysely<Database>,
  keys: string[],
  limit: number,
  offset: number,
  filters: InboxFilters = {},
): Promise<CandidacyRow[]> {
  const perKey = keys.map((key, i) => {
    let q = db
      .selectFrom('candidacies')
      .selectAll()
      .where('started', '=', true)
      .where('waiting_on', '=', key);
    if (filters.phase) q = q.where('phase', '=', filters.phase);
    if (filters.overdue) q = q.where(sql<boolean>`next_deadline < now()`);
    return db
      .selectFrom(
        q
          .orderBy(sql`next_deadline asc nulls last`)
          .orderBy('created_at')
          .orderBy('id')
          .limit(offset + limit)
          .as(`k${i}`),
      )
      .selectAll();
  });
  const [first, ...rest] = perKey;
  if (!first) return Promise.resolve([]);
  const union = rest.reduce((all, q) => all.unionAll(q), first);
  return db
    .selectFrom(union.as('inbox'))
    .selectAll()
    .orderBy(sql`next_deadline asc nulls last`)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}
