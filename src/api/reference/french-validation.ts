import { z } from 'zod';

/**
 * French validation messages that name the field, for the reference-data routes. A body schema
 * is wrapped here: the request is first parsed with an error map of its own (which takes
 * precedence over the app's, src/api/schemas/messages-fr.ts), and each issue becomes a sentence
 * that starts with the field — its path, and its French label when one is given — such as « Le
 * champ overrides.testArmShare (part des candidatures affectées au groupe test) doit être
 * inférieur ou égal à 1. ». Messages written on a schema (a regex's, a refinement's, a shared
 * text builder's) are kept after the field's name. The wrapped schema is a preprocess, which the
 * OpenAPI generator documents as the schema itself.
 */

/** A French name for a field, from its path (`overrides.testArmShare`), or undefined. */
export type FieldLabel = (path: readonly PropertyKey[]) => string | undefined;

const TYPE_FR: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'un booléen (true ou false)',
  object: 'un objet',
  array: 'une liste',
  null: 'null',
  undefined: 'une valeur',
};

function plural(n: number | bigint, one: string, many: string): string {
  return `${n} ${Number(n) > 1 ? many : one}`;
}

function sizeFr(origin: string, n: number | bigint): string {
  if (origin === 'string') return plural(n, 'caractère', 'caractères');
  if (origin === 'array' || origin === 'set') return plural(n, 'élément', 'éléments');
  return String(n);
}

/** One French sentence for an issue (without the field name). */
function messageFr(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'est obligatoire.';
      return `doit être ${TYPE_FR[iss.expected] ?? iss.expected}.`;
    case 'too_small': {
      const min = iss.minimum;
      if (iss.origin === 'number' || iss.origin === 'int' || iss.origin === 'bigint')
        return iss.inclusive
          ? `doit être supérieur ou égal à ${min}.`
          : `doit être strictement supérieur à ${min}.`;
      if (iss.origin === 'array' && Number(min) === 1) return 'ne peut pas être vide.';
      if (iss.origin === 'string' && Number(min) === 1) return 'ne peut pas être vide.';
      return `doit contenir au moins ${sizeFr(iss.origin, min)}.`;
    }
    case 'too_big': {
      const max = iss.maximum;
      if (iss.origin === 'number' || iss.origin === 'int' || iss.origin === 'bigint')
        return iss.inclusive
          ? `doit être inférieur ou égal à ${max}.`
          : `doit être strictement inférieur à ${max}.`;
      return `doit contenir au plus ${sizeFr(iss.origin, max)}.`;
    }
    case 'invalid_format':
      if (iss.format === 'uuid') return 'doit être un identifiant (UUID).';
      return 'n’a pas le format attendu.';
    case 'invalid_value':
      return `doit valoir l’une de ces valeurs : ${iss.values.map((v) => String(v)).join(', ')}.`;
    case 'not_multiple_of':
      return `doit être un multiple de ${String(iss.divisor)}.`;
    case 'unrecognized_keys':
      return 'n’est pas un champ connu.';
    default:
      return 'est invalide.';
  }
}

function describe(path: readonly PropertyKey[], labelOf: FieldLabel): string {
  const dotted = path.map(String).join('.');
  if (!dotted) return 'Le corps de la requête';
  const label = labelOf(path);
  return label ? `Le champ ${dotted} (${label})` : `Le champ ${dotted}`;
}

/**
 * The message the per-parse error map gives every issue: a schema's own messages (set on a
 * check or a refinement) take precedence over it, so an issue still holding it has none.
 */
const ZOD_DEFAULT = '\u0000zod-default';

/**
 * Wraps a body schema so that a refusal lists each bad field with a French sentence naming it;
 * an unknown key is reported at its own path (`body.overrides.colour`), one issue per key.
 * Messages set on the schema itself (regexes, refinements) are kept, prefixed with the field.
 */
export function frenchBody<S extends z.ZodType>(schema: S, labelOf: FieldLabel = () => undefined) {
  return z.preprocess((value, ctx) => {
    const result = schema.safeParse(value, { error: () => ZOD_DEFAULT, reportInput: true });
    if (result.success) return value;
    for (const iss of result.error.issues) {
      if (iss.code === 'unrecognized_keys') {
        for (const key of iss.keys) {
          const path = [...iss.path, key];
          ctx.addIssue({
            code: 'unrecognized_keys',
            keys: [key],
            path,
            input: undefined,
            message: `${describe(path, labelOf)} n’est pas un champ connu.`,
          });
        }
        continue;
      }
      // zod's own wording is replaced; a message written on the schema (French) is kept.
      const own = iss.message === ZOD_DEFAULT ? undefined : iss.message;
      ctx.addIssue({
        ...(iss as z.core.$ZodRawIssue),
        input: undefined,
        message: `${describe(iss.path, labelOf)} ${own ? predicate(own) : messageFr(iss as z.core.$ZodRawIssue)}`,
      } as never);
    }
    return value;
  }, schema);
}

/**
 * A schema's message after the field's name: the routes' own are predicates (« doit être… »);
 * a shared builder's is a sentence (« Caractère de contrôle interdit… »), put after a colon.
 */
function predicate(own: string): string {
  return /^\p{Lu}/u.test(own) ? `: ${lowerFirst(own)}` : lowerFirst(own);
}

function lowerFirst(s: string): string {
  const out = s.charAt(0).toLowerCase() + s.slice(1);
  return /[.!?]$/.test(out) ? out : `${out}.`;
}
