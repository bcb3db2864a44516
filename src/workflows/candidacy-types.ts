import type { ExperimentArm } from '../domain/arm.js';
import type { ActorRef } from '../domain/candidacy/actions.js';
import type { DeadlineView } from '../domain/candidacy/deadlines.js';
import type { CandidacyState, InitialFacts } from '../domain/candidacy/state.js';
import type { Timer } from '../domain/candidacy/timers.js';
import type { Action, Phase } from '../domain/phases.js';
import type { Policy } from '../domain/policy.js';
import type { OperatorRole, WaitingOn } from '../domain/roles.js';
import type { EmailRequest } from '../activities/index.js';

export type Actor = ActorRef;

/**
 * Workflow input: IDs, codes and the resolved policy only. Names, e-mail addresses and phone
 * numbers stay in Postgres and are read by activities (no personal data in history).
 */
export interface CandidacyInput {
  candidacyId: string;
  projectId: string;
  projectLeadUserId: string | null;
  arm: ExperimentArm;
  policy: Policy;
  createdBy: Actor;
  initial: InitialFacts;
  /** Continue-as-new when the history grows past this many events (the server may suggest it earlier). */
  maxHistoryEvents?: number;
  /** Set by continue-as-new: the state and unsent e-mails carried over from the previous run. */
  carried?: { state: CandidacyState; outbox: EmailRequest[] };
}

/** What the `state` query and every action return: the live view of a candidacy. */
export interface CandidacyView {
  candidacyId: string;
  phase: Phase;
  phaseLabel: string;
  waitingOn: WaitingOn;
  responsibleOperatorId: string;
  responsibleRole: OperatorRole;
  deadlines: DeadlineView[];
  nextTimer: Timer | null;
  allowedActions: Action[];
  rncpCode: string;
  blocks: CandidacyState['blocks'];
  remindersSent: number;
  reinforced: boolean;
  arm: ExperimentArm;
  coaching: {
    sessions: number;
    minutes: number;
    startedAt: string | null;
    unansweredReminders: number;
  } | null;
  jurySession: { at: string; modality: string; place: string } | null;
  transfer: CandidacyState['transfer'];
  result: CandidacyState['result'];
  pendingEmails: number;
  seq: number;
}

/** Update argument: the action's payload and who acts (user and operator IDs). */
export interface ActionArgs<P> {
  payload: P;
  actor: Actor;
}
