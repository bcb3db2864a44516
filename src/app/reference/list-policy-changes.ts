import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The 200 latest changes of a project's policy, the most recent first: who, when, before, after. */
export async function listPolicyChanges(db: Kysely<Database>, projectId: string) {
  const rows = await db
    .selectFrom('policy_changes as pc')
    .innerJoin('users as u', 'u.id', 'pc.changed_by')
    .select([
      'pc.id',
      'pc.changed_at',
      'pc.changed_by',
      'u.display_name',
      'u.role',
      'pc.changed_keys',
      'pc.before',
      'pc.after',
    ])
    .where('pc.project_id', '=', projectId)
    .orderBy('pc.changed_at', 'desc')
    .orderBy('pc.id')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    changedAt: r.changed_at.toISOString(),
    changedBy: r.changed_by,
    changedByName: r.display_name,
    changedByRole: r.role,
    changedKeys: r.changed_keys,
    before: r.before,
    after: r.after,
  }));
}
