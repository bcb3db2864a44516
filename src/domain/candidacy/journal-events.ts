import type { ExperimentArm } from '../arm.js';
import type { OperatorRole } from '../roles.js';
import type { JuryCancellationReason } from '../reason-codes.js';
import type { JuryModality, JuryOutcome } from './state.js';

/** Set on every event a clock produced: which clock, and the instant it was due. */
export interface ClockStamp {
  timer: string;
  dueAt: string;
}

/**
 * The journal's event catalogue: each event type and its payload (IDs, codes, dates; never
 * personal data). The workflow writes only these, and readers (timeline, follow-up,
 * indicators) read payloads through `payloadOf` instead of casts.
 */
export interface JournalPayloads {
  identified: { rncpCode: string; targetBlocks: string[]; arm: ExperimentArm; reinforced: boolean };
  informed: { rncpCode: string; targetBlocks: string[]; wholeCertification: boolean; reinforced: boolean };
  admissibility_requested: { dueAt: string; wholeCertification: boolean };
  admissibility_incomplete: { missingItems: string[]; completionDueAt: string; clockRemainingMs: number };
  admissibility_file_completed: { dueAt: string };
  admissibility_decided:
    | { admissible: boolean; implicit: false; reasons: string[] }
    | ({ admissible: boolean; implicit: true } & ClockStamp);
  admissibility_warning_sent: { deadline: string } & ClockStamp;
  incomplete_file_reminder_sent: ClockStamp;
  admissibility_request_lapsed: ClockStamp;
  coach_assigned: { coachOperatorId: string; reinforced: boolean };
  coaching_session_logged: {
    date: string;
    durationMinutes: number;
    modality: 'on_site' | 'remote' | 'phone';
    sessionNumber: number;
  };
  resumed: Record<string, never>;
  inactivity_reminder_sent: { reminderNumber: number } & ClockStamp;
  abandonment_proposed: { reason: 'inactivity' | 'coaching_not_started' } & ClockStamp;
  abandonment_contested: Record<string, never>;
  abandoned: { reason: 'inactivity' | 'coaching_not_started' } & ClockStamp;
  validation_file_submitted: { juryDeadlineAt: string };
  jury_escalated: ClockStamp;
  jury_deadline_missed: ClockStamp;
  jury_scheduled: { sessionAt: string; modality: JuryModality; sessionId?: string };
  jury_rescheduled: { sessionAt: string; modality: JuryModality; sessionId?: string };
  jury_cancelled: { sessionAt: string; reason: JuryCancellationReason; sessionId?: string };
  jury_reminder_sent: ClockStamp;
  jury_held: { sessionAt: string } & ClockStamp;
  result_reminder_sent: ClockStamp;
  jury_result_recorded: {
    outcome: JuryOutcome;
    validatedBlocks: string[];
    remainingBlocks: string[];
    /** Written by candidacies of the first rules version for an excused candidate. */
    blocks?: never[];
  };
  withdrawn: { reason: string };
  archived: Record<string, never>;
  transfer_requested: {
    fromOperatorId: string;
    toOperatorId: string;
    role: OperatorRole;
    reason: string;
    dueAt: string;
  };
  transfer_accepted: {
    fromOperatorId: string;
    toOperatorId: string;
    role: OperatorRole;
    requestedAt: string;
  };
  transfer_escalated: { fromOperatorId: string; toOperatorId: string; role: OperatorRole } & ClockStamp;
  /** An e-mail that can never be sent (unknown recipient, invalid data): the path goes on. */
  email_failed: { template: string; recipientKind: string; code: string; reason: string };
}

export type JournalEventType = keyof JournalPayloads;

export type JournalEvent = {
  [T in JournalEventType]: { type: T; payload: JournalPayloads[T] };
}[JournalEventType];

/** Every event type, for checks at the boundaries (SQL reads, tests). */
export const JOURNAL_EVENT_TYPES = [
  'identified',
  'informed',
  'admissibility_requested',
  'admissibility_incomplete',
  'admissibility_file_completed',
  'admissibility_decided',
  'admissibility_warning_sent',
  'incomplete_file_reminder_sent',
  'admissibility_request_lapsed',
  'coach_assigned',
  'coaching_session_logged',
  'resumed',
  'inactivity_reminder_sent',
  'abandonment_proposed',
  'abandonment_contested',
  'abandoned',
  'validation_file_submitted',
  'jury_escalated',
  'jury_deadline_missed',
  'jury_scheduled',
  'jury_rescheduled',
  'jury_cancelled',
  'jury_reminder_sent',
  'jury_held',
  'result_reminder_sent',
  'jury_result_recorded',
  'withdrawn',
  'archived',
  'transfer_requested',
  'transfer_accepted',
  'transfer_escalated',
  'email_failed',
] as const satisfies readonly JournalEventType[];

// A type in the catalogue missing from the list above is a compile error here.
type Missing = Exclude<JournalEventType, (typeof JOURNAL_EVENT_TYPES)[number]>;
const everyTypeListed: Missing extends never ? true : Missing = true;
void everyTypeListed;

export function isJournalEventType(type: string): type is JournalEventType {
  return (JOURNAL_EVENT_TYPES as readonly string[]).includes(type);
}

/** A journal row's payload, typed by its event type (rows come from the journal's own writes). */
export function payloadOf<T extends JournalEventType>(
  row: { type: string; payload: unknown },
  type: T,
): JournalPayloads[T] | null {
  return row.type === type ? (row.payload as JournalPayloads[T]) : null;
}

/** The scope of a candidacy's target, for indicators: one block, several, the whole certification. */
export type TargetScope = 'one_block' | 'several_blocks' | 'whole_certification';

export function targetScope(s: { wholeCertification: boolean; targetBlocks: string[] }): TargetScope {
  if (s.wholeCertification) return 'whole_certification';
  return s.targetBlocks.length <= 1 ? 'one_block' : 'several_blocks';
}
