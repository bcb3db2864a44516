import type { RenderedEmail } from './layout.js';

/** What a template may use: loaded from Postgres by the e-mail activity, never from history. */
export interface EmailContext {
  recipientName: string;
  candidacyId: string;
  candidate: { firstName: string; lastName: string };
  certification: { rncpCode: string; title: string };
  blocks: { code: string; title: string }[];
  /** Non-personal values from the workflow: dates, counts, reasons, operator ids. */
  data: Record<string, string | number | boolean | string[] | undefined>;
  /** Operator names looked up from ids in `data` (e.g. the coaching operator). */
  operatorNames: Record<string, string>;
  /**
   * Candidate e-mails only: the signed, expiring link to the candidate's status page
   * (`<public URL>/candidat/<token>`), which every e-mail to a candidate ends with. Absent when the
   * e-mail activity has no link signer (some tests).
   */
  statusLink?: string;
}

export type EmailData = EmailContext['data'];

/** One template per event and recipient: renders the French e-mail (HTML + text). */
export type Template = (ctx: EmailContext) => RenderedEmail;

const PARIS = 'Europe/Paris';
const DATE_FR = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: PARIS });
const TIME_FR = new Intl.DateTimeFormat('fr-FR', {
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: PARIS,
});

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value));
}

/** Formats an ISO date for a French reader: « 3 février 2027 », « 1er mars 2027 » (Paris time). */
export function dateFr(iso: unknown): string {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return String(iso ?? '');
  return DATE_FR.formatToParts(new Date(iso))
    .map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value))
    .join('');
}

/** Formats an ISO date and time (Paris): « 3 février 2027 à 14 h 30 », « 3 février 2027 à 9 h ». */
export function dateTimeFr(iso: unknown): string {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return String(iso ?? '');
  const parts = TIME_FR.formatToParts(new Date(iso));
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '';
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${dateFr(iso)} à ${hour} h${minute === '00' ? '' : ` ${minute}`}`;
}

/** The targeted blocks as « CODE — title ». */
export function blocksLabel(ctx: EmailContext): string[] {
  return ctx.blocks.map((b) => `${b.code} — ${b.title}`);
}

/** One block code as « CODE — title » when it is a targeted block, else the code alone. */
export function blockTitle(ctx: EmailContext, code: string): string {
  const block = ctx.blocks.find((b) => b.code === code);
  return block ? `${block.code} — ${block.title}` : code;
}

/** Reads a string[] safely: anything else gives an empty list, non-strings are dropped. */
export function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function greeting(ctx: EmailContext): string {
  return `Bonjour ${ctx.recipientName},`;
}

export function candidateName(ctx: EmailContext): string {
  return `${ctx.candidate.firstName} ${ctx.candidate.lastName}`;
}

/** « Titre professionnel … » (RNCP35830) */
export function certificationLabel(ctx: EmailContext): string {
  return `« ${ctx.certification.title} » (${ctx.certification.rncpCode})`;
}

/** Closing line of a candidate e-mail. */
export function candidateReference(ctx: EmailContext): string {
  return `Référence de votre candidature : ${ctx.candidacyId}`;
}

/** Opening line of an operator e-mail: who, what, which reference (never contact details). */
export function candidacySummary(ctx: EmailContext): string {
  return `Candidature : ${candidateName(ctx)} — certification ${certificationLabel(ctx)} — référence ${ctx.candidacyId}.`;
}

/** The name of an operator whose id is in `data`, or the fallback when it could not be loaded. */
export function operatorName(ctx: EmailContext, id: string, fallback: string): string {
  const name = Object.hasOwn(ctx.operatorNames, id) ? ctx.operatorNames[id] : undefined;
  return name?.trim() ? name : fallback;
}

/** A required data field is missing or malformed: the e-mail activity fails without retrying. */
export class TemplateDataError extends Error {
  /** The data fields at fault (keys the workflow sets, never their values). */
  readonly fields: readonly string[];
  constructor(message: string, fields: readonly string[] = []) {
    super(message);
    this.name = 'TemplateDataError';
    this.fields = fields;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function fail(key: string, expected: string, value: unknown): never {
  throw new TemplateDataError(`E-mail data field "${key}" must be ${expected}, got ${describe(value)}`, [
    key,
  ]);
}

/** A non-empty string. */
export function requireString(data: EmailData, key: string): string {
  const value = data[key];
  if (typeof value !== 'string' || value.trim() === '') fail(key, 'a non-empty string', value);
  return value;
}

/** An ISO 8601 date or date-time string (returned as is; format it with dateFr/dateTimeFr). */
export function requireDate(data: EmailData, key: string): string {
  const value = data[key];
  if (!isIsoDate(value)) fail(key, 'an ISO 8601 date string', value);
  return value;
}

/** A finite number; `integer` and `min` tighten it. */
export function requireNumber(
  data: EmailData,
  key: string,
  opts: { integer?: boolean; min?: number } = {},
): number {
  const value = data[key];
  const expected = `a${opts.integer ? 'n integer' : ' finite number'}${opts.min === undefined ? '' : ` >= ${opts.min}`}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(key, expected, value);
  if (opts.integer && !Number.isInteger(value)) fail(key, expected, value);
  if (opts.min !== undefined && value < opts.min) fail(key, expected, value);
  return value;
}

export function requireBoolean(data: EmailData, key: string): boolean {
  const value = data[key];
  if (typeof value !== 'boolean') fail(key, 'a boolean', value);
  return value;
}

/** An array of strings (possibly empty unless `nonEmpty`). */
export function requireStringArray(
  data: EmailData,
  key: string,
  opts: { nonEmpty?: boolean } = {},
): string[] {
  const value = data[key];
  const expected = opts.nonEmpty ? 'a non-empty array of strings' : 'an array of strings';
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(key, expected, value);
  if (opts.nonEmpty && value.length === 0) fail(key, expected, value);
  return value;
}

/** One of a closed list of codes. */
export function requireOneOf<T extends string>(data: EmailData, key: string, allowed: readonly T[]): T {
  const value = data[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(key, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

/** Like requireOneOf, but the field may be absent (undefined). */
export function optionalOneOf<T extends string>(
  data: EmailData,
  key: string,
  allowed: readonly T[],
): T | undefined {
  return data[key] === undefined ? undefined : requireOneOf(data, key, allowed);
}

/** An array of codes from a closed list. */
export function requireCodes<T extends string>(
  data: EmailData,
  key: string,
  allowed: readonly T[],
  opts: { nonEmpty?: boolean } = {},
): T[] {
  const values = requireStringArray(data, key, opts);
  const unknown = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (unknown.length) fail(key, `an array of codes among ${allowed.join(', ')}`, unknown);
  return values as T[];
}
