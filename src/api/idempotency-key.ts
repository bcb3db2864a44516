import type { Request } from 'express';
import { z } from 'zod';
import { parseOrThrow } from './validation.js';

/**
 * The `Idempotency-Key` header: 8 to 200 printable ASCII characters. Node reads header bytes as
 * Latin-1 and lets a tab and bytes 0x80–0xFF through; a key is an opaque token stored as is, so
 * anything else (control characters, C1, UTF-8 seen as Latin-1) is refused.
 */
export const idempotencyKeySchema = z
  .string()
  .min(8, 'La clé doit faire au moins 8 caractères.')
  .max(200, 'La clé doit faire au plus 200 caractères.')
  .regex(/^[\x20-\x7e]*$/, 'Caractères ASCII imprimables uniquement (ni caractère de contrôle, ni accent).');

const headers = z.object({ 'idempotency-key': idempotencyKeySchema.optional() });

/** The optional `Idempotency-Key` header of a request, else a 400 naming `headers.idempotency-key`. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key') || undefined;
  return parseOrThrow(headers, { 'idempotency-key': key }, 'headers')['idempotency-key'];
}
