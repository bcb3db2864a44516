import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { USER_ROLES, type UserRole } from '../../domain/roles.js';
import { HttpError } from '../problem.js';
import { generateToken, hashToken } from '../tokens.js';

/** Users and API tokens, shared by the admin routes and `npm run admin`. */
export function adminService(db: Kysely<Database>) {
  return {
    async createOperator(input: { name: string; email: string }) {
      const id = randomUUID();
      await db.insertInto('operators').values({ id, name: input.name, email: input.email }).execute();
      return { id, ...input };
    },

    async createUser(input: { operatorId: string; role: UserRole; displayName: string; email: string }) {
      if (!USER_ROLES.includes(input.role))
        throw new HttpError(400, 'validation_failed', `Rôle inconnu : ${input.role}.`);
      const operator = await db
        .selectFrom('operators')
        .select('id')
        .where('id', '=', input.operatorId)
        .executeTakeFirst();
      if (!operator) throw new HttpError(404, 'operator_not_found', `Aucun organisme ${input.operatorId}.`);
      const exists = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', input.email)
        .executeTakeFirst();
      if (exists) throw new HttpError(409, 'user_exists', `Un utilisateur a déjà l’adresse ${input.email}.`);
      const id = randomUUID();
      await db
        .insertInto('users')
        .values({
          id,
          operator_id: input.operatorId,
          role: input.role,
          display_name: input.displayName,
          email: input.email,
        })
        .execute();
      return {
        id,
        operatorId: input.operatorId,
        role: input.role,
        displayName: input.displayName,
        email: input.email,
      };
    },

    async listUsers() {
      const rows = await db.selectFrom('users').selectAll().orderBy('created_at').execute();
      return rows.map((u) => ({
        id: u.id,
        operatorId: u.operator_id,
        role: u.role,
        displayName: u.display_name,
        email: u.email,
      }));
    },

    async findUser(idOrEmail: string) {
      const q = db.selectFrom('users').select(['id', 'email']);
      const user = /^[0-9a-f-]{36}$/i.test(idOrEmail)
        ? await q.where('id', '=', idOrEmail).executeTakeFirst()
        : await q.where('email', '=', idOrEmail).executeTakeFirst();
      if (!user) throw new HttpError(404, 'user_not_found', `Aucun utilisateur ${idOrEmail}.`);
      return user;
    },

    /** A new random token, stored hashed: the clear value is returned here, once. */
    async createToken(userId: string, label: string) {
      await this.findUser(userId);
      const token = generateToken();
      const id = randomUUID();
      await db
        .insertInto('api_tokens')
        .values({ id, user_id: userId, token_hash: hashToken(token), label })
        .execute();
      return { id, token, label };
    },

    async listTokens(userId: string) {
      await this.findUser(userId);
      const rows = await db
        .selectFrom('api_tokens')
        .select(['id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
      return rows.map((t) => ({
        id: t.id,
        label: t.label,
        createdAt: t.created_at.toISOString(),
        lastUsedAt: t.last_used_at?.toISOString() ?? null,
        revokedAt: t.revoked_at?.toISOString() ?? null,
      }));
    },

    /** Revokes at once: the next request with this token gets 401. Idempotent. */
    async revokeToken(tokenId: string) {
      const row = await db
        .selectFrom('api_tokens')
        .select(['id', 'revoked_at'])
        .where('id', '=', tokenId)
        .executeTakeFirst();
      if (!row) throw new HttpError(404, 'token_not_found', `Aucun jeton ${tokenId}.`);
      if (row.revoked_at) return { id: row.id, revokedAt: row.revoked_at.toISOString() };
      const revokedAt = new Date();
      await db.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', tokenId).execute();
      return { id: row.id, revokedAt: revokedAt.toISOString() };
    },
  };
}
