import type { ColumnType, Generated } from 'kysely';

/**
 * The tables of jury sessions (migration 0010): the planner's proposals, the sessions with their
 * members and candidacies, the invitations sent to members, and the session journal. Names and
 * e-mail addresses stay in `jury_members`; these rows hold IDs, codes, dates and amounts.
 */
export interface JuryPlansTable {
  id: string;
  project_id: string;
  organiser_operator_id: string;
  created_by_user_id: string;
  /** The instance's size and the solver's figures: status, solve time, model size. */
  summary: ColumnType<unknown, string, string>;
  /** The Plan (src/domain/jury/types.ts) and the shortage report. */
  plan: ColumnType<unknown, string, string>;
  shortages: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

export interface JurySessionsTable {
  id: string;
  project_id: string;
  organiser_operator_id: string;
  plan_id: string | null;
  /** The key of the session in its plan ("s3"), when it comes from one. */
  plan_session_key: string | null;
  rncp_code: string;
  starts_at: Date;
  ends_at: Date;
  modality: 'on_site' | 'remote';
  place: string | null;
  departement: string | null;
  room_url: string | null;
  status: string;
  workflow_id: string;
  cost_cents: number | null;
  created_by_user_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface JurySessionMembersTable {
  session_id: string;
  member_id: string;
  /** 'invited' | 'accepted' | 'declined' | 'expired' | 'withdrawn' */
  status: string;
  president: boolean;
  fee_cents: number;
  travel_cents: number;
  attendance: string | null;
  updated_at: Generated<Date>;
}

export interface JurySessionCandidatesTable {
  session_id: string;
  candidacy_id: string;
  /** 'reserved' | 'enrolled' | 'refused' | 'released' | 'result_recorded' */
  status: string;
  refusal_code: string | null;
  attendance: string | null;
  outcome: string | null;
  validated_blocks: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: Generated<Date>;
}

export interface JuryInvitationsTable {
  id: string;
  session_id: string;
  member_id: string;
  respond_by: Date;
  /** 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn' */
  status: string;
  answered_at: Date | null;
  created_at: Generated<Date>;
}

export interface JurySessionEventsTable {
  session_id: string;
  seq: number;
  type: string;
  payload: ColumnType<unknown, string, string>;
  summary: string;
  actor_user_id: string | null;
  occurred_at: Date;
  recorded_at: Generated<Date>;
}

export interface JurySessionTables {
  jury_plans: JuryPlansTable;
  jury_sessions: JurySessionsTable;
  jury_session_members: JurySessionMembersTable;
  jury_session_candidates: JurySessionCandidatesTable;
  jury_invitations: JuryInvitationsTable;
  jury_session_events: JurySessionEventsTable;
}
