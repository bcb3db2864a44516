import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ACTION_BODIES } from '../../src/api/candidacies/action-schemas.js';
import { createCandidacySchema, listQuerySchema } from '../../src/api/candidacies/schemas.js';
import { idempotencyKeySchema } from '../../src/api/idempotency-key.js';
import { uuidParam } from '../../src/api/schemas/common.js';
import { findDirtyText, inspectText, text } from '../../src/api/schemas/text.js';
import { parseOrThrow, requestErrors, type RequestPart } from '../../src/api/validation.js';
import type { Action } from '../../src/domain/phases.js';
import { ACTION_SAMPLES } from '../support/action-samples.js';
import { apiRoutes } from '../support/api-routes.js';
import { newCandidacyBody } from '../support/fixtures.js';

/** Words of zod's English messages that must never reach a user. */
const ENGLISH =
  /\b(expected|received|invalid|too (small|big)|string|must|unrecognized|required|input|option|characters?)\b/i;

function errorsOf(schema: z.ZodType, value: unknown, where: RequestPart = 'body') {
  return requestErrors(schema, value, where).errors;
}

function messageAt(schema: z.ZodType, value: unknown, path: string): string {
  const errors = errorsOf(schema, value);
  const hit = errors.find((e) => e.path === path);
  assert.ok(hit, `no error on ${path}: ${JSON.stringify(errors)}`);
  assert.doesNotMatch(hit.message, ENGLISH, `${path}: ${hit.message}`);
  return hit.message;
}

