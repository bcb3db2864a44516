import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEMO } from '../../src/db/demo-data.js';
import { apiRoutes } from '../support/api-routes.js';
import { newCandidacyBody } from '../support/fixtures.js';
import { assertAllCompleted, sleep, startPaths, useFaultStack } from './paths.js';
import type { ProcessStack } from './process-stack.js';
import { historyText } from '../support/history-text.js';

const N = Number(process.env.FAULTS_CANDIDACIES ?? 200);

describe('fault suite: kill, stop and flood every part; nothing is lost, nothing is doubled', () => {
  const { stack, project } = useFaultStack();

  it(`kill -9 of the worker mid-path: all ${N} candidacies complete, e-mails once, journals whole`, async () => {
    const ids = await startPaths(stack, project.id, N);
    await sleep(2_000);
    await stack.killWorker();
    await sleep(3_000);
    await stack.startWorker();
    await sleep(4_000);
    await stack.killWorker();
    await stack.startWorker();
    // All close within 5–12 s here; the bound leaves room for a machine several times slower.
    await assertAllCompleted(stack, ids, 180_000, { workerKilled: true });
  });

  it('restart of the Temporal server (dev server on its file): every workflow resumes', async () => {
    const ids = await startPaths(stack, project.id, Math.min(N, 50));
    await stack.killWorker();
    await stack.stopTemporal();
    await sleep(2_000);
    await stack.startTemporal();
    await stack.startWorker();
    await assertAllCompleted(stack, ids, 120_000, { workerKilled: true });
  });

  it('PostgreSQL down for a while: the API answers 503 at once, activities retry, all resume soon after', async () => {
    const ids = await startPaths(stack, project.id, Math.min(N, 50));
    const downMs = Number(process.env.FAULTS_PG_DOWN_MS ?? 60_000);
    await stack.stopPostgres();
    const t0 = Date.now();
    const during = await stack.http('GET', '/api/candidacies');
    assert.equal(during.status, 503, JSON.stringify(during.body));
    assert.ok(Date.now() - t0 < 10_000, `answered in ${Date.now() - t0} ms, not a hang`);
    assert.equal(during.body.code, 'dependency_unavailable');
    const created = await stack.http('POST', '/api/candidacies', {
      body: newCandidacyBody({ projectId: project.id }),
    });
    assert.equal(created.status, 503);
    const ready = await stack.http('GET', '/readyz', { token: null });
    assert.equal(ready.status, 503);
    await sleep(Math.max(0, downMs - (Date.now() - t0)));
    await stack.startPostgres();
    const recovered = Date.now();
    await assertAllCompleted(stack, ids, 60_000);
    // The clocks that ran out during the outage are applied once the journal is writable again.
    const lastEvent = await stack.db
      .selectFrom('candidacy_events')
      .select((eb) => eb.fn.max('recorded_at').as('last'))
      .where('candidacy_id', 'in', ids)
      .executeTakeFirstOrThrow();
    const resumedIn = new Date(lastEvent.last as Date).getTime() - recovered;
    console.log(`PostgreSQL outage of ${downMs} ms: last journal write ${resumedIn} ms after recovery`);
    assert.ok(resumedIn < 15_000, `resumed ${resumedIn} ms after recovery`);
  });

  it('SMTP server down: e-mails wait, then go out once after recovery', async () => {
    await stack.stopMail();
    const ids = await startPaths(stack, project.id, 20);
    await sleep(10_000);
    const pending = await stack.db
      .selectFrom('email_log')
      .select('status')
      .where('candidacy_id', 'in', ids)
      .execute();
    assert.ok(
      pending.every((r) => r.status !== 'sent'),
      'nothing can be sent while SMTP is down',
    );
    await stack.startMail();
    await assertAllCompleted(stack, ids, 120_000);
  });

  it('10,000 malformed requests across every route: no 5xx, no half-written row', async () => {
    // An action's body is read only past the access check, on a candidacy the caller acts on: when
    // this test runs alone there is none yet, so one is made in the demo project (no clock of it
    // runs out during the test) and left to settle before the counts are taken.
    if (!(await stack.db.selectFrom('candidacies').select('id').executeTakeFirst())) {
      const created = await stack.http('POST', '/api/candidacies', { body: newCandidacyBody() });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      for (let last = ''; ; await sleep(1_000)) {
        const now = JSON.stringify(await counts(stack));
        if (now === last && JSON.parse(now).candidacy_events > 0) break;
        last = now;
      }
    }
    const before = await counts(stack);
    const statuses = new Map<number, number>();
    // Every route of the API, read from its definitions (a new route is flooded without further
    // ado), and the member's invitation pages of the console.
    const routes: (readonly [string, string])[] = [
      ...apiRoutes().map((r) => [r.method, r.path] as const),
      ['GET', '/jury/invitations/:id'],
      ['POST', '/jury/invitations/:id/accept'],
    ];
    const flooded = new Set(routes.map(([m, p]) => `${m} ${p}`));
    for (const route of [
      'GET /api/certifications',
      'POST /api/certifications',
      'GET /api/certifications/:code',
      'GET /api/projects',
      'POST /api/projects',
      'GET /api/projects/:id',
      'GET /api/projects/:id/policy',
      'PUT /api/projects/:id/policy',
      'PATCH /api/projects/:id/policy',
      'GET /api/projects/:id/policy/changes',
      'GET /api/projects/:id/email-failures',
      ...[
        'complete-file',
        'submit-validation-file',
        'cancel-jury',
        'accept-transfer',
        'resume',
        'contest-abandonment',
        'archive',
      ].map((a) => `POST /api/candidacies/:id/${a}`),
      'POST /api/jury/members/:id/deactivate',
      'POST /api/jury/sessions/:id/members/:memberId/withdraw',
    ]) {
      assert.ok(flooded.has(route), `${route} is flooded`);
    }
    const existing = (await stack.db.selectFrom('candidacies').select('id').limit(5).execute()).map(
      (r) => r.id,
    );
    const ids = [...existing, randomUUID(), '123', '../../etc/passwd', '%00', 'x'.repeat(300), ''];
    const codes = ['RNCP35830', 'RNCP1', 'rncp35830', 'RNCP35830BC01', '%00', 'x'.repeat(300), ''];
    const member = DEMO.juryMembers[0]!.id;
    const tokens = [
      stack.tokens.advisor,
      stack.tokens.certifier,
      stack.tokens.administrator,
      stack.tokens.jury_organiser,
      stack.tokens.project_lead,
      'pvae_forged',
      '',
      null,
      'Bearer x',
    ];
    const junk: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { projectId: 12 },
      { projectId: DEMO.project.id, candidate: 'x', rncpCode: ['RNCP35830'], targetBlocks: 'all' },
      { candidate: { email: 'not-an-email', birthYear: 'old' } },
      { admissible: 'yes', reasons: [1, 2] },
      { sessionAt: 'tomorrow', modality: 'boat', place: '' },
      { outcome: 'maybe', blocks: [{ code: 1 }] },
      { missingItems: ['everything'] },
      { coachOperatorId: 'nobody' },
      { pad: 'é'.repeat(60_000) },
      { __proto__: { admin: true }, constructor: { prototype: { x: 1 } } },
      { durationMinutes: -5, date: 'never', modality: 'telepathy' },
      { 'key\u0000': 1, 'clé\ud800': 'x', nested: { ['\u0085']: ['\u0000'] } },
      { candidate: { firstName: '\u0000', lastName: '\ud800', email: '\u0085@x.fr', phone: '\u007f' } },
    ];
    let seed = 42;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length]!;
    };
    // Control characters (C0, DEL, C1), lone surrogates, U+FFFD: put in every string field of
    // valid bodies, so that each reaches the check of its own field (and PostgreSQL if it failed).
    const BAD = [
      '\u0000',
      '\u0001',
      '\u0008',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u009f',
      '\ud800',
      '\udfff',
      '\ufffd',
    ];
    const BAD_IN_URL = ['%00', '%01', '%1F', '%7F', '%C2%85', '%ED%A0%80', '%EF%BF%BD', '%FF'];
    // What fetch lets through in a header value (tab and Latin-1 0x80–0xFF; it refuses other controls).
    const BAD_IN_HEADER = ['\u0085', '\u009f', '\u00a0', '\u00ff', 'é', '\t'];
    /**
     * For each route that reads a body (or a query): a valid one, the role that gets past its access
     * check and, off the candidacies, the path parameters that do (a candidacy is picked at random).
     */
    const VALID: Record<string, [string, () => unknown, Record<string, string>?]> = {
      '/api/candidacies': ['advisor', () => newCandidacyBody({ projectId: DEMO.project.id })],
      '/api/candidacies/:id/record-information': [
        'advisor',
        () => ({
          eligibilityChecked: true,
          rncpCode: 'RNCP35830',
          targetBlocks: ['RNCP35830BC01'],
          profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
        }),
      ],
      '/api/candidacies/:id/mark-incomplete': [
        'certifier',
        () => ({ missingItems: ['cerfa_form', 'proof_of_experience'] }),
      ],
      '/api/candidacies/:id/decide-admissibility': [
        'certifier',
        () => ({ admissible: false, reasons: ['other'] }),
      ],
      '/api/candidacies/:id/assign-coach': ['advisor', () => ({ coachOperatorId: DEMO.operators[3]!.id })],
      '/api/candidacies/:id/log-coaching-session': [
        'coach',
        () => ({ date: new Date().toISOString(), durationMinutes: 60, modality: 'remote' }),
      ],
      '/api/candidacies/:id/schedule-jury': [
        'certifier',
        () => ({
          sessionAt: new Date(Date.now() + 3e10).toISOString(),
          modality: 'on_site',
          place: 'Centre d’examen, Lyon',
        }),
      ],
      '/api/candidacies/:id/record-jury-result': [
        'certifier',
        () => ({ outcome: 'partial', blocks: [{ code: 'RNCP35830BC01', validated: true }] }),
      ],
      '/api/candidacies/:id/withdraw': ['advisor', () => ({ reason: 'personal_reasons' })],
      '/api/candidacies/:id/cancel-jury': ['certifier', () => ({ reason: 'session_cancelled' })],
      // Actions without arguments: a spoiled body is an unknown key with a bad character.
      '/api/candidacies/:id/complete-file': ['advisor', () => ({})],
      '/api/candidacies/:id/submit-validation-file': ['coach', () => ({})],
      '/api/candidacies/:id/accept-transfer': ['advisor', () => ({})],
      '/api/candidacies/:id/resume': ['advisor', () => ({})],
      '/api/candidacies/:id/contest-abandonment': ['advisor', () => ({})],
      '/api/candidacies/:id/archive': ['administrator', () => ({})],
      '/api/candidacies/:id/request-transfer': [
        'advisor',
        () => ({ toOperatorId: DEMO.operators[1]!.id, reason: 'capacity' }),
      ],
      '/api/admin/users': [
        'administrator',
        () => ({
          operatorId: DEMO.operators[1]!.id,
          role: 'advisor',
          displayName: 'Jeanne Martin',
          email: 'j.martin@exemple.fr',
        }),
      ],
      '/api/admin/operators': ['administrator', () => ({ name: 'Organisme', email: 'organisme@exemple.fr' })],
      '/api/admin/users/:id/tokens': ['administrator', () => ({ label: 'CI' })],
      '/api/jury/members': [
        'jury_organiser',
        () => ({
          displayName: 'Hélène Durand',
          email: 'h.durand@exemple.fr',
          profile: 'professional',
          gender: 'F',
          qualifications: [{ rncpCode: 'RNCP35830', blockCodes: ['RNCP35830BC01'] }],
          ties: { employers: ['Aide à Domicile 75'], operatorIds: [], userIds: [] },
          availability: {
            weekly: [{ weekday: 2, from: '09:00', to: '12:00' }],
            unavailableDates: ['2027-05-14'],
          },
          remote: true,
          homeDepartement: '93',
          feeCents: 12_000,
          travelCents: 3_000,
          yearlyCap: 10,
        }),
      ],
      '/api/jury/plans': ['jury_organiser', () => ({ projectId: DEMO.project.id, horizonDays: 7 })],
      '/api/jury/members/:id/deactivate': [
        'jury_organiser',
        () => ({ note: 'Départ à la retraite' }),
        { id: member },
      ],
      '/api/jury/sessions/:id/members/:memberId/withdraw': [
        'jury_organiser',
        () => ({ note: 'Indisponible ce jour-là' }),
        { id: randomUUID(), memberId: member },
      ],
      // Reference data: certification and block titles, project names, a policy's levels.
      '/api/certifications': [
        'administrator',
        () => ({
          rncpCode: 'RNCP99001',
          title: 'Titre professionnel Agent d’accueil et d’information',
          certifierOperatorId: DEMO.operators[2]!.id,
          silenceRule: 'admissible',
          blocks: [
            { code: 'RNCP99001BC01', title: 'Accueillir et orienter le public' },
            { code: 'RNCP99001BC02', title: 'Traiter les demandes par téléphone et par écrit' },
          ],
        }),
      ],
      '/api/certifications/:code': ['project_lead', () => ({}), { code: 'RNCP35830' }],
      '/api/projects': [
        'administrator',
        () => ({
          name: 'Expérimentation VAE par blocs — Hauts-de-France',
          leadUserId: DEMO.users[4]!.id,
          targetPublics: ['low_qualified', 'job_seekers'],
          certifications: ['RNCP35830'],
          operators: [
            { operatorId: DEMO.operators[1]!.id, role: 'advice' },
            { operatorId: DEMO.operators[3]!.id, role: 'coaching' },
          ],
          policy: { overrides: { lowQualificationLevels: ['none', 'level3'] } },
        }),
      ],
      '/api/projects/:id': ['project_lead', () => ({}), { id: DEMO.project.id }],
      '/api/projects/:id/policy': [
        'project_lead',
        () => ({
          overrides: { admissibilityDecisionDeadline: { days: 45 }, lowQualificationLevels: ['none'] },
          arms: { test: { lowQualificationLevels: ['none', 'level3'] } },
        }),
        { id: DEMO.project.id },
      ],
      '/api/projects/:id/policy/changes': ['project_lead', () => ({}), { id: DEMO.project.id }],
      '/api/projects/:id/email-failures': ['project_lead', () => ({}), { id: DEMO.project.id }],
      '/api/jury/sessions': [
        'jury_organiser',
        () => ({
          projectId: DEMO.project.id,
          session: {
            rncpCode: 'RNCP35830',
            startsAt: new Date(Date.now() + 3e10).toISOString(),
            endsAt: new Date(Date.now() + 3e10 + 3.6e6).toISOString(),
            modality: 'on_site',
            candidacyIds: [randomUUID()],
            memberIds: [randomUUID(), randomUUID()],
            presidentId: randomUUID(),
          },
          place: 'Centre d’examen, Lyon',
          departement: '69',
        }),
      ],
    };
    /**
     * The route's valid body with bad characters in one of its string fields, in all of them, or
     * in a key: every string field of every route meets each bad character many times over.
     */
    const spoiled = (template: string, i: number): unknown => {
      const body = (VALID[template] ?? pick(Object.values(VALID)))[1]();
      const slots: [Record<string | number, unknown>, string | number][] = [];
      const walk = (v: unknown) => {
        if (v === null || typeof v !== 'object') return;
        for (const [k, x] of Object.entries(v)) {
          if (typeof x === 'string')
            slots.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
          else walk(x);
        }
      };
      walk(body);
      const spoil = (s: string) => {
        const at = seed % (s.length + 1);
        return s.slice(0, at) + pick(BAD) + s.slice(at);
      };
      if (i % 11 === 0 || slots.length === 0) return { ...(body as object), [spoil('field')]: 'x' };
      const chosen = i % 4 === 0 ? slots : [pick(slots)];
      for (const [parent, key] of chosen) parent[key] = spoil(parent[key] as string);
      return body;
    };
    const total = Number(process.env.FAULTS_MALFORMED ?? 10_000);
    const queue = Array.from({ length: total }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const [method, template] = pick(routes);
          const kind = i % 5;
          // A spoiled body goes with the token and candidacy (or path) that take it past the access check.
          const role = kind === 4 ? VALID[template]?.[0] : undefined;
          const validPath = role ? VALID[template]?.[2] : undefined;
          const url =
            template.replace(/:(id|memberId|code)\b/g, (_, name: string) =>
              validPath?.[name] !== undefined
                ? validPath[name]
                : i % 13 === 0
                  ? `${name === 'code' ? 'RNCP358' : randomUUID().slice(0, -2)}${pick(BAD_IN_URL)}`
                  : encodeURIComponent(name === 'code' ? pick(codes) : pick(ids)),
            ) +
            (i % 7 === 0
              ? '?limit=-1&phase=nope&x=1'
              : i % 7 === 3
                ? `?rncpCode=RNCP${pick(BAD_IN_URL)}&waitingOn=advice${pick(BAD_IN_URL)}&projectId=${pick(BAD_IN_URL)}`
                : '');
          const res = await stack.http(
            method,
            role && !validPath && existing.length
              ? url.replace(/\/api\/candidacies\/[^/?]+/, `/api/candidacies/${pick(existing)}`)
              : url,
            {
              token: role ? stack.tokens[role] : pick(tokens),
              ...(i % 6 === 0
                ? { headers: { 'idempotency-key': `cle-${pick(BAD_IN_HEADER)}-${i}-abcdef` } }
                : {}),
              ...(method === 'GET' || method === 'DELETE'
                ? {}
                : kind === 0
                  ? { raw: '{"broken": ', headers: { 'content-type': 'application/json' } }
                  : kind === 1
                    ? { raw: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } }
                    : kind === 2
                      ? { raw: 'x'.repeat(300_000), headers: { 'content-type': 'application/json' } }
                      : kind === 3
                        ? { body: pick(junk) }
                        : { body: spoiled(template, i) }),
            },
          );
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500);
    console.log(`malformed requests: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(fiveHundreds, [], 'no 5xx');
    assert.deepEqual(await counts(stack), before, 'nothing written');
    const orphans = await stack.db
      .selectFrom('candidates')
      .select('id')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('candidacies')
              .select('id')
              .whereRef('candidacies.candidate_id', '=', 'candidates.id'),
          ),
        ),
      )
      .execute();
    assert.equal(orphans.length, 0, 'no candidate without candidacy');
  });

  it('no personal data in any workflow history or search attribute', async () => {
    const people = await stack.db
      .selectFrom('candidates')
      .select(['first_name', 'last_name', 'email', 'phone'])
      .execute();
    const members = await stack.db.selectFrom('jury_members').select(['display_name', 'email']).execute();
    const secrets = [
      ...new Set([
        ...people.flatMap((p) => [p.last_name, p.email, p.phone]),
        ...members.flatMap((m) => [m.display_name, m.email]),
      ]),
    ];
    let scanned = 0;
    for await (const wf of stack.temporal.workflow.list({
      query: 'WorkflowType = "candidacy" OR WorkflowType = "jurySession"',
    })) {
      const handle = stack.temporal.workflow.getHandle(wf.workflowId, wf.runId);
      const history = historyText(await handle.fetchHistory());
      // The payloads are read (decoded bytes), so a leak could be seen: the workflow's own ID is in them.
      assert.ok(
        history.includes(wf.workflowId.replace(/^[a-z-]+?-(?=[0-9a-f]{8}-)/, '')),
        'payloads decoded',
      );
      const attributes =
        JSON.stringify(wf.typedSearchAttributes ?? {}) + JSON.stringify(wf.searchAttributes ?? {});
      for (const secret of secrets) {
        assert.ok(!history.includes(secret), `history of ${wf.workflowId} contains personal data`);
        assert.ok(
          !attributes.includes(secret),
          `search attributes of ${wf.workflowId} contain personal data`,
        );
      }
      scanned++;
    }
    assert.ok(scanned >= N, `scanned ${scanned} workflows`);
    console.log(`scanned ${scanned} workflow histories for ${secrets.length} personal values`);
  });
});

async function counts(stack: ProcessStack) {
  const tables = [
    'candidacies',
    'candidates',
    'candidacy_events',
    'jury_members',
    'jury_plans',
    'jury_sessions',
    'jury_session_members',
    'jury_session_events',
    'jury_invitations',
    // What the reference-data and administration routes write.
    'projects',
    'project_operators',
    'project_certifications',
    'certifications',
    'skill_blocks',
    'policy_changes',
    'operators',
    'users',
    'api_tokens',
    'admissibility_requests',
  ] as const;
  const rows = await Promise.all(
    tables.map((t) =>
      stack.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
  );
  // Updates leave counts as they are: the active jury members and the last change of one.
  const members = await stack.db
    .selectFrom('jury_members')
    .select((eb) => [
      eb.fn.count<string>('id').filterWhere('active', '=', true).as('active'),
      eb.fn.max('updated_at').as('updated'),
    ])
    .executeTakeFirstOrThrow();
  return {
    ...Object.fromEntries(tables.map((t, i) => [t, Number(rows[i]!.n)])),
    jury_members_active: Number(members.active),
    jury_members_updated: members.updated ? new Date(members.updated as Date).toISOString() : null,
  };
}
