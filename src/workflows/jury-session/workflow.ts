import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { SessionActivities } from '../../activities/jury/session-activities.js';
import type { ActorRef } from '../../domain/candidacy/rules.js';
import { formatDayTimeFr } from '../../domain/paris-time.js';
import {
  acceptedMembers,
  invitationRespondBy,
  isComposed,
  lapsedInvitations,
  nextSessionClock,
  seatedMembers,
  SESSION_STATUS_LABELS,
  type Invitation,
  type SessionState,
  type SessionStatus,
} from '../../domain/jury/session-state.js';
import {
  CertificationCode,
  JuryModality,
  JurySessionAt,
  JurySessionStatus,
  OperatorId,
  ProjectId,
} from '../search-attributes.js';
import {
  answerInvitation,
  cancelSession,
  recordResults,
  SESSION_REFUSED,
  sessionQuery,
  withdrawMember,
  type JurySessionInput,
  type ResultsGrid,
  type SessionView,
} from './contract.js';

const act = proxyActivities<SessionActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function refused(code: string, message: string): never {
  throw ApplicationFailure.create({
    type: SESSION_REFUSED,
    message,
    details: [{ code }],
    nonRetryable: true,
  });
}

/**
 * One jury session, from the invitations of its members to the results of its candidates
 * (DOMAIN.md, Jury). Its clocks: each invitation's answer time (then the best replacement is
 * invited), the composition deadline (the convocation lead time before the start; the organiser is
 * alerted with proposals), the start (held, or cancelled if it was never composed). Members and
 * candidates are IDs only; activities read names and addresses.
 */
/** Why a seat is to be filled again, as the session's journal says it. */
const LEAVING_REASONS_FR = {
  declined: 'invitation refusée',
  expired: 'sans réponse dans le délai',
  withdrawn: 'désistement',
} as const;

