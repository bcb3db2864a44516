import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { listCertifications } from './list-certifications.js';
import { normalizeSettings } from './policy-view.js';

/** A project as its creation answers it: publics, certifications and blocks, operators and roles, policy. */
export async function describeProject(db: Kysely<Database>, id: string) {
  const project = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const [offered, operators] = await Promise.all([
    db.selectFrom('project_certifications').select('rncp_code').where('project_id', '=', id).execute(),
    db
      .selectFrom('project_operators as po')
      .innerJoin('operators as o', 'o.id', 'po.operator_id')
      .select(['o.id', 'o.name', 'po.role'])
      .where('po.project_id', '=', id)
      .orderBy('po.role')
      .orderBy('o.name')
      .execute(),
  ]);
  const certifications = await listCertifications(
    db,
    offered.map((c) => c.rncp_code),
  );
  const policy = normalizeSettings(project.policy);
  return {
    id: project.id,
    name: project.name,
    leadUserId: project.lead_user_id,
    targetPublics: project.target_publics,
    certifications: certifications.map((c) => ({ rncpCode: c.rncpCode, title: c.title, blocks: c.blocks })),
    operators: operators.map((o) => ({ operatorId: o.id, name: o.name, role: o.role })),
    policy: { overrides: policy.overrides ?? {}, arms: policy.arms ?? {} },
    createdAt: project.created_at.toISOString(),
  };
}
