import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { ExperimentArm as Arm } from '../../domain/arm.js';
import {
  nextRunningDeadline,
  waitingOn as waitingOnOf,
  type CandidacyState,
  type DeadlineView,
} from '../../domain/candidacy/index.js';
import { formatDayTimeFr } from '../../domain/paris-time.js';
import { PHASE_LABELS_FR } from '../../domain/phases.js';
import { waitingOnKey, type WaitingOn as WaitingOnValue } from '../../domain/roles.js';
import {
  CertificationCode,
  ExperimentArm,
  NextDeadline,
  OperatorId,
  ProjectId,
  Reinforced,
  VaeStage,
  WaitingOn,
} from '../search-attributes.js';

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

/** « Décision de recevabilité : 3 février 2027 à 10:00 », or its remaining time when suspended. */
function deadlineFr(d: DeadlineView): string {
  return d.dueAt ? `${d.label} : ${formatDayTimeFr(d.dueAt)}` : `${d.label} : reste ${d.remainingLabel}`;
}

/**
 * Makes the candidacy readable from the Temporal Web UI: search attributes to filter on,
 * and current details to read at a glance (Paris dates). IDs, codes and dates only.
 * `NextDeadline` is the next running clock: a suspended one has no date.
 */
export function publish(
  facts: { projectId: string; arm: Arm },
  state: CandidacyState,
  deadlines: DeadlineView[],
): void {
  const next = nextRunningDeadline(deadlines);
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
  // Markdown: one paragraph per line (a single newline would join them), deadlines as a list.
  const paragraphs = [
    `**Phase** : ${PHASE_LABELS_FR[state.phase]} (\`${state.phase}\`)`,
    `**En attente de** : ${waitingOnFr(waiting)}`,
    `**Certification** : ${state.rncpCode} — ${state.targetBlocks.length} bloc(s) visé(s) : ${state.targetBlocks.join(', ')}`,
    `**Prochaine échéance** : ${next ? deadlineFr(next) : 'aucune'}`,
    `**Accompagnement** : ${state.reinforced ? 'renforcé' : 'standard'} · **Groupe** : ${facts.arm} · **Relances** : ${state.remindersSent}`,
  ];
  if (deadlines.length > 1 || deadlines.some((d) => d.suspended)) {
    paragraphs.push(['**Échéances** :', ...deadlines.map((d) => `- ${deadlineFr(d)}`)].join('\n'));
  }
  setCurrentDetails(paragraphs.join('\n\n'));
}
