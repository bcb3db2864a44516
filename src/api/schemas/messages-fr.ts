import { z } from 'zod';
import { formatDayTimeFr } from '../../domain/paris-time.js';

/**
 * French messages for every zod issue, set once for the process that loads the API (imported by
 * src/api/validation.ts and src/api/schemas/text.ts, so by every route's schemas and every
 * parse). zod's own `fr` locale is the fallback for what is not worded here; a message written
 * on a schema (`regex(…, 'Code RNCP attendu…')`) still takes precedence over both.
 */

type RawIssue = z.core.$ZodRawIssue;

/** What a value is, with its article: "du texte", "un nombre"… */
const NOUNS: Record<string, string> = {
  string: 'du texte',
  number: 'un nombre',
  int: 'un nombre entier',
  bigint: 'un grand entier',
  boolean: 'un booléen (true ou false)',
  array: 'une liste',
  object: 'un objet',
  date: 'une date',
  null: 'null',
  undefined: 'rien',
  nan: 'une valeur qui n’est pas un nombre',
  symbol: 'un symbole',
  function: 'une fonction',
  file: 'un fichier',
  map: 'un dictionnaire',
  set: 'un ensemble',
  record: 'un objet',
  tuple: 'une liste',
  literal: 'une valeur fixe',
};

function noun(type: string): string {
  return NOUNS[type] ?? type;
}

function received(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return noun('array');
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return noun('nan');
    return Number.isFinite(input) && !Number.isInteger(input) ? 'un nombre à virgule' : noun('number');
  }
  return noun(typeof input);
}

function count(n: number | bigint, one: string, many: string): string {
  return `${n} ${Number(n) > 1 ? many : one}`;
}

/**
 * `s` with its control characters, lone surrogates and U+FFFD written as `\uXXXX`, to quote a
 * value (an unknown key…) in a message or a path without echoing what cannot be stored.
 */
