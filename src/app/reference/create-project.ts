import { randomUUID } from 'node:crypto';
import { idempotencyKeyReused, requestHash } from '../idempotency.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ProjectPolicySettings } from '../../domain/policy.js';
import type { TargetPublic } from '../../domain/publics.js';
import type { OperatorRole } from '../../domain/roles.js';
import { Refusal, type FieldError } from '../refusal.js';
import { assertPolicyStorable, recordPolicyChange } from './change-policy.js';
import { changedKeys, normalizeSettings } from './policy-view.js';

/** Who creates a project: an administrator (the route checks the role). */
export interface ProjectCreator {
  id: string;
}

/**
 * A new experimental project as the API validated it: its publics, the certifications it offers,
 * its operators and their roles, its lead and its initial policy. Its JSON is the request hash
 * of an Idempotency-Key.
 */
export interface NewProject {
  name: string;
  leadUserId: string;
  targetPublics: TargetPublic[];
  certifications: string[];
  operators: { operatorId: string; role: OperatorRole }[];
  policy?: ProjectPolicySettings | undefined;
}

/** References of the body that must exist: the lead (a project lead), certifications, operators. */
async function checkReferences(db: Kysely<Database>, body: NewProject) {
  const operatorIds = [...new Set(body.operators.map((o) => o.operatorId))];
  const [lead, certifications, operators] = await Promise.all([
    db.selectFrom('users').select(['id', 'role']).where('id', '=', body.leadUserId).executeTakeFirst(),
    db
      .selectFrom('certifications')
      .select(['rncp_code', 'certifier_operator_id'])
      .where('rncp_code', 'in', body.certifications)
      .execute(),
    db.selectFrom('operators').select('id').where('id', 'in', operatorIds).execute(),
  ]);
  const errors: FieldError[] = [];
  if (!lead) {
    errors.push({
      path: 'body.leadUserId',
      code: 'unknown_user',
      message: 'Le champ leadUserId (porteur du projet) ne désigne aucun utilisateur connu.',
    });
  } else if (lead.role !== 'project_lead') {
    errors.push({
      path: 'body.leadUserId',
      code: 'not_a_project_lead',
      message: `Le champ leadUserId (porteur du projet) désigne un utilisateur au rôle ${lead.role}, pas un porteur de projet (project_lead).`,
    });
  }
  const knownCertifications = new Set(certifications.map((c) => c.rncp_code));
  body.certifications.forEach((code, i) => {
    if (!knownCertifications.has(code))
      errors.push({
        path: `body.certifications.${i}`,
        code: 'unknown_certification',
        message: `Le champ certifications.${i} cite ${code}, qui n’existe pas : créez-la d’abord (POST /api/certifications).`,
      });
  });
  const knownOperators = new Set(operators.map((o) => o.id));
  body.operators.forEach((o, i) => {
    if (!knownOperators.has(o.operatorId))
      errors.push({
        path: `body.operators.${i}.operatorId`,
        code: 'unknown_operator',
        message: `Le champ operators.${i}.operatorId (organisme) ne désigne aucun organisme connu.`,
      });
  });
  if (errors.length) {
    throw Refusal.invalid(
      errors.length === 1 ? errors[0]!.message : `La requête contient ${errors.length} erreurs.`,
      errors,
    );
  }
  return certifications;
}

/**
 * Creates a project, its offered certifications, its operators (the certifier of each
 * certification joins in the certifier role) and its initial policy, recorded as a first change.
 * With an Idempotency-Key, the same request returns the same project (`replayed`).
 *
 * Refusals: `idempotency_key_reused` (conflict); an unknown lead, certification or operator, a
 * lead who is no project lead, or a policy the domain's rules refuse (invalid, one error per field).
 */
export async function createProject(
  db: Kysely<Database>,
  user: ProjectCreator,
  body: NewProject,
  idempotencyKey: string | undefined,
): Promise<{ id: string; replayed: boolean }> {
  const hash = requestHash(body);
  if (idempotencyKey) {
    const existing = await db
      .selectFrom('projects')
      .select(['id', 'request_hash'])
      .where('created_by', '=', user.id)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (existing) {
      if (existing.request_hash !== hash) {
        throw idempotencyKeyReused();
      }
      return { id: existing.id, replayed: true };
    }
  }
  const certifications = await checkReferences(db, body);
  const id = randomUUID();
  const policy = normalizeSettings(body.policy);
  assertPolicyStorable(policy, 'body.policy');
  const empty = normalizeSettings({});
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('projects')
        .values({
          id,
          name: body.name,
          lead_user_id: body.leadUserId,
          target_publics: body.targetPublics,
          policy: JSON.stringify(policy),
          created_by: user.id,
          idempotency_key: idempotencyKey ?? null,
          request_hash: hash,
        })
        .execute();
      await trx
        .insertInto('project_certifications')
        .values(body.certifications.map((rncp_code) => ({ project_id: id, rncp_code })))
        .execute();
      // The certifier of each certification offered plays the certifier role in the project.
      const roles = new Map(body.operators.map((o) => [`${o.operatorId}:${o.role}`, o]));
      for (const c of certifications) {
        roles.set(`${c.certifier_operator_id}:certifier`, {
          operatorId: c.certifier_operator_id,
          role: 'certifier',
        });
      }
      await trx
        .insertInto('project_operators')
        .values([...roles.values()].map((o) => ({ project_id: id, operator_id: o.operatorId, role: o.role })))
        .execute();
      const keys = changedKeys(empty, policy);
      if (keys.length)
        await recordPolicyChange(trx, {
          projectId: id,
          userId: user.id,
          before: empty,
          after: policy,
          changedKeys: keys,
        });
    });
  } catch (err) {
    // Two identical requests raced on the same key: the other one won, answer with it.
    if ((err as { code?: string }).code === '23505' && idempotencyKey) {
      return createProject(db, user, body, idempotencyKey);
    }
    throw err;
  }
  return { id, replayed: false };
}
