import type { ExperimentArm } from '../../domain/arm.js';
import type { BlockStatus } from '../../domain/candidacy/state.js';
import type { JournalEventType } from '../../domain/candidacy/journal-events.js';
import { PHASE_LABELS_FR, TERMINAL_PHASES, type Phase } from '../../domain/phases.js';
import type { JobSituation, QualificationLevel } from '../../domain/profile.js';
import type { TargetPublic } from '../../domain/publics.js';
import type {
  JuryCancellationReason,
  TransferReasonCode,
  WithdrawalReasonCode,
} from '../../domain/reason-codes.js';
import type { OperatorRole, UserRole } from '../../domain/roles.js';
import { formatPolicyValueFr } from '../../app/reference/policy-view.js';
import { OPERATOR_ROLE_LABELS } from '../../notifications/labels.js';

/**
 * French labels the console shows for codes that have none elsewhere in the codebase (the others
 * come from src/domain/phases.ts, src/notifications/labels.ts and src/app/reference/policy-view.ts).
 */

export function phaseLabel(phase: string): string {
  return PHASE_LABELS_FR[phase as Phase] ?? phase;
}

/** The DSFR badge colour of a phase: closed ones grey, a negative end red, a result green. */
export function phaseBadgeClass(phase: string): string {
  if (phase === 'result') return 'fr-badge--success';
  if (['not_admissible', 'admissibility_lapsed', 'abandoned'].includes(phase)) return 'fr-badge--error';
  if (['withdrawn', 'archived'].includes(phase)) return '';
  if (['admissibility_incomplete', 'abandonment_proposed'].includes(phase)) return 'fr-badge--warning';
  if (TERMINAL_PHASES.includes(phase as Phase)) return '';
  return 'fr-badge--info';
}

export const USER_ROLE_LABELS: Record<UserRole, string> = {
  outreach_agent: 'Chargé de repérage',
  advisor: 'Conseiller',
  certifier: 'Certificateur',
  coach: 'Accompagnateur',
  jury_organiser: 'Organisateur de jury',
  project_lead: 'Porteur de projet',
  administrator: 'Administrateur',
};

export function userRoleLabel(role: string): string {
  return USER_ROLE_LABELS[role as UserRole] ?? role;
}

/** « information et conseil », « certification (recevabilité et jury) »… */
export function operatorRoleLabel(role: string): string {
  return OPERATOR_ROLE_LABELS[role as OperatorRole] ?? role;
}

export const ARM_LABELS: Record<ExperimentArm, string> = { test: 'Groupe test', control: 'Groupe témoin' };

export const TARGET_PUBLIC_LABELS: Record<TargetPublic, string> = {
  low_qualified: 'Personnes peu ou pas qualifiées',
  job_threatened: 'Salariés dont l’emploi est menacé',
  job_seekers: 'Demandeurs d’emploi',
  sectors_in_tension: 'Salariés des secteurs en tension',
  all_workers: 'Tous les actifs',
};

