import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadPool } from '../../src/app/jury/load-pool.js';
import { DEMO } from '../../src/db/demo-data.js';
import { ACTION_SAMPLES } from '../support/action-samples.js';
import { CandidacyDriver } from '../support/path.js';
import { createUserWithToken, OPERATORS } from '../support/projects.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';
import { historyText } from '../support/history-text.js';

/**
 * The jury pool through the API (`/api/jury/members`): who manages it, what it checks, what it
 * stores, what the planner reads from it (`loadPool`); and the candidate's employer, stored on the
 * candidate and never in the workflow.
 */

type ErrorItem = { path: string; code: string; message: string };
/** A French sentence of zod's defaults would carry one of these. */
const ENGLISH = /\b(expected|received|invalid|too (small|big)|string|must|unrecognized|required)\b/i;

const OTHER_JURY_OPERATOR = '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0998';

function memberBody(overrides: Record<string, unknown> = {}) {
  const tag = randomUUID().slice(0, 8);
  return {
    displayName: 'Gisèle Vautrin',
    email: `gisele.vautrin.${tag}@exemple.fr`,
    profile: 'professional',
    gender: 'F',
    qualifications: [
      { rncpCode: 'RNCP35830', blockCodes: ['RNCP35830BC02', 'RNCP35830BC01'] },
      { rncpCode: 'RNCP34147', blockCodes: 'all' },
    ],
    ties: {
      employers: ['Aide à Domicile 75'],
      operatorIds: [OPERATORS.coaching],
      userIds: [],
    },
    availability: {
      weekly: [
        { weekday: 4, from: '14:00', to: '17:30' },
        { weekday: 2, from: '09:00', to: '12:00' },
      ],
      unavailableDates: ['2027-05-14', '2027-02-01', '2027-05-14'],
    },
    remote: true,
    homeDepartement: '2A',
    feeCents: 15_000,
    travelCents: 4_500,
    yearlyCap: 10,
    ...overrides,
  };
}

