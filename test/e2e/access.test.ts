import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEMO } from '../../src/db/demo-data.js';
import { ACTIONS, type Action } from '../../src/domain/phases.js';
import { ACTION_SAMPLES } from '../support/action-samples.js';
import { CandidacyDriver } from '../support/path.js';
import {
  COMPRESSED,
  createProjectWithPolicy,
  createUserWithToken,
  OPERATORS,
  SECOND_ADVICE_OPERATOR,
} from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';

type Caller = 'advisor' | 'certifier' | 'coach' | 'juryOrganiser' | 'lead' | 'admin' | 'foreignAdvisor';
const CALLERS: Caller[] = [
  'advisor',
  'certifier',
  'coach',
  'juryOrganiser',
  'lead',
  'admin',
  'foreignAdvisor',
];

/**
 * Who may act, written out by hand (not derived from the code under test). Checked on a
 * closed candidacy whose advice, certifier and coaching operators are known: an allowed
 * caller passes the access check and gets 409 (closed), a denied one 403 with its code.
 */
const ALLOWED: Record<Action, Caller[]> = {
  'record-information': ['advisor'],
  'submit-admissibility': ['advisor'],
  'mark-incomplete': ['certifier'],
  'complete-file': ['advisor'],
  'decide-admissibility': ['certifier'],
  'assign-coach': ['advisor'],
  'log-coaching-session': ['coach'],
  'submit-validation-file': ['coach', 'advisor'],
  'schedule-jury': ['certifier', 'juryOrganiser'],
  'cancel-jury': ['certifier', 'juryOrganiser'],
  'record-jury-result': ['certifier'],
  withdraw: ['advisor', 'coach'],
  // Only the operator responsible when it closed (coaching) could hand it over.
  'request-transfer': ['coach'],
  // No transfer is pending: nobody may accept one.
  'accept-transfer': [],
  resume: ['advisor', 'coach'],
  'contest-abandonment': ['advisor', 'coach'],
  archive: ['lead', 'admin'],
};

/** The 403 code a denied caller gets: its role may never do it, or its operator is not in charge. */
function deniedCode(caller: Caller, action: Action): string {
  if (caller === 'foreignAdvisor') return 'candidacy_not_visible';
  const roleOf: Record<Caller, string> = {
    advisor: 'advisor',
    certifier: 'certifier',
    coach: 'coach',
    juryOrganiser: 'jury_organiser',
    lead: 'project_lead',
    admin: 'administrator',
    foreignAdvisor: 'advisor',
  };
  const rolesByAction: Record<Action, string[]> = {
    'record-information': ['advisor'],
    'submit-admissibility': ['advisor'],
    'mark-incomplete': ['certifier'],
    'complete-file': ['advisor'],
    'decide-admissibility': ['certifier'],
    'assign-coach': ['advisor'],
    'log-coaching-session': ['coach'],
    'submit-validation-file': ['coach', 'advisor'],
    'schedule-jury': ['certifier', 'jury_organiser'],
    'cancel-jury': ['certifier', 'jury_organiser'],
    'record-jury-result': ['certifier'],
    withdraw: ['advisor', 'coach'],
    'request-transfer': ['advisor', 'coach', 'certifier'],
    'accept-transfer': ['advisor', 'coach', 'certifier'],
    resume: ['advisor', 'coach'],
    'contest-abandonment': ['advisor', 'coach'],
    archive: ['project_lead', 'administrator'],
  };
  return rolesByAction[action].includes(roleOf[caller]) ? 'operator_not_in_charge' : 'role_not_allowed';
}

