import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { UserRole } from '../domain/roles.js';
import { HttpError } from './problem.js';
import { hashToken } from '../app/admin/api-tokens.js';

export interface AuthenticatedUser {
  id: string;
  operatorId: string;
  role: UserRole;
  tokenId: string;
}

/** Bearer-token authentication: 401 without a valid, unrevoked token. */
export function authenticate(db: Kysely<Database>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="parcours-vae"');
      throw new HttpError(
        401,
        'missing_token',
        'Un jeton d’API est requis (en-tête Authorization: Bearer <jeton>).',
      );
    }
    const row = await db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select([
        't.id as token_id',
        't.revoked_at',
        't.last_used_at',
        'u.id as user_id',
        'u.operator_id',
        'u.role',
      ])
      .where('t.token_hash', '=', hashToken(match[1]!))
      .executeTakeFirst();
    if (!row || row.revoked_at) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="parcours-vae", error="invalid_token"');
      throw new HttpError(401, 'invalid_token', 'Ce jeton d’API est invalide ou a été révoqué.');
    }
    // last_used_at at minute precision: one write per token per minute at most.
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: new Date() })
        .where('id', '=', row.token_id)
        .execute();
    }
    res.locals.user = {
      id: row.user_id,
      operatorId: row.operator_id,
      role: row.role as UserRole,
      tokenId: row.token_id,
    } satisfies AuthenticatedUser;
    next();
  };
}

export function currentUser(res: Response): AuthenticatedUser {
  const user = res.locals.user as AuthenticatedUser | undefined;
  if (!user) throw new HttpError(401, 'missing_token', 'Authentification requise.');
  return user;
}
