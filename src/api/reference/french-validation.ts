import { z } from 'zod';
import { messageFr } from '../schemas/messages-fr.js';

/**
 * French validation messages that name the field, for the reference-data routes. A body schema
 * is wrapped here: the request is first parsed with an error map of its own (which takes
 * precedence over the app's, src/api/schemas/messages-fr.ts), and each issue becomes a sentence
 * that starts with the field — its path, and its French label when one is given — followed by
 * the app's one French message for that issue (src/api/schemas/messages-fr.ts), such as « Le
 * champ overrides.remindersBeforeAbandonment (relances sans réponse avant de déclarer l’abandon) :
 * valeur trop grande : au maximum 10. ». Messages written on a schema (a regex's, a refinement's, a shared
 * text builder's) are kept after the field's name the same way. The wrapped schema is a preprocess, which the
 * OpenAPI generator documents as the schema itself.
 */

/** A French name for a field, from its path (`overrides.remindersBeforeAbandonment`), or undefined. */
export type FieldLabel = (path: readonly PropertyKey[]) => string | undefined;

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
      // A message written on the schema (French) is kept; otherwise the app's French message.
      const own = iss.message === ZOD_DEFAULT ? undefined : iss.message;
      const raw = iss as unknown as Parameters<typeof messageFr>[0];
      ctx.addIssue({
        ...(iss as z.core.$ZodRawIssue),
        input: undefined,
        message: `${describe(iss.path, labelOf)} ${predicate(own ?? messageFr(raw))}`,
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
