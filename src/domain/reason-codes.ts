/** Why a candidate withdraws (codes, never free text: no personal data in history). */
export const WITHDRAWAL_REASON_CODES = [
  'personal_reasons',
  'health',
  'new_job',
  'other_path_chosen',
  'other',
] as const;
export type WithdrawalReasonCode = (typeof WITHDRAWAL_REASON_CODES)[number];

/** Why a candidacy is handed over to another operator of the same role. */
export const TRANSFER_REASON_CODES = [
  'capacity',
  'geography',
  'specialisation',
  'candidate_request',
  'other',
] as const;
export type TransferReasonCode = (typeof TRANSFER_REASON_CODES)[number];

export const COACHING_MODALITIES = ['on_site', 'remote', 'phone'] as const;

/** Why a convocation to a jury session is cancelled (the candidacy waits for another session). */
export const JURY_CANCELLATION_REASONS = [
  'session_cancelled',
  'jury_not_composed',
  'candidate_unavailable',
  'other',
] as const;
export type JuryCancellationReason = (typeof JURY_CANCELLATION_REASONS)[number];
