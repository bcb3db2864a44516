import type { z } from 'zod';
import { requestErrors } from '../../../api/validation.js';
import type { Refusal } from '../../../app/refusal.js';
import { fromParis, toParis } from '../../../domain/paris-time.js';
import { html, type Html } from '../../html.js';
import { specOf, type FieldSpec } from './introspect.js';

/**
 * HTML forms generated from the API's zod schemas, and the way back: a submitted form parsed into
 * the JSON the schema takes, validated by that same schema, each error in French beside its field.
 * DSFR markup (fr-input-group, fr-select, fr-fieldset, fr-radio-group, fr-checkbox-group), no
 * JavaScript, every input labelled and every group a fieldset with its legend.
 *
 * Fields are named by their path in the body (`profile.qualificationLevel`, `blocks.0.validated`);
 * a list of choices repeats its name. Hints (`FormUi`) are keyed by the path without indexes.
 */

export interface Choice {
  value: string;
  label: string;
}

export interface FieldUi {
  label?: string;
  hint?: string;
  /**
   * The choices: labels for an enum's values (in the enum's order; a value without a label shows
   * itself), or the values a string or a list of strings may take (then a select, radios or checkboxes).
   */
  choices?: Choice[];
  /** A boolean as two radios labelled [true, false] instead of a checkbox. */
  yesNo?: [string, string];
  /**
   * A list of objects: one row per choice, its value in the object's `rowKey` field; with
   * `blankRows`, the rows are empty slots labelled by the choices (every field shown, no key
   * written), and a row left blank is not part of the list.
   */
  rows?: Choice[];
  rowKey?: string;
  blankRows?: boolean;
  /** The label of a union's literal alternative to a list (`"all"`). */
  wholeLabel?: string;
  /** A long text. */
  multiline?: boolean;
  autocomplete?: string;
}

export type FormUi = Record<string, FieldUi>;

/** Submitted values by field name, each a list (a checkbox group repeats its name). */
export type FormValues = Record<string, string[]>;

export interface FormErrors {
  /** By field name (or group: `profile`, `blocks.0`). */
  fields: Record<string, string[]>;
  /** Errors no field of the form shows. */
  form: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, form: [] };

// --- values -------------------------------------------------------------------------------