describe('French validation messages (zod configured once for the API)', () => {
  const candidate = () => newCandidacyBody().candidate as Record<string, unknown>;

  it('too short and too long strings', () => {
    assert.equal(
      messageAt(
        createCandidacySchema,
        { ...newCandidacyBody(), candidate: { ...candidate(), firstName: '  ' } },
        'body.candidate.firstName',
      ),
      'Ce champ ne doit pas être vide.',
    );
    assert.equal(
      messageAt(
        ACTION_BODIES['schedule-jury'],
        { ...ACTION_SAMPLES['schedule-jury'], place: 'ab' },
        'body.place',
      ),
      'Trop court : au moins 3 caractères.',
    );
    assert.equal(
      messageAt(
        createCandidacySchema,
        { ...newCandidacyBody(), candidate: { ...candidate(), lastName: 'x'.repeat(101) } },
        'body.candidate.lastName',
      ),
      'Trop long : au plus 100 caractères.',
    );
  });

  it('too small and too big arrays, numbers out of range', () => {
    assert.equal(
      messageAt(createCandidacySchema, { ...newCandidacyBody(), targetBlocks: [] }, 'body.targetBlocks'),
      'La liste ne doit pas être vide.',
    );
    assert.equal(
      messageAt(
        createCandidacySchema,
        {
          ...newCandidacyBody(),
          targetBlocks: Array.from({ length: 31 }, (_, i) => `RNCP35830BC${String(i).padStart(2, '0')}`),
        },
        'body.targetBlocks',
      ),
      'Trop d’éléments : au plus 30 éléments.',
    );
    assert.equal(
      messageAt(z.array(z.string()).min(2), ['a'], 'body'),
      'Trop peu d’éléments : au moins 2 éléments.',
    );
    assert.equal(
      messageAt(
        ACTION_BODIES['log-coaching-session'],
        { ...ACTION_SAMPLES['log-coaching-session'], durationMinutes: 2 },
        'body.durationMinutes',
      ),
      'Valeur trop petite : au minimum 5.',
    );
    assert.equal(
      messageAt(
        ACTION_BODIES['log-coaching-session'],
        { ...ACTION_SAMPLES['log-coaching-session'], durationMinutes: 601 },
        'body.durationMinutes',
      ),
      'Valeur trop grande : au maximum 600.',
    );
  });

  it('invalid types and missing fields', () => {
    assert.equal(
      messageAt(
        createCandidacySchema,
        { ...newCandidacyBody(), candidate: { ...candidate(), phone: 33612345678 } },
        'body.candidate.phone',
      ),
      'Type invalide (attendu : du texte ; reçu : un nombre).',
    );
    assert.equal(
      messageAt(
        createCandidacySchema,
        { ...newCandidacyBody(), candidate: { ...candidate(), birthYear: 'vieux' } },
        'body.candidate.birthYear',
      ),
      'Type invalide (attendu : un nombre ; reçu : du texte).',
    );
    assert.equal(
      messageAt(
        ACTION_BODIES['log-coaching-session'],
        { ...ACTION_SAMPLES['log-coaching-session'], durationMinutes: 2.5 },
        'body.durationMinutes',
      ),
      'Type invalide (attendu : un nombre entier ; reçu : un nombre à virgule).',
    );
    assert.equal(
      messageAt(createCandidacySchema, { ...newCandidacyBody(), candidate: 'Élodie' }, 'body.candidate'),
      'Type invalide (attendu : un objet ; reçu : du texte).',
    );
    const { rncpCode: _dropped, ...withoutCode } = newCandidacyBody();
    assert.equal(
      messageAt(createCandidacySchema, withoutCode, 'body.rncpCode'),
      'Champ obligatoire (attendu : du texte).',
    );
    assert.equal(
      errorsOf(listQuerySchema, { limit: 'beaucoup' }, 'query')[0]?.message,
      'Type invalide (attendu : un nombre ; reçu : une valeur qui n’est pas un nombre).',
    );
  });

  it('invalid UUID, e-mail, date and time', () => {
    assert.match(
      messageAt(createCandidacySchema, { ...newCandidacyBody(), projectId: 'pas-un-uuid' }, 'body.projectId'),
      /^Identifiant invalide : un UUID est attendu/,
    );
    assert.match(messageAt(uuidParam, { id: '123' }, 'body.id'), /^Identifiant invalide/);
    assert.equal(
      messageAt(
        createCandidacySchema,
        { ...newCandidacyBody(), candidate: { ...candidate(), email: 'elodie@' } },
        'body.candidate.email',
      ),
      'Adresse e-mail invalide.',
    );
    for (const date of ['demain', '2025-13-01T10:00:00Z', '2025-03-14', '2025-03-14T09:30:00']) {
      assert.match(
        messageAt(
          ACTION_BODIES['schedule-jury'],
          { ...ACTION_SAMPLES['schedule-jury'], sessionAt: date },
          'body.sessionAt',
        ),
        /^Date et heure invalides : format ISO 8601 attendu, avec le fuseau/,
        date,
      );
    }
    assert.match(messageAt(z.iso.date(), '14/03/2025', 'body'), /^Date invalide : format AAAA-MM-JJ attendu/);
  });

  it('invalid enum values and literals, unknown keys of strict objects, unions', () => {
    assert.equal(
      messageAt(
        ACTION_BODIES['schedule-jury'],
        { ...ACTION_SAMPLES['schedule-jury'], modality: 'bateau' },
        'body.modality',
      ),
      'Valeur non reconnue. Valeurs possibles : on_site, remote.',
    );
    assert.equal(
      messageAt(
        ACTION_BODIES['record-information'],
        { ...ACTION_SAMPLES['record-information'], eligibilityChecked: false },
        'body.eligibilityChecked',
      ),
      'Valeur non reconnue (attendu : true).',
    );
    assert.match(
      messageAt(ACTION_BODIES.withdraw, {}, 'body.reason'),
      /^Champ obligatoire\. Valeurs possibles : /,
    );
    assert.equal(
      messageAt(createCandidacySchema, { ...newCandidacyBody(), couleur: 'bleu' }, 'body'),
      'Champ inconnu : « couleur ».',
    );
    assert.equal(
      messageAt(ACTION_BODIES.withdraw, { reason: 'new_job', a: 1, b: 2 }, 'body'),
      'Champs inconnus : « a », « b ».',
    );
    assert.match(
      messageAt(
        ACTION_BODIES['record-information'],
        { ...ACTION_SAMPLES['record-information'], targetBlocks: 'tous' },
        'body.targetBlocks',
      ),
      /^Attendu : "all" ou une liste de codes de bloc/,
    );
    assert.equal(
      messageAt(z.union([z.string(), z.number()]), true, 'body'),
      'Valeur invalide : elle ne correspond à aucune des formes acceptées.',
    );
  });

  it('applies to every zod schema of the process, not only those built with the helpers', () => {
    // Schemas written elsewhere (administration, reference data) with bare z.string() etc.
    const bare = z
      .object({ displayName: z.string().trim().min(1).max(5), email: z.email(), role: z.enum(['a', 'b']) })
      .strict();
    const errors = errorsOf(bare, { displayName: 'abcdef', email: 'x', role: 'c', extra: true });
    assert.deepEqual(
      errors.map((e) => [e.path, e.message]),
      [
        ['body.displayName', 'Trop long : au plus 5 caractères.'],
        ['body.email', 'Adresse e-mail invalide.'],
        ['body.role', 'Valeur non reconnue. Valeurs possibles : a, b.'],
        ['body', 'Champ inconnu : « extra ».'],
      ],
    );
    assert.equal(
      z.number().safeParse('1').error?.issues[0]?.message,
      'Type invalide (attendu : un nombre ; reçu : du texte).',
    );
  });

  it('a message written on a schema wins over the French default', () => {
    assert.equal(
      messageAt(createCandidacySchema, { ...newCandidacyBody(), rncpCode: 'R35830' }, 'body.rncpCode'),
      'Code RNCP attendu, par exemple RNCP35830.',
    );
  });

  it('the 400 itself: French detail, the field paths, and the Idempotency-Key header', () => {
    assert.throws(
      () => parseOrThrow(createCandidacySchema, { ...newCandidacyBody(), projectId: 'x' }, 'body'),
      (err: { status: number; code: string; detail: string; extra: { errors: { path: string }[] } }) =>
        err.status === 400 &&
        err.code === 'validation_failed' &&
        err.detail === 'La requête contient une erreur (body.projectId).' &&
        err.extra.errors[0]!.path === 'body.projectId',
    );
    const headers = z.object({ 'idempotency-key': idempotencyKeySchema });
    assert.deepEqual(
      errorsOf(headers, { 'idempotency-key': 'court' }, 'headers').map((e) => [e.path, e.message]),
      [['headers.idempotency-key', 'La clé doit faire au moins 8 caractères.']],
    );
    assert.match(errorsOf(headers, { 'idempotency-key': 'clé-accentuée' }, 'headers')[0]!.message, /ASCII/);
    assert.equal(
      errorsOf(headers, { 'idempotency-key': 'clef-1234\u0085' }, 'headers')[0]!.code,
      'control_character',
    );
    assert.deepEqual(errorsOf(headers, { 'idempotency-key': `cle-${'a'.repeat(30)}` }, 'headers'), []);
  });
});

