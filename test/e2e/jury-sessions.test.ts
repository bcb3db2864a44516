import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  answerJuryInvitation,
  getSession,
  recordSessionResults,
  withdrawSessionMember,
} from '../../src/app/jury/sessions/session-actions.js';
import { Refusal } from '../../src/app/refusal.js';
import { eventually } from '../support/fixtures.js';
import { historyText } from '../support/history-text.js';
import { CandidacyDriver } from '../support/path.js';
import { createJuryOrganisation, type JuryOrganisation } from '../support/jury-organisation.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * A jury session through the API on the real stack: the planner's proposal, a session composed by
 * hand (conflict of interest refused), invitations answered through their signed links, a decline
 * replaced, candidacies convened by the session, the session held, the results grid fanned out to
 * every candidacy, and the session's cost.
 */
const POLICY = {
  ...COMPRESSED,
  // Room for the planner's half-day slots over the next weeks.
  juryDeadlineAfterValidationFile: { days: 30 },
  juryEscalationBefore: { days: 1 },
  convocationLeadTime: { seconds: 15 },
  juryReminderBefore: { seconds: 5 },
};

describe('jury sessions: plan, compose, invite, replace, convene, hold, results, cost', () => {
  let stack: TestStack;
  let projectId: string;
  /** A jury organisation of its own, so that the pool holds only this file's members. */
  let org: JuryOrganisation;
  const asOrganiser = () => ({ token: org.token });
  const members = () => org.members;
  const addMember = (key: string, body: Record<string, unknown>) => org.addMember(key, body);
  const invitationPath = (email: string, sessionId: string) => org.invitationPath(email, sessionId);

  const answer = (path: string, what: 'accept' | 'decline') =>
    fetch(`${stack.baseUrl}${path}/${what}`, { method: 'POST' });

  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, POLICY);
    org = await createJuryOrganisation(stack, projectId);
    await addMember('a', { profile: 'professional', gender: 'F', feeCents: 12_000 });
    await addMember('b', { profile: 'trainer', gender: 'M', feeCents: 9_000 });
    await addMember('c', { profile: 'trainer', gender: 'M', feeCents: 15_000 });
    await addMember('tied', {
      gender: 'M',
      ties: { employers: [], operatorIds: [OPERATORS.coaching], userIds: [] },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  it('goes from the candidates waiting to a convened session and its results, replacing a decline', async () => {
    const c1 = await CandidacyDriver.create(stack, { projectId });
    const c2 = await CandidacyDriver.create(stack, { projectId });
    await c1.toValidationFile();
    await c2.toValidationFile();

    // The planner proposes sessions for both, checked by the independent checker.
    const plan = await stack.http('POST', '/api/jury/plans', {
      ...asOrganiser(),
      body: { projectId, horizonDays: 14, allowRemote: true },
    });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    assert.equal(plan.body.summary.candidates, 2);
    // The optimum: one remote session (no venue given) of both, with the two cheapest members who
    // keep the rules (a professional among them, the tied member excluded): 120 € + 90 €.
    assert.equal(plan.body.plan.sessions.length, 1, JSON.stringify(plan.body.plan));
    const [proposal] = plan.body.plan.sessions;
    assert.deepEqual([...proposal.candidacyIds].sort(), [c1.id, c2.id].sort());
    assert.deepEqual([...proposal.memberIds].sort(), [members().a!.id, members().b!.id].sort());
    assert.equal(plan.body.plan.totalCostCents, 21_000);
    assert.equal(plan.body.summary.costPerCandidateCents, 10_500);
    assert.deepEqual(plan.body.shortages, []);

    // Accepted once: a session, its workflow, invitations; a second time, refused.
    const accept = () =>
      stack.http('POST', '/api/jury/sessions', {
        ...asOrganiser(),
        body: {
          projectId,
          planId: plan.body.id,
          sessionKey: proposal.key,
          roomUrl: 'https://visio.exemple.fr/jury/p1',
        },
      });
    const fromPlan = await accept();
    assert.equal(fromPlan.status, 201, JSON.stringify(fromPlan.body));
    const again = await accept();
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, 'session_already_created');
    await invitationPath(members().a!.email, fromPlan.body.id);

    const startsAt = new Date(Date.now() + 60_000);
    const session = (memberIds: string[]) => ({
      projectId,
      session: {
        rncpCode: 'RNCP35830',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 60_000).toISOString(),
        modality: 'remote',
        candidacyIds: [c1.id, c2.id],
        memberIds,
        presidentId: memberIds[0],
      },
      roomUrl: 'https://visio.exemple.fr/jury/salle-12',
    });

    // The candidacies are held by the proposal's session until it is cancelled.
    const held = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: session([members().a!.id, members().b!.id]),
    });
    assert.equal(held.status, 409, JSON.stringify(held.body));
    assert.equal(held.body.code, 'candidacy_in_another_session');
    const cancelled = await stack.http(
      'POST',
      `/api/jury/sessions/${fromPlan.body.id}/cancel`,
      asOrganiser(),
    );
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'cancelled');

    // A member tied to the candidates' coaching operator may not sit.
    const tied = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: session([members().a!.id, members().tied!.id]),
    });
    assert.equal(tied.status, 409, JSON.stringify(tied.body));
    assert.equal(tied.body.code, 'session_breaks_rules');
    assert.ok(tied.body.violations.some((v: { rule: string }) => v.rule === 'conflict_of_interest'));

    const created = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: session([members().a!.id, members().b!.id]),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;

    // A accepts, B declines: C, the only other member free and untied, is invited and accepts.
    const pathA = await invitationPath(members().a!.email, id);
    const pathB = await invitationPath(members().b!.email, id);
    const page = await fetch(stack.baseUrl + pathA);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /J’accepte de siéger/);
    assert.equal((await answer(pathA, 'accept')).status, 200);
    assert.equal((await answer(pathA, 'accept')).status, 409, 'an invitation is answered once');
    assert.equal((await answer(pathB, 'decline')).status, 200);
    const pathC = await invitationPath(members().c!.email, id);
    assert.equal((await answer(pathC, 'accept')).status, 200);
    assert.equal((await fetch(`${stack.baseUrl}/jury/invitations/forged.123.abc`)).status, 404);

    // Composed: both candidacies convened by the session, members convened with their list.
    await eventually(
      async () =>
        (await stack.http('GET', `/api/jury/sessions/${id}`, asOrganiser())).body.status === 'convened',
      30_000,
      'session convened',
    );
    for (const c of [c1, c2]) {
      const s = await c.state();
      assert.equal(s.phase, 'jury_scheduled');
    }
    await stack.mail.waitFor(
      (m) => m.to.includes(members().c!.email) && /Convocation/.test(m.subject),
      20_000,
    );
    await stack.mail.waitFor((m) => m.to.includes(c1.email) && /Convocation/.test(m.subject), 20_000);
    // A convocation made by the session is changed by the session only.
    const manual = await c1.refused('cancel-jury', { reason: 'other' }, 'certifier');
    assert.equal(manual.status, 409, JSON.stringify(manual.body));
    assert.equal(manual.body.code, 'jury_session_managed');

    // Held at its start; results entered in one grid by the certifier, forwarded to each candidacy.
    await eventually(
      async () => (await stack.http('GET', `/api/jury/sessions/${id}`, asOrganiser())).body.status === 'held',
      120_000,
      'session held',
    );
    const grid = await stack.http('POST', `/api/jury/sessions/${id}/results`, {
      role: 'certifier',
      body: {
        results: [
          {
            candidacyId: c1.id,
            outcome: 'full',
            blocks: [
              { code: 'RNCP35830BC01', validated: true },
              { code: 'RNCP35830BC02', validated: true },
            ],
          },
          {
            candidacyId: c2.id,
            outcome: 'partial',
            blocks: [
              { code: 'RNCP35830BC01', validated: true },
              { code: 'RNCP35830BC02', validated: false },
            ],
          },
        ],
        memberAttendance: [
          { memberId: members().a!.id, attendance: 'present' },
          { memberId: members().c!.id, attendance: 'present' },
        ],
      },
    });
    assert.equal(grid.status, 200, JSON.stringify(grid.body));
    assert.equal(grid.body.status, 'closed');
    for (const c of [c1, c2]) assert.equal((await c.state()).phase, 'result');

    const read = await stack.http('GET', `/api/jury/sessions/${id}`, asOrganiser());
    assert.equal(read.body.status, 'closed');
    // Remote: fees only (A 120 €, C 150 €), no travel; per candidate and per validated block.
    assert.equal(read.body.cost.totalCents, 27_000);
    assert.equal(read.body.cost.perCandidateCents, 13_500);
    assert.equal(read.body.cost.perValidatedBlockCents, 9_000);
    const statuses = Object.fromEntries(
      read.body.members.map((m: { memberId: string; status: string }) => [m.memberId, m.status]),
    );
    assert.deepEqual(statuses, {
      [members().a!.id]: 'accepted',
      [members().b!.id]: 'declined',
      [members().c!.id]: 'accepted',
    });
    // Its organiser lists it; other roles and other organisers do not see it.
    const list = await stack.http('GET', '/api/jury/sessions?status=closed', asOrganiser());
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.items.some((x: { id: string }) => x.id === id));
    assert.equal((await stack.http('GET', '/api/jury/sessions', { role: 'advisor' })).status, 403);
    assert.equal(
      (await stack.http('GET', `/api/jury/sessions/${id}`, { role: 'jury_organiser' })).status,
      404,
    );
    const foreign = await stack.http('POST', '/api/jury/plans', { role: 'advisor', body: { projectId } });
    assert.equal(foreign.status, 403, JSON.stringify(foreign.body));
    // The session's workflow holds IDs only: no member's name or address in its history.
    const history = historyText(await stack.temporal.workflow.getHandle(read.body.workflowId).fetchHistory());
    assert.ok(history.includes(members().a!.id), 'payloads decoded');
    for (const m of Object.values(members))
      assert.ok(!history.includes(m.email), 'no member address in history');
    assert.ok(!history.includes('Membre A'), 'no member name in history');
    const types = read.body.events.map((e: { type: string }) => e.type);
    for (const t of [
      'session_created',
      'members_invited',
      'invitation_declined',
      'member_replaced',
      'session_convened',
      'session_held',
      'results_recorded',
    ]) {
      assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
    }
  });

  it('no replacement left: the organiser gets the shortage report; a convened session cancelled sends its candidacies back to waiting, deadlines intact', async () => {
    const c3 = await CandidacyDriver.create(stack, { projectId });
    await c3.toValidationFile();
    const juryDeadline = (v: { deadlines: { name: string; dueAt: string | null }[] }) =>
      v.deadlines.find((d) => d.name === 'jury-deadline')?.dueAt;
    const deadlineBefore = juryDeadline(await c3.state());
    assert.ok(deadlineBefore);
    const startsAt = new Date(Date.now() + 120_000);
    const body = (memberIds: string[]) => ({
      projectId,
      session: {
        rncpCode: 'RNCP35830',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 60_000).toISOString(),
        modality: 'remote',
        candidacyIds: [c3.id],
        memberIds,
        presidentId: memberIds[0],
      },
      roomUrl: 'https://visio.exemple.fr/jury/salle-13',
    });

    // b declines, c (the only member left who may sit) declines too: nobody can take the seat.
    const first = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: body([members().a!.id, members().b!.id]),
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(
      (await answer(await invitationPath(members().b!.email, first.body.id), 'decline')).status,
      200,
    );
    assert.equal(
      (await answer(await invitationPath(members().c!.email, first.body.id), 'decline')).status,
      200,
    );
    const alert = await stack.mail.waitFor(
      (m) =>
        m.to.includes(`jurys-${org.operatorId}@exemple.fr`) &&
        m.headers['x-parcours-vae-session'] === first.body.id,
      30_000,
    );
    assert.match(alert.subject, /aucun remplaçant/);
    // The shortage report: what is missing and what would widen the pool.
    assert.match(alert.text, /Recruter 1 membre\(s\) qualifié\(s\) pour la certification RNCP35830/);
    const read = await stack.http('GET', `/api/jury/sessions/${first.body.id}`, asOrganiser());
    assert.ok(read.body.events.some((e: { type: string }) => e.type === 'replacement_not_found'));
    assert.equal(
      (await stack.http('POST', `/api/jury/sessions/${first.body.id}/cancel`, asOrganiser())).status,
      200,
    );

    // A session composed at once (a and c accept), convened, then cancelled: back to waiting.
    const second = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: body([members().a!.id, members().c!.id]),
    });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    for (const m of [members().a!, members().c!]) {
      assert.equal((await answer(await invitationPath(m.email, second.body.id), 'accept')).status, 200);
    }
    await eventually(async () => (await c3.state()).phase === 'jury_scheduled', 30_000, 'convened');
    const cancel = await stack.http('POST', `/api/jury/sessions/${second.body.id}/cancel`, asOrganiser());
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const after = await c3.state();
    assert.equal(after.phase, 'validation_file_submitted');
    assert.equal(juryDeadline(after), deadlineBefore, 'the 3-month deadline is unchanged');
    await stack.mail.waitFor((m) => m.to.includes(c3.email) && /annulée/.test(m.subject), 20_000);
    await stack.mail.waitFor(
      (m) =>
        m.to.includes(members().a!.email) &&
        /annulée/.test(m.subject) &&
        m.headers['x-parcours-vae-session'] === second.body.id,
      20_000,
    );
    // Waiting again: the planner sees it. On site this time, at a venue in the Rhône: every member
    // travels from Paris, and the session made from the proposal costs what the planner said.
    const plan = await stack.http('POST', '/api/jury/plans', {
      ...asOrganiser(),
      body: { projectId, horizonDays: 14, allowRemote: false, venues: [{ id: 'lyon', departement: '69' }] },
    });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    const onSite = plan.body.plan.sessions.find((x: { candidacyIds: string[] }) =>
      x.candidacyIds.includes(c3.id),
    );
    assert.ok(onSite, JSON.stringify(plan.body));
    assert.equal(onSite.modality, 'on_site');
    assert.equal(onSite.venueId, 'lyon');
    assert.equal(onSite.costCents, 12_000 + 9_000 + 2 * 5_000, 'a and b, fees and travel');
    const noPlace = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: { projectId, planId: plan.body.id, sessionKey: onSite.key },
    });
    assert.equal(noPlace.status, 400, JSON.stringify(noPlace.body));
    const made = await stack.http('POST', '/api/jury/sessions', {
      ...asOrganiser(),
      body: {
        projectId,
        planId: plan.body.id,
        sessionKey: onSite.key,
        place: 'DREETS, 8 rue de la Charité, Lyon',
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.costCents, onSite.costCents);
    assert.equal(
      (await stack.http('POST', `/api/jury/sessions/${made.body.id}/cancel`, asOrganiser())).status,
      200,
    );
  });

  it(
    'bounds every Temporal call of a session: a workflow no worker answers gets 503 action_outcome_unknown on time, and a read without its live state',
    { timeout: 90_000 },
    async () => {
      // A session's workflow on a task queue no worker polls: its Updates and Queries never get an answer.
      const id = randomUUID();
      const workflowId = `jury-session-unanswered-${id}`;
      await stack.temporal.workflow.start('jurySession', {
        taskQueue: `no-worker-${id}`,
        workflowId,
        args: [{}],
      });
      const user = await stack.db
        .selectFrom('users')
        .select('id')
        .where('operator_id', '=', org.operatorId)
        .where('role', '=', 'jury_organiser')
        .executeTakeFirstOrThrow();
      const startsAt = new Date(Date.now() + 86_400_000);
      await stack.db
        .insertInto('jury_sessions')
        .values({
          id,
          project_id: projectId,
          organiser_operator_id: org.operatorId,
          rncp_code: 'RNCP35830',
          starts_at: startsAt,
          ends_at: new Date(startsAt.getTime() + 3_600_000),
          modality: 'remote',
          status: 'composing',
          workflow_id: workflowId,
          created_by_user_id: user.id,
        })
        .execute();
      const invitationId = randomUUID();
      await stack.db
        .insertInto('jury_invitations')
        .values({
          id: invitationId,
          session_id: id,
          member_id: members().a!.id,
          respond_by: startsAt,
          status: 'pending',
        })
        .execute();
      const caller = { id: user.id, operatorId: org.operatorId, role: 'jury_organiser' as const };
      const outcomeUnknown = (err: unknown) => {
        assert.ok(err instanceof Refusal, String(err));
        assert.equal(err.kind, 'unavailable');
        assert.equal(err.code, 'action_outcome_unknown');
        return true;
      };
      try {
        // Through the API, with its default deadline (30 s): a 503 that says the outcome is unknown.
        const sent = Date.now();
        const cancel = await stack.http('POST', `/api/jury/sessions/${id}/cancel`, asOrganiser());
        assert.equal(cancel.status, 503, JSON.stringify(cancel.body));
        assert.equal(cancel.body.code, 'action_outcome_unknown');
        assert.match(cancel.body.detail, /n’a pas répondu dans les 30 s/);
        assert.ok(Date.now() - sent < 40_000, `${Date.now() - sent} ms`);

        // Each other Update of a session, with a short deadline.
        await assert.rejects(
          withdrawSessionMember(stack.db, stack.temporal, caller, id, members().b!.id, 1_000),
          outcomeUnknown,
        );
        await assert.rejects(
          recordSessionResults(
            stack.db,
            stack.temporal,
            caller,
            id,
            { results: [], memberAttendance: [] },
            1_000,
          ),
          outcomeUnknown,
        );
        await assert.rejects(
          answerJuryInvitation(stack.db, stack.temporal, invitationId, true, 1_000),
          outcomeUnknown,
        );
        // The read answers from Postgres, without the live state, once its Query's deadline passed.
        const asked = Date.now();
        const read = await getSession(stack.db, stack.temporal, caller, id, 1_000);
        assert.equal(read.id, id);
        assert.equal(read.live, null);
        assert.ok(Date.now() - asked < 5_000, `${Date.now() - asked} ms`);
      } finally {
        await stack.temporal.workflow.getHandle(workflowId).terminate('test over');
      }
    },
  );
});
