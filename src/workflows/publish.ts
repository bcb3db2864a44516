import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { ExperimentArm as Arm } from '../domain/arm.js';
import {
  waitingOn as waitingOnOf,
  type CandidacyState,
  type DeadlineView,
} from '../domain/candidacy/index.js';
import { PHASE_LABELS_FR } from '../domain/phases.js';
import { waitingOnKey, type WaitingOn as WaitingOnValue } from '../domain/roles.js';
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

const ROLE_FR: Record<string, string> = {
  outreach: 'repérage',
  advice: 'information et conseil',
  certifier: 'certificateur',
  coaching: 'accompagnement',
  jury_organisation: 'organisation des jurys',
};

function waitingOnFr(w: WaitingOnValue): string {
  if (w.kind === 'candidate') return 'le candidat';
  if (w.kind === 'nobody') return 'personne (parcours terminé)';
  return `${ROLE_FR[w.role] ?? w.role} — opérateur ${w.operatorId}`;
}

/**
 * Makes the candidacy readable from the Temporal Web UI: search attributes to filter on,
 * and current details to read at a glance. IDs, codes and dates only.
 */
export function publish(
  facts: { projectId: string; arm: Arm },
  state: CandidacyState,
  deadlines: DeadlineView[],
): void {
  const next = deadlines[0];
  const waiting = waitingOnOf(state);
  upsertSearchAttributes([
    { key: VaeStage, value: state.phase },
    { key: WaitingOn, value: waitingOnKey(waiting) },
    { key: OperatorId, value: state.responsibleOperatorId },
    { key: ProjectId, value: facts.projectId },
    { key: CertificationCode, value: state.rncpCode },
    { key: ExperimentArm, value: facts.arm },
    { key: Reinforced, value: state.reinforced },
    { key: NextDeadline, value: next ? new Date(next.dueAt) : null },
  ]);
  const lines = [
    `**Phase** : ${PHASE_LABELS_FR[state.phase]} (\`${state.phase}\`)`,
    `**En attente de** : ${waitingOnFr(waiting)}`,
    `**Prochaine échéance** : ${next ? `${next.label}, le ${next.dueAt.slice(0, 10)}` : 'aucune'}`,
    `**Accompagnement** : ${state.reinforced ? 'renforcé' : 'standard'} · **Groupe** : ${facts.arm} · **Relances** : ${state.remindersSent}`,
  ];
  if (deadlines.length > 1) {
    lines.push('**Échéances en cours** :', ...deadlines.map((d) => `- ${d.label} : ${d.dueAt.slice(0, 10)}`));
  }
  setCurrentDetails(lines.join('\n'));
}
