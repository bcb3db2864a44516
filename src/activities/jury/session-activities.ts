import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { runAction } from '../../app/candidacies/run-action.js';
import { Refusal } from '../../app/refusal.js';
import { loadBookedSessions, loadWaitingCandidates } from '../../db/jury-planning.js';
import type { ActorRef } from '../../domain/candidacy/rules.js';
import type { Action } from '../../domain/phases.js';
import type { JuryCancellationReason } from '../../domain/reason-codes.js';
import { memberSessionCostCents } from '../../domain/jury/eligibility.js';
import { replacementOptions } from '../../domain/jury/replacement.js';
import { shortageReport } from '../../domain/jury/shortage.js';
import type { Attendance, CandidateResult } from '../../domain/jury/session-state.js';
import type { PlanningInstance, PoolMember, ProposedSession } from '../../domain/jury/types.js';
import { loadPool } from '../../app/jury/load-pool.js';
import { INVITATION_LINK } from '../../signed-links.js';
import type { ActivityDeps } from '../deps.js';
import { emailLog } from '../email.js';
import { renderSessionEmail, type SessionEmailKind } from './session-emails.js';

type Outcome = { candidacyId: string; ok: boolean; code?: string };

/** What the jury-session workflow asks of the outside world (Postgres, SMTP, the candidacies). */
export function sessionActivities(deps: ActivityDeps) {
  const { db } = deps;
  const log = emailLog(deps);

  const temporal = (): Client => {
    if (!deps.temporal) throw ApplicationFailure.nonRetryable('No Temporal client for session activities');
    return deps.temporal;
  };
  const session = (sessionId: string) =>
    db.selectFrom('jury_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  /** The candidacies of a session in these statuses ('reserved', 'enrolled', …). */
  const candidaciesIn = async (sessionId: string, statuses: string[]) =>
    (
      await db
        .selectFrom('jury_session_candidates')
        .select('candidacy_id')
        .where('session_id', '=', sessionId)
        .where('status', 'in', statuses)
        .execute()
    ).map((r) => r.candidacy_id);

  /** One action on each candidacy of the session, as the session's system actor; refusals reported. */
  async function onEach<A extends Action>(
    sessionId: string,
    candidacyIds: string[],
    action: A,
    payloadOf: (candidacyId: string) => Parameters<typeof runAction<A>>[3],
    actor: ActorRef,
  ): Promise<Outcome[]> {
    const rows = candidacyIds.length
      ? await db
          .selectFrom('candidacies')
          .select(['id', 'workflow_id'])
          .where('id', 'in', candidacyIds)
          .execute()
      : [];
    const out: Outcome[] = [];
    for (const row of rows) {
      try {
        // One Update per session, action and candidacy: a retried activity is answered, not applied twice.
        await runAction(
          { temporal: temporal(), db },
          row.workflow_id,
          action,
          payloadOf(row.id),
          actor,
          `jury-session/${sessionId}/${action}/${row.id}`,
        );
        out.push({ candidacyId: row.id, ok: true });
      } catch (err) {
        if (err instanceof Refusal && err.kind === 'conflict')
          out.push({ candidacyId: row.id, ok: false, code: err.code });
        else throw err;
      }
    }
    return out;
  }

  /** The session as a one-session plan over the organiser's pool, for replacements and alerts. */
  async function sessionInstance(sessionId: string) {
    const s = await session(sessionId);
    const seats = await db
      .selectFrom('jury_session_members')
      .selectAll()
      .where('session_id', '=', sessionId)
      .execute();
    const candidacies = await candidaciesIn(sessionId, ['reserved', 'enrolled']);
    const pool = await loadPool(db, s.organiser_operator_id, [s.rncp_code], { activeOnly: true });
    const booked = await loadBookedSessions(
      db,
      pool.map((m) => m.id),
    );
    const members: PoolMember[] = pool.map((m) => ({ ...m, booked: booked.get(m.id) ?? {} }));
    const candidates = await loadWaitingCandidates(db, {
      candidacyIds: candidacies,
    });
    const venue = s.modality === 'on_site' ? { id: 'venue', departement: s.departement ?? '' } : null;
    const instance: PlanningInstance = {
      plannedAt: new Date().toISOString(),
      earliestSessionAt: new Date(0).toISOString(),
      candidates,
      members,
      slots: [{ id: 'slot', startsAt: s.starts_at.toISOString(), endsAt: s.ends_at.toISOString() }],
      venues: venue ? [venue] : [],
      allowRemote: s.modality === 'remote',
      rules: {
        minMembers: 2,
        maxMembers: Math.max(3, seats.length),
        capacity: Math.max(candidates.length, 1),
        minProfessionalShare: 0.25,
        genderPenaltyCents: 0,
      },
    };
    return { s, seats, instance, venue };
  }

  async function sendToMembers(
    sessionId: string,
    seq: number,
    kind: SessionEmailKind,
    memberIds: string[],
    extra: Record<string, string> = {},
  ) {
    const s = await session(sessionId);
    const members = memberIds.length
      ? await db
          .selectFrom('jury_members')
          .select(['id', 'display_name', 'email'])
          .where('id', 'in', memberIds)
          .execute()
      : [];
    const candidates = await db
      .selectFrom('jury_session_candidates as j')
      .innerJoin('candidacies as c', 'c.id', 'j.candidacy_id')
      .innerJoin('candidates as p', 'p.id', 'c.candidate_id')
      .select(['p.first_name', 'p.last_name', 'c.target_blocks'])
      .where('j.session_id', '=', sessionId)
      .where('j.status', '=', 'enrolled')
      .orderBy('p.last_name')
      .execute();
    const cert = await db
      .selectFrom('certifications')
      .select(['title'])
      .where('rncp_code', '=', s.rncp_code)
      .executeTakeFirstOrThrow();
    for (const m of members) {
      const key = `jury-session/${sessionId}/${seq}/${kind}/${m.id}${extra.invitationId ? `/${extra.invitationId}` : ''}`;
      const rendered = renderSessionEmail(kind, {
        recipientName: m.display_name,
        session: s,
        certificationTitle: cert.title,
        candidates: candidates.map((c) => ({
          name: `${c.first_name} ${c.last_name}`,
          blocks: c.target_blocks,
        })),
        ...extra,
      });
      const req = {
        key,
        template: `session.${kind}`,
        recipient: { kind: 'jury_member' },
        candidacyId: null,
        sessionId,
      };
      if ((await log.claim(req, m.email)) === 'claimed') await log.deliver(req, m.email, rendered);
    }
  }

  return {
    async recordSessionEvent(e: {
      sessionId: string;
      seq: number;
      type: string;
      summary: string;
      payload: object;
      status: string;
      actorUserId: string | null;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('jury_session_events')
          .values({
            session_id: e.sessionId,
            seq: e.seq,
            type: e.type,
            summary: e.summary,
            payload: JSON.stringify(e.payload),
            actor_user_id: e.actorUserId,
            occurred_at: new Date(),
          })
          .onConflict((oc) => oc.columns(['session_id', 'seq']).doNothing())
          .execute();
        await trx
          .updateTable('jury_sessions')
          .set({ status: e.status, updated_at: new Date() })
          .where('id', '=', e.sessionId)
          .execute();
      });
    },

    /** Invitation rows, the members' seats and the invitation e-mails with their signed links. */
    async inviteMembers(i: {
      sessionId: string;
      invitations: { invitationId: string; memberId: string; respondBy: string }[];
    }): Promise<void> {
      const { s, venue } = await sessionInstance(i.sessionId);
      const pool = await loadPool(db, s.organiser_operator_id);
      for (const inv of i.invitations) {
        const m = pool.find((p) => p.id === inv.memberId);
        if (!m) throw ApplicationFailure.nonRetryable(`Jury member ${inv.memberId} not in the pool`);
        await db
          .insertInto('jury_invitations')
          .values({
            id: inv.invitationId,
            session_id: i.sessionId,
            member_id: inv.memberId,
            respond_by: new Date(inv.respondBy),
            status: 'pending',
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const cost = memberSessionCostCents(m, s.modality, venue);
        await db
          .insertInto('jury_session_members')
          .values({
            session_id: i.sessionId,
            member_id: inv.memberId,
            status: 'invited',
            president: false,
            fee_cents: m.feeCents,
            travel_cents: cost - m.feeCents,
          })
          .onConflict((oc) =>
            oc
              .columns(['session_id', 'member_id'])
              .doUpdateSet({ status: 'invited', updated_at: new Date() }),
          )
          .execute();
        const token = deps.links?.signer.sign(INVITATION_LINK, inv.invitationId, new Date(inv.respondBy));
        const link = `${deps.links?.publicUrl ?? ''}/jury/invitations/${token ?? ''}`;
        await sendToMembers(i.sessionId, 0, 'invitation', [inv.memberId], {
          invitationId: inv.invitationId,
          link,
          respondBy: inv.respondBy,
        });
      }
    },

    async markInvitation(i: {
      sessionId: string;
      invitationId: string;
      memberId: string;
      status: string;
    }): Promise<void> {
      await db
        .updateTable('jury_invitations')
        .set({ status: i.status, answered_at: new Date() })
        .where('id', '=', i.invitationId)
        .execute();
      const seat = i.status === 'pending' ? 'invited' : i.status;
      await db
        .updateTable('jury_session_members')
        .set({ status: seat, updated_at: new Date() })
        .where('session_id', '=', i.sessionId)
        .where('member_id', '=', i.memberId)
        .execute();
    },

    /** The cheapest member who keeps every rule of the session with the others fixed. */
    async findReplacement(i: {
      sessionId: string;
      leavingMemberId: string;
      excludedMemberIds: string[];
      seatedMemberIds: string[];
      presidentId: string | null;
    }): Promise<{ memberId: string; presidentId: string } | { memberId: null; reason: string }> {
      const { s, instance } = await sessionInstance(i.sessionId);
      const proposed: ProposedSession = {
        key: 'session',
        rncpCode: s.rncp_code,
        slotId: 'slot',
        startsAt: s.starts_at.toISOString(),
        endsAt: s.ends_at.toISOString(),
        modality: s.modality,
        venueId: s.modality === 'on_site' ? 'venue' : null,
        candidacyIds: instance.candidates.map((c) => c.candidacyId),
        memberIds: [...i.seatedMemberIds, i.leavingMemberId],
        presidentId: i.presidentId && i.presidentId !== i.leavingMemberId ? i.presidentId : i.leavingMemberId,
        costCents: 0,
      };
      // The leaving member's own booking of this session is not counted against them any more.
      const options = replacementOptions(
        instance,
        { sessions: [proposed], unplaced: [], totalCostCents: 0 },
        'session',
        i.leavingMemberId,
        i.excludedMemberIds,
      );
      const best = options[0];
      if (!best) {
        return {
          memberId: null,
          reason:
            'Aucun membre du vivier, qualifié, disponible, sans lien avec les candidats et sous son plafond annuel, ne peut prendre ce siège.',
        };
      }
      const president =
        i.presidentId && i.presidentId !== i.leavingMemberId
          ? i.presidentId
          : (i.seatedMemberIds[0] ?? best.memberId);
      await db
        .updateTable('jury_session_members')
        .set({ president: sql<boolean>`member_id = ${president}::uuid` })
        .where('session_id', '=', i.sessionId)
        .execute();
      return { memberId: best.memberId, presidentId: president };
    },

    /** The organiser hears of a seat no one can take, or a jury incomplete at its deadline, with what to do. */
    async alertOrganiser(i: {
      sessionId: string;
      seq: number;
      kind: 'no_replacement' | 'composition_failed';
    }): Promise<void> {
      const { s, instance, seats } = await sessionInstance(i.sessionId);
      const op = await db
        .selectFrom('operators')
        .select(['name', 'email'])
        .where('id', '=', s.organiser_operator_id)
        .executeTakeFirstOrThrow();
      // What is missing with the members still usable (those who declined, lapsed or withdrew
      // left): the shortage report of the session's candidates on its own slot.
      const gone = new Set(
        seats.filter((x) => ['declined', 'expired', 'withdrawn'].includes(x.status)).map((x) => x.member_id),
      );
      const usable = instance.members.filter((m) => !gone.has(m.id));
      const shortages = shortageReport(
        { ...instance, members: usable },
        { sessions: [], unplaced: instance.candidates.map((c) => c.candidacyId), totalCostCents: 0 },
      );
      const rendered = renderSessionEmail(i.kind, {
        recipientName: op.name,
        session: s,
        certificationTitle: s.rncp_code,
        candidates: [],
        poolSize: String(instance.members.length),
        freeMembers: String(usable.filter((m) => !seats.some((x) => x.member_id === m.id)).length),
        remoteCapable: String(usable.filter((m) => m.remote).length),
        shortage: shortages.flatMap((x) => [x.message, ...x.suggestions]),
      });
      const req = {
        key: `jury-session/${i.sessionId}/${i.seq}/${i.kind}`,
        template: `session.${i.kind}`,
        recipient: { kind: 'operator' },
        candidacyId: null,
        sessionId: i.sessionId,
      };
      if ((await log.claim(req, op.email)) === 'claimed') await log.deliver(req, op.email, rendered);
    },

    async enrolCandidacies(i: { sessionId: string; actor: ActorRef }): Promise<Outcome[]> {
      const s = await session(i.sessionId);
      const reserved = await candidaciesIn(i.sessionId, ['reserved']);
      const already = await candidaciesIn(i.sessionId, ['enrolled']);
      const out = await onEach(
        i.sessionId,
        reserved,
        'schedule-jury',
        () => ({
          sessionAt: s.starts_at.toISOString(),
          modality: s.modality,
          place: (s.modality === 'remote' ? s.room_url : s.place) ?? '',
          sessionId: i.sessionId,
        }),
        i.actor,
      );
      for (const o of out) {
        await db
          .updateTable('jury_session_candidates')
          .set({
            status: o.ok ? 'enrolled' : 'refused',
            refusal_code: o.code ?? null,
            updated_at: new Date(),
          })
          .where('session_id', '=', i.sessionId)
          .where('candidacy_id', '=', o.candidacyId)
          .execute();
      }
      return [...already.map((candidacyId) => ({ candidacyId, ok: true })), ...out];
    },

    async releaseCandidacies(i: {
      sessionId: string;
      actor: ActorRef;
      reason: JuryCancellationReason;
    }): Promise<Outcome[]> {
      const enrolled = await candidaciesIn(i.sessionId, ['enrolled']);
      const out = await onEach(
        i.sessionId,
        enrolled,
        'cancel-jury',
        () => ({ reason: i.reason, sessionId: i.sessionId }),
        i.actor,
      );
      await db
        .updateTable('jury_session_candidates')
        .set({ status: 'released', updated_at: new Date() })
        .where('session_id', '=', i.sessionId)
        .where('status', 'in', ['reserved', 'enrolled'])
        .execute();
      return out;
    },

    async forwardResults(i: {
      sessionId: string;
      actor: ActorRef;
      results: CandidateResult[];
    }): Promise<Outcome[]> {
      const byId = new Map(i.results.map((r) => [r.candidacyId, r]));
      const out = await onEach(
        i.sessionId,
        [...byId.keys()],
        'record-jury-result',
        (id) => ({ outcome: byId.get(id)!.outcome, blocks: byId.get(id)!.blocks }),
        i.actor,
      );
      for (const o of out) {
        const r = byId.get(o.candidacyId)!;
        await db
          .updateTable('jury_session_candidates')
          .set({
            status: o.ok ? 'result_recorded' : 'enrolled',
            refusal_code: o.code ?? null,
            outcome: r.outcome,
            attendance: r.outcome === 'absent' ? 'absent' : r.outcome === 'excused' ? 'excused' : 'present',
            validated_blocks: r.blocks.filter((b) => b.validated).map((b) => b.code),
            updated_at: new Date(),
          })
          .where('session_id', '=', i.sessionId)
          .where('candidacy_id', '=', o.candidacyId)
          .execute();
      }
      return out;
    },

    /** Attendance of members and the session's cost: fees and travel of the members who sat. */
    async closeSession(i: {
      sessionId: string;
      memberAttendance: { memberId: string; attendance: Attendance }[];
    }): Promise<{ costCents: number }> {
      for (const m of i.memberAttendance) {
        await db
          .updateTable('jury_session_members')
          .set({ attendance: m.attendance })
          .where('session_id', '=', i.sessionId)
          .where('member_id', '=', m.memberId)
          .execute();
      }
      const seats = await db
        .selectFrom('jury_session_members')
        .selectAll()
        .where('session_id', '=', i.sessionId)
        .where('status', '=', 'accepted')
        .execute();
      // A member marked absent or excused is not paid; one with no attendance given sat.
      const costCents = seats
        .filter((x) => x.attendance === null || x.attendance === 'present')
        .reduce((sum, x) => sum + x.fee_cents + x.travel_cents, 0);
      await db
        .updateTable('jury_sessions')
        .set({ cost_cents: costCents, updated_at: new Date() })
        .where('id', '=', i.sessionId)
        .execute();
      return { costCents };
    },

    /** Convocations of the members who accepted (with their candidates), or the cancellation notice. */
    async notifySession(i: {
      sessionId: string;
      seq: number;
      kind: 'convocation' | 'cancelled';
      memberIds?: string[];
    }): Promise<void> {
      const seats = await db
        .selectFrom('jury_session_members')
        .select(['member_id', 'status'])
        .where('session_id', '=', i.sessionId)
        .execute();
      const to = seats
        .filter((x) => x.status === 'accepted' || (i.kind === 'cancelled' && x.status === 'invited'))
        .map((x) => x.member_id)
        .filter((id) => !i.memberIds || i.memberIds.includes(id));
      await sendToMembers(
        i.sessionId,
        i.seq,
        i.kind === 'convocation' ? 'member_convocation' : 'cancelled',
        to,
      );
    },
  };
}

export type SessionActivities = ReturnType<typeof sessionActivities>;
