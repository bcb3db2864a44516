import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import {
  answerInvitation,
  cancelSession,
  recordResults,
  SESSION_REFUSED,
  sessionQuery,
  withdrawMember,
  type ResultsGrid,
  type SessionView,
} from '../../../workflows/jury-session/contract.js';
import { Refusal } from '../../refusal.js';
import { isDeadlineExceeded, TEMPORAL_DEADLINES, withDeadline } from '../../temporal-deadline.js';
import { assertJuryOrganiser } from './organiser-access.js';

/** A session of the caller's operator (a jury organiser's), or 404. */
export async function loadSession(db: Kysely<Database>, caller: Caller, id: string) {
  const row = await db.selectFrom('jury_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || caller.role !== 'jury_organiser' || row.organiser_operator_id !== caller.operatorId) {
    throw Refusal.notFound(
      'session_not_found',
      'Aucune session de jury de ce numéro parmi celles de votre organisme.',
    );
  }
  return row;
}

/**
 * Runs a session Update within its deadline; its validator's refusal becomes a 409 with its code,
 * and a deadline passed a 503 `action_outcome_unknown` (a worker may still apply it).
 */
async function update<T>(temporal: Client, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(temporal, timeoutMs, run);
  } catch (err) {
    if (
      err instanceof WorkflowUpdateFailedError &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === SESSION_REFUSED
    ) {
      const code =
        (err.cause.details?.[0] as { code?: string } | undefined)?.code ?? 'session_action_refused';
      throw Refusal.conflict(code, err.cause.message);
    }
    if (isDeadlineExceeded(err)) {
      throw Refusal.unavailable(
        'action_outcome_unknown',
        `La session de jury n’a pas répondu dans les ${Math.round(timeoutMs / 1000)} s (moteur de workflows occupé ou arrêté) : l’action peut encore être appliquée. Consultez la session avant de la renvoyer.`,
      );
    }
    throw err;
  }
}

/** A session with its members, candidacies, cost and journal: for its organiser, or the project's certifier. */
export async function getSession(
  db: Kysely<Database>,
  temporal: Client,
  caller: Caller,
  id: string,
  queryTimeoutMs: number = TEMPORAL_DEADLINES.queryMs,
) {
  const row = await loadSessionForResults(db, caller, id);
  const [members, candidacies, events] = await Promise.all([
    db
      .selectFrom('jury_session_members as s')
      .innerJoin('jury_members as m', 'm.id', 's.member_id')
      .select([
        's.member_id',
        'm.display_name',
        's.status',
        's.president',
        's.fee_cents',
        's.travel_cents',
        's.attendance',
      ])
      .where('s.session_id', '=', id)
      .orderBy('m.display_name')
      .execute(),
    db
      .selectFrom('jury_session_candidates')
      .selectAll()
      .where('session_id', '=', id)
      .orderBy('candidacy_id')
      .execute(),
    db
      .selectFrom('jury_session_events')
      .select(['seq', 'type', 'summary', 'payload', 'occurred_at'])
      .where('session_id', '=', id)
      .orderBy('seq')
      .execute(),
  ]);
  // The live state beside the read model: null when the workflow does not answer in time.
  const live: SessionView | null = await withDeadline(temporal, queryTimeoutMs, () =>
    temporal.workflow.getHandle(row.workflow_id).query(sessionQuery),
  ).catch(() => null);
  const validatedBlocks = candidacies.reduce((n, c) => n + c.validated_blocks.length, 0);
  const examined = candidacies.filter(
    (c) => c.outcome && c.outcome !== 'absent' && c.outcome !== 'excused',
  ).length;
  return {
    id: row.id,
    projectId: row.project_id,
    rncpCode: row.rncp_code,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    modality: row.modality,
    place: row.place,
    roomUrl: row.room_url,
    status: row.status,
    workflowId: row.workflow_id,
    members: members.map((m) => ({
      memberId: m.member_id,
      name: m.display_name,
      status: m.status,
      president: m.president,
      feeCents: m.fee_cents,
      travelCents: m.travel_cents,
      attendance: m.attendance,
    })),
    candidacies: candidacies.map((c) => ({
      candidacyId: c.candidacy_id,
      status: c.status,
      refusalCode: c.refusal_code,
      outcome: c.outcome,
      attendance: c.attendance,
      validatedBlocks: c.validated_blocks,
    })),
    cost: {
      totalCents: row.cost_cents,
      perCandidateCents: row.cost_cents !== null && examined ? Math.round(row.cost_cents / examined) : null,
      perValidatedBlockCents:
        row.cost_cents !== null && validatedBlocks ? Math.round(row.cost_cents / validatedBlocks) : null,
      remote: row.modality === 'remote',
    },
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      summary: e.summary,
      payload: e.payload,
      occurredAt: e.occurred_at.toISOString(),
    })),
    live: live && {
      status: live.status,
      compositionDeadlineAt: live.compositionDeadlineAt,
      invitations: live.state.invitations.map(({ memberId, status, respondBy }) => ({
        memberId,
        status,
        respondBy,
      })),
    },
  };
}