describe('jury pool: /api/jury/members, loadPool and the candidate’s employer', () => {
  let stack: TestStack;
  let otherOrganiser: string;
  const as = (role: string) => ({ role });

  const memberCount = async () =>
    Number(
      (
        await stack.db
          .selectFrom('jury_members')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A 400 naming `path` with a French sentence that starts with the field; nothing written. */
  async function expectFieldRefused(
    send: () => Promise<{ status: number; body: { code: string; errors?: ErrorItem[] } }>,
    path: string,
    code?: string | RegExp,
  ): Promise<ErrorItem> {
    const before = await memberCount();
    const res = await send();
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.code, 'validation_failed');
    const errors = res.body.errors ?? [];
    const hit = errors.find((e) => e.path === path);
    assert.ok(hit, `${path} in ${JSON.stringify(errors)}`);
    if (typeof code === 'string') assert.equal(hit.code, code, JSON.stringify(hit));
    else if (code) assert.match(hit.code, code, JSON.stringify(hit));
    assert.match(hit.message, /^Le champ /, hit.message);
    assert.ok(hit.message.includes(path.replace(/^(body|query)\./, '')), hit.message);
    assert.doesNotMatch(hit.message, ENGLISH, hit.message);
    assert.equal(await memberCount(), before, 'nothing written');
    return hit;
  }

  before(async () => {
    stack = await startTestStack();
    await stack.db
      .insertInto('operators')
      .values({
        id: OTHER_JURY_OPERATOR,
        name: 'Autres jurys',
        email: 'autres-jurys@demo.parcours-vae.local',
      })
      .execute();
    otherOrganiser = await createUserWithToken(stack.db, OTHER_JURY_OPERATOR, 'jury_organiser');
  });
  after(async () => {
    await stack?.stop();
  });

  it('seeds the demo pool: 36 members of the demo jury operator over both certifications', async () => {
    const all = await stack.http('GET', '/api/jury/members?limit=200', as('jury_organiser'));
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.ok(all.body.total >= 30, `total ${all.body.total}`);
    assert.equal(all.body.items.length, all.body.total);
    for (const m of all.body.items) assert.equal(m.operatorId, OPERATORS.jury);
    const ids = all.body.items.map((m: { id: string }) => m.id);
    for (const id of ['0301', '0302', '0303', '0304', '0305', '0306']) {
      assert.ok(ids.includes(`7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e${id}`), `the first demo member ${id} kept`);
    }
    for (const rncpCode of ['RNCP35830', 'RNCP34147']) {
      const some = await stack.http(
        'GET',
        `/api/jury/members?rncpCode=${rncpCode}&limit=200`,
        as('jury_organiser'),
      );
      assert.ok(some.body.total >= 15, `${rncpCode}: ${some.body.total}`);
      for (const m of some.body.items) {
        assert.ok(m.qualifications.some((q: { rncpCode: string }) => q.rncpCode === rncpCode));
      }
    }
    const items = all.body.items as {
      profile: string;
      gender: string;
      remote: boolean;
      feeCents: number;
      qualifications: { blockCodes: unknown }[];
      ties: { employers: string[]; operatorIds: string[] };
      availability: { weekly: unknown[] };
    }[];
    assert.ok(items.some((m) => m.profile === 'trainer') && items.some((m) => m.profile === 'professional'));
    assert.ok(items.some((m) => m.gender === 'F') && items.some((m) => m.gender === 'M'));
    assert.ok(
      items.some((m) => m.qualifications.some((q) => Array.isArray(q.blockCodes))),
      'block subsets',
    );
    assert.ok(items.some((m) => m.ties.employers.includes('Aide à Domicile 75')));
    assert.ok(items.some((m) => m.ties.operatorIds.includes(OPERATORS.coaching)));
    assert.ok(items.every((m) => m.availability.weekly.length > 0));
    assert.ok(items.every((m) => m.feeCents >= 8_000 && m.feeCents <= 25_000));
    const remote = items.filter((m) => m.remote).length / items.length;
    assert.ok(remote > 0.4 && remote < 0.8, `remote share ${remote}`);

    // Seeding again changes nothing (idempotent).
    const { seedDemo } = await import('../../src/db/seed.js');
    await seedDemo(stack.db);
    const again = await stack.http('GET', '/api/jury/members?limit=200', as('jury_organiser'));
    assert.deepEqual(again.body, all.body);
  });

  it('lets a jury organiser create, list with filters, read, change and deactivate a member', async () => {
    const body = memberBody();
    const created = await stack.http('POST', '/api/jury/members', { ...as('jury_organiser'), body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.id;
    assert.equal(created.headers.get('location'), `/api/jury/members/${id}`);
    assert.equal(created.body.operatorId, OPERATORS.jury, 'the organiser’s operator owns it');
    assert.equal(created.body.displayName, 'Gisèle Vautrin');
    assert.equal(created.body.active, true);
    assert.deepEqual(created.body.availability, {
      weekly: [
        { weekday: 2, from: '09:00', to: '12:00' },
        { weekday: 4, from: '14:00', to: '17:30' },
      ],
      unavailableDates: ['2027-02-01', '2027-05-14'],
    });
    assert.deepEqual(created.body.ties, body.ties);
    assert.equal(created.body.homeDepartement, '2A');
    assert.equal(created.body.feeCents, 15_000);
    const row = await stack.db
      .selectFrom('jury_members')
      .select(['rncp_codes', 'operator_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row.rncp_codes, ['RNCP34147', 'RNCP35830']);

    // Defaults: no ties, no availability, on site only, no travel cost, 12 sessions a year.
    const minimal = await stack.http('POST', '/api/jury/members', {
      ...as('jury_organiser'),
      body: {
        displayName: 'Marcel Ténot',
        email: `marcel.tenot.${randomUUID().slice(0, 8)}@exemple.fr`,
        profile: 'trainer',
        gender: 'M',
        qualifications: [{ rncpCode: 'RNCP34147', blockCodes: ['RNCP34147BC02'] }],
        homeDepartement: '974',
        feeCents: 0,
      },
    });
    assert.equal(minimal.status, 201, JSON.stringify(minimal.body));
    assert.deepEqual(
      {
        ties: minimal.body.ties,
        availability: minimal.body.availability,
        remote: minimal.body.remote,
        travelCents: minimal.body.travelCents,
        yearlyCap: minimal.body.yearlyCap,
      },
      {
        ties: { employers: [], operatorIds: [], userIds: [] },
        availability: { weekly: [], unavailableDates: [] },
        remote: false,
        travelCents: 0,
        yearlyCap: 12,
      },
    );

    const one = await stack.http('GET', `/api/jury/members/${id}`, as('jury_organiser'));
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, created.body);

    // Filters and paging.
    const onSite = await stack.http('GET', '/api/jury/members?remote=false&limit=200', as('jury_organiser'));
    assert.ok(onSite.body.items.some((m: { id: string }) => m.id === minimal.body.id));
    assert.ok(onSite.body.items.every((m: { remote: boolean }) => !m.remote));
    const blocks = await stack.http(
      'GET',
      '/api/jury/members?rncpCode=RNCP35830&remote=true&active=true&limit=200',
      as('jury_organiser'),
    );
    assert.ok(blocks.body.items.some((m: { id: string }) => m.id === id));
    assert.ok(!blocks.body.items.some((m: { id: string }) => m.id === minimal.body.id), 'RNCP34147 only');
    const page = await stack.http('GET', '/api/jury/members?limit=5&offset=5', as('jury_organiser'));
    assert.equal(page.body.items.length, 5);
    assert.equal(page.body.offset, 5);
    const firstTen = await stack.http('GET', '/api/jury/members?limit=10', as('jury_organiser'));
    assert.deepEqual(page.body.items, firstTen.body.items.slice(5));

    // PATCH: only what is given; a list given replaces the stored one.
    const changed = await stack.http('PATCH', `/api/jury/members/${id}`, {
      ...as('jury_organiser'),
      body: {
        feeCents: 18_000,
        availability: { unavailableDates: ['2027-06-01'] },
        ties: { employers: [] },
        qualifications: [{ rncpCode: 'RNCP35830', blockCodes: 'all' }],
      },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.feeCents, 18_000);
    assert.deepEqual(changed.body.availability.weekly, created.body.availability.weekly, 'weekly kept');
    assert.deepEqual(changed.body.availability.unavailableDates, ['2027-06-01']);
    assert.deepEqual(changed.body.ties, { employers: [], operatorIds: [OPERATORS.coaching], userIds: [] });
    assert.deepEqual(changed.body.qualifications, [{ rncpCode: 'RNCP35830', blockCodes: 'all' }]);
    assert.equal(changed.body.displayName, 'Gisèle Vautrin');
    assert.ok(changed.body.updatedAt > created.body.updatedAt);
    const derived = await stack.db
      .selectFrom('jury_members')
      .select('rncp_codes')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(derived.rncp_codes, ['RNCP35830']);

    // Deactivated, never deleted; again is the same.
    const off = await stack.http('POST', `/api/jury/members/${id}/deactivate`, as('jury_organiser'));
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.active, false);
    const offAgain = await stack.http('POST', `/api/jury/members/${id}/deactivate`, as('jury_organiser'));
    assert.deepEqual(offAgain.body, off.body);
    const inactive = await stack.http('GET', '/api/jury/members?active=false', as('jury_organiser'));
    assert.deepEqual(
      inactive.body.items.map((m: { id: string }) => m.id),
      [id],
    );
    assert.equal(
      (await stack.http('GET', `/api/jury/members/${id}`, as('jury_organiser'))).body.active,
      false,
    );

    // The planner's view of the pool: what the API wrote, IDs and numbers only.
    const pool = await loadPool(stack.db, OPERATORS.jury);
    const mine = pool.find((m) => m.id === id);
    assert.deepEqual(mine, {
      id,
      qualifications: [{ rncpCode: 'RNCP35830', blockCodes: 'all' }],
      profile: 'professional',
      gender: 'F',
      ties: { employers: [], operatorIds: [OPERATORS.coaching], userIds: [] },
      availability: changed.body.availability,
      remote: true,
      homeDepartement: '2A',
      feeCents: 18_000,
      travelCents: 4_500,
      yearlyCap: 10,
      booked: {},
      active: false,
    });
    assert.ok(!JSON.stringify(pool).includes('Gisèle'), 'no names in the pool');
    assert.ok(!JSON.stringify(pool).includes('@'), 'no e-mail addresses in the pool');
    assert.ok(pool.length >= 38);
    const cleaning = await loadPool(stack.db, OPERATORS.jury, ['RNCP34147'], { activeOnly: true });
    assert.ok(cleaning.some((m) => m.id === minimal.body.id));
    assert.ok(!cleaning.some((m) => m.id === id));
    assert.ok(cleaning.every((m) => m.active && m.qualifications.some((q) => q.rncpCode === 'RNCP34147')));
    assert.deepEqual(await loadPool(stack.db, OTHER_JURY_OPERATOR), []);
  });

  it('refuses other roles (403, before reading the body) and hides other pools (404)', async () => {
    for (const role of ['advisor', 'certifier', 'coach', 'project_lead']) {
      const list = await stack.http('GET', '/api/jury/members', as(role));
      assert.equal(list.status, 403, role);
      assert.equal(list.body.code, 'role_not_allowed');
      assert.match(list.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(list.body.detail, /organisateurs de jury/);
      const create = await stack.http('POST', '/api/jury/members', { role, body: { nonsense: '\u0000' } });
      assert.equal(create.status, 403, role);
      assert.equal(create.body.errors, undefined, 'refused before its body is read');
      const one = await stack.http('GET', `/api/jury/members/${DEMO.juryMembers[0]!.id}`, as(role));
      assert.equal(one.status, 403, role);
    }
    assert.equal((await stack.http('GET', '/api/jury/members', { token: null })).status, 401);

    // An organiser of another operator: their own pool is empty; the demo pool does not exist for them.
    const demoMember = DEMO.juryMembers[0]!.id;
    const own = await stack.http('GET', '/api/jury/members', { token: otherOrganiser });
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.items, []);
    assert.equal(own.body.total, 0);
    const naming = await stack.http('GET', `/api/jury/members?operatorId=${OPERATORS.jury}`, {
      token: otherOrganiser,
    });
    assert.equal(naming.status, 403);
    assert.equal(naming.body.code, 'operator_not_in_charge');
    for (const [method, url, body] of [
      ['GET', `/api/jury/members/${demoMember}`, undefined],
      ['PATCH', `/api/jury/members/${demoMember}`, { feeCents: 1 }],
      ['PATCH', `/api/jury/members/${demoMember}`, { feeCents: -1 }],
      ['POST', `/api/jury/members/${demoMember}/deactivate`, undefined],
    ] as const) {
      const res = await stack.http(method, url, { token: otherOrganiser, body });
      assert.equal(res.status, 404, `${method} ${url}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'jury_member_not_found');
    }
    const unchanged = await stack.http('GET', `/api/jury/members/${demoMember}`, as('jury_organiser'));
    assert.equal(unchanged.body.active, true);
    assert.notEqual(unchanged.body.feeCents, 1);

    // Their member is theirs; the same address may be used in two pools.
    const theirs = await stack.http('POST', '/api/jury/members', {
      token: otherOrganiser,
      body: memberBody({ email: DEMO.juryMembers[1]!.email }),
    });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    assert.equal(theirs.body.operatorId, OTHER_JURY_OPERATOR);
    const notSeen = await stack.http('GET', `/api/jury/members/${theirs.body.id}`, as('jury_organiser'));
    assert.equal(notSeen.status, 404);
  });

  it('lets an administrator manage any pool, naming the operator', async () => {
    const unnamed = await expectFieldRefused(
      () => stack.http('GET', '/api/jury/members', as('administrator')),
      'query.operatorId',
      'operator_required',
    );
    assert.match(unnamed.message, /administrateur/);
    const listed = await stack.http(
      'GET',
      `/api/jury/members?operatorId=${OTHER_JURY_OPERATOR}`,
      as('administrator'),
    );
    assert.equal(listed.status, 200);
    assert.equal(listed.body.total, 1);
    await expectFieldRefused(
      () => stack.http('POST', '/api/jury/members', { ...as('administrator'), body: memberBody() }),
      'body.operatorId',
      'operator_required',
    );
    await expectFieldRefused(
      () =>
        stack.http('POST', '/api/jury/members', {
          ...as('administrator'),
          body: memberBody({ operatorId: randomUUID() }),
        }),
      'body.operatorId',
      'unknown_operator',
    );
    const created = await stack.http('POST', '/api/jury/members', {
      ...as('administrator'),
      body: memberBody({ operatorId: OTHER_JURY_OPERATOR }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.operatorId, OTHER_JURY_OPERATOR);
    const patched = await stack.http('PATCH', `/api/jury/members/${created.body.id}`, {
      ...as('administrator'),
      body: { yearlyCap: 200 },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.yearlyCap, 200);
  });

  it('refuses bad input with a 400 naming the field in French, and writes nothing', async () => {
    const post = (body: unknown) =>
      stack.http('POST', '/api/jury/members', { ...as('jury_organiser'), body });
    const window = await expectFieldRefused(
      () => post(memberBody({ availability: { weekly: [{ weekday: 1, from: '14:00', to: '09:30' }] } })),
      'body.availability.weekly.0.to',
      'window_not_ordered',
    );
    assert.match(window.message, /fin du créneau/);
    await expectFieldRefused(
      () => post(memberBody({ availability: { weekly: [{ weekday: 8, from: '09:00', to: '12:00' }] } })),
      'body.availability.weekly.0.weekday',
    );
    await expectFieldRefused(
      () => post(memberBody({ availability: { weekly: [{ weekday: 1, from: '9h', to: '12:00' }] } })),
      'body.availability.weekly.0.from',
    );
    await expectFieldRefused(
      () => post(memberBody({ availability: { unavailableDates: ['2027-02-30'] } })),
      'body.availability.unavailableDates.0',
      'invalid_date',
    );
    const block = await expectFieldRefused(
      () => post(memberBody({ qualifications: [{ rncpCode: 'RNCP35830', blockCodes: ['RNCP35830BC09'] }] })),
      'body.qualifications.0.blockCodes.0',
      'unknown_block',
    );
    assert.match(block.message, /RNCP35830BC09/);
    await expectFieldRefused(
      () => post(memberBody({ qualifications: [{ rncpCode: 'RNCP99999', blockCodes: 'all' }] })),
      'body.qualifications.0.rncpCode',
      'unknown_certification',
    );
    await expectFieldRefused(
      () => post(memberBody({ qualifications: [{ rncpCode: 'RNCP35830', blockCodes: ['RNCP34147BC01'] }] })),
      'body.qualifications.0.blockCodes.0',
      'block_not_of_certification',
    );
    await expectFieldRefused(() => post(memberBody({ qualifications: [] })), 'body.qualifications');
    const nul = await expectFieldRefused(
      () => post(memberBody({ displayName: 'Gisèle\u0000Vautrin' })),
      'body.displayName',
      'control_character',
    );
    assert.match(nul.message, /caractère/i);
    await expectFieldRefused(
      () => post(memberBody({ ties: { employers: ['Aide\u0085à domicile'] } })),
      'body.ties.employers.0',
      'control_character',
    );
    for (const departement of ['20', '00', '96', '977', '2C', '7']) {
      const dep = await expectFieldRefused(
        () => post(memberBody({ homeDepartement: departement })),
        'body.homeDepartement',
      );
      assert.match(dep.message, /département/);
    }
    await expectFieldRefused(() => post(memberBody({ feeCents: -100 })), 'body.feeCents');
    await expectFieldRefused(() => post(memberBody({ travelCents: 12.5 })), 'body.travelCents');
    await expectFieldRefused(() => post(memberBody({ yearlyCap: 0 })), 'body.yearlyCap');
    await expectFieldRefused(() => post(memberBody({ yearlyCap: 201 })), 'body.yearlyCap');
    await expectFieldRefused(() => post(memberBody({ gender: 'X' })), 'body.gender');
    await expectFieldRefused(() => post(memberBody({ profile: 'expert' })), 'body.profile');
    await expectFieldRefused(() => post(memberBody({ email: 'pas-une-adresse' })), 'body.email');
    await expectFieldRefused(
      () => post(memberBody({ ties: { operatorIds: [randomUUID()] } })),
      'body.ties.operatorIds.0',
      'unknown_operator',
    );
    await expectFieldRefused(() => post(memberBody({ colour: 'bleu' })), 'body.colour', 'unrecognized_keys');
    await expectFieldRefused(
      () => stack.http('GET', '/api/jury/members?active=oui', as('jury_organiser')),
      'query.active',
    );
    await expectFieldRefused(
      () =>
        stack.http('PATCH', `/api/jury/members/${DEMO.juryMembers[2]!.id}`, {
          ...as('jury_organiser'),
          body: { availability: { weekly: [{ weekday: 3, from: '10:00', to: '10:00' }] } },
        }),
      'body.availability.weekly.0.to',
      'window_not_ordered',
    );
    const badId = await stack.http('GET', '/api/jury/members/pas-un-uuid', as('jury_organiser'));
    assert.equal(badId.status, 400);
    assert.equal(badId.body.errors[0].path, 'params.id');
  });

  it('keeps e-mail addresses unique in a pool (409 jury_member_email_taken), case aside', async () => {
    const body = memberBody();
    const first = await stack.http('POST', '/api/jury/members', { ...as('jury_organiser'), body });
    assert.equal(first.status, 201);
    const before = await memberCount();
    const again = await stack.http('POST', '/api/jury/members', {
      ...as('jury_organiser'),
      body: memberBody({ email: body.email.toUpperCase() }),
    });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, 'jury_member_email_taken');
    assert.equal(again.body.memberId, first.body.id);
    assert.ok(!again.body.detail.includes(body.email), 'the address is not repeated');
    assert.equal(await memberCount(), before);

    const other = DEMO.juryMembers[3]!;
    const patch = await stack.http('PATCH', `/api/jury/members/${first.body.id}`, {
      ...as('jury_organiser'),
      body: { email: other.email },
    });
    assert.equal(patch.status, 409);
    assert.equal(patch.body.code, 'jury_member_email_taken');
    assert.equal(patch.body.memberId, other.id);
    const kept = await stack.http('GET', `/api/jury/members/${first.body.id}`, as('jury_organiser'));
    assert.equal(kept.body.email, body.email);
  });

  it('stores the candidate’s employer on the candidate, never in the workflow history', async () => {
    const atCreation = 'Boulangerie Éclair du Marais';
    const employer = 'Propreté Services Île-de-France — agence de Saint-Denis';
    const c = await CandidacyDriver.create(stack, {
      candidate: {
        firstName: 'Rosalie',
        lastName: `Berthier-${randomUUID().slice(0, 6)}`,
        email: `rosalie.${randomUUID().slice(0, 8)}@exemple.fr`,
        phone: '+33 6 98 76 54 32',
        birthYear: 1979,
        qualificationLevel: 'level3',
        jobSituation: 'employed',
        employer: atCreation,
      },
    });
    const employerOf = async () =>
      (
        await stack.db
          .selectFrom('candidates as p')
          .innerJoin('candidacies as c', 'c.candidate_id', 'p.id')
          .select('p.employer')
          .where('c.id', '=', c.id)
          .executeTakeFirstOrThrow()
      ).employer;
    assert.equal(await employerOf(), atCreation);

    await c.act('record-information', { ...ACTION_SAMPLES['record-information'], employer });
    assert.equal(await employerOf(), employer);

    // Shown as identity is: to the advisor, not to the jury organiser (who sees the candidacy).
    const advisor = await stack.http('GET', `/api/candidacies/${c.id}`, as('advisor'));
    assert.equal(advisor.status, 200);
    assert.equal(advisor.body.candidate.employer, employer);
    const organiser = await stack.http('GET', `/api/candidacies/${c.id}`, as('jury_organiser'));
    assert.equal(organiser.status, 200, JSON.stringify(organiser.body));
    assert.deepEqual(Object.keys(organiser.body.candidate), ['id']);

    // Recorded again in the same phase: the new value; null removes it, absent keeps it.
    await c.act('record-information', { ...ACTION_SAMPLES['record-information'], employer: null });
    assert.equal(await employerOf(), null);
    await c.act('record-information', { ...ACTION_SAMPLES['record-information'], employer });
    await c.act('record-information', ACTION_SAMPLES['record-information']);
    assert.equal(await employerOf(), employer);

    // A refused action writes nothing: refused by the phase check, or (with an Idempotency-Key,
    // which skips that check) by the workflow's Update validator.
    await c.act('submit-admissibility');
    const variants: Record<string, string>[] = [{}, { 'idempotency-key': `employer-${randomUUID()}` }];
    for (const headers of variants) {
      const refused = await stack.http('POST', `/api/candidacies/${c.id}/record-information`, {
        ...as('advisor'),
        headers,
        body: { ...ACTION_SAMPLES['record-information'], employer: 'Autre employeur' },
      });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'action_not_allowed');
      assert.equal(await employerOf(), employer);
    }
    // A bad employer is a 400 naming it.
    const tooLong = await c.refused('record-information', {
      ...ACTION_SAMPLES['record-information'],
      employer: 'x'.repeat(201),
    });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.errors[0].path, 'body.employer');

    await c.waitEvent('informed');
    const history = historyText(await stack.temporal.workflow.getHandle(c.workflowId).fetchHistory());
    // The payloads are read as text (JSON.stringify alone prints their bytes as numbers).
    assert.ok(history.includes('RNCP35830BC01'), 'the record-information payload is read');
    for (const secret of [employer, atCreation, 'Propreté Services', 'Éclair', 'Autre employeur']) {
      assert.ok(!history.includes(secret), `history leaks ${secret}`);
    }
    const events = await c.events();
    assert.ok(!JSON.stringify(events).includes('Propreté'), 'journal without the employer');
  });

  itReplaysEveryWorkflow(() => stack);
});
