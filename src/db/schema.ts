import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Phase } from '../domain/phases.js';
import type { ProjectPolicySettings } from '../domain/policy.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface ProjectsTable {
  id: string;
  name: string;
  /** The project lead (porteur de projet) who arbitrates escalations. */
  lead_user_id: string | null;
  target_publics: ColumnType<string[], string[] | undefined, string[]>;
  /** ProjectPolicySettings: overrides of the legal defaults, per project and per arm. */
  policy: Json<ProjectPolicySettings>;
  created_at: CreatedAt;
}

export interface OperatorsTable {
  id: string;
  name: string;
  /** E-mail address of the operator's shared mailbox (notifications to the organisation). */
  email: string;
  created_at: CreatedAt;
}

export interface ProjectOperatorsTable {
  project_id: string;
  operator_id: string;
  role: string;
}

export interface UsersTable {
  id: string;
  operator_id: string;
  role: string;
  display_name: string;
  email: string;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  label: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface CertificationsTable {
  rncp_code: string;
  title: string;
  certifier_operator_id: string;
  /** Outcome of the certifier's silence (L. 6412-2): 'admissible' or 'rejected'. */
  silence_rule: string;
  created_at: CreatedAt;
}

export interface SkillBlocksTable {
  rncp_code: string;
  block_code: string;
  title: string;
}

export interface ProjectCertificationsTable {
  project_id: string;
  rncp_code: string;
}

export interface JuryMembersTable {
  id: string;
  display_name: string;
  email: string;
  /** 'professional' or 'trainer' (R. 335-8: professionals are at least a quarter). */
  profile: string;
  gender: string;
  operator_id: string | null;
  rncp_codes: ColumnType<string[], string[], string[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface CandidatesTable {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  birth_year: number;
  qualification_level: string;
  job_situation: string;
  created_at: CreatedAt;
}

/** Read model of a candidacy, kept up to date by the workflow's activities. */
export interface CandidaciesTable {
  id: string;
  candidate_id: string;
  project_id: string;
  rncp_code: string;
  target_blocks: ColumnType<string[], string[], string[]>;
  arm: string;
  reinforced: boolean;
  phase: Phase;
  waiting_on: string;
  /** The operator currently responsible (advice, certifier, coaching...). */
  operator_id: string;
  next_deadline: Timestamp | null;
  workflow_id: string;
  created_by: string;
  /** A follow-up candidacy (remaining blocks after a partial result) points to its origin. */
  parent_candidacy_id: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** The operators currently in each role (read model, kept by the journal activity). */
  advice_operator_id: string | null;
  certifier_operator_id: string | null;
  coach_operator_id: string | null;
  /** The receiving operator of a pending transfer. */
  transfer_to_operator_id: string | null;
  /** False until the workflow start is confirmed; lists hide unstarted rows. */
  started: Generated<boolean>;
  /** Last journal sequence applied to this row (activities never move it backwards). */
  last_seq: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Append-only journal: one row per transition, unique per (candidacy, seq). */
export interface CandidacyEventsTable {
  id: Generated<string>;
  candidacy_id: string;
  seq: number;
  type: string;
  actor_user_id: string | null;
  actor_operator_id: string | null;
  occurred_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  recorded_at: CreatedAt;
}

/** One row per e-mail, keyed so a retried activity never sends twice: pending → sending → sent. */
export interface EmailLogTable {
  idempotency_key: string;
  candidacy_id: string | null;
  template: string;
  recipient_kind: string;
  to_address: string;
  status: string;
  message_id: string | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  /** When an attempt took the e-mail for sending ('sending'); a stale claim may be retaken. */
  claimed_at: Timestamp | null;
  sent_at: Timestamp | null;
}

/** Every operator that holds or held a role on a candidacy: who may see it. */
export interface CandidacyOperatorsTable {
  candidacy_id: string;
  operator_id: string;
  role: string;
  since: CreatedAt;
}

/** A change of responsible operator: along the path (phase) or between peers (transfer). */
export interface HandoffsTable {
  candidacy_id: string;
  seq: number;
  kind: 'phase' | 'transfer';
  role: string;
  from_operator_id: string;
  to_operator_id: string;
  reason: string;
  status: 'pending' | 'accepted' | 'escalated';
  requested_at: Timestamp;
  due_at: Timestamp | null;
  accepted_at: Timestamp | null;
  escalated_at: Timestamp | null;
}

export interface Database {
  projects: ProjectsTable;
  operators: OperatorsTable;
  project_operators: ProjectOperatorsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  certifications: CertificationsTable;
  skill_blocks: SkillBlocksTable;
  project_certifications: ProjectCertificationsTable;
  jury_members: JuryMembersTable;
  candidates: CandidatesTable;
  candidacies: CandidaciesTable;
  candidacy_events: CandidacyEventsTable;
  email_log: EmailLogTable;
  candidacy_operators: CandidacyOperatorsTable;
  handoffs: HandoffsTable;
}

export type CandidacyRow = Selectable<CandidaciesTable>;
export type NewCandidacy = Insertable<CandidaciesTable>;
export type CandidateRow = Selectable<CandidatesTable>;