/** A urlencoded body (`express.urlencoded`, simple or extended) as lists of strings per name. */
export function formValuesOf(body: unknown): FormValues {
  const out: FormValues = {};
  if (body === null || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = [value];
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

/** An ISO instant as the value of a `datetime-local` input, in Paris time (`2027-03-14T09:30`). */
export function toDateTimeLocal(instant: Date | string): string {
  const w = toParis(new Date(instant));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

/** A `datetime-local` value read as Paris time, as an ISO instant; undefined if it is not one. */
export function fromDateTimeLocal(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 59) {
    return undefined;
  }
  return fromParis({
    year: year!,
    month: month!,
    day: day!,
    hour: hour!,
    minute: minute!,
    second: second!,
    millisecond: 0,
  }).toISOString();
}

/** Initial values from a JSON body of the schema's shape (to prefill a form). */
export function formValuesFrom(schema: z.ZodType, ui: FormUi, body: unknown): FormValues {
  const out: FormValues = {};
  const walk = (spec: FieldSpec, name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const u = ui[uiKey(name)] ?? {};
    switch (spec.kind) {
      case 'object':
        for (const f of spec.fields) walk(f, join(name, f.name), (value as Record<string, unknown>)[f.name]);
        return;
      case 'list':
        if (spec.item.kind === 'object' && u.rows) {
          const items = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
          const key = rowKeyOf(u);
          u.rows.forEach((row, i) => {
            const item = key === null ? items[i] : items.find((it) => it[key] === row.value);
            if (!item || spec.item.kind !== 'object') return;
            for (const f of spec.item.fields) {
              if (f.name !== key) walk(f, `${name}.${i}.${f.name}`, item[f.name]);
            }
          });
        } else if (typeof value === 'string') out[name] = [value];
        else if (Array.isArray(value)) out[name] = value.map(String);
        return;
      case 'string':
        out[name] = [spec.format === 'datetime' ? toDateTimeLocal(String(value)) : String(value)];
        return;
      case 'boolean':
        // A checkbox sends nothing for false; radios send either.
        if (u.yesNo) out[name] = [String(value === true)];
        else if (value === true) out[name] = ['true'];
        return;
      case 'unknown':
        out[name] = [JSON.stringify(value, null, 2)];
        return;
      default:
        out[name] = [String(value)];
    }
  };
  walk(specOf(schema), '', body);
  return out;
}

// --- parsing --------------------------------------------------------------------------------

/** A submitted form as the JSON body of `schema` (not validated yet), and the fields it could not read. */
export function parseSchemaForm(
  schema: z.ZodType,
  ui: FormUi,
  values: FormValues,
): { body: unknown; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const first = (name: string) => values[name]?.[0];
  const parse = (spec: FieldSpec, name: string): unknown => {
    const u = ui[uiKey(name)] ?? {};
    switch (spec.kind) {
      case 'object': {
        const obj: Record<string, unknown> = {};
        for (const f of spec.fields) {
          const v = parse(f, join(name, f.name));
          if (v !== undefined) obj[f.name] = v;
        }
        return name && spec.optional && Object.keys(obj).length === 0 ? undefined : obj;
      }
      case 'true':
        return first(name) ? true : undefined;
      case 'boolean': {
        const raw = first(name);
        if (u.yesNo) return raw === 'true' ? true : raw === 'false' ? false : undefined;
        return raw !== undefined && raw !== '';
      }
      case 'enum':
        return empty(first(name)) ? undefined : first(name);
      case 'string': {
        const raw = first(name);
        if (empty(raw)) return undefined;
        if (spec.format === 'datetime' && !u.choices) {
          const iso = fromDateTimeLocal(raw!);
          if (iso) return iso;
          errors[name] = ['Date et heure invalides : jour et heure attendus (heure de Paris).'];
          return undefined;
        }
        return raw;
      }
      case 'number': {
        const raw = first(name)?.trim();
        if (empty(raw)) return undefined;
        const n = Number(raw!.replace(',', '.'));
        return Number.isFinite(n) ? n : raw;
      }
      case 'list': {
        if (spec.item.kind === 'object' && u.rows) {
          const item = spec.item;
          const key = rowKeyOf(u);
          const list = u.rows.map((row, i) => {
            const obj: Record<string, unknown> = key === null ? {} : { [key]: row.value };
            for (const f of item.fields) {
              if (f.name === key) continue;
              const v = parse(f, `${name}.${i}.${f.name}`);
              if (v !== undefined) obj[f.name] = v;
            }
            return obj;
          });
          // A blank slot left empty is no item (a checkbox left unticked reads as false: not a value).
          return key === null
            ? list.filter((obj) => Object.values(obj).some((v) => v !== undefined && v !== false))
            : list;
        }
        if (isChoiceList(spec, u)) {
          const picked = (values[name] ?? []).filter((v) => v !== '');
          if (spec.whole && picked.includes(spec.whole)) return spec.whole;
          return picked.length === 0 && spec.optional ? undefined : picked;
        }
        return parseJson(first(name), name, errors);
      }
      case 'unknown':
        return parseJson(first(name), name, errors);
    }
  };
  return { body: parse(specOf(schema), ''), errors };
}

function parseJson(raw: string | undefined, name: string, errors: Record<string, string[]>): unknown {
  if (empty(raw)) return undefined;
  try {
    return JSON.parse(raw!);
  } catch {
    errors[name] = ['Texte JSON invalide.'];
    return undefined;
  }
}

/**
 * A submitted form checked by its schema: the body the schema returns, or every error in French
 * beside the field it concerns (the API's messages: src/api/validation.ts).
 */
export function validateSchemaForm<S extends z.ZodType>(
  schema: S,
  ui: FormUi,
  values: FormValues,
): { data: z.infer<S>; errors: null } | { data: null; errors: FormErrors } {
  const parsed = parseSchemaForm(schema, ui, values);
  const { errors, data } = requestErrors(schema, parsed.body, 'body');
  const fieldErrors = errorsByField(
    schema,
    ui,
    errors.map((e) => ({ path: e.path.replace(/^body\.?/, ''), message: e.message })),
  );
  for (const [name, messages] of Object.entries(parsed.errors)) fieldErrors.fields[name] = messages;
  if (Object.keys(parsed.errors).length === 0 && errors.length === 0) {
    return { data: data as z.infer<S>, errors: null };
  }
  return { data: null, errors: fieldErrors };
}

/**
 * Errors whose path is that of the body (`targetBlocks`, `candidate.email`, `blocks.1.code`), each
 * put on the field or group that shows it; the others on the form.
 */
export function errorsByField(
  schema: z.ZodType,
  ui: FormUi,
  errors: { path: string; message: string }[],
): FormErrors {
  const names = fieldNames(schema, ui);
  const out: FormErrors = { fields: {}, form: [] };
  for (const e of errors) {
    const target = names
      .filter((n) => e.path === n || e.path.startsWith(`${n}.`))
      .sort((a, b) => b.length - a.length)[0];
    if (target === undefined) out.form.push(e.message);
    else (out.fields[target] ??= []).push(e.message);
  }
  return out;
}

/**
 * An invalid refusal of a use case (its `errors`, paths of the body) beside the form's fields; a
 * refusal naming no field, on the form.
 */
export function refusalErrors(schema: z.ZodType, ui: FormUi, refusal: Refusal): FormErrors {
  const errors = (refusal.details.errors as { path: string; message: string }[] | undefined) ?? [];
  const mapped = errorsByField(
    schema,
    ui,
    errors.map((e) => ({ path: e.path.replace(/^body\.?/, ''), message: e.message })),
  );
  if (errors.length === 0) mapped.form.push(refusal.message);
  return mapped;
}

/** Every field and group a form shows, by name. */
export function fieldNames(schema: z.ZodType, ui: FormUi): string[] {
  const out: string[] = [];
  const walk = (spec: FieldSpec, name: string) => {
    const u = ui[uiKey(name)] ?? {};
    if (name) out.push(name);
    if (spec.kind === 'object') for (const f of spec.fields) walk(f, join(name, f.name));
    if (spec.kind === 'list' && spec.item.kind === 'object' && u.rows) {
      const item = spec.item;
      u.rows.forEach((_row, i) => {
        out.push(`${name}.${i}`);
        for (const f of item.fields) if (f.name !== rowKeyOf(u)) walk(f, `${name}.${i}.${f.name}`);
      });
    }
  };
  walk(specOf(schema), '');
  return out;
}

// --- rendering ------------------------------------------------------------------------------

export interface SchemaFormOptions {
  schema: z.ZodType;
  ui: FormUi;
  /** Unique on the page: prefixes every id. */
  id: string;
  action: string;
  csrf: string;
  submitLabel: string;
  values?: FormValues;
  errors?: FormErrors;
  /** Hidden fields besides the CSRF token (an idempotency key…). */
  hidden?: Record<string, string>;
  /** Extra class of the submit button (`fr-btn--secondary`…). */
  buttonClass?: string;
}

/** The whole form: an error summary, the fields, the CSRF token, the submit button. */
export function renderSchemaForm(o: SchemaFormOptions): Html {
  const ctx: Ctx = { ui: o.ui, id: o.id, values: o.values ?? {}, errors: o.errors ?? NO_ERRORS };
  const spec = specOf(o.schema);
  const fields = spec.kind === 'object' ? spec.fields.map((f) => renderField(f, f.name, ctx)) : [];
  return html`<form method="post" action="${o.action}" id="${o.id}" class="vae-form">
    ${errorSummary(o.schema, ctx)}
    <input type="hidden" name="_csrf" value="${o.csrf}" />
    ${Object.entries(o.hidden ?? {}).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}
    ${fields}
    <button class="fr-btn ${o.buttonClass ?? ''}" type="submit">${o.submitLabel}</button>
  </form>`;
}

interface Ctx {
  ui: FormUi;
  id: string;
  values: FormValues;
  errors: FormErrors;
}

function errorSummary(schema: z.ZodType, ctx: Ctx): Html | null {
  const entries = Object.entries(ctx.errors.fields);
  const count = entries.reduce((n, [, m]) => n + m.length, 0) + ctx.errors.form.length;
  if (count === 0) return null;
  const labels = new Map(fieldNames(schema, ctx.ui).map((n) => [n, labelOf(n, ctx)]));
  return html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert">
    <p>
      ${count === 1 ? 'Le formulaire contient une erreur :' : `Le formulaire contient ${count} erreurs :`}
    </p>
    <ul>
      ${entries.map(([name, messages]) =>
        messages.map(
          (m) => html`<li><a href="#${idOf(ctx, name)}">${labels.get(name) ?? name}</a> : ${m}</li>`,
        ),
      )}
      ${ctx.errors.form.map((m) => html`<li>${m}</li>`)}
    </ul>
  </div>`;
}

function renderField(spec: FieldSpec, name: string, ctx: Ctx): Html {
  const u = ctx.ui[uiKey(name)] ?? {};
  switch (spec.kind) {
    case 'object':
      return group(
        spec,
        name,
        ctx,
        spec.fields.map((f) => renderField(f, join(name, f.name), ctx)),
      );
    case 'true':
      return checkbox(spec, name, ctx);
    case 'boolean':
      return u.yesNo
        ? radios(spec, name, ctx, [
            { value: 'true', label: u.yesNo[0] },
            { value: 'false', label: u.yesNo[1] },
          ])
        : checkbox(spec, name, ctx);
    case 'enum': {
      const labels = new Map((u.choices ?? []).map((c) => [c.value, c.label]));
      const choices = spec.values.map((v) => ({ value: v, label: labels.get(v) ?? v }));
      return choices.length <= 4 ? radios(spec, name, ctx, choices) : select(spec, name, ctx, choices);
    }
    case 'string':
      if (u.choices) {
        return u.choices.length <= 4 && !spec.optional
          ? radios(spec, name, ctx, u.choices)
          : select(spec, name, ctx, u.choices);
      }
      return u.multiline ? textarea(spec, name, ctx) : input(spec, name, ctx);
    case 'number':
      return input(spec, name, ctx);
    case 'list':
      if (spec.item.kind === 'object' && u.rows) return rows(spec, name, ctx, u);
      if (isChoiceList(spec, u)) return checkboxes(spec, name, ctx, listChoices(spec, u));
      return textarea(spec, name, ctx, 'Au format JSON.');
    case 'unknown':
      return textarea(spec, name, ctx, 'Au format JSON.');
  }
}

function isChoiceList(spec: FieldSpec & { kind: 'list' }, u: FieldUi): boolean {
  return spec.item.kind === 'enum' || (spec.item.kind === 'string' && u.choices !== undefined);
}

function listChoices(spec: FieldSpec & { kind: 'list' }, u: FieldUi): Choice[] {
  const labels = new Map((u.choices ?? []).map((c) => [c.value, c.label]));
  const base =
    spec.item.kind === 'enum'
      ? spec.item.values.map((v) => ({ value: v, label: labels.get(v) ?? v }))
      : (u.choices ?? []);
  return spec.whole ? [{ value: spec.whole, label: u.wholeLabel ?? spec.whole }, ...base] : base;
}

// --- one field ------------------------------------------------------------------------------

function idOf(ctx: Ctx, name: string): string {
  return `${ctx.id}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The field a row's choice fills, or null for blank rows. */
function rowKeyOf(u: FieldUi): string | null {
  return u.blankRows ? null : (u.rowKey ?? 'code');
}

function uiKey(name: string): string {
  return name
    .split('.')
    .filter((s) => !/^\d+$/.test(s))
    .join('.');
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

function empty(v: string | undefined): boolean {
  return v === undefined || v === '';
}

function labelOf(name: string, ctx: Ctx): string {
  const u = ctx.ui[uiKey(name)];
  return u?.label ?? name.split('.').pop() ?? name;
}

function labelText(spec: FieldSpec, name: string, ctx: Ctx): string {
  const base = ctx.ui[uiKey(name)]?.label ?? spec.description ?? spec.name;
  return spec.optional && spec.kind !== 'true' && spec.kind !== 'boolean' ? `${base} (facultatif)` : base;
}

function hintOf(spec: FieldSpec, name: string, ctx: Ctx, extra?: string): string | undefined {
  const u = ctx.ui[uiKey(name)];
  // The schema's description speaks to API clients: it is a label only when the form has none.
  const parts = [u?.hint, extra].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

function messages(ctx: Ctx, name: string, id: string): Html {
  return fieldMessages(id, ctx.errors.fields[name] ?? []);
}

/** A field's DSFR messages group (`<id>-messages`, its `aria-describedby` target), with its errors. */
export function fieldMessages(id: string, errors: readonly string[]): Html {
  return html`<div class="fr-messages-group" id="${id}-messages" aria-live="polite">
    ${errors.map((m) => html`<p class="fr-message fr-message--error">${m}</p>`)}
  </div>`;
}

function hasError(ctx: Ctx, name: string): boolean {
  return (ctx.errors.fields[name]?.length ?? 0) > 0;
}

function hint(text: string | undefined): Html | null {
  return text ? html`<span class="fr-hint-text">${text}</span>` : null;
}

function input(spec: FieldSpec & { kind: 'string' | 'number' }, name: string, ctx: Ctx): Html {
  const id = idOf(ctx, name);
  const error = hasError(ctx, name);
  const value = ctx.values[name]?.[0] ?? '';
  const u = ctx.ui[uiKey(name)] ?? {};
  let type = 'text';
  let extra: string | undefined;
  const attrs: Html[] = [];
  if (spec.kind === 'number') {
    type = 'number';
    if (spec.min !== undefined) attrs.push(html` min="${spec.min}"`);
    if (spec.max !== undefined) attrs.push(html` max="${spec.max}"`);
    if (spec.int) attrs.push(html` step="1" inputmode="numeric"`);
    if (spec.min !== undefined && spec.max !== undefined) extra = `De ${spec.min} à ${spec.max}.`;
  } else if (spec.format === 'email') {
    type = 'email';
    extra = 'Format attendu : nom@domaine.fr';
  } else if (spec.format === 'datetime') {
    type = 'datetime-local';
    extra = 'Heure de Paris. Format : jj/mm/aaaa hh:mm.';
  } else if (spec.format === 'uuid') {
    extra = 'Identifiant (UUID).';
    attrs.push(html` spellcheck="false"`);
  } else if (spec.maxLength !== undefined && spec.maxLength <= 400) {
    attrs.push(html` maxlength="${spec.maxLength}"`);
  }
  if (u.autocomplete) attrs.push(html` autocomplete="${u.autocomplete}"`);
  return html`<div class="fr-input-group${error ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="${id}"
      >${labelText(spec, name, ctx)} ${hint(hintOf(spec, name, ctx, extra))}</label
    >
    <input
      class="fr-input${error ? ' fr-input--error' : ''}"
      type="${type}"
      id="${id}"
      name="${name}"
      value="${value}"
      aria-describedby="${id}-messages"
      ${attrs}
    />
    ${messages(ctx, name, id)}
  </div>`;
}

function textarea(spec: FieldSpec, name: string, ctx: Ctx, extra?: string): Html {
  const id = idOf(ctx, name);
  const error = hasError(ctx, name);
  return html`<div class="fr-input-group${error ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="${id}"
      >${labelText(spec, name, ctx)} ${hint(hintOf(spec, name, ctx, extra))}</label
    >
    <textarea
      class="fr-input${error ? ' fr-input--error' : ''}"
      id="${id}"
      name="${name}"
      rows="4"
      aria-describedby="${id}-messages"
    >
${ctx.values[name]?.[0] ?? ''}</textarea>
    ${messages(ctx, name, id)}
  </div>`;
}

function select(spec: FieldSpec, name: string, ctx: Ctx, choices: Choice[]): Html {
  const id = idOf(ctx, name);
  const error = hasError(ctx, name);
  const current = ctx.values[name]?.[0] ?? '';
  return html`<div class="fr-select-group${error ? ' fr-select-group--error' : ''}">
    <label class="fr-label" for="${id}">${labelText(spec, name, ctx)} ${hint(hintOf(spec, name, ctx))}</label>
    <select
      class="fr-select${error ? ' fr-select--error' : ''}"
      id="${id}"
      name="${name}"
      aria-describedby="${id}-messages"
    >
      <option value="" ${current === '' ? html` selected` : null}>
        ${spec.optional ? '— Aucun —' : 'Sélectionner une option'}
      </option>
      ${choices.map(
        (c) =>
          html`<option value="${c.value}" ${c.value === current ? html` selected` : null}>
            ${c.label}
          </option>`,
      )}
    </select>
    ${messages(ctx, name, id)}
  </div>`;
}

function fieldset(
  spec: FieldSpec,
  name: string,
  ctx: Ctx,
  body: Html[],
  opts: { inline?: boolean; legend?: string; hint?: string } = {},
): Html {
  const id = idOf(ctx, name);
  const error = hasError(ctx, name);
  return html`<fieldset
    class="fr-fieldset${error ? ' fr-fieldset--error' : ''}"
    id="${id}"
    aria-labelledby="${id}-legend ${id}-messages"
  >
    <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="${id}-legend">
      ${opts.legend ?? labelText(spec, name, ctx)} ${hint(opts.hint ?? hintOf(spec, name, ctx))}
    </legend>
    ${body.map(
      (b) =>
        html`<div class="fr-fieldset__element${opts.inline ? ' fr-fieldset__element--inline' : ''}">
          ${b}
        </div>`,
    )}
    ${messages(ctx, name, id)}
  </fieldset>`;
}

function group(spec: FieldSpec, name: string, ctx: Ctx, children: Html[]): Html {
  return fieldset(spec, name, ctx, children);
}

function radios(spec: FieldSpec, name: string, ctx: Ctx, choices: Choice[]): Html {
  const id = idOf(ctx, name);
  const current = ctx.values[name]?.[0];
  return fieldset(
    spec,
    name,
    ctx,
    choices.map(
      (c, i) =>
        html`<div class="fr-radio-group">
          <input
            type="radio"
            id="${id}-${i}"
            name="${name}"
            value="${c.value}"
            ${c.value === current ? html` checked` : null}
          />
          <label class="fr-label" for="${id}-${i}">${c.label}</label>
        </div>`,
    ),
    { inline: choices.length <= 2 },
  );
}

function checkboxes(spec: FieldSpec, name: string, ctx: Ctx, choices: Choice[]): Html {
  const id = idOf(ctx, name);
  const picked = new Set(ctx.values[name] ?? []);
  return fieldset(
    spec,
    name,
    ctx,
    choices.map(
      (c, i) =>
        html`<div class="fr-checkbox-group">
          <input
            type="checkbox"
            id="${id}-${i}"
            name="${name}"
            value="${c.value}"
            ${picked.has(c.value) ? html` checked` : null}
          />
          <label class="fr-label" for="${id}-${i}">${c.label}</label>
        </div>`,
    ),
  );
}

function checkbox(spec: FieldSpec, name: string, ctx: Ctx): Html {
  const id = idOf(ctx, name);
  const error = hasError(ctx, name);
  const checked = (ctx.values[name] ?? []).some((v) => v !== '' && v !== 'false');
  return html`<div class="fr-checkbox-group${error ? ' fr-checkbox-group--error' : ''}">
    <input
      type="checkbox"
      id="${id}"
      name="${name}"
      value="true"
      aria-describedby="${id}-messages"
      ${checked ? html` checked` : null}
    />
    <label class="fr-label" for="${id}">${labelText(spec, name, ctx)} ${hint(hintOf(spec, name, ctx))}</label>
    ${messages(ctx, name, id)}
  </div>`;
}

function rows(spec: FieldSpec & { kind: 'list' }, name: string, ctx: Ctx, u: FieldUi): Html {
  const item = spec.item;
  if (item.kind !== 'object') return textarea(spec, name, ctx);
  const key = rowKeyOf(u);
  return fieldset(
    spec,
    name,
    ctx,
    (u.rows ?? []).map((row, i) =>
      fieldset(
        item,
        `${name}.${i}`,
        ctx,
        item.fields.filter((f) => f.name !== key).map((f) => renderField(f, `${name}.${i}.${f.name}`, ctx)),
        { legend: row.label, hint: '' },
      ),
    ),
  );
}
