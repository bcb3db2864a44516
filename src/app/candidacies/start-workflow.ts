import type { Client } from '@temporalio/client';
import { RULES_VERSION } from '../../domain/candidacy/rules-version.js';
import type { CandidacyInput } from '../../workflows/candidacy/contract.js';
import { candidacy } from '../../workflows/candidacy/workflow.js';
import {
  CertificationCode,
  ExperimentArm,
  OperatorId,
  ProjectId,
  Reinforced,
  VaeStage,
  WaitingOn,
} from '../../workflows/search-attributes.js';

export function candidacyWorkflowId(candidacyId: string): string {
  return `candidacy-${candidacyId}`;
}

/**
 * Starts (or finds) the candidacy workflow, typed by its function. Idempotent: an already
 * running workflow with the same id is reused, and a closed one is never started again for
 * the same candidacy. A new candidacy gets today's rules version, fixed for its whole life.
 *
 * The static summary and details hold only facts that never change (the certification and
 * blocks may change at `record-information`: they are in the current details).
 */
export async function startCandidacyWorkflow(
  client: Client,
  taskQueue: string,
  input: CandidacyInput,
): Promise<void> {
  const i = input.initial;
  await client.workflow.start(candidacy, {
    workflowId: candidacyWorkflowId(input.candidacyId),
    taskQueue,
    args: [{ rulesVersion: RULES_VERSION, ...input }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `Candidature VAE ${input.candidacyId.slice(0, 8)} — projet ${input.projectId.slice(0, 8)}, groupe ${input.arm}`,
    // One paragraph per line: a single newline would join them in the UI's markdown.
    staticDetails: [
      `**Candidature** : ${input.candidacyId}`,
      `**Projet** : ${input.projectId}`,
      `**Groupe d’expérimentation** : ${input.arm}`,
      `**Version des règles** : ${input.rulesVersion ?? RULES_VERSION}`,
    ].join('\n\n'),
    typedSearchAttributes: [
      { key: VaeStage, value: 'identified' },
      { key: WaitingOn, value: `advice:${i.adviceOperatorId}` },
      { key: OperatorId, value: i.adviceOperatorId },
      { key: ProjectId, value: input.projectId },
      { key: CertificationCode, value: i.rncpCode },
      { key: ExperimentArm, value: input.arm },
      { key: Reinforced, value: i.reinforced },
    ],
  });
}
