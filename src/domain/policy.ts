import { z } from 'zod';
import { POLICY_DURATION_MAX, type PolicyDuration } from './duration.js';
import { QUALIFICATION_LEVELS, type CandidateProfile } from './profile.js';

/**
 * Every duration and rule of a project, with the legal defaults of DOMAIN.md.
 * A project stores overrides (per project and per experiment arm); the candidacy workflow
 * receives the resolved policy at start and never reads a literal.
 */
export interface Policy {
  /** L. 6412-2: the certifier rules within 2 months of a complete request. */
  admissibilityDecisionDeadline: PolicyDuration;
  /** Warnings to the certifier: at this share of the deadline, and this long before it. */
  admissibilityWarningShare: number;
  admissibilityWarningBefore: PolicyDuration;
  /** Product choice: time for the candidate to complete an incomplete file. */
  incompleteFileCompletionDelay: PolicyDuration;
  incompleteFileReminderBefore: PolicyDuration;
  /** France VAE: coaching starts within 6 months of admissibility. */
  coachingStartDeadline: PolicyDuration;
  /** Inactivity before a reminder during coaching. */
  inactivityReminderStandard: PolicyDuration;
  inactivityReminderReinforced: PolicyDuration;
  /** Unanswered reminders before abandonment is proposed (France VAE: 3). */
  remindersBeforeAbandonment: number;
  /** France VAE: 15 days to contest an abandonment. */
  abandonmentContestDelay: PolicyDuration;
  /** Décret 2023-1275: jury before the end of the 3rd month after the validation file. */
  juryDeadlineAfterValidationFile: PolicyDuration;
  juryEscalationBefore: PolicyDuration;
  /** Certifier-specific convocation lead time (default 15 days). */
  convocationLeadTime: PolicyDuration;
  /** France VAE: candidate reminded 14 days before, certifier 7 days after without result. */
  juryReminderBefore: PolicyDuration;
  resultReminderAfter: PolicyDuration;
  /** Décret 2023-1275: result notified within 15 days of the session. */
  resultNotificationDeadline: PolicyDuration;
  /** Hand-off: a transfer must be accepted within this delay (default 5 working days). */
  transferAcceptanceDelay: PolicyDuration;
  /** Jury sessions: a member's answer to an invitation (default 3 working days), then a replacement. */
  juryInvitationResponseDelay: PolicyDuration;
  /** R. 6412-3: yearly limits on whole-certification requests (not on skill blocks). */
  yearlyRequestsPerCertification: number;
  yearlyCertifications: number;
  /** Reinforced coaching: these qualification levels, or a threatened job. */
  lowQualificationLevels: CandidateProfile['qualificationLevel'][];
  reinforcedWhenJobThreatened: boolean;
  // The share of the test arm is not a rule of the path: it is the experiment's allocation
  // configuration (src/domain/experiment/config.ts, PUT /api/projects/:id/experiment), versioned.
}

export const DEFAULT_POLICY: Policy = {
  admissibilityDecisionDeadline: { months: 2 },
  admissibilityWarningShare: 0.75,
  admissibilityWarningBefore: { days: 7 },
  incompleteFileCompletionDelay: { days: 30 },
  incompleteFileReminderBefore: { days: 7 },
  coachingStartDeadline: { months: 6 },
  inactivityReminderStandard: { days: 30 },
  inactivityReminderReinforced: { days: 14 },
  remindersBeforeAbandonment: 3,
  abandonmentContestDelay: { days: 15 },
  juryDeadlineAfterValidationFile: { months: 3 },
  juryEscalationBefore: { days: 15 },
  convocationLeadTime: { days: 15 },
  juryReminderBefore: { days: 14 },
  resultReminderAfter: { days: 7 },
  resultNotificationDeadline: { days: 15 },
  transferAcceptanceDelay: { workingDays: 5 },
  juryInvitationResponseDelay: { workingDays: 3 },
  yearlyRequestsPerCertification: 1,
  yearlyCertifications: 3,
  lowQualificationLevels: ['none', 'level3'],
  reinforcedWhenJobThreatened: true,
};

/**
 * A duration a policy may hold, the one rule every path that stores a policy ends with
 * (src/app/reference/change-policy.ts, src/app/reference/create-project.ts): whole numbers of
 * months, days, working days, hours or seconds, at least one above zero, none beyond 10 years
 * (POLICY_DURATION_MAX), so that `addDuration` always gives a date.
 */
const part = (max: number) => z.number().int().min(0).max(max).optional();
export const policyDurationSchema = z
  .object({
    months: part(POLICY_DURATION_MAX.months),
    days: part(POLICY_DURATION_MAX.days),
    workingDays: part(POLICY_DURATION_MAX.workingDays),
    hours: part(POLICY_DURATION_MAX.hours),
    seconds: part(POLICY_DURATION_MAX.seconds),
  })
  .strict()
  // Refused when every part is zero (or none given); a negative part has its own message.
  .refine((d) => Object.values(d).some((v) => typeof v !== 'number' || v !== 0), {
    message:
      'doit être une durée positive : au moins une partie au-dessus de zéro, par exemple { "days": 15 } ou { "months": 2 }',
    params: { reason: 'duration_not_positive' },
  });
const durationSchema = policyDurationSchema;

/** Overrides stored on a project (and per arm): any subset of the policy. */
export const policyOverridesSchema = z
  .object({
    admissibilityDecisionDeadline: durationSchema,
    admissibilityWarningShare: z.number().gt(0).lt(1),
    admissibilityWarningBefore: durationSchema,
    incompleteFileCompletionDelay: durationSchema,
    incompleteFileReminderBefore: durationSchema,
    coachingStartDeadline: durationSchema,
    inactivityReminderStandard: durationSchema,
    inactivityReminderReinforced: durationSchema,
    remindersBeforeAbandonment: z.number().int().min(1).max(10),
    abandonmentContestDelay: durationSchema,
    juryDeadlineAfterValidationFile: durationSchema,
    juryEscalationBefore: durationSchema,
    convocationLeadTime: durationSchema,
    juryReminderBefore: durationSchema,
    resultReminderAfter: durationSchema,
    resultNotificationDeadline: durationSchema,
    transferAcceptanceDelay: durationSchema,
    juryInvitationResponseDelay: durationSchema,
    yearlyRequestsPerCertification: z.number().int().min(1),
    yearlyCertifications: z.number().int().min(1),
    lowQualificationLevels: z.array(z.enum(QUALIFICATION_LEVELS)),
    reinforcedWhenJobThreatened: z.boolean(),
  })
  .partial()
  .strict();
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

export interface ProjectPolicySettings {
  overrides?: PolicyOverrides;
  arms?: { test?: PolicyOverrides; control?: PolicyOverrides };
}

/** Legal defaults, then the project's overrides, then its arm's. */
export function resolvePolicy(settings: ProjectPolicySettings, arm?: 'test' | 'control'): Policy {
  return {
    ...DEFAULT_POLICY,
    ...settings.overrides,
    ...(arm ? settings.arms?.[arm] : undefined),
  };
}

/** Reinforced coaching for no/low qualification or a threatened job (DOMAIN.md, path step 2). */
export function isReinforced(profile: CandidateProfile, policy: Policy): boolean {
  if (policy.lowQualificationLevels.includes(profile.qualificationLevel)) return true;
  return policy.reinforcedWhenJobThreatened && profile.jobSituation === 'employed_job_threatened';
}
