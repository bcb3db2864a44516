import type { ExperimentArm } from '../domain/arm.js';
import type { Action, Phase } from '../domain/phases.js';
import type { Policy } from '../domain/policy.js';
import type { OperatorRole } from '../domain/roles.js';

/**
 * Workflow input: IDs, codes and the resolved policy only. Names, e-mail addresses and phone
 * numbers stay in Postgres and are read by activities (no personal data in history).
 */
export interface CandidacyInput {
  candidacyId: string;
  projectId: string;
  rncpCode: string;
  targetBlocks: string[];
  arm: ExperimentArm;
  reinforced: boolean;
  adviceOperatorId: string;
  certifierOperatorId: string;
  silenceRule: 'admissible' | 'rejected';
  policy: Policy;
  createdBy: Actor;
  /** Set by continue-as-new: the state carried over from the previous run. */
  carriedState?: CandidacyState;
}

export interface Actor {
  userId: string;
  operatorId: string;
}

export interface Deadline {
  /** Stable name, e.g. `admissibility-decision`. */
  name: string;
  dueAt: string;
  /** French label for the Temporal UI and the API. */
  label: string;
}

export interface CandidacyState {
  phase: Phase;
  /** Journal sequence: every transition takes the next number; e-mail keys derive from it. */
  seq: number;
  responsibleOperatorId: string;
  waitingOn: { kind: 'candidate' } | { kind: 'operator'; operatorId: string; role: OperatorRole } | { kind: 'nobody' };
  reinforced: boolean;
  deadlines: Deadline[];
  remindersSent: number;
}

/** What the `state` query returns: the live view of a candidacy. */
export interface CandidacyView {
  candidacyId: string;
  phase: Phase;
  phaseLabel: string;
  waitingOn: CandidacyState['waitingOn'];
  deadlines: Deadline[];
  allowedActions: Action[];
  blocks: { code: string; status: 'targeted' | 'validated' | 'not_validated' }[];
  remindersSent: number;
  reinforced: boolean;
  arm: ExperimentArm;
}
