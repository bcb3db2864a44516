import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DEMO } from '../../src/db/demo-data.js';
import { ACTION_SAMPLES } from '../support/action-samples.js';
import { eventually, newCandidacyBody } from '../support/fixtures.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Control characters and malformed Unicode in any string the API reads are refused with a 400
 * that names the field in French, before anything is written; well-formed French text (accents,
 * ligatures, typographic apostrophes, emoji as proper surrogate pairs) is stored exactly.
 */

/** What must never reach PostgreSQL: NUL, a C0 control, DEL, a C1 control, lone surrogates. */
const BAD: [string, string][] = [
  ['NUL', '\u0000'],
  ['U+0001', '\u0001'],
  ['DEL', '\u007f'],
  ['NEL (C1)', '\u0085'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', '\udc00'],
];

type CreationBody = Omit<ReturnType<typeof newCandidacyBody>, 'projectId'> & { projectId: string };

/** A lone surrogate: with the `u` flag a proper pair is one code point, so only halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

const TABLES = [
  'candidates',
  'candidacies',
  'candidacy_events',
  'operators',
  'users',
  'api_tokens',
  'email_log',
] as const;

/** A French sentence: accented letters of French words, no English words of zod's defaults. */
const ENGLISH = /\b(expected|received|invalid|too (small|big)|string|must|unrecognized|required)\b/i;

describe('input hygiene: control characters and malformed Unicode are refused, French text kept', () => {
  let stack: TestStack;
  let candidacyId: string;

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      const row = await stack.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      out[t] = Number(row.n);
    }
    return out;
  };

  /** Expects a 400 validation_failed naming `path` with a French message, and nothing written. */
  const expectRefused = async (
    what: string,
    send: () => Promise<{ status: number; body: { code?: string; errors?: unknown[]; detail?: string } }>,
    path: string,
  ) => {
    const before = await counts();
    const res = await send();
    assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, 'validation_failed', what);
    const errors = res.body.errors as { path: string; code: string; message: string }[];
    const hit = errors.find((e) => e.path === path);
    assert.ok(hit, `${what}: no error on ${path} in ${JSON.stringify(errors)}`);
    assert.match(hit.code, /^(control_character|malformed_unicode)$/, `${what}: code ${hit.code}`);
    assert.doesNotMatch(hit.message, ENGLISH, `${what}: message not French: ${hit.message}`);
    assert.match(hit.message, /caractère|unicode/i, `${what}: message: ${hit.message}`);
    assert.doesNotMatch(res.body.detail ?? '', ENGLISH, what);
    assert.deepEqual(await counts(), before, `${what}: nothing written`);
  };

  before(async () => {
    stack = await startTestStack();
    const created = await stack.http('POST', '/api/candidacies', { body: newCandidacyBody() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    candidacyId = created.body.id;
    // The new workflow journals its start and sends its first e-mail on its own: wait until it
    // is done, so that the counts compared below move only with the requests under test.
    await eventually(
      async () => {
        const first = await counts();
        await new Promise((r) => setTimeout(r, 500));
        return (first.email_log ?? 0) > 0 && JSON.stringify(first) === JSON.stringify(await counts());
      },
      30_000,
      'the new candidacy to settle',
    );
  });
  after(async () => {
    await stack?.stop();
  });

  it('creation: every string field of the body, including array items, refuses each bad character', async () => {
    const fields: [string, (body: CreationBody, bad: string) => void][] = [
      ['body.candidate.firstName', (b, c) => (b.candidate.firstName = `Élo${c}die`)],
      ['body.candidate.lastName', (b, c) => (b.candidate.lastName = `Durand${c}`)],
      ['body.candidate.email', (b, c) => (b.candidate.email = `elodie${c}@exemple.fr`)],
      ['body.candidate.phone', (b, c) => (b.candidate.phone = `+33 6 12 34 56 7${c}`)],
      ['body.candidate.qualificationLevel', (b, c) => (b.candidate.qualificationLevel = `level3${c}`)],
      ['body.rncpCode', (b, c) => (b.rncpCode = `RNCP35830${c}`)],
      ['body.targetBlocks.1', (b, c) => (b.targetBlocks = ['RNCP35830BC01', `RNCP35830BC02${c}`])],
      ['body.projectId', (b, c) => (b.projectId = `${DEMO.project.id.slice(0, -1)}${c}`)],
    ];
    for (const [name, bad] of BAD) {
      for (const [path, spoil] of fields) {
        const body: CreationBody = newCandidacyBody();
        spoil(body, bad);
        await expectRefused(
          `${name} in ${path}`,
          () => stack.http('POST', '/api/candidacies', { body }),
          path,
        );
      }
    }
  });

  it('one-line fields (names, codes, the jury place) refuse a line break or a tab, even at the end', async () => {
    for (const soft of ['\n', '\t', '\r\n']) {
      const body = newCandidacyBody();
      body.candidate.firstName = `Élodie${soft}`;
      await expectRefused(
        `${JSON.stringify(soft)} in firstName`,
        () => stack.http('POST', '/api/candidacies', { body }),
        'body.candidate.firstName',
      );
      await expectRefused(
        `${JSON.stringify(soft)} in place`,
        () =>
          stack.http('POST', `/api/candidacies/${candidacyId}/schedule-jury`, {
            role: 'certifier',
            body: { ...ACTION_SAMPLES['schedule-jury'], place: `Centre d’examen${soft}Lyon` },
          }),
        'body.place',
      );
    }
  });

  it('creation: a bad character in an unknown key is refused', async () => {
    const body = { ...newCandidacyBody(), 'note\u0000': 'x' };
    const res = await stack.http('POST', '/api/candidacies', { body });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.ok(
      (res.body.errors as { code: string }[]).some((e) => e.code === 'control_character'),
      JSON.stringify(res.body.errors),
    );
  });

  it('creation: raw bytes that are not UTF-8 are refused, not stored as U+FFFD', async () => {
    const before = await counts();
    const json = JSON.stringify(newCandidacyBody());
    const [head, tail] = json.split('Élodie');
    const raw = Buffer.concat([
      Buffer.from(head!),
      Buffer.from([0xed, 0xa0, 0x80, 0xff]),
      Buffer.from(tail!),
    ]);
    const res = await fetch(`${stack.baseUrl}/api/candidacies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.advisor}`, 'content-type': 'application/json' },
      body: raw,
    });
    const problem = (await res.json()) as { code: string; errors: { path: string; code: string }[] };
    assert.equal(res.status, 400, JSON.stringify(problem));
    assert.ok(
      problem.errors.some((e) => e.path === 'body.candidate.firstName' && e.code === 'malformed_unicode'),
      JSON.stringify(problem),
    );
    assert.deepEqual(await counts(), before);
  });

  it('the Idempotency-Key header: control or non-ASCII bytes are refused', async () => {
    // Node's HTTP parser lets a tab and bytes 0x80–0xFF through (read as Latin-1); they reach us.
    for (const bytes of [[0x09], [0x85], [0xff], [0xc3, 0xa9]]) {
      const before = await counts();
      const res = await rawPost(stack.baseUrl, '/api/candidacies', JSON.stringify(newCandidacyBody()), {
        authorization: `Bearer ${stack.tokens.advisor}`,
        'content-type': 'application/json',
        'idempotency-key': Buffer.concat([Buffer.from('cle-'), Buffer.from(bytes), Buffer.from('-1234')]),
      });
      assert.equal(res.status, 400, `${bytes}: ${res.text}`);
      const problem = JSON.parse(res.text) as { code: string; errors: { path: string; message: string }[] };
      assert.equal(problem.code, 'validation_failed');
      assert.equal(problem.errors[0]!.path, 'headers.idempotency-key');
      assert.doesNotMatch(problem.errors[0]!.message, ENGLISH);
      assert.deepEqual(await counts(), before);
    }
  });

  it('actions: free text, codes in arrays and enum values refuse each bad character', async () => {
    const cases: [string, string, string, (c: string) => unknown][] = [
      [
        'schedule-jury',
        'certifier',
        'body.place',
        (c) => ({ ...ACTION_SAMPLES['schedule-jury'], place: `Centre d’examen${c}, Lyon` }),
      ],
      ['withdraw', 'advisor', 'body.reason', (c) => ({ reason: `personal_reasons${c}` })],
      [
        'mark-incomplete',
        'certifier',
        'body.missingItems.1',
        (c) => ({ missingItems: ['cerfa_form', `proof_of_experience${c}`] }),
      ],
      [
        'decide-admissibility',
        'certifier',
        'body.reasons.0',
        (c) => ({ admissible: false, reasons: [`other${c}`] }),
      ],
      [
        'record-information',
        'advisor',
        'body.targetBlocks.0',
        (c) => ({ ...ACTION_SAMPLES['record-information'], targetBlocks: [`RNCP35830BC01${c}`] }),
      ],
      [
        'record-jury-result',
        'certifier',
        'body.blocks.0.code',
        (c) => ({ outcome: 'partial', blocks: [{ code: `RNCP35830BC01${c}`, validated: true }] }),
      ],
      [
        'schedule-jury',
        'certifier',
        'body.sessionAt',
        (c) => ({ ...ACTION_SAMPLES['schedule-jury'], sessionAt: `2030-01-01T10:00:00Z${c}` }),
      ],
    ];
    for (const [name, bad] of BAD) {
      for (const [action, role, path, body] of cases) {
        await expectRefused(
          `${name} in ${action} ${path}`,
          () => stack.http('POST', `/api/candidacies/${candidacyId}/${action}`, { body: body(bad), role }),
          path,
        );
      }
    }
  });

  it('query strings and path parameters refuse each bad character (no 500 from PostgreSQL)', async () => {
    for (const [name, bad] of BAD) {
      // A lone surrogate cannot be percent-encoded as UTF-8; its escape is sent as JSON would.
      const enc = !LONE_SURROGATE.test(bad) ? encodeURIComponent(bad) : '%ED%A0%80';
      if (!LONE_SURROGATE.test(bad)) {
        for (const key of ['rncpCode', 'waitingOn']) {
          await expectRefused(
            `${name} in query ${key}`,
            () => stack.http('GET', `/api/candidacies?${key}=RNCP35830${enc}`),
            `query.${key}`,
          );
        }
        await expectRefused(
          `${name} in path id`,
          () => stack.http('GET', `/api/candidacies/${candidacyId.slice(0, -1)}${enc}`),
          'params.id',
        );
      } else {
        // Bytes that are not UTF-8 in the query decode to U+FFFD: refused too.
        const res = await stack.http('GET', `/api/candidacies?rncpCode=RNCP${enc}`);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.errors[0].path, 'query.rncpCode');
      }
    }
  });

  it('administration: operator name, user display name and token label refuse each bad character', async () => {
    const admin = { role: 'administrator' };
    const userId = DEMO.users[0]!.id;
    for (const [name, bad] of BAD) {
      await expectRefused(
        `${name} in operator name`,
        () =>
          stack.http('POST', '/api/admin/operators', {
            ...admin,
            body: { name: `Organisme${bad}`, email: 'organisme@exemple.fr' },
          }),
        'body.name',
      );
      await expectRefused(
        `${name} in user display name`,
        () =>
          stack.http('POST', '/api/admin/users', {
            ...admin,
            body: {
              operatorId: DEMO.operators[1]!.id,
              role: 'advisor',
              displayName: `Jeanne${bad} Martin`,
              email: 'jeanne.martin@exemple.fr',
            },
          }),
        'body.displayName',
      );
      await expectRefused(
        `${name} in token label`,
        () =>
          stack.http('POST', `/api/admin/users/${userId}/tokens`, { ...admin, body: { label: `CI${bad}` } }),
        'body.label',
      );
    }
  });

  it('well-formed French text is accepted and stored exactly', async () => {
    const firstName = 'Zoé-Œnone';
    const lastName = 'D’Arcy-Lefèvre 🌿 Ærø';
    const body = newCandidacyBody();
    body.candidate.firstName = firstName;
    body.candidate.lastName = lastName;
    const created = await stack.http('POST', '/api/candidacies', {
      body,
      headers: { 'idempotency-key': `francais-${body.candidate.email}` },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const stored = await stack.db
      .selectFrom('candidates')
      .select(['first_name', 'last_name'])
      .where('email', '=', body.candidate.email)
      .executeTakeFirstOrThrow();
    assert.equal(stored.first_name, firstName);
    assert.equal(stored.last_name, lastName);
    assert.equal(created.body.candidate.lastName, lastName);

    const admin = { role: 'administrator' };
    const operator = await stack.http('POST', '/api/admin/operators', {
      ...admin,
      body: { name: 'Œuvre d’Éducation Populaire 🎓', email: 'oeuvre@exemple.fr' },
    });
    assert.equal(operator.status, 201, JSON.stringify(operator.body));
    const user = await stack.http('POST', '/api/admin/users', {
      ...admin,
      body: {
        operatorId: operator.body.id,
        role: 'advisor',
        displayName: 'Hélène Bœuf-Müller',
        email: 'helene.boeuf@exemple.fr',
      },
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const token = await stack.http('POST', `/api/admin/users/${user.body.id}/tokens`, {
      ...admin,
      body: { label: 'Poste d’accueil — Lyon 🏢' },
    });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    const rows = await Promise.all([
      stack.db
        .selectFrom('operators')
        .select('name')
        .where('id', '=', operator.body.id)
        .executeTakeFirstOrThrow(),
      stack.db
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', user.body.id)
        .executeTakeFirstOrThrow(),
      stack.db
        .selectFrom('api_tokens')
        .select('label')
        .where('user_id', '=', user.body.id)
        .executeTakeFirstOrThrow(),
    ]);
    assert.deepEqual(
      [rows[0].name, rows[1].display_name, rows[2].label],
      ['Œuvre d’Éducation Populaire 🎓', 'Hélène Bœuf-Müller', 'Poste d’accueil — Lyon 🏢'],
    );
  });

  it('field messages are French: too short, invalid UUID and e-mail, unknown key, wrong type', async () => {
    const body = newCandidacyBody({ projectId: 'pas-un-uuid', extra: 1 });
    body.candidate.firstName = '';
    body.candidate.email = 'pas-une-adresse';
    (body.candidate as Record<string, unknown>).birthYear = 'vieux';
    const res = await stack.http('POST', '/api/candidacies', { body });
    assert.equal(res.status, 400);
    const errors = res.body.errors as { path: string; message: string }[];
    assert.ok(errors.length >= 5, JSON.stringify(errors));
    for (const e of errors) assert.doesNotMatch(e.message, ENGLISH, `${e.path}: ${e.message}`);
  });
});

/** A POST with header bytes as given (fetch refuses non-Latin-1 header values before sending). */
function rawPost(
  baseUrl: string,
  url: string,
  body: string,
  headers: Record<string, string | Buffer>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url, baseUrl);
    const req = request(target, { method: 'POST' });
    for (const [k, v] of Object.entries(headers))
      req.setHeader(k, typeof v === 'string' ? v : v.toString('latin1'));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
