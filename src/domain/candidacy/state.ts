import type { ExperimentArm } from '../arm.js';
import type { Phase } from '../phases.js';
import type { Policy } from '../policy.js';
import type { OperatorRole, WaitingOn } from '../roles.js';
import type { PausableClock } from './clock.js';

export type BlockStatus = 'targeted' | 'validated' | 'not_validated' | 'acquired_before';
export type JuryModality = 'on_site' | 'remote';
export type JuryOutcome = 'full' | 'partial' | 'refused' | 'absent' | 'excused';

/** The fixed facts of a candidacy, known at start (IDs and codes only). */
export interface CandidacyFacts {
  candidacyId: string;
  projectId: string;
  projectLeadUserId: string | null;
  arm: ExperimentArm;
  adviceOperatorId: string;
  policy: Policy;
}

/**
 * Everything the candidacy workflow knows, carried whole across continue-as-new.
 * Pure data: the rules in this folder read and change it; the workflow runs the effects.
 */
export interface CandidacyState {
  phase: Phase;
  /** Journal sequence; every transition takes the next number and e-mail keys derive from it. */
  seq: number;
  rncpCode: string;
  targetBlocks: string[];
  /** True when every block of the certification is targeted (R. 6412-3 limit applies). */
  wholeCertification: boolean;
  certifierOperatorId: string;
  silenceRule: 'admissible' | 'rejected';
  adviceOperatorId: string;
  coachOperatorId: string | null;
  responsibleOperatorId: string;
  responsibleRole: OperatorRole;
  reinforced: boolean;
  remindersSent: number;
  admissibility: {
    submittedAt: string;
    clock: PausableClock;
    warningsSent: ('share' | 'before')[];
    decidedAt: string | null;
    /** True when the silence rule decided (absent in states carried from older runs). */
    implicit?: boolean;
  } | null;
  incomplete: {
    since: string;
    dueAt: string;
    missingItems: string[];
    reminderSent: boolean;
  } | null;
  coaching: {
    admissibleAt: string;
    startDueAt: string;
    assignedAt: string | null;
    startedAt: string | null;
    lastActivityAt: string;
    unansweredReminders: number;
    sessions: number;
    minutes: number;
  } | null;
  abandonment: {
    proposedAt: string;
    contestDueAt: string;
    reason: 'inactivity' | 'coaching_not_started';
  } | null;
  jury: {
    validationFileAt: string;
    deadlineAt: string;
    escalated: boolean;
    deadlineMissed: boolean;
    session: {
      at: string;
      modality: JuryModality;
      place: string;
      scheduledAt: string;
      /** The planner's jury session (jury-session workflow) that convened the candidate, if any. */
      sessionId?: string;
      reminderSent: boolean;
      resultReminderSent: boolean;
    } | null;
  } | null;
  blocks: { code: string; status: BlockStatus }[];
  result: { outcome: JuryOutcome; decidedAt: string } | null;
  transfer: {
    fromOperatorId: string;
    toOperatorId: string;
    role: OperatorRole;
    reason: string;
    requestedAt: string;
    dueAt: string;
  } | null;
}

export interface InitialFacts {
  rncpCode: string;
  targetBlocks: string[];
  wholeCertification: boolean;
  certifierOperatorId: string;
  silenceRule: 'admissible' | 'rejected';
  adviceOperatorId: string;
  reinforced: boolean;
}

export function initialState(f: InitialFacts): CandidacyState {
  return {
    phase: 'identified',
    seq: 0,
    rncpCode: f.rncpCode,
    targetBlocks: [...f.targetBlocks],
    wholeCertification: f.wholeCertification,
    certifierOperatorId: f.certifierOperatorId,
    silenceRule: f.silenceRule,
    adviceOperatorId: f.adviceOperatorId,
    coachOperatorId: null,
    responsibleOperatorId: f.adviceOperatorId,
    responsibleRole: 'advice',
    reinforced: f.reinforced,
    remindersSent: 0,
    admissibility: null,
    incomplete: null,
    coaching: null,
    abandonment: null,
    jury: null,
    blocks: f.targetBlocks.map((code) => ({ code, status: 'targeted' })),
    result: null,
    transfer: null,
  };
}

/** A deep copy: the rules return a new state and never change the one they were given. */
export function cloneState(state: CandidacyState): CandidacyState {
  return JSON.parse(JSON.stringify(state)) as CandidacyState;
}

/** Who must act next: a pending transfer waits on the receiving operator. */
export function waitingOn(state: CandidacyState): WaitingOn {
  if (state.transfer)
    return { kind: 'operator', operatorId: state.transfer.toOperatorId, role: state.transfer.role };
  switch (state.phase) {
    case 'identified':
    case 'informed':
    case 'admissible':
      return { kind: 'operator', operatorId: state.responsibleOperatorId, role: state.responsibleRole };
    case 'admissibility_requested':
    case 'validation_file_submitted':
    case 'jury_held':
      return { kind: 'operator', operatorId: state.certifierOperatorId, role: 'certifier' };
    case 'admissibility_incomplete':
    case 'coaching':
    case 'abandonment_proposed':
    case 'jury_scheduled':
      return { kind: 'candidate' };
    default:
      return { kind: 'nobody' };
  }
}