export function qualificationLevelLabel(level: QualificationLevel | string): string {
  const label = formatPolicyValueFr('lowQualificationLevels', [level]);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export const JOB_SITUATION_LABELS: Record<JobSituation, string> = {
  employed: 'Salarié',
  employed_job_threatened: 'Salarié dont l’emploi est menacé',
  job_seeker: 'Demandeur d’emploi',
  self_employed: 'Travailleur indépendant',
  inactive: 'Sans activité professionnelle',
};

export const WITHDRAWAL_REASON_LABELS: Record<WithdrawalReasonCode, string> = {
  personal_reasons: 'Raisons personnelles',
  health: 'Raisons de santé',
  new_job: 'Nouvel emploi',
  other_path_chosen: 'Autre parcours choisi',
  other: 'Autre motif',
};

export const TRANSFER_REASON_LABELS: Record<TransferReasonCode, string> = {
  capacity: 'Capacité d’accueil',
  geography: 'Proximité géographique',
  specialisation: 'Spécialité de l’organisme',
  candidate_request: 'À la demande du candidat',
  other: 'Autre motif',
};

export const COACHING_MODALITY_LABELS: Record<'on_site' | 'remote' | 'phone', string> = {
  on_site: 'Sur place',
  remote: 'À distance (visioconférence)',
  phone: 'Par téléphone',
};

export const JURY_MODALITY_LABELS: Record<'on_site' | 'remote', string> = {
  on_site: 'Sur place',
  remote: 'À distance (visioconférence)',
};

export const JURY_CANCELLATION_LABELS: Record<JuryCancellationReason, string> = {
  session_cancelled: 'Session annulée par l’organisateur des jurys',
  jury_not_composed: 'Jury non réuni à cette date',
  candidate_unavailable: 'Empêchement du candidat',
  other: 'Autre motif',
};

export const BLOCK_STATUS_LABELS: Record<BlockStatus, string> = {
  targeted: 'Visé',
  validated: 'Validé',
  not_validated: 'Non validé',
  acquired_before: 'Acquis auparavant',
};

export function blockStatusBadge(status: string): string {
  if (status === 'validated' || status === 'acquired_before') return 'fr-badge--success';
  if (status === 'not_validated') return 'fr-badge--error';
  return 'fr-badge--info';
}

/** One French phrase per journal event, for the timeline. */
export const EVENT_LABELS: Record<JournalEventType, string> = {
  identified: 'Candidature créée (candidat repéré)',
  informed: 'Information et conseil enregistrés',
  admissibility_requested: 'Demande de recevabilité déposée',
  admissibility_incomplete: 'Dossier de recevabilité déclaré incomplet',
  admissibility_file_completed: 'Dossier de recevabilité complété',
  admissibility_decided: 'Décision de recevabilité',
  admissibility_warning_sent: 'Alerte envoyée au certificateur (délai de décision)',
  incomplete_file_reminder_sent: 'Rappel envoyé au candidat (dossier incomplet)',
  admissibility_request_lapsed: 'Demande de recevabilité caduque (dossier non complété à temps)',
  coach_assigned: 'Accompagnement confié',
  coaching_session_logged: 'Séance d’accompagnement saisie',
  resumed: 'Reprise d’activité du candidat',
  inactivity_reminder_sent: 'Relance pour inactivité',
  abandonment_proposed: 'Abandon proposé',
  abandonment_contested: 'Abandon contesté',
  abandoned: 'Abandon prononcé',
  validation_file_submitted: 'Dossier de validation déposé',
  jury_escalated: 'Alerte : aucun jury programmé avant l’échéance',
  jury_deadline_missed: 'Échéance du jury dépassée',
  jury_scheduled: 'Session de jury programmée',
  jury_rescheduled: 'Session de jury déplacée',
  jury_cancelled: 'Convocation au jury annulée',
  jury_reminder_sent: 'Rappel de la session de jury envoyé au candidat',
  jury_held: 'Session de jury tenue',
  result_reminder_sent: 'Relance du certificateur (résultat attendu)',
  jury_result_recorded: 'Résultat du jury saisi',
  withdrawn: 'Retrait du candidat',
  archived: 'Candidature archivée',
  transfer_requested: 'Transfert demandé',
  transfer_accepted: 'Transfert accepté',
  transfer_escalated: 'Transfert non accepté à temps (signalé au porteur de projet)',
  email_failed: 'E-mail impossible à envoyer',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type as JournalEventType] ?? type;
}

const RECIPIENT_LABELS: Record<string, string> = {
  candidate: 'Candidat',
  advisor: 'Conseiller',
  certifier: 'Certificateur',
  coach: 'Accompagnateur',
  lead: 'Porteur de projet',
  operator: 'Organisme',
  member: 'Membre de jury',
  organiser: 'Organisateur de jury',
};

export function recipientLabel(kind: string): string {
  return RECIPIENT_LABELS[kind] ?? kind;
}

/** The subject of an e-mail template, in a few words: « Convocation au jury », « Bienvenue »… */
const EMAIL_EVENT_LABELS: Record<string, string> = {
  welcome: 'Bienvenue dans le parcours',
  informed: 'Information et conseil',
  admissibility_requested: 'Demande de recevabilité',
  admissibility_warning: 'Alerte sur le délai de décision',
  file_incomplete: 'Dossier incomplet',
  file_incomplete_reminder: 'Rappel : dossier incomplet',
  request_lapsed: 'Demande caduque',
  file_completed: 'Dossier complété',
  admissibility_decision: 'Décision de recevabilité',
  implicit_decision: 'Décision implicite (silence du certificateur)',
  coach_assigned: 'Accompagnement confié',
  inactivity_reminder: 'Relance pour inactivité',
  abandonment_proposed: 'Proposition d’abandon',
  abandonment_contested: 'Abandon contesté',
  abandoned: 'Abandon prononcé',
  validation_file_received: 'Dossier de validation reçu',
  validation_file_submitted: 'Dossier de validation déposé',
  jury_escalation: 'Alerte : jury à programmer',
  jury_deadline_missed: 'Échéance du jury dépassée',
  jury_convocation: 'Convocation au jury',
  jury_cancelled: 'Convocation annulée',
  jury_reminder: 'Rappel de la session de jury',
  result_reminder: 'Relance : résultat du jury attendu',
  result: 'Résultat du jury',
  withdrawn: 'Retrait du candidat',
  transfer_requested: 'Demande de transfert',
  transfer_accepted: 'Transfert accepté',
  transfer_escalated: 'Transfert non accepté à temps',
  transfer_expired: 'Transfert expiré',
  archived: 'Candidature archivée',
};

export function emailLabel(template: string): string {
  const event = template.slice(template.indexOf('.') + 1);
  return EMAIL_EVENT_LABELS[event] ?? template;
}

export const EMAIL_STATUS_LABELS: Record<string, string> = {
  pending: 'En attente',
  sending: 'En cours d’envoi',
  sent: 'Envoyé',
  failed: 'Échec définitif',
};

export const HANDOFF_STATUS_LABELS: Record<string, string> = {
  pending: 'En attente d’acceptation',
  accepted: 'Accepté',
  escalated: 'Non accepté à temps',
};

export const HANDOFF_KIND_LABELS: Record<string, string> = {
  phase: 'Étape du parcours',
  transfer: 'Transfert',
};
