import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { renderErrorPage } from '../layout.js';
import { PostgresRateLimitStore } from './rate-limit-store.js';

/**
 * Limits on asking for login links (POST /connexion), both in a 15-minute window: 10 per client
 * address (req.ip: behind the loopback proxy, the forwarded client's) and 3 per e-mail address
 * (lower-cased), whether an account matches or not, so the limit reveals nothing either. Counters
 * are in PostgreSQL (rate-limit-store.ts), shared by every API process.
 */
export interface LoginRateLimits {
  windowMs: number;
  perIp: number;
  perEmail: number;
}

export const DEFAULT_LOGIN_RATE_LIMITS: LoginRateLimits = { windowMs: 15 * 60_000, perIp: 10, perEmail: 3 };

function tooMany(_req: Request, res: Response): void {
  res
    .status(429)
    .type('html')
    .send(
      renderErrorPage(
        429,
        'Trop de demandes de connexion',
        'Vous avez demandé trop de liens de connexion en peu de temps. Patientez 15 minutes avant de réessayer, ou utilisez le dernier lien reçu.',
        { action: { label: 'Retour à la connexion', href: '/connexion' } },
      ),
    );
}

/**
 * The e-mail's key: a SHA-256 of the address as typed, trimmed and lower-cased — no address is
 * stored with the counters, and any input (control characters, malformed Unicode) is a valid key.
 */
export function emailKey(req: Request): string {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  const normalised = typeof email === 'string' ? email.trim().toLowerCase() : '';
  return `email:${createHash('sha256').update(normalised).digest('base64url')}`;
}

export function loginRateLimiters(
  db: Kysely<Database>,
  limits: LoginRateLimits = DEFAULT_LOGIN_RATE_LIMITS,
): RequestHandler[] {
  const common = {
    windowMs: limits.windowMs,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: tooMany,
  } as const;
  return [
    rateLimit({
      ...common,
      limit: limits.perIp,
      identifier: 'connexion-ip',
      store: new PostgresRateLimitStore(db, 'connexion-ip'),
    }),
    rateLimit({
      ...common,
      limit: limits.perEmail,
      identifier: 'connexion-email',
      keyGenerator: emailKey,
      store: new PostgresRateLimitStore(db, 'connexion-email'),
    }),
  ];
}