export function visible(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what is made visible
    /[\u0000-\u001f\u007f-\u009f\ufffd]|\p{Cs}/gu,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A value quoted for a message, what cannot be stored made visible. */
function quote(v: unknown): string {
  if (typeof v === 'string') return `« ${visible(v)} »`;
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

const FORMATS: Record<string, string> = {
  email: 'Adresse e-mail invalide.',
  uuid: 'Identifiant invalide : un UUID est attendu (par exemple 7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0001).',
  guid: 'Identifiant invalide : un UUID est attendu (par exemple 7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0001).',
  datetime:
    'Date et heure invalides : format ISO 8601 attendu, avec le fuseau (par exemple 2025-03-14T09:30:00+01:00 ou 2025-03-14T08:30:00Z).',
  date: 'Date invalide : format AAAA-MM-JJ attendu (par exemple 2025-03-14).',
  time: 'Heure invalide : format HH:MM[:SS] attendu (par exemple 09:30).',
  duration: 'Durée invalide : format ISO 8601 attendu (par exemple P3M ou PT2H).',
  url: 'Adresse web (URL) invalide.',
  e164: 'Numéro de téléphone invalide : format international attendu (par exemple +33612345678).',
  ipv4: 'Adresse IPv4 invalide.',
  ipv6: 'Adresse IPv6 invalide.',
  base64: 'Texte base64 invalide.',
  base64url: 'Texte base64url invalide.',
  jwt: 'Jeton JWT invalide.',
  json_string: 'Texte JSON invalide.',
};

function tooSmall(iss: Extract<RawIssue, { code: 'too_small' }>): string {
  const n = iss.minimum;
  switch (iss.origin) {
    case 'string':
      if (iss.exact) return `Longueur invalide : exactement ${count(n, 'caractère', 'caractères')} attendus.`;
      if (Number(n) === 1) return 'Ce champ ne doit pas être vide.';
      return `Trop court : au moins ${count(n, 'caractère', 'caractères')}.`;
    case 'array':
    case 'set':
      if (iss.exact)
        return `Nombre d’éléments invalide : exactement ${count(n, 'élément', 'éléments')} attendus.`;
      if (Number(n) === 1) return 'La liste ne doit pas être vide.';
      return `Trop peu d’éléments : au moins ${count(n, 'élément', 'éléments')}.`;
    case 'date':
      return `Date trop ancienne : ${iss.inclusive ? 'au plus tôt' : 'après'} ${formatDayTimeFr(new Date(Number(n)))} (heure de Paris).`;
    case 'file':
      return `Fichier trop petit : au moins ${count(n, 'octet', 'octets')}.`;
    default:
      return iss.inclusive
        ? `Valeur trop petite : au minimum ${n}.`
        : `Valeur trop petite : elle doit être strictement supérieure à ${n}.`;
  }
}

function tooBig(iss: Extract<RawIssue, { code: 'too_big' }>): string {
  const n = iss.maximum;
  switch (iss.origin) {
    case 'string':
      if (iss.exact) return `Longueur invalide : exactement ${count(n, 'caractère', 'caractères')} attendus.`;
      return `Trop long : au plus ${count(n, 'caractère', 'caractères')}.`;
    case 'array':
    case 'set':
      if (iss.exact)
        return `Nombre d’éléments invalide : exactement ${count(n, 'élément', 'éléments')} attendus.`;
      return `Trop d’éléments : au plus ${count(n, 'élément', 'éléments')}.`;
    case 'date':
      return `Date trop lointaine : ${iss.inclusive ? 'au plus tard' : 'avant'} ${formatDayTimeFr(new Date(Number(n)))} (heure de Paris).`;
    case 'file':
      return `Fichier trop gros : au plus ${count(n, 'octet', 'octets')}.`;
    default:
      return iss.inclusive
        ? `Valeur trop grande : au maximum ${n}.`
        : `Valeur trop grande : elle doit être strictement inférieure à ${n}.`;
  }
}

function invalidFormat(iss: Extract<RawIssue, { code: 'invalid_format' }>): string {
  const i = iss as typeof iss & {
    prefix?: string;
    suffix?: string;
    includes?: string;
    pattern?: RegExp | string;
  };
  switch (iss.format) {
    case 'regex':
      return 'Format invalide.';
    case 'starts_with':
      return `Format invalide : doit commencer par ${quote(i.prefix)}.`;
    case 'ends_with':
      return `Format invalide : doit finir par ${quote(i.suffix)}.`;
    case 'includes':
      return `Format invalide : doit contenir ${quote(i.includes)}.`;
    case 'lowercase':
      return 'Format invalide : minuscules attendues.';
    case 'uppercase':
      return 'Format invalide : majuscules attendues.';
    default:
      return FORMATS[iss.format] ?? `Format invalide (${iss.format}).`;
  }
}

const zodFrench = z.locales.fr().localeError;

/** The French message of an issue that carries no message of its own. */
export function messageFr(iss: RawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return `Champ obligatoire (attendu : ${noun(iss.expected)}).`;
      return `Type invalide (attendu : ${noun(iss.expected)} ; reçu : ${received(iss.input)}).`;
    case 'too_small':
      return tooSmall(iss);
    case 'too_big':
      return tooBig(iss);
    case 'invalid_format':
      return invalidFormat(iss);
    case 'invalid_value': {
      const start = iss.input === undefined ? 'Champ obligatoire' : 'Valeur non reconnue';
      if (iss.values.length === 1) return `${start} (attendu : ${quote(iss.values[0])}).`;
      return `${start}. Valeurs possibles : ${iss.values.map((v) => String(v)).join(', ')}.`;
    }
    case 'unrecognized_keys':
      return iss.keys.length === 1
        ? `Champ inconnu : ${quote(iss.keys[0])}.`
        : `Champs inconnus : ${iss.keys.map(quote).join(', ')}.`;
    case 'invalid_union':
      return 'Valeur invalide : elle ne correspond à aucune des formes acceptées.';
    case 'invalid_key':
      return 'Clé invalide.';
    case 'invalid_element':
      return 'Élément invalide.';
    case 'not_multiple_of':
      return `Valeur invalide (attendu : un multiple de ${String(iss.divisor)}).`;
    case 'custom':
      return 'Valeur invalide.';
    default: {
      const fallback = zodFrench?.(iss);
      const message = typeof fallback === 'string' ? fallback : fallback?.message;
      return message ?? 'Valeur invalide.';
    }
  }
}

z.config({ localeError: messageFr });
