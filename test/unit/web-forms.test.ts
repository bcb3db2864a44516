import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ACTION_BODIES } from '../../src/api/candidacies/action-schemas.js';
import { createCandidacySchema } from '../../src/api/candidacies/schemas.js';
import { DEMO } from '../../src/db/demo-data.js';
import { ACTIONS, type Action } from '../../src/domain/phases.js';
import { actionUi, type ActionFormContext } from '../../src/web/pages/forms/action-ui.js';
import { specOf } from '../../src/web/pages/forms/introspect.js';
import {
  formValuesFrom,
  fromDateTimeLocal,
  renderSchemaForm,
  toDateTimeLocal,
  validateSchemaForm,
  type FormValues,
} from '../../src/web/pages/forms/schema-form.js';
import { ACTION_SAMPLES } from '../support/action-samples.js';
import { newCandidacyBody } from '../support/fixtures.js';
import { OPERATORS, SECOND_ADVICE_OPERATOR } from '../support/projects.js';

const CONTEXT: ActionFormContext = {
  certifications: DEMO.certifications.map((c) => ({
    rncpCode: c.rncpCode,
    title: c.title,
    blocks: [...c.blocks],
  })),
  targetedBlocks: DEMO.certifications[0]!.blocks.slice(0, 2),
  coachingOperators: [{ value: OPERATORS.coaching, label: 'Accompagnement Compétences Plus' }],
  transferTargets: [{ value: SECOND_ADVICE_OPERATOR, label: 'Second point conseil' }],
};

/** The controls of a rendered form: name → the values its inputs and options offer. */
function controlsOf(markup: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, value: string) => {
    if (!out.has(name)) out.set(name, new Set());
    out.get(name)!.add(value);
  };
  for (const m of markup.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(m[0])?.[1];
    if (name) add(name, /value="([^"]*)"/.exec(m[0])?.[1] ?? '');
  }
  for (const m of markup.matchAll(/<(select|textarea)\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/\1>/g)) {
    add(m[2]!, '*');
    for (const o of m[3]!.matchAll(/<option value="([^"]*)"/g)) add(m[2]!, o[1]!);
  }
  return out;
}

/** Every input has a label (`for`), every group a legend; ids are unique. */
function assertAccessible(markup: string, what: string) {
  const ids = [...markup.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, `${what}: duplicate ids`);
  const labelled = new Set([...markup.matchAll(/<label[^>]*for="([^"]+)"/g)].map((m) => m[1]!));
  for (const m of markup.matchAll(/<(input|select|textarea)\b[^>]*>/g)) {
    if (/type="hidden"/.test(m[0])) continue;
    const id = /id="([^"]+)"/.exec(m[0])?.[1];
    assert.ok(id && labelled.has(id), `${what}: control without label: ${m[0]}`);
  }
  const fieldsets = (markup.match(/<fieldset\b/g) ?? []).length;
  const legends = (markup.match(/<legend\b/g) ?? []).length;
  assert.equal(legends, fieldsets, `${what}: a fieldset without legend`);
}

/** Markup with its whitespace collapsed, to match attributes in order. */
const flat = (markup: string) => markup.replace(/\s+/g, ' ');

function render(schema: (typeof ACTION_BODIES)[Action], action: Action, values: FormValues = {}) {
  return flat(
    renderSchemaForm({
      schema,
      ui: actionUi(action, CONTEXT),
      id: `form-${action}`,
      action: `/candidatures/x/actions/${action}`,
      csrf: 'jeton-csrf',
      submitLabel: 'Envoyer',
      values,
    }).value,
  );
}

