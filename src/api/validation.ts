import type { z } from 'zod';
import { HttpError } from './problem.js';

/** Parses with a zod schema or throws a 400 listing every issue with its path. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    code: issue.code,
    message: issue.message,
  }));
  throw new HttpError(
    400,
    'validation_failed',
    errors.length === 1
      ? `La requête contient une erreur (${errors[0]!.path}).`
      : `La requête contient ${errors.length} erreurs.`,
    { errors },
  );
}
