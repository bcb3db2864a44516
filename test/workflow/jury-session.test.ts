import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SessionActivities } from '../../src/activities/jury/session-activities.js';
import {
  answerInvitation,
  cancelSession,
  recordResults,
  jurySessionWorkflowId,
  sessionQuery,
  withdrawMember,
  type JurySessionInput,
  type SessionView,
} from '../../src/workflows/jury-session/contract.js';
import { jurySession } from '../../src/workflows/jury-session/workflow.js';
import { eventually } from '../support/fixtures.js';
import { startWorkflowEnv, type WorkflowEnv } from '../support/workflow-env.js';

/**
 * The jury-session workflow on the real dev server with its activities stubbed in memory: its
 * clocks (an invitation's answer time, the composition deadline, the start) and its hand-offs
 * (replacement, alert, convocation, release), deterministically and in seconds. With
 * RECORD_HISTORIES=1 the runs are saved as replay fixtures (test/replay/histories/js1-*.json).
 */
type Call = { name: string; arg: Record<string, unknown> };

describe('jury-session workflow: invitations, replacements, composition deadline, cancellation', () => {
  let w: WorkflowEnv;
  const calls: Call[] = [];
  /** Who findReplacement proposes next; null: nobody. */
  const replacements: (string | null)[] = [];
  const record = (name: string) => async (arg: Record<string, unknown>) => {
    calls.push({ name, arg });
  };
  const stubs: Partial<SessionActivities> = {
    recordSessionEvent: record('recordSessionEvent'),
    inviteMembers: record('inviteMembers'),
    markInvitation: record('markInvitation'),
    alertOrganiser: record('alertOrganiser'),
    notifySession: record('notifySession'),
    async findReplacement(arg) {
      calls.push({ name: 'findReplacement', arg });
      const memberId = replacements.shift() ?? null;
      return memberId
        ? { memberId, presidentId: arg.presidentId ?? memberId }
        : { memberId: null, reason: 'vivier épuisé' };
    },
    async enrolCandidacies(arg) {
      calls.push({ name: 'enrolCandidacies', arg });
      return [
        { candidacyId: 'c1', ok: true },
        { candidacyId: 'c2', ok: false, code: 'candidacy_closed' },
      ];
    },
    async releaseCandidacies(arg) {
      calls.push({ name: 'releaseCandidacies', arg });
      return [{ candidacyId: 'c1', ok: true }];
    },
    async forwardResults(arg) {
      calls.push({ name: 'forwardResults', arg });
      return [];
    },
    async closeSession(arg) {
      calls.push({ name: 'closeSession', arg });
      return { costCents: 0 };
    },
  };

  before(async () => {
    w = await startWorkflowEnv({ activities: stubs as never });
  });
  after(async () => {
    await w?.teardown();
  });

  const organiser = { userId: randomUUID(), operatorId: randomUUID() };
  async function start(opts: { responseSeconds: number; compositionInMs: number; startInMs: number }) {
    const sessionId = randomUUID();
    const now = Date.now();
    const input: JurySessionInput = {
      sessionId,
      projectId: randomUUID(),
      organiserOperatorId: organiser.operatorId,
      rncpCode: 'RNCP35830',
      startsAt: new Date(now + opts.startInMs).toISOString(),
      endsAt: new Date(now + opts.startInMs + 60_000).toISOString(),
      modality: 'remote',
      memberIds: ['m1', 'm2'],
      presidentId: 'm1',
      candidacyIds: ['c1', 'c2'],
      invitationResponseDelay: { seconds: opts.responseSeconds },
      compositionDeadlineAt: new Date(now + opts.compositionInMs).toISOString(),
      createdBy: organiser,
    };
    const workflowId = jurySessionWorkflowId(sessionId);
    const handle = await w.env.client.workflow.start(jurySession, {
      workflowId,
      taskQueue: w.taskQueue,
      args: [input],
    });
    return { handle, sessionId, workflowId };
  }
  const invitationOf = (v: SessionView, memberId: string) =>
    v.state.invitations.find((i) => i.memberId === memberId && i.status === 'pending')!.invitationId;
  const eventTypes = (sessionId: string) =>
    calls
      .filter((c) => c.name === 'recordSessionEvent' && c.arg.sessionId === sessionId)
      .map((c) => c.arg.type);

  it('an unanswered invitation lapses at its instant and the best replacement is invited; once composed, convened', async () => {
    replacements.push('m3');
    const { handle, sessionId, workflowId } = await start({
      responseSeconds: 3,
      compositionInMs: 60_000,
      startInMs: 120_000,
    });
    let view = await eventually(async () => {
      const v = await handle.query(sessionQuery);
      return v.state.invitations.length === 2 ? v : undefined;
    }, 10_000);
    const m2Invitation = invitationOf(view, 'm2');
    await handle.executeUpdate(answerInvitation, {
      args: [{ invitationId: invitationOf(view, 'm1'), accept: true }],
    });
    // m2 says nothing: after 3 s its invitation lapses and m3 is invited in its place.
    view = await eventually(
      async () => {
        const v = await handle.query(sessionQuery);
        return v.state.invitations.some((i) => i.memberId === 'm3') ? v : undefined;
      },
      15_000,
      'replacement invited',
    );
    assert.equal(view.state.invitations.find((i) => i.memberId === 'm2')!.status, 'expired');
    const asked = calls.find((c) => c.name === 'findReplacement' && c.arg.sessionId === sessionId)!;
    assert.equal(asked.arg.leavingMemberId, 'm2');
    assert.deepEqual(asked.arg.excludedMemberIds, ['m1', 'm2']);
    // An answer to a lapsed invitation is refused by the validator.
    await assert.rejects(
      handle.executeUpdate(answerInvitation, { args: [{ invitationId: m2Invitation, accept: true }] }),
      (err: { cause?: { message?: string } }) => /réponse ou a expiré/.test(err.cause?.message ?? ''),
    );
    view = await handle.executeUpdate(answerInvitation, {
      args: [{ invitationId: invitationOf(view, 'm3'), accept: true }],
    });
    // Convened by the clock loop, which journals the status and then sends the convocation: a query
    // can see 'convened' before the convocation's activity is called, so both are awaited.
    const convoked = () =>
      calls.some(
        (c) => c.name === 'notifySession' && c.arg.sessionId === sessionId && c.arg.kind === 'convocation',
      );
    view = await eventually(
      async () => {
        const v = await handle.query(sessionQuery);
        return v.status === 'convened' && convoked() ? v : undefined;
      },
      15_000,
      'convened and convocation sent',
    );
    assert.deepEqual(view.state.enrolled, ['c1']);
    assert.deepEqual(view.state.refused, [{ candidacyId: 'c2', code: 'candidacy_closed' }]);
    // A late withdrawal after the convocation: a replacement is sought; none, so the organiser is alerted.
    view = await handle.executeUpdate(withdrawMember, { args: [{ memberId: 'm3', actor: organiser }] });
    assert.equal(view.state.vacancies, 1);
    assert.ok(
      calls.some(
        (c) =>
          c.name === 'alertOrganiser' && c.arg.sessionId === sessionId && c.arg.kind === 'no_replacement',
      ),
    );
    // Cancelled: the convened candidacy is released, the members told.
    view = await handle.executeUpdate(cancelSession, { args: [{ actor: organiser }] });
    assert.equal(view.status, 'cancelled');
    assert.ok(
      calls.some(
        (c) =>
          c.name === 'releaseCandidacies' &&
          c.arg.sessionId === sessionId &&
          c.arg.reason === 'session_cancelled',
      ),
    );
    await handle.result();
    assert.deepEqual(eventTypes(sessionId), [
      'session_created',
      'members_invited',
      'invitation_accepted',
      'invitation_expired',
      'member_replaced',
      'members_invited',
      'invitation_accepted',
      'session_convened',
      'member_withdrawn',
      'replacement_not_found',
      'session_cancelled',
    ]);
    if (process.env.RECORD_HISTORIES) await w.saveHistory(workflowId, 'js1-replaced-convened-cancelled');
  });

  it('not composed at the composition deadline: the organiser is alerted; not composed at the start: cancelled, reservations released', async () => {
    const { handle, sessionId, workflowId } = await start({
      responseSeconds: 60,
      compositionInMs: 3_000,
      startInMs: 6_000,
    });
    const view = await eventually(async () => {
      const v = await handle.query(sessionQuery);
      return v.status === 'composition_failed' ? v : undefined;
    }, 15_000);
    assert.ok(view.state.escalated);
    const done = await handle.result();
    // Every activity has run once the workflow is done (the query above may come before the alert).
    assert.ok(
      calls.some(
        (c) =>
          c.name === 'alertOrganiser' && c.arg.sessionId === sessionId && c.arg.kind === 'composition_failed',
      ),
    );
    // The invitations lapsed at the composition deadline: too late to invite anyone, seats left empty.
    assert.ok(!calls.some((c) => c.name === 'findReplacement' && c.arg.sessionId === sessionId));
    assert.equal(eventTypes(sessionId).filter((t) => t === 'seat_left_empty').length, 2);
    assert.equal(done.status, 'cancelled');
    assert.equal(done.state.cancelReason, 'jury_not_composed');
    // Nobody convened, but the reservations are released so the candidacies can be planned again.
    assert.ok(
      calls.some(
        (c) =>
          c.name === 'releaseCandidacies' &&
          c.arg.sessionId === sessionId &&
          c.arg.reason === 'jury_not_composed',
      ),
    );
    assert.ok(Date.now() >= Date.parse(done.startsAt) - 50, 'cancelled at the start, not before');
    if (process.env.RECORD_HISTORIES) await w.saveHistory(workflowId, 'js1-not-composed-cancelled');
  });

  it('composed, held at its start, results forwarded: closed with its cost', async () => {
    const { handle, sessionId, workflowId } = await start({
      responseSeconds: 60,
      compositionInMs: 20_000,
      startInMs: 4_000,
    });
    const view = await eventually(async () => {
      const v = await handle.query(sessionQuery);
      return v.state.invitations.length === 2 ? v : undefined;
    }, 10_000);
    for (const m of ['m1', 'm2']) {
      await handle.executeUpdate(answerInvitation, {
        args: [{ invitationId: invitationOf(view, m), accept: true }],
      });
    }
    // Results before the start are refused; after it, accepted for the convened candidacy only.
    const grid = {
      actor: organiser,
      results: [
        { candidacyId: 'c1', outcome: 'full' as const, blocks: [{ code: 'RNCP35830BC01', validated: true }] },
      ],
      memberAttendance: [{ memberId: 'm1', attendance: 'present' as const }],
    };
    await assert.rejects(
      handle.executeUpdate(recordResults, { args: [grid] }),
      (err: { cause?: { message?: string } }) => /une fois la session tenue/.test(err.cause?.message ?? ''),
    );
    await eventually(async () => (await handle.query(sessionQuery)).status === 'held', 15_000, 'held');
    await assert.rejects(
      handle.executeUpdate(recordResults, {
        args: [
          {
            ...grid,
            results: [...grid.results, { candidacyId: 'c2', outcome: 'full' as const, blocks: [] }],
          },
        ],
      }),
      (err: { cause?: { message?: string } }) => /n’est pas convoquée/.test(err.cause?.message ?? ''),
    );
    const closed = await handle.executeUpdate(recordResults, { args: [grid] });
    assert.equal(closed.status, 'closed');
    assert.ok(calls.some((c) => c.name === 'forwardResults' && c.arg.sessionId === sessionId));
    assert.ok(calls.some((c) => c.name === 'closeSession' && c.arg.sessionId === sessionId));
    await handle.result();
    if (process.env.RECORD_HISTORIES) await w.saveHistory(workflowId, 'js1-held-results-closed');
  });
});
