import { savePolicySettings } from '../app/reference/change-policy.js';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { DEFAULT_POLICY, resolvePolicy, type ProjectPolicySettings } from '../domain/policy.js';
import type { AuthenticatedUser } from './auth.js';
import { currentUser } from './auth.js';
import { HttpError } from './problem.js';
import { defineRoute } from './route.js';
import { uuidParam } from './schemas/common.js';
import { loadAdministeredProject } from './reference/access.js';
import { policySettingsBodySchema } from './reference/policy-schemas.js';

async function visibleProjectIds(db: Kysely<Database>, user: AuthenticatedUser): Promise<string[] | 'all'> {
  if (user.role === 'administrator') return 'all';
  const [led, operated] = await Promise.all([
    db.selectFrom('projects').select('id').where('lead_user_id', '=', user.id).execute(),
    db
      .selectFrom('project_operators')
      .select('project_id')
      .where('operator_id', '=', user.operatorId)
      .execute(),
  ]);
  return [...new Set([...led.map((p) => p.id), ...operated.map((p) => p.project_id)])];
}

async function projectDetail(db: Kysely<Database>, id: string) {
  const project = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!project) throw new HttpError(404, 'project_not_found', `Aucun projet ${id}.`);
  const [operators, certifications, blocks] = await Promise.all([
    db
      .selectFrom('project_operators as po')
      .innerJoin('operators as o', 'o.id', 'po.operator_id')
      .select(['o.id', 'o.name', 'po.role'])
      .where('po.project_id', '=', id)
      .orderBy('po.role')
      .execute(),
    db
      .selectFrom('project_certifications as pc')
      .innerJoin('certifications as c', 'c.rncp_code', 'pc.rncp_code')
      .select(['c.rncp_code', 'c.title', 'c.silence_rule', 'c.certifier_operator_id'])
      .where('pc.project_id', '=', id)
      .execute(),
    db
      .selectFrom('skill_blocks as b')
      .innerJoin('project_certifications as pc', 'pc.rncp_code', 'b.rncp_code')
      .select(['b.rncp_code', 'b.block_code', 'b.title'])
      .where('pc.project_id', '=', id)
      .orderBy('b.block_code')
      .execute(),
  ]);
  const settings = project.policy as ProjectPolicySettings;
  return {
    id: project.id,
    name: project.name,
    leadUserId: project.lead_user_id,
    targetPublics: project.target_publics,
    operators: operators.map((o) => ({ operatorId: o.id, name: o.name, role: o.role })),
    certifications: certifications.map((c) => ({
      rncpCode: c.rncp_code,
      title: c.title,
      silenceRule: c.silence_rule,
      certifierOperatorId: c.certifier_operator_id,
      blocks: blocks
        .filter((b) => b.rncp_code === c.rncp_code)
        .map((b) => ({ code: b.block_code, title: b.title })),
    })),
    policy: {
      settings,
      legalDefaults: DEFAULT_POLICY,
      resolved: { test: resolvePolicy(settings, 'test'), control: resolvePolicy(settings, 'control') },
    },
  };
}

/** Projects: their publics, operators and roles, certifications and blocks, policy. */
export function projectRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/projects',
    summary: 'Lister les projets où mon organisme intervient',
    tags: ['Projets'],
    auth: true,
    responses: { 200: { description: 'Les projets visibles.' } },
    handler: async ({ user }, _req, res) => {
      const ids = await visibleProjectIds(deps.db, user ?? currentUser(res));
      let q = deps.db
        .selectFrom('projects')
        .select(['id', 'name', 'target_publics', 'lead_user_id'])
        .orderBy('name');
      if (ids !== 'all') q = q.where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']);
      const rows = await q.execute();
      res.json({
        items: rows.map((p) => ({
          id: p.id,
          name: p.name,
          targetPublics: p.target_publics,
          leadUserId: p.lead_user_id,
        })),
      });
    },
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/projects/:id',
    summary: 'Lire un projet : publics, organismes et rôles, certifications et blocs, politique',
    description:
      'La politique montre les valeurs légales, les surcharges du projet et de chaque groupe, et le résultat appliqué aux nouvelles candidatures.',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    authorize: async ({ params, user }) => {
      const ids = await visibleProjectIds(deps.db, user);
      if (ids !== 'all' && !ids.includes(params.id)) {
        throw new HttpError(403, 'project_not_visible', 'Votre organisme n’intervient pas dans ce projet.');
      }
    },
    responses: { 200: { description: 'Le projet.' }, 404: { description: 'Projet inconnu.' } },
    handler: async ({ params }, _req, res) => {
      res.json(await projectDetail(deps.db, params.id));
    },
  });
  defineRoute(router, registry, {
    method: 'put',
    path: '/api/projects/:id/policy',
    summary: 'Fixer la politique du projet (porteur de projet)',
    description:
      'Chaque durée et règle de DOMAIN.md, surchargée pour le projet et par groupe, vérifiée comme par PATCH /api/projects/{id}/policy (durées positives, au plus 10 ans ; une réponse 400 nomme chaque champ en erreur). S’applique aux candidatures créées ensuite : une candidature garde la politique de son démarrage.',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    body: policySettingsBodySchema,
    authorize: async ({ params, user }) => {
      await loadAdministeredProject(deps.db, user, params.id, 'la politique d’un projet');
    },
    responses: { 200: { description: 'Le projet, avec sa nouvelle politique.' } },
    handler: async ({ params, body, user }, _req, res) => {
      // Validated, locked and recorded in the policy's change log (as PATCH does).
      await savePolicySettings(deps.db, params.id, user ?? currentUser(res), () => body);
      res.json(await projectDetail(deps.db, params.id));
    },
  });
  return router;
}
