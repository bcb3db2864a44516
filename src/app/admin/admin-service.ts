import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { UserRole } from '../../domain/roles.js';
import { createOperator } from './create-operator.js';
import { createToken } from './create-token.js';
import { createUser } from './create-user.js';
import { findUser } from './find-user.js';
import { listTokens } from './list-tokens.js';
import { listUsers } from './list-users.js';
import { revokeToken } from './revoke-token.js';

/**
 * Users and API tokens, shared by the admin routes and `npm run admin`: the use cases of this
 * folder (one per file) bound to one database. They throw `Refusal`s.
 */
export function adminService(db: Kysely<Database>) {
  return {
    createOperator: (input: { name: string; email: string }) => createOperator(db, input),
    createUser: (input: { operatorId: string; role: UserRole; displayName: string; email: string }) =>
      createUser(db, input),
    listUsers: () => listUsers(db),
    findUser: (idOrEmail: string) => findUser(db, idOrEmail),
    createToken: (userId: string, label: string) => createToken(db, userId, label),
    listTokens: (userId: string) => listTokens(db, userId),
    revokeToken: (tokenId: string) => revokeToken(db, tokenId),
  };
}
