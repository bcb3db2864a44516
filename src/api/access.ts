import type { Response } from 'express';
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely';
import type { CandidacyRow, Database } from '../db/schema.js';
import { canAct, seesPersonalData, type CandidacyParties, type Caller } from '../domain/access.js';
import type { Action } from '../domain/phases.js';
import type { AuthenticatedUser } from './auth.js';
import { HttpError } from './problem.js';

export function callerOf(user: AuthenticatedUser): Caller {
  return { id: user.id, operatorId: user.operatorId, role: user.role };
}

/** The operators and people who hold a position on a candidacy, from the read model. */
export async function partiesOf(db: Kysely<Database>, row: CandidacyRow): Promise<CandidacyParties> {
  const [project, jury] = await Promise.all([
    db.selectFrom('projects').select('lead_user_id').where('id', '=', row.project_id).executeTakeFirst(),
    db
      .selectFrom('project_operators')
      .select('operator_id')
      .where('project_id', '=', row.project_id)
      .where('role', '=', 'jury_organisation')
      .execute(),
  ]);
  return {
    projectId: row.project_id,
    adviceOperatorId: row.advice_operator_id,
    certifierOperatorId: row.certifier_operator_id,
    coachOperatorId: row.coach_operator_id,
    responsibleOperatorId: row.operator_id,
    transferToOperatorId: row.transfer_to_operator_id,
    juryOperatorIds: jury.map((j) => j.operator_id),
    projectLeadUserId: project?.lead_user_id ?? null,
  };
}

/** Parties known from the row alone (enough to decide on personal data in lists). */
export function rowParties(row: CandidacyRow): CandidacyParties {
  return {
    projectId: row.project_id,
    adviceOperatorId: row.advice_operator_id,
    certifierOperatorId: row.certifier_operator_id,
    coachOperatorId: row.coach_operator_id,
    responsibleOperatorId: row.operator_id,
    transferToOperatorId: row.transfer_to_operator_id,
    juryOperatorIds: [],
    projectLeadUserId: null,
  };
}

/**
 * The projects whose every candidacy the caller sees: those they lead and, for a jury organiser, those
 * their operator organises juries for.
 */
function wholeProjectsQuery(db: Kysely<Database>, user: AuthenticatedUser) {
  const led = db
    .selectFrom('projects')
    .select('projects.id as id')
    .where('projects.lead_user_id', '=', user.id);
  return user.role === 'jury_organiser'
    ? led.union(
        db
          .selectFrom('project_operators')
          .select('project_operators.project_id as id')
          .where('project_operators.operator_id', '=', user.operatorId)
          .where('project_operators.role', '=', 'jury_organisation'),
      )
    : led;
}

async function wholeProjectsOf(db: Kysely<Database>, user: AuthenticatedUser): Promise<string[]> {
  const rows = await wholeProjectsQuery(db, user).execute();
  return rows.map((r) => r.id);
}

/**
 * Restricts a candidacy query to what the caller may see: an administrator everything, a
 * project lead their projects, a jury organiser the projects their operator organises juries
 * for, anyone else the candidacies their operator has or had a role on.
 *
 * The projects are read first, so that a caller who sees no whole project (most callers) gets a plain
 * `EXISTS`, which PostgreSQL runs as a semi-join (a page of a list reads its 50 rows through the
 * indexes); with `EXISTS … OR project_id IN (subquery)` it hashed every candidacy id of the operator
 * on each request instead (35–40 ms at 100,000). The project test comes first in the `OR`, so that the
 * `EXISTS` is not evaluated for the rows it already lets through.
 */
export async function visibleTo<O>(
  db: Kysely<Database>,
  query: SelectQueryBuilder<Database, 'candidacies', O>,
  user: AuthenticatedUser,
): Promise<SelectQueryBuilder<Database, 'candidacies', O>> {
  if (user.role === 'administrator') return query;
  const projects = await wholeProjectsOf(db, user);
  return query.where((eb) => {
    const viaOperator = heldARole(eb, user);
    return projects.length ? eb.or([eb('candidacies.project_id', 'in', projects), viaOperator]) : viaOperator;
  });
}

/** The caller's operator holds, or held, a role on the candidacy. */
function heldARole(eb: ExpressionBuilder<Database, 'candidacies'>, user: AuthenticatedUser) {
  return eb.exists(
    eb
      .selectFrom('candidacy_operators as co')
      .select(sql`1`.as('one'))
      .whereRef('co.candidacy_id', '=', 'candidacies.id')
      .where('co.operator_id', '=', user.operatorId),
  );
}

/** Loads a started candidacy the caller may see: 404 if unknown, 403 if not theirs. */
export async function loadVisibleCandidacy(
  db: Kysely<Database>,
  user: AuthenticatedUser,
  id: string,
): Promise<CandidacyRow> {
  // One query: the row and whether the caller sees it (visibleTo's rule, for one row).
  const found = await db
    .selectFrom('candidacies')
    .selectAll()
    .select((eb) => {
      const visible: Expression<SqlBool> =
        user.role === 'administrator'
          ? sql<SqlBool>`true`
          : eb.or([eb('candidacies.project_id', 'in', wholeProjectsQuery(db, user)), heldARole(eb, user)]);
      return eb.fn.coalesce(visible, sql<SqlBool>`false`).as('visible');
    })
    .where('id', '=', id)
    .where('started', '=', true)
    .executeTakeFirst();
  if (!found) throw new HttpError(404, 'candidacy_not_found', `Aucune candidature ${id}.`);
  const { visible, ...row } = found;
  if (!visible) {
    throw new HttpError(
      403,
      'candidacy_not_visible',
      'Votre organisme n’a, ni n’a eu, aucune mission sur cette candidature.',
    );
  }
  return row;
}

/** 403 with the reason when the caller may not take this action on this candidacy. */
export async function authorizeAction(
  db: Kysely<Database>,
  user: AuthenticatedUser,
  row: CandidacyRow,
  action: Action,
) {
  const decision = canAct(callerOf(user), action, await partiesOf(db, row));
  if (!decision.allowed) throw new HttpError(403, decision.code, decision.reason);
}

export function personalDataAllowed(user: AuthenticatedUser, row: CandidacyRow): boolean {
  return seesPersonalData(callerOf(user), rowParties(row));
}

/** Keeps the row loaded by `authorize` for the handler of the same request. */
export function rememberRow(res: Response, row: CandidacyRow): void {
  res.locals.candidacy = row;
}

export function rememberedRow(res: Response): CandidacyRow {
  const row = res.locals.candidacy as CandidacyRow | undefined;
  if (!row) throw new Error('authorize() did not load the candidacy');
  return row;
}