describe('text hygiene: control characters and malformed Unicode', () => {
  it('inspectText: C0, DEL, C1, lone surrogates and U+FFFD are refused; French text is not', () => {
    const refused: [string, string][] = [
      ['a\u0000b', 'control_character'],
      ['\u0001', 'control_character'],
      ['\u001f', 'control_character'],
      ['x\u007f', 'control_character'],
      ['x\u0085', 'control_character'],
      ['x\u009f', 'control_character'],
      ['x\ud800', 'malformed_unicode'],
      ['\udc00x', 'malformed_unicode'],
      ['\ude00\ud83d', 'malformed_unicode'],
      ['x\ufffd', 'malformed_unicode'],
      ['a\nb', 'control_character'],
      ['a\tb', 'control_character'],
    ];
    for (const [s, code] of refused) {
      const problem = inspectText(s);
      assert.equal(problem?.code, code, JSON.stringify(s));
      assert.doesNotMatch(problem.message, ENGLISH);
    }
    assert.equal(
      inspectText('Élo\u0000die')?.message,
      'Caractère de contrôle interdit (U+0000, caractère nul) en position 4.',
    );
    assert.equal(
      inspectText('😀\ud800')?.message,
      'Unicode mal formé : demi-paire de substitution isolée (U+D800) en position 2.',
    );
    for (const s of ['Élodie', 'Œdipe', 'D’Arcy', 'Zoé 😀 🇫🇷', 'Ærø\u00a0Bœuf', 'l’été — « oui »', '']) {
      assert.equal(inspectText(s), undefined, s);
    }
    // Multi-line free text: tab and line breaks only.
    assert.equal(inspectText('ligne 1\r\nligne 2\tfin', { multiline: true }), undefined);
    assert.equal(inspectText('a\u000bb', { multiline: true })?.code, 'control_character');
    assert.equal(inspectText('a\u0000\nb', { multiline: true })?.code, 'control_character');
  });

  it('text(): checked before trimming, and one error only for a dirty text', () => {
    const name = z.object({ name: text({ min: 3, max: 5 }) });
    assert.deepEqual(
      errorsOf(name, { name: 'x\u0000' }).map((e) => e.code),
      ['control_character'],
    );
    assert.deepEqual(
      errorsOf(name, { name: 'Zoé\n' }).map((e) => e.code),
      ['control_character'],
    );
    assert.deepEqual(requestErrors(name, { name: '  Zoé ' }, 'body').data, { name: 'Zoé' });
    const note = z.object({ note: text({ max: 100, multiline: true }) });
    assert.deepEqual(requestErrors(note, { note: 'Deux\nlignes' }, 'body').data, { note: 'Deux\nlignes' });
  });

  it('every string field of the API request schemas refuses a NUL on its own (without the net)', () => {
    // Every route of the API (candidacies, actions, reference data, administration, jury), each
    // part with a schema (body, path, query, documented headers) with a valid sample of it.
    const samples = requestSamples();
    let fields = 0;
    const checked = new Set<string>();
    for (const route of apiRoutes()) {
      for (const [part, schema] of Object.entries(route.parts)) {
        const name = `${route.method} ${route.path} ${part}`;
        const sample = part === 'params' ? paramsSample(schema) : samples[name];
        assert.ok(sample !== undefined, `${name}: no valid sample in this test`);
        checked.add(name);
        assert.ok(schema.safeParse(sample).success, `${name}: the sample is valid`);
        for (const path of stringPaths(sample)) {
          const spoiled = structuredClone(sample);
          setAt(spoiled, path, `${getAt(sample, path) as string}\u0000`);
          const result = schema.safeParse(spoiled);
          assert.ok(!result.success, `${name}: ${path.join('.')} accepts a NUL`);
          // On the field, or on the union that holds it (record-information's targetBlocks).
          assert.ok(
            result.error.issues.some((i) => path.join('.').startsWith(i.path.join('.')) && i.path.length > 0),
            `${name}: no issue on ${path.join('.')}`,
          );
          fields++;
        }
      }
    }
    const unused = Object.keys(samples).filter((k) => !checked.has(k));
    assert.deepEqual(unused, [], 'samples of routes that do not exist');
    for (const area of ['/api/certifications', '/api/projects', '/api/admin/', '/api/jury/']) {
      assert.ok(
        [...checked].some((k) => k.includes(area) && k.endsWith(' body')),
        `${area}: a body checked`,
      );
    }
    assert.ok(fields >= 120, `${fields} string fields checked`);
  });

  it('the net: any string of the request, in arrays, records, keys, at any depth', () => {
    const loose = z.object({
      label: z.string(),
      tags: z.array(z.string()),
      extra: z.record(z.string(), z.string()),
    });
    const errors = errorsOf(loose, {
      label: 'ok\u0000',
      tags: ['a', 'b\ud800'],
      extra: { 'clé\u0001': 'v', k: 'v\u0085' },
      stripped: 'x\u0000',
    });
    assert.deepEqual(
      errors.map((e) => [e.path, e.code]),
      [
        ['body.label', 'control_character'],
        ['body.tags.1', 'malformed_unicode'],
        ['body.extra.clé\\u0001', 'control_character'],
        ['body.extra.k', 'control_character'],
        ['body.stripped', 'control_character'],
      ],
    );
    // Multi-line text is the net's most lenient rule: the field's own schema decides the rest.
    assert.deepEqual(errorsOf(loose, { label: 'a\nb', tags: ['\t'], extra: {} }), []);

    // Deep nesting: no stack overflow, a cut path; many dirty strings: a bounded list.
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const found = findDirtyText(deep);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.path.length, 33);
    assert.equal(findDirtyText(Array.from({ length: 10_000 }, () => '\u0000')).length, 20);
  });
});

