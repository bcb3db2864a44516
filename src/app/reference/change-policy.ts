import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ProjectPolicySettings } from '../../domain/policy.js';
import { Refusal } from '../refusal.js';
import { changedKeys, domainRefusals, normalizeSettings } from './policy-view.js';

/**
 * A project's policy changes, each one recorded (who, when, before and after). A change applies
 * to candidacies created afterwards: the workflow receives the policy resolved at its start
 * (src/app/candidacies/enrol.ts) and never reads it again.
 */

/** Who changes a policy: a user (the route has checked that they administer the project). */
export interface PolicyEditor {
  id: string;
}

/** Appends one change to the audit of a project's policy (in the caller's transaction). */
export async function recordPolicyChange(
  trx: Transaction<Database> | Kysely<Database>,
  change: {
    projectId: string;
    userId: string;
    before: ProjectPolicySettings;
    after: ProjectPolicySettings;
    changedKeys: string[];
  },
) {
  const id = randomUUID();
  const row = await trx
    .insertInto('policy_changes')
    .values({
      id,
      project_id: change.projectId,
      changed_by: change.userId,
      before: JSON.stringify(change.before),
      after: JSON.stringify(change.after),
      changed_keys: change.changedKeys,
    })
    .returning('changed_at')
    .executeTakeFirstOrThrow();
  return {
    id,
    changedAt: row.changed_at.toISOString(),
    changedBy: change.userId,
    changedKeys: change.changedKeys,
  };
}

/**
 * Refuses settings the domain's rules refuse (src/app/reference/policy-view.ts `domainRefusals`),
 * one error per field: whichever route stores a policy (PATCH, PUT, a new project's) calls it
 * last, so that no policy a workflow cannot run is ever stored.
 */
export function assertPolicyStorable(settings: ProjectPolicySettings, root = 'body'): void {
  const refusals = domainRefusals(settings, root);
  if (refusals.length) {
    throw Refusal.invalid(
      refusals.length === 1
        ? `La requête contient une erreur (${refusals[0]!.path}).`
        : `La requête contient ${refusals.length} erreurs.`,
      refusals,
    );
  }
}

/**
 * Changes a project's policy under a row lock, so that two concurrent changes are both kept
 * and each audit row holds the exact settings it replaced. `next` computes the new settings
 * from the current ones; nothing is recorded when no parameter changes. The PATCH of the policy
 * and the PUT of src/api/projects.ts both call this, so that their changes are recorded the same way.
 *
 * Refusals: `project_not_found` (not found); settings the domain's rules refuse (invalid, one
 * error per field).
 */
export async function savePolicySettings(
  db: Kysely<Database>,
  projectId: string,
  user: PolicyEditor,
  next: (current: ProjectPolicySettings) => ProjectPolicySettings,
) {
  return db.transaction().execute(async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .select(['id', 'name', 'policy'])
      .where('id', '=', projectId)
      .forUpdate()
      .executeTakeFirst();
    if (!project) throw Refusal.notFound('project_not_found', `Aucun projet ${projectId}.`);
    const before = normalizeSettings(project.policy);
    const after = normalizeSettings(next(before));
    assertPolicyStorable(after);
    const keys = changedKeys(before, after);
    if (!keys.length) return { project: { ...project, policy: before }, change: null };
    await trx
      .updateTable('projects')
      .set({ policy: JSON.stringify(after) })
      .where('id', '=', projectId)
      .execute();
    const change = await recordPolicyChange(trx, {
      projectId,
      userId: user.id,
      before,
      after,
      changedKeys: keys,
    });
    return { project: { ...project, policy: after }, change };
  });
}
