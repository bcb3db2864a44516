/** The role an operator (organisation) plays in a project. */
export const OPERATOR_ROLES = ['outreach', 'advice', 'certifier', 'coaching', 'jury_organisation'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** The role of a user, who belongs to exactly one operator. */
export const USER_ROLES = [
  'outreach_agent',
  'advisor',
  'certifier',
  'coach',
  'jury_organiser',
  'project_lead',
  'administrator',
] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Who must act next on a candidacy: the candidate, or an operator in a role. */
export type WaitingOn =
  { kind: 'candidate' } | { kind: 'operator'; operatorId: string; role: OperatorRole } | { kind: 'nobody' };

/** The search attribute value: `candidate`, `nobody` or `<role>:<operatorId>` (IDs only). */
export function waitingOnKey(w: WaitingOn): string {
  return w.kind === 'operator' ? `${w.role}:${w.operatorId}` : w.kind;
}
