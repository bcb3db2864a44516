import type { Client } from '@temporalio/client';
import type { CandidacyInput } from '../../workflows/candidacy-types.js';
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
 * Starts (or finds) the candidacy workflow. Idempotent: an already running workflow with the
 * same id is reused, and a closed one is never started again for the same candidacy.
 */
export async function startCandidacyWorkflow(client: Client, taskQueue: string, input: CandidacyInput): Promise<void> {
  await client.workflow.start('candidacy', {
    workflowId: candidacyWorkflowId(input.candidacyId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `Candidature VAE ${input.candidacyId.slice(0, 8)} — ${input.rncpCode}, ${input.targetBlocks.length} bloc(s) visé(s), groupe ${input.arm}`,
    staticDetails: [
      `**Candidature** : ${input.candidacyId}`,
      `**Projet** : ${input.projectId}`,
      `**Certification** : ${input.rncpCode} — blocs ${input.targetBlocks.join(', ')}`,
      `**Certificateur** : ${input.certifierOperatorId} (silence vaut ${input.silenceRule === 'admissible' ? 'recevabilité' : 'rejet'})`,
    ].join('\n'),
    typedSearchAttributes: [
      { key: VaeStage, value: 'identified' },
      { key: WaitingOn, value: `advice:${input.adviceOperatorId}` },
      { key: OperatorId, value: input.adviceOperatorId },
      { key: ProjectId, value: input.projectId },
      { key: CertificationCode, value: input.rncpCode },
      { key: ExperimentArm, value: input.arm },
      { key: Reinforced, value: input.reinforced },
    ],
  });
}
