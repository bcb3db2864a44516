import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { subtractDuration } from '../../../domain/duration.js';
import { checkPlan, hardViolations } from '../../../domain/jury/check-plan.js';
import { memberSessionCostCents } from '../../../domain/jury/eligibility.js';
import type { Plan, ProposedSession, SessionModality } from '../../../domain/jury/types.js';
import { jurySession } from '../../../workflows/jury-session/workflow.js';
import { jurySessionWorkflowId, type JurySessionInput } from '../../../workflows/jury-session/contract.js';
import { Refusal } from '../../refusal.js';
import { TEMPORAL_DEADLINES, withDeadline } from '../../temporal-deadline.js';
import { assertOrganisesJuries } from './organiser-access.js';
import { buildInstance } from './plan-sessions.js';

export interface CreateSessionRequest {
  projectId: string;
  /** From a proposal of the planner… */
  planId?: string | undefined;
  sessionKey?: string | undefined;
  /** …or by hand. */
  session?:
    | {
        rncpCode: string;
        startsAt: string;
        endsAt: string;
        modality: SessionModality;
        candidacyIds: string[];
        memberIds: string[];
        presidentId: string;
      }
    | undefined;
  place?: string | undefined;
  departement?: string | undefined;
  roomUrl?: string | undefined;
}

const VENUE = 'venue';

/**
 * A session from a proposal, or composed by hand: checked again by the independent checker
 * against the pool and the candidacies as they are now, written with its members and candidacies
 * (reserved), then its `jury-session` workflow is started, which invites the members.
 */