describe('forms generated from the API schemas', () => {
  for (const action of ACTIONS) {
    it(`${action}: a form, and a filled form parses into a body its schema accepts`, () => {
      const schema = ACTION_BODIES[action];
      const ui = actionUi(action, CONTEXT);
      const sample = ACTION_SAMPLES[action] as unknown;
      const values = formValuesFrom(schema, ui, sample);
      const markup = render(schema, action, values);
      assert.match(markup, new RegExp(`<form method="post" action="/candidatures/x/actions/${action}"`));
      assert.match(markup, /<input type="hidden" name="_csrf" value="jeton-csrf" \/>/);
      assertAccessible(markup, action);
      // No JSON fallback for the API's own actions: every field has a control of its kind.
      assert.doesNotMatch(markup, /Au format JSON/, `${action}: a field fell back to JSON`);

      // The filled values are ones the rendered form can send.
      const controls = controlsOf(markup);
      for (const [name, vs] of Object.entries(values)) {
        const offered = controls.get(name);
        assert.ok(offered, `${action}: no control named ${name}`);
        for (const v of vs) {
          assert.ok(
            offered.has(v) || offered.has('*') || offered.has(''),
            `${action}: ${name} cannot send ${v}`,
          );
        }
      }
      const checked = validateSchemaForm(schema, ui, {
        ...values,
        _csrf: ['jeton-csrf'],
        _key: ['clé-123456'],
      });
      assert.equal(checked.errors, null, `${action}: ${JSON.stringify(checked.errors)}`);
      const expected = schema.parse(sample) as Record<string, unknown>;
      const got = checked.data as Record<string, unknown>;
      for (const key of Object.keys(expected)) {
        if (key === 'date' || key === 'sessionAt') {
          // datetime-local has minute precision.
          assert.ok(
            Math.abs(Date.parse(String(got[key])) - Date.parse(String(expected[key]))) < 60_000,
            `${action}.${key}`,
          );
        } else assert.deepEqual(got[key], expected[key], `${action}.${key}`);
      }
    });
  }

  it('an empty form shows each error in French beside its field, in DSFR error states', () => {
    const schema = ACTION_BODIES['log-coaching-session'];
    const ui = actionUi('log-coaching-session', CONTEXT);
    const checked = validateSchemaForm(schema, ui, { durationMinutes: ['2'] });
    assert.ok(checked.errors);
    assert.deepEqual(Object.keys(checked.errors.fields).sort(), ['date', 'durationMinutes', 'modality']);
    assert.match(checked.errors.fields.durationMinutes![0]!, /Valeur trop petite : au minimum 5/);
    const markup = renderSchemaForm({
      schema,
      ui,
      id: 'f',
      action: '/x',
      csrf: 'c',
      submitLabel: 'Envoyer',
      values: { durationMinutes: ['2'] },
      errors: checked.errors,
    }).value.replace(/\s+/g, ' ');
    assert.match(markup, /fr-input-group--error/);
    assert.match(markup, /fr-fieldset--error/);
    assert.match(markup, /Le formulaire contient 3 erreurs/);
    assert.match(markup, /<a href="#f-durationMinutes">Durée de la séance, en minutes<\/a>/);
    assert.match(markup, /value="2"/);
  });

  it('reads controls by kind: enum → radios (≤ 4) or select, boolean, literal(true), lists, nested objects', () => {
    const markup = render(ACTION_BODIES['record-information'], 'record-information');
    assert.match(
      markup,
      /type="checkbox" id="form-record-information-eligibilityChecked" name="eligibilityChecked" value="true"/,
    );
    assert.match(markup, /<select[^>]*name="profile\.qualificationLevel"/);
    assert.match(markup, /<legend[^>]*>\s*Profil du candidat/);
    assert.match(markup, /name="targetBlocks" value="all"/);
    assert.match(markup, /name="targetBlocks"\s+value="RNCP35830BC03"/);
    const decide = render(ACTION_BODIES['decide-admissibility'], 'decide-admissibility');
    assert.match(decide, /type="radio"[^>]*name="admissible"\s+value="true"/);
    assert.match(decide, />Non recevable</);
    const jury = render(ACTION_BODIES['record-jury-result'], 'record-jury-result');
    assert.match(jury, /<select[^>]*name="outcome"/);
    assert.match(jury, /name="blocks\.1\.validated"/);
    assert.match(jury, /RNCP35830BC02 — Accompagner la personne/);
    const schedule = render(ACTION_BODIES['schedule-jury'], 'schedule-jury');
    assert.match(schedule, /type="datetime-local"/);
    assert.match(schedule, /type="radio"[^>]*name="modality"\s+value="remote"/);
  });

  it('a union "all" or list: ticking the whole certification sends "all"', () => {
    const schema = ACTION_BODIES['record-information'];
    const ui = actionUi('record-information', CONTEXT);
    const checked = validateSchemaForm(schema, ui, {
      eligibilityChecked: ['true'],
      rncpCode: ['RNCP35830'],
      targetBlocks: ['all', 'RNCP35830BC01'],
      'profile.qualificationLevel': ['level3'],
      'profile.jobSituation': ['employed'],
      employer: [''],
    });
    assert.equal(checked.errors, null);
    assert.equal((checked.data as { targetBlocks: unknown }).targetBlocks, 'all');
    assert.equal('employer' in (checked.data as object), false);
  });

  it('an unticked attestation is an error on its checkbox', () => {
    const schema = ACTION_BODIES['record-information'];
    const checked = validateSchemaForm(schema, actionUi('record-information', CONTEXT), {
      rncpCode: ['RNCP35830'],
      targetBlocks: ['RNCP35830BC01'],
      'profile.qualificationLevel': ['level3'],
      'profile.jobSituation': ['employed'],
    });
    assert.ok(checked.errors);
    assert.deepEqual(Object.keys(checked.errors.fields), ['eligibilityChecked']);
  });

  it('datetime-local values are Paris time', () => {
    assert.equal(fromDateTimeLocal('2027-01-15T09:30'), '2027-01-15T08:30:00.000Z');
    assert.equal(fromDateTimeLocal('2027-07-15T09:30'), '2027-07-15T07:30:00.000Z');
    assert.equal(fromDateTimeLocal('15/07/2027'), undefined);
    assert.equal(toDateTimeLocal('2027-07-15T07:30:00.000Z'), '2027-07-15T09:30');
  });

  it('the creation form: nested candidate fieldset, and a filled form the schema accepts', () => {
    const ui = {
      projectId: { label: 'Projet', choices: [{ value: DEMO.project.id, label: DEMO.project.name }] },
      rncpCode: { label: 'Certification', choices: [{ value: 'RNCP35830', label: 'RNCP35830' }] },
      targetBlocks: {
        label: 'Blocs',
        choices: DEMO.certifications[0]!.blocks.map((b) => ({ value: b.code, label: b.title })),
      },
    };
    const body = newCandidacyBody();
    const values = formValuesFrom(createCandidacySchema, ui, body);
    const markup = renderSchemaForm({
      schema: createCandidacySchema,
      ui,
      id: 'c',
      action: '/candidatures/nouvelle',
      csrf: 'c',
      submitLabel: 'Créer',
      values,
    }).value;
    assertAccessible(markup, 'creation');
    assert.match(markup, /name="candidate\.birthYear"/);
    assert.match(markup, /type="email"/);
    const checked = validateSchemaForm(createCandidacySchema, ui, values);
    assert.equal(checked.errors, null, JSON.stringify(checked.errors));
    assert.deepEqual(checked.data, createCandidacySchema.parse(body));
  });

  it('an unknown shape falls back to a JSON text area, read back as JSON', () => {
    const schema = z.object({ weights: z.record(z.string(), z.number()) }).strict();
    assert.equal(specOf(schema).kind, 'object');
    const markup = renderSchemaForm({
      schema,
      ui: {},
      id: 'j',
      action: '/x',
      csrf: 'c',
      submitLabel: 'Envoyer',
    }).value;
    assert.match(markup, /<textarea[^>]*name="weights"/);
    assert.match(markup, /Au format JSON/);
    const ok = validateSchemaForm(schema, {}, { weights: ['{"a": 1}'] });
    assert.deepEqual(ok.data, { weights: { a: 1 } });
    const bad = validateSchemaForm(schema, {}, { weights: ['{a'] });
    assert.deepEqual(bad.errors?.fields.weights, ['Texte JSON invalide.']);
  });
});