export async function jurySession(input: JurySessionInput): Promise<SessionView> {
  const s: SessionState = {
    status: 'composing',
    seats: input.memberIds.length,
    presidentId: input.presidentId,
    invitations: [],
    vacancies: 0,
    escalated: false,
    enrolled: [],
    refused: [],
    results: [],
    memberAttendance: [],
    costCents: null,
    cancelReason: null,
    seq: 0,
  };
  const timing = { compositionDeadlineAt: input.compositionDeadlineAt, startsAt: input.startsAt };
  const view = (): SessionView => ({
    sessionId: input.sessionId,
    status: s.status,
    state: s,
    startsAt: input.startsAt,
    compositionDeadlineAt: input.compositionDeadlineAt,
  });
  // Work asked by Updates, done by the main loop in order; an Update waits for its own item.
  const queue: { run: () => Promise<void>; done: boolean }[] = [];
  const enqueue = async (run: () => Promise<void>) => {
    const item = { run, done: false };
    queue.push(item);
    await condition(() => item.done);
    return view();
  };

  const publish = () => {
    upsertSearchAttributes([
      { key: JurySessionStatus, value: s.status },
      { key: JurySessionAt, value: new Date(input.startsAt) },
      { key: CertificationCode, value: input.rncpCode },
      { key: JuryModality, value: input.modality },
      { key: ProjectId, value: input.projectId },
      { key: OperatorId, value: input.organiserOperatorId },
    ]);
    setCurrentDetails(
      [
        `**${SESSION_STATUS_LABELS[s.status]}**`,
        `Session du ${formatDayTimeFr(new Date(input.startsAt))} (${input.modality === 'remote' ? 'à distance' : 'sur place'}), certification ${input.rncpCode}`,
        `Membres : ${acceptedMembers(s).length} sur ${s.seats} ont accepté, ${s.invitations.filter((i) => i.status === 'pending').length} invitation(s) en attente${s.vacancies ? `, ${s.vacancies} siège(s) sans remplaçant` : ''}`,
        `Candidatures : ${input.candidacyIds.length} (${s.enrolled.length} convoquée(s))`,
        `Composition au plus tard le ${formatDayTimeFr(new Date(input.compositionDeadlineAt))}`,
      ].join('\n\n'),
    );
  };

  const journal = async (type: string, summary: string, payload: object = {}, actor?: ActorRef) => {
    s.seq += 1;
    await act.recordSessionEvent({
      sessionId: input.sessionId,
      seq: s.seq,
      type,
      summary,
      payload,
      status: s.status,
      actorUserId: actor?.userId ?? null,
    });
    publish();
  };

  const invite = async (memberIds: string[], now: Date) => {
    const sent: Invitation[] = memberIds.map((memberId) => ({
      invitationId: uuid4(),
      memberId,
      sentAt: now.toISOString(),
      respondBy: invitationRespondBy(
        now,
        input.invitationResponseDelay,
        new Date(input.compositionDeadlineAt),
      ).toISOString(),
      status: 'pending',
      answeredAt: null,
    }));
    s.invitations.push(...sent);
    await act.inviteMembers({
      sessionId: input.sessionId,
      invitations: sent.map(({ invitationId, memberId, respondBy }) => ({
        invitationId,
        memberId,
        respondBy,
      })),
    });
    await journal('members_invited', `${sent.length} membre(s) invité(s)`, {
      memberIds,
      respondBy: sent.map((i) => i.respondBy),
    });
  };

  /** A seat left by `memberId` goes to the best member still free, or stays empty (organiser alerted). */
  const replace = async (memberId: string, why: keyof typeof LEAVING_REASONS_FR) => {
    if (Date.now() >= Date.parse(input.compositionDeadlineAt)) {
      // Too late to invite anyone: an invitation would lapse at once (its answer time never passes
      // the composition deadline), and the candidates could no longer be convened in time. The
      // seat stays empty; the organiser has the composition alert, with the shortage report.
      s.vacancies += 1;
      await journal('seat_left_empty', 'Siège laissé vide : date limite de composition passée', {
        leavingMemberId: memberId,
        why,
      });
      return;
    }
    const r = await act.findReplacement({
      sessionId: input.sessionId,
      leavingMemberId: memberId,
      excludedMemberIds: [...new Set(s.invitations.map((i) => i.memberId))],
      seatedMemberIds: seatedMembers(s),
      presidentId: s.presidentId,
    });
    if (r.memberId !== null) {
      s.presidentId = r.presidentId;
      await journal('member_replaced', `Remplaçant invité (${LEAVING_REASONS_FR[why]})`, {
        leavingMemberId: memberId,
        memberId: r.memberId,
      });
      await invite([r.memberId], new Date());
      return;
    }
    s.vacancies += 1;
    await journal('replacement_not_found', 'Aucun remplaçant possible : organisateur alerté', {
      leavingMemberId: memberId,
      reason: r.reason,
    });
    await act.alertOrganiser({ sessionId: input.sessionId, seq: s.seq, kind: 'no_replacement' });
  };

  const settle = (status: SessionStatus) => {
    s.status = status;
  };

  const cancel = async (actor: ActorRef, reason: 'session_cancelled' | 'jury_not_composed') => {
    s.cancelReason = reason;
    // Always: the candidacies reserved but not yet convened are freed for another session too.
    const released = await act.releaseCandidacies({ sessionId: input.sessionId, actor, reason });
    s.enrolled = s.enrolled.filter((id) => !released.some((r) => r.candidacyId === id && r.ok));
    for (const i of s.invitations) if (i.status === 'pending') i.status = 'withdrawn';
    settle('cancelled');
    await journal('session_cancelled', 'Session annulée', { reason }, actor);
    await act.notifySession({ sessionId: input.sessionId, seq: s.seq, kind: 'cancelled' });
  };

  setHandler(sessionQuery, view);

  setHandler(
    answerInvitation,
    ({ invitationId, accept }) =>
      enqueue(async () => {
        const i = s.invitations.find((x) => x.invitationId === invitationId)!;
        i.status = accept ? 'accepted' : 'declined';
        i.answeredAt = new Date().toISOString();
        await act.markInvitation({
          sessionId: input.sessionId,
          invitationId,
          memberId: i.memberId,
          status: i.status,
        });
        await journal(
          accept ? 'invitation_accepted' : 'invitation_declined',
          accept ? 'Invitation acceptée' : 'Invitation déclinée',
          {
            memberId: i.memberId,
          },
        );
        if (!accept) await replace(i.memberId, 'declined');
        // Accepted after the session was convened (a replacement): convened in turn.
        if (accept && s.status === 'convened') {
          await act.notifySession({
            sessionId: input.sessionId,
            seq: s.seq,
            kind: 'convocation',
            memberIds: [i.memberId],
          });
        }
      }),
    {
      validator: ({ invitationId }) => {
        const i = s.invitations.find((x) => x.invitationId === invitationId);
        if (!i) refused('invitation_unknown', 'Invitation inconnue pour cette session.');
        if (s.status === 'cancelled' || s.status === 'closed' || s.status === 'held')
          refused('session_closed', 'Cette session n’attend plus de réponse.');
        if (i.status !== 'pending')
          refused('invitation_answered', 'Cette invitation a déjà reçu une réponse ou a expiré.');
        if (Date.parse(i.respondBy) <= Date.now())
          refused('invitation_expired', 'Le délai de réponse à cette invitation est dépassé.');
      },
    },
  );

  setHandler(
    withdrawMember,
    ({ memberId, actor }) =>
      enqueue(async () => {
        const i = s.invitations.find(
          (x) => x.memberId === memberId && (x.status === 'pending' || x.status === 'accepted'),
        )!;
        i.status = 'withdrawn';
        await act.markInvitation({
          sessionId: input.sessionId,
          invitationId: i.invitationId,
          memberId,
          status: 'withdrawn',
        });
        await journal('member_withdrawn', 'Désistement d’un membre', { memberId }, actor);
        await replace(memberId, 'withdrawn');
      }),
    {
      validator: ({ memberId }) => {
        if (s.status === 'cancelled' || s.status === 'closed' || s.status === 'held')
          refused('session_closed', 'La session est close ou déjà tenue.');
        if (!seatedMembers(s).includes(memberId))
          refused('member_not_seated', 'Ce membre ne siège pas dans cette session.');
      },
    },
  );

  setHandler(cancelSession, ({ actor }) => enqueue(() => cancel(actor, 'session_cancelled')), {
    validator: (_request) => {
      if (s.status === 'cancelled') refused('session_cancelled', 'La session est déjà annulée.');
      if (s.status === 'held' || s.status === 'closed')
        refused('session_held', 'La session a déjà eu lieu : elle ne peut plus être annulée.');
    },
  });

  setHandler(
    recordResults,
    ({ actor, results, memberAttendance }) =>
      enqueue(async () => {
        const forwarded = await act.forwardResults({ sessionId: input.sessionId, actor, results });
        s.results = forwarded.map((f) => ({
          candidacyId: f.candidacyId,
          outcome: f.ok ? (results.find((r) => r.candidacyId === f.candidacyId)?.outcome ?? null) : null,
          refusedCode: f.ok ? null : (f.code ?? 'refused'),
        }));
        s.memberAttendance = memberAttendance;
        const { costCents } = await act.closeSession({ sessionId: input.sessionId, memberAttendance });
        s.costCents = costCents;
        settle('closed');
        await journal(
          'results_recorded',
          'Résultats saisis et transmis aux candidatures',
          {
            forwarded: forwarded.filter((f) => f.ok).length,
            refused: forwarded
              .filter((f) => !f.ok)
              .map((f) => ({ candidacyId: f.candidacyId, code: f.code })),
            costCents,
          },
          actor,
        );
      }),
    {
      validator: ({ results, memberAttendance }: ResultsGrid) => {
        if (s.status !== 'held')
          refused('session_not_held', 'Les résultats se saisissent une fois la session tenue.');
        const ids = results.map((r) => r.candidacyId);
        if (new Set(ids).size !== ids.length)
          refused('result_twice', 'Une candidature figure deux fois dans la grille.');
        const stranger = ids.find((id) => !s.enrolled.includes(id));
        if (stranger)
          refused(
            'candidacy_not_in_session',
            `La candidature ${stranger} n’est pas convoquée à cette session.`,
          );
        const missing = s.enrolled.find((id) => !ids.includes(id));
        if (missing) refused('result_missing', `Il manque le résultat de la candidature ${missing}.`);
        const accepted = acceptedMembers(s);
        const unknown = memberAttendance.find((m) => !accepted.includes(m.memberId));
        if (unknown)
          refused('member_not_seated', `Le membre ${unknown.memberId} ne siège pas dans cette session.`);
      },
    },
  );

  publish();
  await journal(
    'session_created',
    'Session créée : invitations aux membres',
    {
      candidacyIds: input.candidacyIds,
      memberIds: input.memberIds,
      presidentId: input.presidentId,
    },
    input.createdBy,
  );
  await invite(input.memberIds, new Date());

  for (;;) {
    // Updates first, in the order they came.
    while (queue.length) {
      const item = queue.shift()!;
      await item.run();
      item.done = true;
    }
    if (s.status === 'cancelled' || s.status === 'closed') break;
    const now = new Date();

    // Clocks at their instant: lapsed invitations, then composition, then the start.
    for (const i of lapsedInvitations(s, now)) {
      i.status = 'expired';
      await act.markInvitation({
        sessionId: input.sessionId,
        invitationId: i.invitationId,
        memberId: i.memberId,
        status: 'expired',
      });
      await journal('invitation_expired', 'Invitation sans réponse dans le délai', { memberId: i.memberId });
      await replace(i.memberId, 'expired');
    }
    if ((s.status === 'composing' || s.status === 'composition_failed') && isComposed(s)) {
      const enrolment = await act.enrolCandidacies({ sessionId: input.sessionId, actor: input.createdBy });
      s.enrolled = enrolment.filter((e) => e.ok).map((e) => e.candidacyId);
      s.refused = enrolment
        .filter((e) => !e.ok)
        .map((e) => ({ candidacyId: e.candidacyId, code: e.code ?? 'refused' }));
      settle('convened');
      await journal('session_convened', 'Jury composé : candidats et membres convoqués', {
        enrolled: s.enrolled,
        refused: s.refused,
      });
      await act.notifySession({ sessionId: input.sessionId, seq: s.seq, kind: 'convocation' });
    }
    if (
      s.status === 'composing' &&
      !s.escalated &&
      now.getTime() >= Date.parse(input.compositionDeadlineAt)
    ) {
      s.escalated = true;
      settle('composition_failed');
      await journal(
        'composition_failed',
        'Jury incomplet à la date limite de composition : organisateur alerté',
        {
          accepted: acceptedMembers(s).length,
          seats: s.seats,
        },
      );
      await act.alertOrganiser({ sessionId: input.sessionId, seq: s.seq, kind: 'composition_failed' });
    }
    if (now.getTime() >= Date.parse(input.startsAt)) {
      if (s.status === 'convened') {
        settle('held');
        await journal('session_held', 'Session tenue : résultats attendus');
      } else if (s.status === 'composing' || s.status === 'composition_failed') {
        await cancel(input.createdBy, 'jury_not_composed');
        break;
      }
    }

    const next = nextSessionClock(s, timing);
    const asked = () => queue.length > 0;
    if (next === null) await condition(asked);
    else await condition(asked, Math.max(1, next - Date.now()));
  }
  return view();
}
