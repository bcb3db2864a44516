import type { Request } from 'express';
import { HttpError } from './problem.js';

/** The optional `Idempotency-Key` header of a request: 8 to 200 characters, else a 400. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key') || undefined;
  if (key !== undefined && (key.length < 8 || key.length > 200)) {
    throw new HttpError(
      400,
      'validation_failed',
      'L’en-tête Idempotency-Key doit faire de 8 à 200 caractères.',
      {
        errors: [
          { path: 'headers.idempotency-key', code: 'too_small_or_big', message: '8 à 200 caractères' },
        ],
      },
    );
  }
  return key;
}
