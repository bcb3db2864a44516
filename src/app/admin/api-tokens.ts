import { createHash, randomBytes } from 'node:crypto';

/** API tokens: random, shown once, stored only as a SHA-256 hash. */
export function generateToken(): string {
  return `pvae_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
