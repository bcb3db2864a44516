import { createHash } from 'node:crypto';
import { Refusal } from './refusal.js';

/**
 * Creations with an Idempotency-Key: the key is remembered with a hash of the request, so a
 * retry of the same request gets the first answer and the same key with another body is refused.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export function idempotencyKeyReused(): Refusal {
  return Refusal.conflict(
    'idempotency_key_reused',
    'Cette clé Idempotency-Key a déjà servi pour une autre requête ; utilisez une nouvelle clé.',
  );
}
