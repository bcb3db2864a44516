import type { Kysely } from 'kysely';
import type { Person } from '../../db/person.js';
import type { Database } from '../../db/schema.js';
import type { ExperimentArm } from '../../domain/arm.js';
import { stratumFactsOf, type StratumFacts } from '../../domain/experiment/index.js';
import { isReinforced, resolvePolicy, type ProjectPolicySettings } from '../../domain/policy.js';
import type { CandidateProfile } from '../../domain/profile.js';
import type { Actor, CandidacyInput } from '../../workflows/candidacy/contract.js';
import { Refusal } from '../refusal.js';
import { resolveCertificationChoice, type CertificationChoice } from './certification-choice.js';

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

/** A checked enrolment, everything known but the arm (given by the allocation, src/app/experiment/). */
export interface PreparedEnrolment {
  candidacyId: string;
  projectId: string;
  projectLeadUserId: string | null;
  settings: ProjectPolicySettings;
  profile: CandidateProfile;
  createdBy: Actor;
  choice: CertificationChoice;
  adviceOperatorId: string;
  /**
   * The facts of the randomisation stratum, from the profile and the target: reinforced is
   * decided with the project's policy without arm overrides (`resolvePolicy(settings)`), since
   * the stratum must be known before the arm is.
   */
  stratumFacts: StratumFacts;
}

/**
 * Checks a new candidacy against the reference data: project, certification offered by the
 * project, blocks of that certification, the advice operator; and the facts of its stratum.
 * `enrolmentInput` then builds the workflow input once the arm is known.
 *
 * Refusals: `unknown_project` (invalid), the certification choice's, `no_advice_operator` (conflict).
 */
export async function prepareEnrolment(
  db: Kysely<Database>,
  req: EnrolmentRequest,
): Promise<PreparedEnrolment> {
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
  return {
    candidacyId: req.candidacyId,
    projectId: req.projectId,
    projectLeadUserId: project.lead_user_id,
    settings,
    profile: req.profile,
    createdBy: req.createdBy,
    choice,
    adviceOperatorId,
    stratumFacts: stratumFactsOf(req.profile, resolvePolicy(settings), choice),
  };
}

/**
 * The workflow input of a prepared enrolment in its arm: the policy resolved for that arm (the
 * arm selects the path variant only through the project's per-arm overrides; the workflow never
 * reads the arm's name to decide anything) and reinforced coaching decided with it. IDs, codes
 * and the policy only: never the stratum or the position.
 */
export function enrolmentInput(prepared: PreparedEnrolment, arm: ExperimentArm): CandidacyInput {
  const policy = resolvePolicy(prepared.settings, arm);
  const { choice } = prepared;
  return {
    candidacyId: prepared.candidacyId,
    projectId: prepared.projectId,
    projectLeadUserId: prepared.projectLeadUserId,
    arm,
    policy,
    createdBy: prepared.createdBy,
    initial: {
      rncpCode: choice.rncpCode,
      targetBlocks: choice.targetBlocks,
      wholeCertification: choice.wholeCertification,
      certifierOperatorId: choice.certifierOperatorId,
      silenceRule: choice.silenceRule,
      adviceOperatorId: prepared.adviceOperatorId,
      reinforced: isReinforced(prepared.profile, policy),
    },
  };
}
