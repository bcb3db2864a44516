import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEMO } from '../../src/db/demo-data.js';
import { CandidacyDriver } from '../support/path.js';
import { createUserWithToken, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';

const RNCP = 'RNCP12345';
const BLOCKS = [
  { code: `${RNCP}BC01`, title: 'Accueillir et orienter le public' },
  { code: `${RNCP}BC02`, title: 'Traiter les demandes par téléphone et par écrit' },
];
const LEAD_USER_ID = DEMO.users.find((u) => u.role === 'project_lead')!.id;
const ADVISOR_USER_ID = DEMO.users.find((u) => u.role === 'advisor')!.id;

type Problem = { status: number; body: { code: string; detail: string; errors?: ErrorItem[] } };
type ErrorItem = { path: string; code: string; message: string };

/** A 400 naming each field given, each with a French sentence. */
function assertNamesFields(res: Problem, paths: string[]) {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.code, 'validation_failed');
  const errors = res.body.errors ?? [];
  for (const path of paths) {
    const e = errors.find((x) => x.path === path);
    assert.ok(e, `${path} named in ${JSON.stringify(errors.map((x) => x.path))}`);
    assert.match(e.message, /^Le champ .* (doit|ne |n’est|reprend|cite|désigne|: )/, e.message);
    assert.ok(e.message.includes(path.replace(/^body\./, '')), `${e.message} names ${path}`);
  }
  assert.equal(errors.length, paths.length, JSON.stringify(errors, null, 1));
}

