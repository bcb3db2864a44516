import type { InadmissibilityReasonCode, MissingItemCode } from '../domain/codes.js';
import type { OperatorRole } from '../domain/roles.js';

/** Documents missing from an admissibility request, as a list item for the candidate and the advisor. */
export const MISSING_ITEM_LABELS: Record<MissingItemCode, string> = {
  identity_document: 'Copie d’une pièce d’identité en cours de validité',
  cerfa_form: 'Formulaire Cerfa de demande de recevabilité (n° 12818), complété et signé',
  proof_of_experience: 'Justificatifs des activités exercées en lien avec la certification visée',
  employer_certificate: 'Attestations d’employeur ou certificats de travail',
  proof_of_activity_duration:
    'Justificatifs de la durée des activités (bulletins de salaire, contrats, etc.)',
  diploma_copies: 'Copies des diplômes, titres ou certificats déjà obtenus',
  other: 'Autre pièce demandée par le certificateur (précisée par le conseiller)',
};

/** Reasons for an inadmissible request, as a list item. */
export const INADMISSIBILITY_REASON_LABELS: Record<InadmissibilityReasonCode, string> = {
  insufficient_experience_duration: 'Durée d’expérience insuffisante pour la certification visée',
  experience_unrelated_to_certification: 'Expérience sans rapport direct avec la certification visée',
  file_not_compliant: 'Dossier non conforme aux exigences du certificateur',
  yearly_limit_exceeded: 'Nombre maximal de demandes de recevabilité pour l’année civile atteint',
  other: 'Autre motif (précisé par le certificateur au conseiller)',
};

/** Jury outcomes, as a title (« Résultat : Validation partielle »). */
export const OUTCOME_LABELS = {
  full: 'Validation totale',
  partial: 'Validation partielle',
  refused: 'Refus de validation',
  absent: 'Absence à la session de jury',
  excused: 'Absence excusée',
} as const satisfies Record<string, string>;
export type JuryOutcome = keyof typeof OUTCOME_LABELS;
export const JURY_OUTCOMES = Object.keys(OUTCOME_LABELS) as JuryOutcome[];

/** Jury session modalities, lower case to follow a colon (« Modalité : à distance »). */
export const MODALITY_LABELS = {
  on_site: 'sur place',
  remote: 'à distance (visioconférence)',
} as const satisfies Record<string, string>;
export type JuryModality = keyof typeof MODALITY_LABELS;
export const JURY_MODALITIES = Object.keys(MODALITY_LABELS) as JuryModality[];

/** The mission an operator carries on a candidacy, used as « la mission « accompagnement » ». */
export const OPERATOR_ROLE_LABELS: Record<OperatorRole, string> = {
  outreach: 'repérage',
  advice: 'information et conseil',
  certifier: 'certification (recevabilité et jury)',
  coaching: 'accompagnement',
  jury_organisation: 'organisation du jury',
};

/** Outcome of the certifier's silence at the admissibility deadline (per certification). */
export const SILENCE_RULES = ['admissible', 'rejected'] as const;
export type SilenceRule = (typeof SILENCE_RULES)[number];

/** Reasons a coaching operator may propose abandonment. */
export const ABANDONMENT_REASONS = ['inactivity', 'coaching_not_started'] as const;
export type AbandonmentReason = (typeof ABANDONMENT_REASONS)[number];
