import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActorRef } from '../../domain/candidacy/rules.js';
import type { PolicyDuration } from '../../domain/duration.js';
import type {
  Attendance,
  CandidateResult,
  SessionState,
  SessionStatus,
} from '../../domain/jury/session-state.js';
import type { SessionModality } from '../../domain/jury/types.js';

/** The input of a `jury-session-<uuid>` workflow: IDs, codes and instants only. */
export interface JurySessionInput {
  sessionId: string;
  projectId: string;
  organiserOperatorId: string;
  rncpCode: string;
  startsAt: string;
  endsAt: string;
  modality: SessionModality;
  memberIds: string[];
  presidentId: string;
  candidacyIds: string[];
  /** From the project's policy when the session is created (juryInvitationResponseDelay). */
  invitationResponseDelay: PolicyDuration;
  /** The convocation lead time before the start: composed by then, or the organiser is alerted. */
  compositionDeadlineAt: string;
  createdBy: ActorRef;
}

export const jurySessionWorkflowId = (sessionId: string) => `jury-session-${sessionId}`;

export interface SessionView {
  sessionId: string;
  status: SessionStatus;
  state: SessionState;
  startsAt: string;
  compositionDeadlineAt: string;
}

/** A refused session Update: its ApplicationFailure type, with `{ code }` as details. */
export const SESSION_REFUSED = 'SessionActionRefused';

export const sessionQuery = defineQuery<SessionView>('session');

export const answerInvitation = defineUpdate<SessionView, [{ invitationId: string; accept: boolean }]>(
  'answer-invitation',
);
export const withdrawMember = defineUpdate<SessionView, [{ memberId: string; actor: ActorRef }]>(
  'withdraw-member',
);
export const cancelSession = defineUpdate<SessionView, [{ actor: ActorRef }]>('cancel-session');
/** The results grid of a session: one result per candidacy convened, attendance of the members. */
export interface ResultsGrid {
  actor: ActorRef;
  results: CandidateResult[];
  memberAttendance: { memberId: string; attendance: Attendance }[];
}
export const recordResults = defineUpdate<SessionView, [ResultsGrid]>('record-results');