export async function createSession(
  deps: {
    db: Kysely<Database>;
    temporal: Client;
    taskQueue: string;
    /** JURY_ROOM_URL_TEMPLATE: a virtual room per session, `{sessionId}` replaced by its ID. */
    roomUrlTemplate?: string | undefined;
  },
  caller: Caller,
  req: CreateSessionRequest,
) {
  const { db } = deps;
  const policy = await assertOrganisesJuries(db, caller, req.projectId);
  let planDepartement: string | undefined;
  let proposed: Omit<ProposedSession, 'key' | 'slotId' | 'venueId' | 'costCents'>;
  if (req.planId) {
    const plan = await db
      .selectFrom('jury_plans')
      .selectAll()
      .where('id', '=', req.planId)
      .where('organiser_operator_id', '=', caller.operatorId)
      .executeTakeFirst();
    if (!plan) throw Refusal.notFound('plan_not_found', 'Proposition de planification inconnue.');
    const found = (plan.plan as Plan).sessions.find((s) => s.key === req.sessionKey);
    if (!found)
      throw Refusal.invalidField(
        'body.sessionKey',
        'unknown_session',
        'Cette session ne figure pas dans la proposition.',
      );
    proposed = found;
    // The place's département is the proposal's venue's, unless the organiser names another.
    const venues = (plan.summary as { venues?: { id: string; departement: string }[] }).venues ?? [];
    planDepartement = venues.find((v) => v.id === found.venueId)?.departement;
  } else if (req.session) {
    proposed = req.session;
    if (Date.parse(proposed.endsAt) <= Date.parse(proposed.startsAt)) {
      throw Refusal.invalidField(
        'body.session.endsAt',
        'ends_before_start',
        'La session doit finir après son début.',
      );
    }
  } else {
    throw Refusal.invalidField(
      'body',
      'session_required',
      'Indiquez une proposition (planId et sessionKey) ou une session composée à la main.',
    );
  }
  if (proposed.modality === 'on_site' && !req.place) {
    throw Refusal.invalidField('body.place', 'place_required', 'Une session sur place a besoin d’un lieu.');
  }
  // A remote session without a link gets one from the configured template, if any.
  const roomUrl =
    req.roomUrl ?? (deps.roomUrlTemplate ? deps.roomUrlTemplate.replaceAll('{sessionId}', '') : undefined);
  if (proposed.modality === 'remote' && !roomUrl) {
    throw Refusal.invalidField(
      'body.roomUrl',
      'room_required',
      'Une session à distance a besoin du lien de sa salle virtuelle.',
    );
  }

  if (req.planId) {
    const made = await db
      .selectFrom('jury_sessions')
      .select('id')
      .where('plan_id', '=', req.planId)
      .where('plan_session_key', '=', req.sessionKey ?? '')
      .executeTakeFirst();
    if (made) {
      throw Refusal.conflict('session_already_created', 'Cette proposition a déjà donné une session.', {
        sessionId: made.id,
      });
    }
  }
  const held = await db
    .selectFrom('jury_session_candidates')
    .select(['candidacy_id', 'session_id'])
    .where('candidacy_id', 'in', proposed.candidacyIds)
    .where('status', 'in', ['reserved', 'enrolled'])
    .execute();
  if (held.length) {
    throw Refusal.conflict(
      'candidacy_in_another_session',
      `${held.length} candidature(s) sont déjà retenues pour une autre session : annulez-la ou choisissez d’autres candidatures.`,
      { candidacies: held.map((h) => ({ candidacyId: h.candidacy_id, sessionId: h.session_id })) },
    );
  }
  // The rules again, on the data of now (a member may have been deactivated since the proposal).
  const instance = await buildInstance(db, caller, {
    projectId: req.projectId,
    rncpCode: proposed.rncpCode,
    horizonDays: 0,
    allowRemote: true,
    venues: [],
  });
  const departement = req.departement ?? planDepartement;
  const venue = { id: VENUE, departement: departement ?? '' };
  instance.venues = proposed.modality === 'on_site' ? [venue] : [];
  instance.slots = [{ id: 'slot', startsAt: proposed.startsAt, endsAt: proposed.endsAt }];
  instance.allowRemote = proposed.modality === 'remote';
  const members = new Map(instance.members.map((m) => [m.id, m]));
  const costCents = proposed.memberIds.reduce((sum, id) => {
    const m = members.get(id);
    return m ? sum + memberSessionCostCents(m, proposed.modality, instance.venues[0] ?? null) : sum;
  }, 0);
  const session: ProposedSession = {
    ...proposed,
    key: 'session',
    slotId: 'slot',
    venueId: proposed.modality === 'on_site' ? VENUE : null,
    costCents,
  };
  instance.rules = {
    ...instance.rules,
    maxMembers: Math.max(instance.rules.maxMembers, session.memberIds.length),
    capacity: Math.max(instance.rules.capacity, session.candidacyIds.length),
  };
  const broken = hardViolations(
    checkPlan(instance, { sessions: [session], unplaced: [], totalCostCents: costCents }),
  );
  if (broken.length) {
    throw Refusal.conflict(
      'session_breaks_rules',
      `La session ne respecte pas ${broken.length} règle(s) de composition : ${broken.map((v) => v.message).join(' ')}`,
      {
        violations: broken.map(({ rule, message, memberId, candidacyId }) => ({
          rule,
          message,
          memberId,
          candidacyId,
        })),
      },
    );
  }

  const id = randomUUID();
  const workflowId = jurySessionWorkflowId(id);
  const startsAt = new Date(session.startsAt);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('jury_sessions')
      .values({
        id,
        project_id: req.projectId,
        organiser_operator_id: caller.operatorId,
        plan_id: req.planId ?? null,
        plan_session_key: req.planId ? (req.sessionKey ?? null) : null,
        rncp_code: session.rncpCode,
        starts_at: startsAt,
        ends_at: new Date(session.endsAt),
        modality: session.modality,
        place: session.modality === 'on_site' ? (req.place ?? null) : null,
        departement: session.modality === 'on_site' ? (departement ?? null) : null,
        room_url:
          session.modality === 'remote'
            ? (req.roomUrl ?? deps.roomUrlTemplate?.replaceAll('{sessionId}', id) ?? null)
            : null,
        status: 'composing',
        workflow_id: workflowId,
        created_by_user_id: caller.id,
      })
      .execute()
      .catch((err: { code?: string }) => {
        if (err.code === '23505')
          throw Refusal.conflict('session_already_created', 'Cette proposition a déjà donné une session.');
        throw err;
      });
    await trx
      .insertInto('jury_session_candidates')
      .values(
        session.candidacyIds.map((candidacy_id) => ({ session_id: id, candidacy_id, status: 'reserved' })),
      )
      .execute()
      .catch((err: { code?: string }) => {
        if (err.code === '23505')
          throw Refusal.conflict(
            'candidacy_in_another_session',
            'Une des candidatures est déjà retenue pour une autre session.',
          );
        throw err;
      });
    await trx
      .insertInto('jury_session_members')
      .values(
        session.memberIds.map((member_id) => {
          const m = members.get(member_id)!;
          const cost = memberSessionCostCents(m, session.modality, instance.venues[0] ?? null);
          return {
            session_id: id,
            member_id,
            status: 'invited',
            president: member_id === session.presidentId,
            fee_cents: m.feeCents,
            travel_cents: cost - m.feeCents,
          };
        }),
      )
      .execute();
  });

  const input: JurySessionInput = {
    sessionId: id,
    projectId: req.projectId,
    organiserOperatorId: caller.operatorId,
    rncpCode: session.rncpCode,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    modality: session.modality,
    memberIds: session.memberIds,
    presidentId: session.presidentId,
    candidacyIds: session.candidacyIds,
    invitationResponseDelay: policy.juryInvitationResponseDelay,
    compositionDeadlineAt: subtractDuration(startsAt, policy.convocationLeadTime).toISOString(),
    createdBy: { userId: caller.id, operatorId: caller.operatorId },
  };
  try {
    await withDeadline(deps.temporal, TEMPORAL_DEADLINES.startMs, () =>
      deps.temporal.workflow.start(jurySession, {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Session de jury ${session.rncpCode}`,
      }),
    );
  } catch (err) {
    // Not started (Temporal unavailable): nothing is left half-made, the candidacies are free again.
    await db.deleteFrom('jury_sessions').where('id', '=', id).execute();
    throw err;
  }
  return { id, workflowId, costCents, compositionDeadlineAt: input.compositionDeadlineAt };
}