type Path = (string | number)[];

function stringPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  }
  return [];
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
}

function setAt(value: unknown, path: Path, next: unknown): void {
  const parent = getAt(value, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = next;
}

/** A valid path of a route: each parameter by its name. */
function paramsSample(schema: z.ZodType): Record<string, string> {
  // A plain object, or one wrapped for French messages (a preprocess: a pipe into the object).
  const object = (schema instanceof z.ZodPipe ? schema.out : schema) as z.ZodObject;
  const names = Object.keys(object.shape);
  const byName: Record<string, string> = { id: ANY_ID, memberId: ANY_ID, code: 'RNCP35830' };
  return Object.fromEntries(names.map((n) => [n, byName[n] ?? assert.fail(`no sample for :${n}`)]));
}

const ANY_ID = '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0102';

/** A valid sample of each request part with a schema, by `METHOD path part` (path parameters aside). */
function requestSamples(): Record<string, unknown> {
  const key = { 'idempotency-key': 'cle-0123456789' };
  const page = { limit: '10', offset: '0' };
  const policy = {
    overrides: { admissibilityDecisionDeadline: { days: 45 }, lowQualificationLevels: ['none', 'level3'] },
    arms: { test: { lowQualificationLevels: ['none'] } },
  };
  const member = {
    displayName: 'Hélène Durand',
    email: 'h.durand@exemple.fr',
    profile: 'professional',
    gender: 'F',
    qualifications: [{ rncpCode: 'RNCP35830', blockCodes: ['RNCP35830BC01'] }],
    ties: { employers: ['Aide à Domicile 75'], operatorIds: [ANY_ID], userIds: [ANY_ID] },
    availability: { weekly: [{ weekday: 2, from: '09:00', to: '12:00' }], unavailableDates: ['2027-05-14'] },
  };
  const samples: Record<string, unknown> = {
    'POST /api/candidacies body': newCandidacyBody(),
    'POST /api/candidacies headers': key,
    'GET /api/candidacies query': {
      projectId: ANY_ID,
      rncpCode: 'RNCP35830',
      waitingOn: 'advice:x',
      phase: 'informed',
      ...page,
    },
    'GET /api/inbox query': page,
    'POST /api/admin/operators body': { name: 'Organisme', email: 'organisme@exemple.fr' },
    'POST /api/admin/users body': {
      operatorId: ANY_ID,
      role: 'advisor',
      displayName: 'Jeanne Martin',
      email: 'j.martin@exemple.fr',
    },
    'POST /api/admin/users/:id/tokens body': { label: 'CI' },
    'PUT /api/projects/:id/policy body': policy,
    'PATCH /api/projects/:id/policy body': policy,
    'PUT /api/projects/:id/experiment body': { mode: 'off', arm: 'control', stratumFactors: ['public'] },
    'GET /api/projects/:id/email-failures query': page,
    'POST /api/certifications body': {
      rncpCode: 'RNCP35830',
      title: 'Titre professionnel Assistant de vie aux familles',
      certifierOperatorId: ANY_ID,
      silenceRule: 'admissible',
      blocks: [{ code: 'RNCP35830BC01', title: 'Entretenir le logement et le linge d’un particulier' }],
    },
    'POST /api/projects body': {
      name: 'Expérimentation VAE par blocs — Hauts-de-France',
      leadUserId: ANY_ID,
      targetPublics: ['low_qualified'],
      certifications: ['RNCP35830'],
      operators: [{ operatorId: ANY_ID, role: 'advice' }],
      policy,
    },
    'POST /api/projects headers': key,
    'GET /api/jury/members query': {
      operatorId: ANY_ID,
      rncpCode: 'RNCP35830',
      active: 'true',
      remote: 'false',
      ...page,
    },
    'POST /api/jury/members body': {
      ...member,
      remote: true,
      homeDepartement: '93',
      feeCents: 12_000,
      travelCents: 3_000,
      yearlyCap: 10,
    },
    'PATCH /api/jury/members/:id body': member,
    'POST /api/jury/plans body': {
      projectId: ANY_ID,
      rncpCode: 'RNCP35830',
      horizonDays: 7,
      venues: [{ id: 'lyon', departement: '69' }],
    },
    'POST /api/jury/sessions body': {
      projectId: ANY_ID,
      planId: ANY_ID,
      sessionKey: 's1',
      session: {
        rncpCode: 'RNCP35830',
        startsAt: '2027-06-01T09:00:00+02:00',
        endsAt: '2027-06-01T12:00:00+02:00',
        modality: 'remote',
        candidacyIds: [ANY_ID],
        memberIds: [ANY_ID, ANY_ID],
        presidentId: ANY_ID,
      },
      place: 'Centre d’examen, Lyon',
      departement: '69',
      roomUrl: 'https://visio.exemple.fr/jury/salle-1',
    },
    'GET /api/jury/sessions query': { status: 'convened', rncpCode: 'RNCP35830', ...page },
    'POST /api/jury/sessions/:id/results body': {
      results: [
        { candidacyId: ANY_ID, outcome: 'partial', blocks: [{ code: 'RNCP35830BC01', validated: true }] },
      ],
      memberAttendance: [{ memberId: ANY_ID, attendance: 'present' }],
    },
  };
  for (const action of Object.keys(ACTION_SAMPLES) as Action[]) {
    samples[`POST /api/candidacies/:id/${action} body`] = ACTION_SAMPLES[action];
    samples[`POST /api/candidacies/:id/${action} headers`] = key;
  }
  return samples;
}
