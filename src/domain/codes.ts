/**
 * Closed code lists carried by workflows and APIs (never free text: free text may hold
 * personal data, and codes keep indicators comparable). French labels live in
 * `src/notifications/labels.ts`.
 */

/** Documents a certifier may declare missing from an admissibility request. */
export const MISSING_ITEM_CODES = [
  'identity_document',
  'cerfa_form',
  'proof_of_experience',
  'employer_certificate',
  'proof_of_activity_duration',
  'diploma_copies',
  'other',
] as const;
export type MissingItemCode = (typeof MISSING_ITEM_CODES)[number];

/** Reasons a certifier may give for declaring an admissibility request inadmissible. */
export const INADMISSIBILITY_REASON_CODES = [
  'insufficient_experience_duration',
  'experience_unrelated_to_certification',
  'file_not_compliant',
  'yearly_limit_exceeded',
  'other',
] as const;
export type InadmissibilityReasonCode = (typeof INADMISSIBILITY_REASON_CODES)[number];
