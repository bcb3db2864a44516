import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { PHASE_LABELS_FR } from '../domain/phases.js';
import { waitingOnKey } from '../domain/roles.js';
import type { CandidacyInput, CandidacyState } from './candidacy-types.js';
import {
  CertificationCode,
  ExperimentArm,
  NextDeadline,
  OperatorId,
  ProjectId,
  Reinforced,
  VaeStage,
  WaitingOn,
} from './search-attributes.js';

export function nextDeadline(state: CandidacyState): CandidacyState['deadlines'][number] | undefined {
  return [...state.deadlines].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}

function waitingOnFr(state: CandidacyState): string {
  const w = state.waitingOn;
  if (w.kind === 'candidate') return 'le candidat';
  if (w.kind === 'nobody') return 'personne';
  return `opérateur ${w.operatorId} (rôle ${w.role})`;
}

/**
 * Makes the candidacy readable from the Temporal Web UI: search attributes to filter on,
 * and current details to read at a glance. IDs, codes and dates only.
 */
export function publish(input: CandidacyInput, state: CandidacyState): void {
  const next = nextDeadline(state);
  upsertSearchAttributes([
    { key: VaeStage, value: state.phase },
    { key: WaitingOn, value: waitingOnKey(state.waitingOn) },
    { key: OperatorId, value: state.responsibleOperatorId },
    { key: ProjectId, value: input.projectId },
    { key: CertificationCode, value: input.rncpCode },
    { key: ExperimentArm, value: input.arm },
    { key: Reinforced, value: state.reinforced },
    { key: NextDeadline, value: next ? new Date(next.dueAt) : null },
  ]);
  const lines = [
    `**Phase** : ${PHASE_LABELS_FR[state.phase]} (\`${state.phase}\`)`,
    `**En attente de** : ${waitingOnFr(state)}`,
    `**Prochaine échéance** : ${next ? `${next.label}, le ${next.dueAt.slice(0, 10)}` : 'aucune'}`,
    `**Accompagnement** : ${state.reinforced ? 'renforcé' : 'standard'} · **Groupe** : ${input.arm}`,
  ];
  if (state.deadlines.length > 1) {
    lines.push('**Échéances en cours** :', ...state.deadlines.map((d) => `- ${d.label} : ${d.dueAt.slice(0, 10)}`));
  }
  setCurrentDetails(lines.join('\n'));
}