describe('operators, roles and access', () => {
  let stack: TestStack;
  let projectId: string;
  const tokens = {} as Record<Caller, string>;
  let closed: CandidacyDriver;

  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      transferAcceptanceDelay: { seconds: 3 },
    });
    Object.assign(tokens, {
      advisor: stack.tokens.advisor,
      certifier: stack.tokens.certifier,
      coach: stack.tokens.coach,
      juryOrganiser: stack.tokens.jury_organiser,
      lead: stack.tokens.project_lead,
      admin: stack.tokens.administrator,
      foreignAdvisor: await createUserWithToken(stack.db, SECOND_ADVICE_OPERATOR, 'advisor'),
    });
    // A candidacy that went as far as coaching, then was withdrawn: every party is known.
    closed = await CandidacyDriver.create(stack, { projectId });
    await closed.informAndSubmit();
    await closed.act('decide-admissibility', { admissible: true }, 'certifier');
    await closed.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
    await closed.act('withdraw', { reason: 'new_job' }, 'coach');
  });
  after(async () => {
    await stack?.stop();
  });

  it('answers every role × operator × action with 403 and a reason, or lets it through', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const action of ACTIONS) {
      for (const caller of CALLERS) {
        const res = await stack.http('POST', `/api/candidacies/${closed.id}/${action}`, {
          body: ACTION_SAMPLES[action],
          token: tokens[caller],
        });
        checked++;
        const allowed = ALLOWED[action].includes(caller);
        if (allowed) {
          // Past the access check: 409 (closed) or, for a transfer to an operator of another role, 400.
          if (![400, 409].includes(res.status)) {
            failures.push(
              `${caller} ${action}: expected to pass access, got ${res.status} ${res.body?.code}`,
            );
          }
        } else {
          const code = deniedCode(caller, action);
          if (res.status !== 403 || res.body?.code !== code) {
            failures.push(`${caller} ${action}: expected 403 ${code}, got ${res.status} ${res.body?.code}`);
          } else if (typeof res.body.detail !== 'string' || res.body.detail.length < 20) {
            failures.push(`${caller} ${action}: 403 without a readable reason`);
          }
        }
      }
    }
    assert.equal(checked, ACTIONS.length * CALLERS.length);
    assert.deepEqual(failures, []);
  });

  it('refuses a forbidden caller before reading its body (no validation detail leaks)', async () => {
    const res = await stack.http('POST', `/api/candidacies/${closed.id}/mark-incomplete`, {
      body: { nonsense: true },
      token: tokens.foreignAdvisor,
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.errors, undefined);
  });

  it('shows a candidacy to the operators that had a role on it, personal data only to those working with the candidate', async () => {
    const expectations: Record<Caller, { status: number; personal: boolean }> = {
      advisor: { status: 200, personal: true },
      certifier: { status: 200, personal: true },
      coach: { status: 200, personal: true },
      juryOrganiser: { status: 200, personal: false },
      lead: { status: 200, personal: false },
      admin: { status: 200, personal: false },
      foreignAdvisor: { status: 403, personal: false },
    };
    for (const caller of CALLERS) {
      const one = await stack.http('GET', `/api/candidacies/${closed.id}`, { token: tokens[caller] });
      assert.equal(one.status, expectations[caller].status, caller);
      if (one.status === 200) {
        assert.equal(
          one.body.candidate.email !== undefined,
          expectations[caller].personal,
          `${caller} e-mail`,
        );
        assert.equal(
          one.body.candidate.lastName !== undefined,
          expectations[caller].personal,
          `${caller} name`,
        );
      } else {
        assert.equal(one.body.code, 'candidacy_not_visible');
      }
      const list = await stack.http('GET', `/api/candidacies?projectId=${projectId}&limit=200`, {
        token: tokens[caller],
      });
      assert.equal(list.status, 200);
      const item = list.body.items.find((c: { id: string }) => c.id === closed.id);
      assert.equal(Boolean(item), expectations[caller].status === 200, `${caller} list visibility`);
      const text = JSON.stringify(list.body);
      assert.equal(text.includes(closed.email), false, `${caller}: e-mail addresses never appear in lists`);
      if (item)
        assert.equal(item.candidate !== undefined, expectations[caller].personal, `${caller} name in list`);
      const timeline = await stack.http('GET', `/api/candidacies/${closed.id}/timeline`, {
        token: tokens[caller],
      });
      assert.equal(timeline.status, expectations[caller].status, `${caller} timeline`);
    }
  });

  it('keeps a timeline with actors, and the hand-offs along the path', async () => {
    const res = await stack.http('GET', `/api/candidacies/${closed.id}/timeline`, { token: tokens.advisor });
    assert.equal(res.status, 200);
    const types = res.body.events.map((e: { type: string }) => e.type);
    assert.deepEqual(types.slice(0, 3), ['identified', 'informed', 'admissibility_requested']);
    const withdrawn = res.body.events.find((e: { type: string }) => e.type === 'withdrawn');
    assert.equal(withdrawn.actor.userName, DEMO.users.find((u) => u.role === 'coach')!.name);
    assert.equal(withdrawn.actor.operatorName, DEMO.operators[3]!.name);
    const decided = res.body.events.find((e: { type: string }) => e.type === 'admissibility_decided');
    assert.equal(decided.actor.operatorId, OPERATORS.certifier);
    const route = res.body.handoffs.map(
      (h: { from: { operatorId: string }; to: { operatorId: string }; kind: string }) => [
        h.kind,
        h.from.operatorId,
        h.to.operatorId,
      ],
    );
    assert.deepEqual(route, [
      ['phase', OPERATORS.advice, OPERATORS.certifier],
      ['phase', OPERATORS.certifier, OPERATORS.advice],
      ['phase', OPERATORS.advice, OPERATORS.coaching],
    ]);
    assert.ok(res.body.handoffs.every((h: { acceptedAt: string | null }) => h.acceptedAt));
  });

  it('records a transfer hand-off: accepted by the receiver, or escalated to the project lead and left in place', async () => {
    const accepted = await CandidacyDriver.create(stack, { projectId });
    await accepted.act('request-transfer', { toOperatorId: SECOND_ADVICE_OPERATOR, reason: 'geography' });
    const notYetMine = await stack.http('POST', `/api/candidacies/${accepted.id}/record-information`, {
      body: ACTION_SAMPLES['record-information'],
      token: tokens.foreignAdvisor,
    });
    assert.equal(notYetMine.status, 403, 'the receiver may accept, not act, before accepting');
    const ok = await stack.http('POST', `/api/candidacies/${accepted.id}/accept-transfer`, {
      token: tokens.foreignAdvisor,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const nowMine = await stack.http('POST', `/api/candidacies/${accepted.id}/record-information`, {
      body: ACTION_SAMPLES['record-information'],
      token: tokens.foreignAdvisor,
    });
    assert.equal(nowMine.status, 200, 'the new advice operator acts');
    const formerly = await stack.http('POST', `/api/candidacies/${accepted.id}/submit-admissibility`, {
      token: tokens.advisor,
    });
    assert.equal(formerly.status, 403, 'the former advice operator no longer acts');
    const formerView = await stack.http('GET', `/api/candidacies/${accepted.id}`, { token: tokens.advisor });
    assert.equal(formerView.status, 200, 'but still sees the candidacy it had');
    assert.equal(formerView.body.candidate.email, undefined, 'without personal data');

    const timeline = await stack.http('GET', `/api/candidacies/${accepted.id}/timeline`, {
      token: tokens.foreignAdvisor,
    });
    const transfer = timeline.body.handoffs.find((h: { kind: string }) => h.kind === 'transfer');
    assert.equal(transfer.status, 'accepted');
    assert.equal(transfer.reason, 'geography');
    assert.ok(transfer.acceptedAt && transfer.dueAt);

    const ignored = await CandidacyDriver.create(stack, { projectId });
    await ignored.act('request-transfer', { toOperatorId: SECOND_ADVICE_OPERATOR, reason: 'capacity' });
    await ignored.waitEvent('transfer_escalated', 10_000);
    await ignored.waitTemplates(['lead.transfer_escalated', 'operator.transfer_expired']);
    const t2 = await stack.http('GET', `/api/candidacies/${ignored.id}/timeline`, { token: tokens.advisor });
    const escalated = t2.body.handoffs.find((h: { kind: string }) => h.kind === 'transfer');
    assert.equal(escalated.status, 'escalated');
    assert.ok(escalated.escalatedAt);
    const row = await stack.db
      .selectFrom('candidacies')
      .selectAll()
      .where('id', '=', ignored.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.advice_operator_id, OPERATORS.advice);
    assert.equal(row.waiting_on, `advice:${OPERATORS.advice}`);
    // Both sides and the lead were told.
    const recipients = (await ignored.emailLog())
      .filter((l) => l.template === 'operator.transfer_expired')
      .map((l) => l.to_address);
    assert.equal(recipients.length, 2);
  });

  it('lists the inbox nearest deadline first, with counts per phase and overdue flags', async () => {
    const slow = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      admissibilityDecisionDeadline: { seconds: 300 },
    });
    const fast = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      admissibilityDecisionDeadline: { seconds: 120 },
    });
    const overdueProject = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      convocationLeadTime: { seconds: 1 },
      resultNotificationDeadline: { seconds: 1 },
      resultReminderAfter: { seconds: 60 },
    });
    const later = await CandidacyDriver.create(stack, { projectId: slow });
    const sooner = await CandidacyDriver.create(stack, { projectId: fast });
    await later.informAndSubmit();
    await sooner.informAndSubmit();
    const late = await CandidacyDriver.create(stack, { projectId: overdueProject });
    await late.informAndSubmit();
    await late.act('decide-admissibility', { admissible: true }, 'certifier');
    await late.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
    await late.act('log-coaching-session', ACTION_SAMPLES['log-coaching-session'], 'coach');
    await late.act('submit-validation-file', {}, 'coach');
    await late.act(
      'schedule-jury',
      {
        sessionAt: new Date(Date.now() + 1_500).toISOString(),
        modality: 'remote',
        place: 'https://visio.exemple.fr/j',
      },
      'certifier',
    );
    await late.waitPhase('jury_held', 10_000);
    await new Promise((r) => setTimeout(r, 1_500));

    const inbox = await stack.http('GET', '/api/inbox', { token: tokens.certifier });
    assert.equal(inbox.status, 200);
    const ids = inbox.body.items.map((i: { id: string }) => i.id);
    assert.ok(
      ids.indexOf(late.id) < ids.indexOf(sooner.id) && ids.indexOf(sooner.id) < ids.indexOf(later.id),
      'nearest deadline first',
    );
    const deadlines = inbox.body.items.map((i: { nextDeadline: string | null }) => i.nextDeadline ?? '9999');
    assert.deepEqual(deadlines, [...deadlines].sort());
    assert.equal(inbox.body.items.find((i: { id: string }) => i.id === late.id).overdue, true);
    assert.equal(inbox.body.items.find((i: { id: string }) => i.id === later.id).overdue, false);
    assert.ok(inbox.body.overdue >= 1);
    assert.ok(inbox.body.byPhase.admissibility_requested >= 2);
    assert.ok(inbox.body.byPhase.jury_held >= 1);
    assert.ok(
      inbox.body.items.every(
        (i: { waitingOn: string }) => i.waitingOn === `certifier:${OPERATORS.certifier}`,
      ),
    );
    const advisorInbox = await stack.http('GET', '/api/inbox', { token: tokens.advisor });
    assert.ok(
      !advisorInbox.body.items.some((i: { id: string }) => i.id === later.id),
      'not waiting on the advisor',
    );
  });

  it('describes a project to its operators, and lets only its lead set the policy new candidacies follow', async () => {
    const seen = await stack.http('GET', `/api/projects/${projectId}`, { token: tokens.certifier });
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.operators.map((o: { role: string }) => o.role).sort(), [
      'advice',
      'advice',
      'certifier',
      'coaching',
      'jury_organisation',
      'outreach',
    ]);
    assert.deepEqual(
      seen.body.certifications.find((c: { rncpCode: string }) => c.rncpCode === 'RNCP34147').silenceRule,
      'rejected',
    );
    assert.deepEqual(seen.body.policy.legalDefaults.admissibilityDecisionDeadline, { months: 2 });
    const demo = await stack.http('GET', `/api/projects/${DEMO.project.id}`, {
      token: tokens.foreignAdvisor,
    });
    assert.equal(demo.status, 403, 'an operator outside the project');
    assert.deepEqual(demo.body.code, 'project_not_visible');
    assert.deepEqual(
      (await stack.http('GET', `/api/projects/${DEMO.project.id}`, { token: tokens.lead })).body
        .targetPublics,
      ['low_qualified', 'job_threatened', 'sectors_in_tension'],
    );

    const policy = {
      overrides: { admissibilityDecisionDeadline: { days: 45 } },
      arms: { test: { convocationLeadTime: { days: 20 } } },
    };
    const byAdvisor = await stack.http('PUT', `/api/projects/${DEMO.project.id}/policy`, {
      token: tokens.advisor,
      body: policy,
    });
    assert.equal(byAdvisor.status, 403);
    const invalid = await stack.http('PUT', `/api/projects/${DEMO.project.id}/policy`, {
      token: tokens.lead,
      body: { overrides: { admissibilityDecisionDeadline: { days: -1 }, colour: 'red' } },
    });
    assert.equal(invalid.status, 400);
    const set = await stack.http('PUT', `/api/projects/${DEMO.project.id}/policy`, {
      token: tokens.lead,
      body: policy,
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.policy.resolved.test.convocationLeadTime, { days: 20 });
    assert.deepEqual(set.body.policy.resolved.control.convocationLeadTime, { days: 15 });
    // A new candidacy starts with that policy: its admissibility clock runs 45 days.
    const c = await CandidacyDriver.create(stack, {});
    const submitted = await c.informAndSubmit();
    const due = submitted.deadlines.find((d) => d.name === 'admissibility-decision')!;
    const days = (Date.parse(due.dueAt!) - Date.now()) / 86_400_000;
    assert.ok(days > 44.9 && days < 45.1, `${days} days`);
    await stack.http('PUT', `/api/projects/${DEMO.project.id}/policy`, {
      token: tokens.lead,
      body: { overrides: {}, arms: {} },
    });
  });

  it('manages tokens: shown once, stored hashed, last use recorded, revoked at once', async () => {
    const user = await stack.http('POST', '/api/admin/users', {
      token: tokens.admin,
      body: {
        operatorId: OPERATORS.advice,
        role: 'advisor',
        displayName: 'Nouvelle Conseillère',
        email: 'nouvelle.conseillere@demo.parcours-vae.local',
      },
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const created = await stack.http('POST', `/api/admin/users/${user.body.id}/tokens`, {
      token: tokens.admin,
      body: { label: 'poste 12' },
    });
    assert.equal(created.status, 201);
    const token: string = created.body.token;
    const stored = await stack.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, createHash('sha256').update(token).digest('hex'));
    assert.ok(!JSON.stringify(stored).includes(token), 'the clear token is not stored');
    assert.equal(stored.last_used_at, null);

    assert.equal((await stack.http('GET', '/api/candidacies', { token })).status, 200);
    const listed = await stack.http('GET', `/api/admin/users/${user.body.id}/tokens`, {
      token: tokens.admin,
    });
    assert.ok(listed.body.items[0].lastUsedAt, 'last use recorded');
    assert.equal(JSON.stringify(listed.body).includes(token), false, 'never shown again');

    const revoked = await stack.http('DELETE', `/api/admin/tokens/${created.body.id}`, {
      token: tokens.admin,
    });
    assert.equal(revoked.status, 200);
    const after = await stack.http('GET', '/api/candidacies', { token });
    assert.equal(after.status, 401);
    assert.equal(after.body.code, 'invalid_token');

    const notAdmin = await stack.http('POST', '/api/admin/users', {
      token: tokens.lead,
      body: {
        operatorId: OPERATORS.advice,
        role: 'advisor',
        displayName: 'X',
        email: 'x@demo.parcours-vae.local',
      },
    });
    assert.equal(notAdmin.status, 403);
    assert.equal((await stack.http('GET', '/api/admin/users', { token: null })).status, 401);
  });

  it('does the same from the command line (npm run admin)', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'src/admin.ts', ...args], {
        env: { ...process.env, DATABASE_URL: stack.databaseUrl },
      });
    const user = JSON.parse(
      (
        await run(
          'create-user',
          '--operator',
          OPERATORS.coaching,
          '--role',
          'coach',
          '--name',
          'Coach CLI',
          '--email',
          'coach.cli@demo.parcours-vae.local',
        )
      ).stdout,
    );
    const created = JSON.parse(
      (await run('create-token', '--user', 'coach.cli@demo.parcours-vae.local', '--label', 'cli')).stdout,
    );
    assert.match(created.token, /^pvae_/);
    assert.equal((await stack.http('GET', '/api/inbox', { token: created.token })).status, 200);
    await run('revoke-token', '--token', created.id);
    assert.equal((await stack.http('GET', '/api/inbox', { token: created.token })).status, 401);
    const tokensOfUser = JSON.parse((await run('list-tokens', '--user', user.id)).stdout);
    assert.ok(tokensOfUser[0].revokedAt);
    await assert.rejects(run('create-user', '--operator', OPERATORS.coaching), /--role est requis/);
  });

  itReplaysEveryWorkflow(() => stack);
});
