/**
 * The contract of the candidacy workflow, shared by the workflow and its clients (API, tests):
 * its input, its live view, its Updates and its Query. Types and message definitions only.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EmailRequest } from '../../activities/index.js';
import type { EmailFailed } from '../../activities/email.js';
import type { ExperimentArm } from '../../domain/arm.js';
import type {
  ActionPayloads,
  ActorRef,
  CandidacyState,
  DeadlineView,
  InitialFacts,
  Timer,
} from '../../domain/candidacy/index.js';
import { ACTIONS, type Action, type Phase } from '../../domain/phases.js';
import type { Policy } from '../../domain/policy.js';
import type { OperatorRole, WaitingOn } from '../../domain/roles.js';

export type Actor = ActorRef;

/** The state carried across continue-as-new, versioned so a later run can read an older one. */
export interface CarriedV2 {
  version: 2;
  state: CandidacyState;
  outbox: EmailRequest[];
}
/** Written by runs before the carried state had a version. */
export interface CarriedV1 {
  version?: undefined;
  state: CandidacyState;
  outbox: EmailRequest[];
}
export type Carried = CarriedV1 | CarriedV2;

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
  /**
   * The rules version the candidacy started with (src/domain/candidacy/rules-version.ts),
   * fixed for its whole life like the policy; absent for candidacies started before it existed.
   */
  rulesVersion?: number;
  createdBy: Actor;
  initial: InitialFacts;
  /** Continue-as-new when the history grows past this many events (the server may suggest it earlier). */
  maxHistoryEvents?: number;
  /** Set by continue-as-new: the state and unsent e-mails carried over from the previous run. */
  carried?: Carried;
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
  rulesVersion: number;
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

/** Reads: the live state of a candidacy. */
export const stateQuery = defineQuery<CandidacyView>('state');

/** One Update per human action, named as the API route (`record-information`, ...). */
export type ActionUpdates = {
  [A in Action]: UpdateDefinition<CandidacyView, [ActionArgs<ActionPayloads[A]>], A>;
};

export const actionUpdates = Object.fromEntries(ACTIONS.map((a) => [a, defineUpdate(a)])) as ActionUpdates;

/** The failure type an Update validator raises when an action is refused (API: 409). */
export const ACTION_REFUSED = 'ActionRefused';

/** The details an `ActionRefused` failure carries (the API turns them into the 409 body). */
export interface ActionRefusedDetails {
  code: string;
  phase: Phase;
  allowedActions: Action[];
  [key: string]: unknown;
}

/**
 * Sent by the e-mail relay (src/outbox/relay.ts) when an e-mail of the outbox can never leave
 * (unknown recipient, invalid template or data): the candidacy journals it as `email_failed`.
 * Codes and a French reason only, never an address.
 */
export type EmailFailedNotice = EmailFailed & { recipientKind: string };
export const emailFailedSignal = defineSignal<[EmailFailedNotice]>('emailFailed');
