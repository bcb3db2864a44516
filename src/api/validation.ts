import type { z } from 'zod';
import { HttpError } from './problem.js';
import './schemas/messages-fr.js';
import { findDirtyText } from './schemas/text.js';

/** Where a value of the request comes from: the first segment of each error's path. */
export type RequestPart = 'body' | 'query' | 'params' | 'headers';

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

const TEXT_CODES = new Set(['control_character', 'malformed_unicode']);

/**
 * Everything wrong with `value` for `schema`, each issue with its path from the request part:
 * the schema's issues (French, see schemas/messages-fr.ts), and under them the strings that no
 * schema may let through (control characters, malformed Unicode: schemas/text.ts), wherever
 * they are, even where the schema has no string rule of its own. When a text is refused for
 * its characters, the other complaints about the same field are left out.
 */
export function requestErrors<S extends z.ZodType>(
  schema: S | undefined,
  value: unknown,
  where: RequestPart,
): { errors: FieldError[]; data?: z.infer<S> } {
  const pathOf = (path: readonly PropertyKey[]) => [where, ...path.map(String)].join('.');
  const fromSchema: FieldError[] = [];
  let data: z.infer<S> | undefined;
  if (schema) {
    const result = schema.safeParse(value);
    if (result.success) data = result.data;
    else {
      for (const issue of result.error.issues) {
        const reason =
          issue.code === 'custom' ? (issue.params as { reason?: unknown } | undefined)?.reason : undefined;
        fromSchema.push({
          path: pathOf(issue.path),
          code: typeof reason === 'string' ? reason : issue.code,
          message: issue.message,
        });
      }
    }
  }
  const fromText: FieldError[] = findDirtyText(value).map(({ path, problem }) => ({
    path: pathOf(path),
    code: problem.code,
    message: problem.message,
  }));
  const dirty = new Set(
    [...fromSchema, ...fromText].filter((e) => TEXT_CODES.has(e.code)).map((e) => e.path),
  );
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of [...fromSchema, ...fromText]) {
    if (dirty.has(e.path)) {
      // One error for a dirty text: the first of its own kind.
      if (!TEXT_CODES.has(e.code) || seen.has(e.path)) continue;
      seen.add(e.path);
    }
    errors.push(e);
  }
  return { errors, data };
}

/** Throws the 400 `validation_failed` that lists `errors`. */
export function throwValidationFailed(errors: FieldError[]): never {
  throw new HttpError(
    400,
    'validation_failed',
    errors.length === 1
      ? `La requête contient une erreur (${errors[0]!.path}).`
      : `La requête contient ${errors.length} erreurs.`,
    { errors },
  );
}

/** Parses with a zod schema or throws a 400 listing every issue with its path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: RequestPart): z.infer<S> {
  const { errors, data } = requestErrors(schema, value, where);
  if (errors.length) throwValidationFailed(errors);
  return data as z.infer<S>;
}

/**
 * For a part of the request that a route declares no schema for (and so passes on as it came):
 * only the text check, so that no string of the request escapes it.
 */
export function assertCleanText(value: unknown, where: RequestPart): void {
  const { errors } = requestErrors(undefined, value, where);
  if (errors.length) throwValidationFailed(errors);
}
