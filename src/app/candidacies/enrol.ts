import type { Kysely } from 'kysely';
import type { Person } from '../../db/person.js';
import type { Database } from '../../db/schema.js';
import { assignArm, type ExperimentArm } from '../../domain/arm.js';
import { isReinforced, resolvePolicy, type ProjectPolicySettings } from '../../domain/policy.js';
import type { CandidateProfile } from '../../domain/profile.js';
import type { Actor, CandidacyInput } from '../../workflows/candidacy/contract.js';
import { Refusal } from '../refusal.js';
import { resolveCertificationChoice } from './certification-choice.js';

interface EnrolmentRequest {
  candidacyId: string;
  projectId: string;
  rncpCode: string;
  targetBlocks: string[];
  profile: CandidateProfile;
  createdBy: Actor;
  /** The person (src/db/person.ts): the blocks they acquired, in any candidacy, cannot be targeted again. */
  person: Person;
}

/**
 * Checks a new candidacy against the reference data and builds the workflow input:
 * project, certification offered by the project, blocks of that certification, the advice
 * operator, the arm (reproducible) and the resolved policy.
 *
 * Refusals: `unknown_project` (invalid), the certification choice's, `no_advice_operator` (conflict).
 */
export async function prepareEnrolment(db: Kysely<Database>, req: EnrolmentRequest): Promise<CandidacyInput> {
  const project = await db
    .selectFrom('projects')
    .select(['id', 'policy', 'lead_user_id'])
    .where('id', '=', req.projectId)
    .executeTakeFirst();
  if (!project) throw Refusal.invalidField('body.projectId', 'unknown_project', 'Projet inconnu.');

  const choice = await resolveCertificationChoice(db, req.projectId, req.rncpCode, req.targetBlocks, {
    person: req.person,
  });

  // The advice operator: the caller's own when it plays that role in the project, else the project's.
  const adviceOperators = await db
    .selectFrom('project_operators')
    .select('operator_id')
    .where('project_id', '=', req.projectId)
    .where('role', '=', 'advice')
    .execute();
  const adviceOperatorId =
    adviceOperators.find((o) => o.operator_id === req.createdBy.operatorId)?.operator_id ??
    adviceOperators[0]?.operator_id;
  if (!adviceOperatorId) {
    throw Refusal.conflict('no_advice_operator', 'Ce projet n’a pas d’opérateur d’information et conseil.');
  }

  const settings = project.policy as ProjectPolicySettings;
  const arm: ExperimentArm = assignArm(req.projectId, req.candidacyId, resolvePolicy(settings).testArmShare);
  const policy = resolvePolicy(settings, arm);
  return {
    candidacyId: req.candidacyId,
    projectId: req.projectId,
    projectLeadUserId: project.lead_user_id,
    arm,
    policy,
    createdBy: req.createdBy,
    initial: {
      rncpCode: choice.rncpCode,
      targetBlocks: choice.targetBlocks,
      wholeCertification: choice.wholeCertification,
      certifierOperatorId: choice.certifierOperatorId,
      silenceRule: choice.silenceRule,
      adviceOperatorId,
      reinforced: isReinforced(req.profile, policy),
    },
  };
}