describe('reference data: certifications, projects and their policy', () => {
  let stack: TestStack;
  let otherLead: string;
  let projectId: string;
  const projectBody = () => ({
    name: 'Expérimentation VAE — accueil',
    leadUserId: LEAD_USER_ID,
    targetPublics: ['low_qualified', 'job_seekers'],
    certifications: [RNCP],
    operators: [
      { operatorId: OPERATORS.advice, role: 'outreach' },
      { operatorId: OPERATORS.advice, role: 'advice' },
      { operatorId: OPERATORS.coaching, role: 'coaching' },
      { operatorId: OPERATORS.jury, role: 'jury_organisation' },
    ],
  });

  before(async () => {
    stack = await startTestStack();
    otherLead = await createUserWithToken(stack.db, OPERATORS.lead, 'project_lead');
  });
  after(async () => {
    await stack?.stop();
  });

  it('lets an administrator create a certification with its blocks, and leads read the catalogue', async () => {
    const created = await stack.http('POST', '/api/certifications', {
      role: 'administrator',
      body: {
        rncpCode: RNCP,
        title: 'Titre professionnel Agent d’accueil',
        certifierOperatorId: OPERATORS.certifier,
        blocks: BLOCKS,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('location'), `/api/certifications/${RNCP}`);
    assert.deepEqual(created.body.blocks, BLOCKS);
    assert.equal(created.body.silenceRule, 'admissible', 'silence = acceptance by default (L. 6412-2)');
    assert.equal(created.body.certifierOperatorName, DEMO.operators[2]!.name);

    const one = await stack.http('GET', `/api/certifications/${RNCP}`, { role: 'project_lead' });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, created.body);
    const all = await stack.http('GET', '/api/certifications', { role: 'administrator' });
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.items.map((c: { rncpCode: string }) => c.rncpCode),
      ['RNCP12345', 'RNCP34147', 'RNCP35830'],
    );
    assert.equal(
      all.body.items.find((c: { rncpCode: string }) => c.rncpCode === 'RNCP35830').blocks.length,
      3,
    );

    const unknown = await stack.http('GET', '/api/certifications/RNCP99999', { role: 'administrator' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'certification_not_found');
    const badCode = await stack.http('GET', '/api/certifications/35830', { role: 'administrator' });
    assert.equal(badCode.status, 400);
    assert.equal(badCode.body.errors[0].path, 'params.code');

    for (const role of ['advisor', 'certifier', 'project_lead']) {
      const denied = await stack.http('POST', '/api/certifications', { role, body: { nonsense: true } });
      assert.equal(denied.status, 403, role);
      assert.equal(denied.body.code, 'role_not_allowed');
      assert.equal(denied.body.errors, undefined, 'refused before its body is read');
    }
    const advisorReads = await stack.http('GET', '/api/certifications', { role: 'advisor' });
    assert.equal(advisorReads.status, 403);
  });

  it('refuses a duplicate certification (409) and a bad one (400, in French, naming each field)', async () => {
    const base = {
      rncpCode: RNCP,
      title: 'Autre intitulé',
      certifierOperatorId: OPERATORS.certifier,
      blocks: BLOCKS,
    };
    const duplicate = await stack.http('POST', '/api/certifications', { role: 'administrator', body: base });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.code, 'certification_exists');
    assert.match(duplicate.body.detail, /La certification RNCP12345 existe déjà/);
    assert.match(duplicate.headers.get('content-type') ?? '', /application\/problem\+json/);

    const post = (body: unknown) =>
      stack.http('POST', '/api/certifications', { role: 'administrator', body });
    const badCode = await post({ ...base, rncpCode: 'RNCP-12' });
    assertNamesFields(badCode, ['body.rncpCode']);
    assert.match(badCode.body.errors[0].message, /code RNCP : « RNCP » suivi de 3 à 6 chiffres/);
    assertNamesFields(await post({ ...base, rncpCode: 'RNCP54321', blocks: [] }), ['body.blocks']);
    const twice = await post({
      ...base,
      rncpCode: 'RNCP54321',
      blocks: [
        { code: 'RNCP54321BC01', title: 'Un' },
        { code: 'RNCP54321BC01', title: 'Deux' },
        { code: 'RNCP35830BC03', title: 'D’une autre certification' },
        { code: 'RNCP54321BC4', title: 'Mal formé' },
        { code: 'RNCP54321BC05', title: '   ' },
      ],
      colour: 'red',
    });
    assertNamesFields(twice, [
      'body.blocks.1.code',
      'body.blocks.2.code',
      'body.blocks.3.code',
      'body.blocks.4.title',
      'body.colour',
    ]);
    assert.match(twice.body.detail, /5 erreurs/);
    assert.deepEqual(Object.fromEntries(twice.body.errors.map((e: ErrorItem) => [e.path, e.code])), {
      'body.blocks.1.code': 'duplicate_block',
      'body.blocks.2.code': 'block_not_of_certification',
      'body.blocks.3.code': 'invalid_format',
      'body.blocks.4.title': 'too_small',
      'body.colour': 'unrecognized_keys',
    });
    const control = await post({ ...base, rncpCode: 'RNCP54321', title: 'Agent\u0000d’accueil', blocks: [] });
    assertNamesFields(control, ['body.title', 'body.blocks']);
    assert.equal(control.body.errors[0].code, 'control_character');
    const noSuchCertifier = await post({
      ...base,
      rncpCode: 'RNCP54321',
      blocks: [{ code: 'RNCP54321BC01', title: 'Un' }],
      certifierOperatorId: randomUUID(),
    });
    assertNamesFields(noSuchCertifier, ['body.certifierOperatorId']);
    assert.equal(noSuchCertifier.body.errors[0].code, 'unknown_operator');
    const nothing = await stack.http('GET', '/api/certifications/RNCP54321', { role: 'administrator' });
    assert.equal(nothing.status, 404, 'nothing was created by the refused requests');
  });

  it('lets an administrator create a project offering it, once per Idempotency-Key', async () => {
    const key = `projet-${randomUUID()}`;
    const created = await stack.http('POST', '/api/projects', {
      role: 'administrator',
      body: projectBody(),
      headers: { 'idempotency-key': key },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    projectId = created.body.id;
    assert.equal(created.headers.get('location'), `/api/projects/${projectId}`);
    assert.equal(created.headers.get('idempotent-replayed'), 'false');
    assert.deepEqual(created.body.certifications, [
      { rncpCode: RNCP, title: 'Titre professionnel Agent d’accueil', blocks: BLOCKS },
    ]);
    assert.deepEqual(
      created.body.operators
        .map((o: { operatorId: string; role: string }) => `${o.role}:${o.operatorId}`)
        .sort(),
      [
        `advice:${OPERATORS.advice}`,
        `certifier:${OPERATORS.certifier}`,
        `coaching:${OPERATORS.coaching}`,
        `jury_organisation:${OPERATORS.jury}`,
        `outreach:${OPERATORS.advice}`,
      ],
      'the certifier of the certification offered is added',
    );
    assert.deepEqual(created.body.policy, { overrides: {}, arms: {} });

    const replay = await stack.http('POST', '/api/projects', {
      role: 'administrator',
      body: projectBody(),
      headers: { 'idempotency-key': key },
    });
    assert.equal(replay.status, 201);
    assert.equal(replay.body.id, projectId);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const reused = await stack.http('POST', '/api/projects', {
      role: 'administrator',
      body: { ...projectBody(), name: 'Un autre projet' },
      headers: { 'idempotency-key': key },
    });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.code, 'idempotency_key_reused');
    const count = await stack.db
      .selectFrom('projects')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('name', '=', projectBody().name)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);

    // The existing project routes see it: its lead and its operators.
    const seen = await stack.http('GET', `/api/projects/${projectId}`, { role: 'certifier' });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.leadUserId, LEAD_USER_ID);
    assert.deepEqual(seen.body.targetPublics, ['low_qualified', 'job_seekers']);

    const wrong = await stack.http('POST', '/api/projects', {
      role: 'administrator',
      body: {
        ...projectBody(),
        leadUserId: ADVISOR_USER_ID,
        certifications: [RNCP, 'RNCP99999'],
        operators: [{ operatorId: randomUUID(), role: 'advice' }],
      },
    });
    assertNamesFields(wrong, ['body.leadUserId', 'body.certifications.1', 'body.operators.0.operatorId']);
    assert.deepEqual(
      wrong.body.errors.map((e: ErrorItem) => e.code),
      ['not_a_project_lead', 'unknown_certification', 'unknown_operator'],
    );
    const noAdvice = await stack.http('POST', '/api/projects', {
      role: 'administrator',
      body: {
        ...projectBody(),
        targetPublics: ['everyone'],
        operators: [{ operatorId: OPERATORS.coaching, role: 'coaching' }],
        policy: { overrides: { testArmShare: 2 } },
      },
    });
    assertNamesFields(noAdvice, [
      'body.targetPublics.0',
      'body.operators',
      'body.policy.overrides.testArmShare',
    ]);
    const byLead = await stack.http('POST', '/api/projects', { role: 'project_lead', body: projectBody() });
    assert.equal(byLead.status, 403);
    assert.equal(byLead.body.code, 'role_not_allowed');
  });

  it('shows its lead the policy beside the legal defaults, with French labels; others get 403 or 404', async () => {
    const res = await stack.http('GET', `/api/projects/${projectId}/policy`, { role: 'project_lead' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.defaults.admissibilityDecisionDeadline, { months: 2 });
    assert.deepEqual(res.body.overrides, {});
    assert.deepEqual(res.body.perArm, { test: {}, control: {} });
    assert.deepEqual(res.body.resolved.control.admissibilityDecisionDeadline, { months: 2 });
    assert.equal(res.body.appliesTo, 'new_candidacies');
    assert.match(res.body.notice, /candidatures créées ensuite/);
    const byKey = (key: string) => res.body.parameters.find((p: { key: string }) => p.key === key);
    assert.equal(res.body.parameters.length, Object.keys(res.body.defaults).length);
    const deadline = byKey('admissibilityDecisionDeadline');
    assert.deepEqual(deadline.default, { value: { months: 2 }, label: '2 mois' });
    assert.equal(deadline.override, null);
    assert.deepEqual(deadline.resolved.test, { value: { months: 2 }, label: '2 mois', from: 'default' });
    assert.match(deadline.source, /L\. 6412-2/);
    assert.match(deadline.label, /recevabilité/);
    assert.equal(byKey('transferAcceptanceDelay').default.label, '5 jours ouvrés');
    assert.equal(byKey('admissibilityWarningShare').default.label, '75 %');
    assert.equal(byKey('reinforcedWhenJobThreatened').default.label, 'oui');

    const admin = await stack.http('GET', `/api/projects/${projectId}/policy`, { role: 'administrator' });
    assert.equal(admin.status, 200);
    for (const role of ['advisor', 'certifier', 'coach', 'jury_organiser']) {
      const denied = await stack.http('GET', `/api/projects/${projectId}/policy`, { role });
      assert.equal(denied.status, 403, role);
      assert.equal(denied.body.code, 'role_not_allowed');
    }
    const foreign = await stack.http('GET', `/api/projects/${projectId}/policy`, { token: otherLead });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, 'project_not_led');
    const unknown = await stack.http('GET', `/api/projects/${randomUUID()}/policy`, { role: 'project_lead' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'project_not_found');
    const notAnId = await stack.http('GET', '/api/projects/abc/policy', { role: 'project_lead' });
    assert.equal(notAnId.status, 400);
  });

  it('refuses bad policy values with a 400 naming each field in French, and callers who are not its lead', async () => {
    const badBody = {
      overrides: {
        admissibilityDecisionDeadline: { days: -1 },
        convocationLeadTime: {},
        juryReminderBefore: { weeks: 2 },
        coachingStartDeadline: { days: 1.5 },
        testArmShare: 1.5,
        admissibilityWarningShare: 0,
        remindersBeforeAbandonment: 'trois',
        colour: 'red',
      },
      arms: { test: { resultReminderAfter: { seconds: 0 } }, placebo: {} },
    };
    const bad = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      role: 'project_lead',
      body: badBody,
    });
    assertNamesFields(bad, [
      'body.overrides.admissibilityDecisionDeadline.days',
      'body.overrides.convocationLeadTime',
      'body.overrides.juryReminderBefore.weeks',
      'body.overrides.juryReminderBefore',
      'body.overrides.coachingStartDeadline.days',
      'body.overrides.testArmShare',
      'body.overrides.admissibilityWarningShare',
      'body.overrides.remindersBeforeAbandonment',
      'body.overrides.colour',
      'body.arms.test.resultReminderAfter',
      'body.arms.placebo',
    ]);
    const message = (path: string) => bad.body.errors.find((e: ErrorItem) => e.path === path).message;
    // The share of the test arm left the policy: the experiment's configuration holds it.
    assert.match(
      message('body.overrides.testArmShare'),
      /part des candidatures affectées au groupe test\) ne fait plus partie de la politique : .*PUT \/api\/projects\/\{id\}\/experiment/,
    );
    assert.match(
      message('body.overrides.convocationLeadTime'),
      /délai de convocation au jury\) doit être une durée positive/,
    );
    assert.match(message('body.overrides.colour'), /n’est pas un champ connu/);
    assert.match(message('body.overrides.remindersBeforeAbandonment'), /attendu : un nombre/);
    const tooLong = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      role: 'project_lead',
      body: { overrides: { coachingStartDeadline: { workingDays: 1_000_000 } } },
    });
    assertNamesFields(tooLong, ['body.overrides.coachingStartDeadline.workingDays']);

    const valid = { overrides: { admissibilityDecisionDeadline: { days: 45 } } };
    for (const role of ['advisor', 'certifier']) {
      const denied = await stack.http('PATCH', `/api/projects/${projectId}/policy`, { role, body: badBody });
      assert.equal(denied.status, 403, role);
      assert.equal(denied.body.errors, undefined, 'refused before its body is read');
    }
    const foreign = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      token: otherLead,
      body: valid,
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, 'project_not_led');
    const unknown = await stack.http('PATCH', `/api/projects/${randomUUID()}/policy`, {
      role: 'administrator',
      body: valid,
    });
    assert.equal(unknown.status, 404);

    const unchanged = await stack.http('GET', `/api/projects/${projectId}/policy`, { role: 'project_lead' });
    assert.deepEqual(unchanged.body.overrides, {}, 'nothing stored by refused changes');
    const changes = await stack.http('GET', `/api/projects/${projectId}/policy/changes`, {
      role: 'project_lead',
    });
    assert.deepEqual(changes.body.items, []);
  });

  it('refuses through the older PUT what the PATCH refuses (a duration no clock can compute), storing nothing', async () => {
    const put = (body: unknown) =>
      stack.http('PUT', `/api/projects/${projectId}/policy`, { role: 'project_lead', body });
    // Accepted before, then every new candidacy's workflow failed on an Invalid Date.
    const unbounded = await put({ overrides: { admissibilityDecisionDeadline: { months: 1e9 } } });
    assertNamesFields(unbounded, ['body.overrides.admissibilityDecisionDeadline.months']);
    assert.match(
      unbounded.body.errors![0]!.message,
      /délai de décision du certificateur sur la recevabilité\) : valeur trop grande/,
    );
    const empty = await put({
      overrides: { convocationLeadTime: {} },
      arms: { test: { resultReminderAfter: { seconds: 0 } } },
    });
    assertNamesFields(empty, ['body.overrides.convocationLeadTime', 'body.arms.test.resultReminderAfter']);
    assert.match(empty.body.errors![0]!.message, /doit être une durée positive/);

    const unchanged = await stack.http('GET', `/api/projects/${projectId}/policy`, { role: 'project_lead' });
    assert.deepEqual(unchanged.body.overrides, {}, 'nothing stored by refused changes');
    assert.deepEqual(unchanged.body.perArm, { test: {}, control: {} });
    const changes = await stack.http('GET', `/api/projects/${projectId}/policy/changes`, {
      role: 'project_lead',
    });
    assert.deepEqual(changes.body.items, []);
  });

  it('gives a candidacy created after a change the new value, and keeps the old one for a running candidacy', async () => {
    const choice = { rncpCode: RNCP, targetBlocks: [BLOCKS[0]!.code] };
    const running = await CandidacyDriver.create(stack, { projectId, ...choice });

    const changed = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      role: 'project_lead',
      body: { overrides: { admissibilityDecisionDeadline: { seconds: 30 } } },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.change.changedKeys, ['admissibilityDecisionDeadline']);
    assert.equal(changed.body.change.changedBy, LEAD_USER_ID);
    assert.match(changed.body.notice, /une candidature en cours garde la politique résolue à son démarrage/);
    assert.deepEqual(changed.body.resolved.test.admissibilityDecisionDeadline, { seconds: 30 });
    const parameter = changed.body.parameters.find(
      (p: { key: string }) => p.key === 'admissibilityDecisionDeadline',
    );
    assert.deepEqual(parameter.override, { value: { seconds: 30 }, label: '30 s' });
    assert.deepEqual(parameter.default, { value: { months: 2 }, label: '2 mois' });
    assert.equal(parameter.resolved.control.from, 'project');

    const fresh = await CandidacyDriver.create(stack, { projectId, ...choice });
    const informAndSubmit = (c: CandidacyDriver) =>
      c.informAndSubmit({ ...choice, profile: { qualificationLevel: 'level4', jobSituation: 'employed' } });
    await informAndSubmit(running);
    const submittedAt = Date.now();
    await informAndSubmit(fresh);
    const dueIn = async (c: CandidacyDriver) => {
      const res = await stack.http('GET', `/api/candidacies/${c.id}`);
      assert.equal(res.status, 200);
      const d = res.body.live.deadlines.find((x: { name: string }) => x.name === 'admissibility-decision');
      assert.ok(d, JSON.stringify(res.body.live.deadlines));
      return Date.parse(d.dueAt) - submittedAt;
    };
    const freshMs = await dueIn(fresh);
    assert.ok(
      freshMs > 25_000 && freshMs < 35_000,
      `new candidacy: due in ${freshMs} ms, expected about 30 s`,
    );
    const runningDays = (await dueIn(running)) / 86_400_000;
    assert.ok(
      runningDays > 55 && runningDays < 63,
      `running candidacy: due in ${runningDays} days, expected 2 months`,
    );

    // Each change is recorded: who, when, before, after; removing the override brings the legal value back.
    const reset = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      role: 'administrator',
      body: { overrides: { admissibilityDecisionDeadline: null } },
    });
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body.resolved.test.admissibilityDecisionDeadline, { months: 2 });
    const again = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      role: 'administrator',
      body: { overrides: { admissibilityDecisionDeadline: null } },
    });
    assert.equal(again.body.change, null, 'a change that changes nothing is not recorded');
    const history = await stack.http('GET', `/api/projects/${projectId}/policy/changes`, {
      role: 'project_lead',
    });
    assert.equal(history.status, 200);
    assert.equal(history.body.items.length, 2);
    const [last, first] = history.body.items;
    assert.equal(first.changedBy, LEAD_USER_ID);
    assert.equal(first.changedByRole, 'project_lead');
    assert.deepEqual(first.before.overrides, {});
    assert.deepEqual(first.after.overrides, { admissibilityDecisionDeadline: { seconds: 30 } });
    assert.equal(last.changedByRole, 'administrator');
    assert.deepEqual(last.after.overrides, {});
    assert.ok(Date.parse(first.changedAt) <= Date.parse(last.changedAt));
    const foreign = await stack.http('GET', `/api/projects/${projectId}/policy/changes`, {
      token: otherLead,
    });
    assert.equal(foreign.status, 403);
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = await stack.http('GET', '/api/openapi.json', { token: null });
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/api/certifications'].post);
    assert.ok(doc.body.paths['/api/certifications/{code}'].get);
    assert.ok(doc.body.paths['/api/projects'].post);
    assert.ok(doc.body.paths['/api/projects/{id}/policy'].get);
    assert.ok(doc.body.paths['/api/projects/{id}/policy'].patch);
    assert.ok(doc.body.paths['/api/projects/{id}/policy'].put, 'the existing PUT is still there');
    assert.ok(doc.body.components.schemas.ProjectPolicyPatch, 'the patch body is documented');
  });

  itReplaysEveryWorkflow(() => stack);
});
