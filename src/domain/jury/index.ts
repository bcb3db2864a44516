export type * from './types.js';
export {
  assessesCertification,
  genderBalanced,
  isAvailable,
  isQualifiedFor,
  isTiedTo,
  meetsJuryDeadline,
  memberSessionCostCents,
  minMembersOf,
  normaliseEmployer,
  parisIsoWeekday,
  professionalCount,
  remainingCap,
  requiredProfessionals,
  respectsLeadTime,
  sessionCostCents,
  sessionYear,
  slotsOverlap,
  type TimeSpan,
} from './eligibility.js';
export { PLAN_RULES, checkPlan, hardViolations } from './check-plan.js';
export { greedyPlan } from './greedy.js';
export { shortageReport, type Shortage, type ShortageReason } from './shortage.js';
export { nextPresidentId, replacementOptions, type ReplacementOption } from './replacement.js';
