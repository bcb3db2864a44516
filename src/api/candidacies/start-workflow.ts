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
export async function startCandidacyWorkflow(
  client: Client,
  taskQueue: string,
  input: CandidacyInput,
): Promise<void> {
  const i = input.initial;
  await client.workflow.start('candidacy', {
    workflowId: candidacyWorkflowId(input.candidacyId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `Candidature VAE ${input.candidacyId.slice(0, 8)} — ${i.rncpCode}, ${i.targetBlocks.length} bloc(s) visé(s), groupe ${input.arm}`,
    staticDetails: [
      `**Candidature** : ${input.candidacyId}`,
      `**Projet** : ${input.projectId}`,
      `**Certification** : ${i.rncpCode} — blocs ${i.targetBlocks.join(', ')}`,
      `**Certificateur** : ${i.certifierOperatorId} (silence vaut ${i.silenceRule === 'admissible' ? 'recevabilité' : 'rejet'})`,
    ].join('\n'),
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
