import type { Kysely } from 'kysely';
import type { AuthenticatedUser } from '../../api/auth.js';
import type { Database } from '../../db/schema.js';

/**
 * The projects a user works in, as `GET /api/projects` lists them: every one for an administrator,
 * else those they lead and those their operator holds a role in.
 */
export async function visibleProjects(
  db: Kysely<Database>,
  user: AuthenticatedUser,
): Promise<{ id: string; name: string }[]> {
  let q = db.selectFrom('projects').select(['id', 'name']).orderBy('name');
  if (user.role !== 'administrator') {
    q = q.where((eb) =>
      eb.or([
        eb('lead_user_id', '=', user.id),
        eb(
          'id',
          'in',
          eb.selectFrom('project_operators').select('project_id').where('operator_id', '=', user.operatorId),
        ),
      ]),
    );
  }
  return q.execute();
}