export async function cancelJurySession(
  db: Kysely<Database>,
  temporal: Client,
  caller: Caller,
  id: string,
  timeoutMs: number = TEMPORAL_DEADLINES.updateMs,
) {
  const row = await loadSession(db, caller, id);
  return update(temporal, timeoutMs, () =>
    temporal.workflow.getHandle(row.workflow_id).executeUpdate(cancelSession, {
      args: [{ actor: { userId: caller.id, operatorId: caller.operatorId } }],
    }),
  );
}

export async function withdrawSessionMember(
  db: Kysely<Database>,
  temporal: Client,
  caller: Caller,
  id: string,
  memberId: string,
  timeoutMs: number = TEMPORAL_DEADLINES.updateMs,
) {
  const row = await loadSession(db, caller, id);
  return update(temporal, timeoutMs, () =>
    temporal.workflow.getHandle(row.workflow_id).executeUpdate(withdrawMember, {
      args: [{ memberId, actor: { userId: caller.id, operatorId: caller.operatorId } }],
    }),
  );
}

/** The results grid: a certifier of the project's certifier operator, or the organiser. */
export async function recordSessionResults(
  db: Kysely<Database>,
  temporal: Client,
  caller: Caller,
  id: string,
  grid: Omit<ResultsGrid, 'actor'>,
  timeoutMs: number = TEMPORAL_DEADLINES.updateMs,
) {
  const row = await loadSessionForResults(db, caller, id);
  return update(temporal, timeoutMs, () =>
    temporal.workflow.getHandle(row.workflow_id).executeUpdate(recordResults, {
      args: [{ ...grid, actor: { userId: caller.id, operatorId: caller.operatorId } }],
    }),
  );
}

/** A member's answer through the signed link of their invitation (no account). */
export async function answerJuryInvitation(
  db: Kysely<Database>,
  temporal: Client,
  invitationId: string,
  accept: boolean,
  timeoutMs: number = TEMPORAL_DEADLINES.updateMs,
) {
  const inv = await db
    .selectFrom('jury_invitations as i')
    .innerJoin('jury_sessions as s', 's.id', 'i.session_id')
    .select(['s.workflow_id', 'i.session_id'])
    .where('i.id', '=', invitationId)
    .executeTakeFirst();
  if (!inv) throw Refusal.notFound('invitation_not_found', 'Invitation inconnue.');
  return update(temporal, timeoutMs, () =>
    temporal.workflow
      .getHandle(inv.workflow_id)
      .executeUpdate(answerInvitation, { args: [{ invitationId, accept }] }),
  );
}

/** A certifier sees the sessions of the projects where their operator is the certifier. */
async function loadSessionForCertifier(db: Kysely<Database>, caller: Caller, id: string) {
  const row = await db
    .selectFrom('jury_sessions as s')
    .innerJoin('project_operators as po', 'po.project_id', 's.project_id')
    .selectAll('s')
    .where('s.id', '=', id)
    .where('po.operator_id', '=', caller.operatorId)
    .where('po.role', '=', 'certifier')
    .executeTakeFirst();
  if (!row)
    throw Refusal.notFound('session_not_found', 'Aucune session de jury de ce numéro dans vos projets.');
  return row;
}

/**
 * The sessions of the organiser's operator — or, for a certifier, of the projects their operator
 * certifies (they post the results) — soonest first, with filters and paging.
 */
export async function listSessions(
  db: Kysely<Database>,
  caller: Caller,
  q: { status?: string | undefined; rncpCode?: string | undefined; limit: number; offset: number },
) {
  if (caller.role !== 'certifier') assertJuryOrganiser(caller);
  let query =
    caller.role === 'certifier'
      ? db
          .selectFrom('jury_sessions')
          .where('project_id', 'in', (eb) =>
            eb
              .selectFrom('project_operators')
              .select('project_id')
              .where('operator_id', '=', caller.operatorId)
              .where('role', '=', 'certifier'),
          )
      : db.selectFrom('jury_sessions').where('organiser_operator_id', '=', caller.operatorId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.rncpCode) query = query.where('rncp_code', '=', q.rncpCode);
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('starts_at').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      rncpCode: r.rncp_code,
      startsAt: r.starts_at.toISOString(),
      modality: r.modality,
      status: r.status,
      costCents: r.cost_cents,
      workflowId: r.workflow_id,
    })),
  };
}

/** Who may post a session's results: its organiser, or a certifier of the project's certifier. */
export async function loadSessionForResults(db: Kysely<Database>, caller: Caller, id: string) {
  return caller.role === 'certifier' ? loadSessionForCertifier(db, caller, id) : loadSession(db, caller, id);
}
