import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { PoolMember, Qualification } from '../domain/jury/types.js';
import type { Phase } from '../domain/phases.js';
import type { ProjectPolicySettings } from '../domain/policy.js';
import type { JurySessionTables } from './jury-session-schema.js';
import type { WebTables } from './web-schema.js';
import type { ExperimentSecretsTable } from './experiment-secrets.js';
import type { ExperimentTables } from './experiment-schema.js';
import type { CandidacyFactsTable } from './candidacy-facts.js';

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
  /** Set by POST /api/projects (migration 0007): who created it, and its Idempotency-Key. */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
  request_hash: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Every change of a project's policy (append-only): who, when, the settings before and after. */
export interface PolicyChangesTable {
  id: string;
  project_id: string;
  changed_by: string;
  changed_at: CreatedAt;
  before: Json<ProjectPolicySettings>;
  after: Json<ProjectPolicySettings>;
  changed_keys: ColumnType<string[], string[], never>;
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
  /** The operator whose pool the member belongs to (the jury organiser's). */
  operator_id: string;
  /** The certifications of `qualifications`, derived from it on every write (for filters). */
  rncp_codes: ColumnType<string[], string[], string[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** Pool attributes (migration 0009), the shape of `PoolMember` in src/domain/jury/types.ts. */
  qualifications: ColumnType<Qualification[], string | undefined, string>;
  tie_employers: ColumnType<string[], string[] | undefined, string[]>;
  tie_operator_ids: ColumnType<string[], string[] | undefined, string[]>;
  tie_user_ids: ColumnType<string[], string[] | undefined, string[]>;
  availability: ColumnType<PoolMember['availability'], string | undefined, string>;
  remote: Generated<boolean>;
  /** Null only for members written before migration 0009. */
  home_departement: string | null;
  /** Euro cents. */
  fee_cents: Generated<number>;
  /** Euro cents, for an on-site session outside the home département. */
  travel_cents: Generated<number>;
  yearly_cap: Generated<number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
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
  /** Employer, for conflicts of interest in jury composition (personal data: never in workflows). */
  employer: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** Indicator columns (migration 0008): the phase and who must act after the event. */
  phase_after: string | null;
  waiting_on_after: string | null;
  arm: string | null;
  reinforced: boolean | null;
  /** one_block, several_blocks or whole_certification. */
  scope: string | null;
}

/**
 * One row per e-mail, keyed so a retried activity never sends twice: pending → sending → sent, or
 * failed when it can never be sent (migration 0006); an action's outbox e-mail is 'held' until the
 * Update that decided it is confirmed (migration 0017).
 */
export interface EmailLogTable {
  idempotency_key: string;
  candidacy_id: string | null;
  /** The jury session of a member's or organiser's e-mail (migration 0010). */
  session_id: Generated<string | null>;
  template: string;
  recipient_kind: string;
  /** Null on a failure row whose recipient could not be found. */
  to_address: string | null;
  status: string;
  message_id: string | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  /** When an attempt took the e-mail for sending ('sending'); a stale claim may be retaken. */
  claimed_at: Timestamp | null;
  sent_at: Timestamp | null;
  /** A permanent failure ('failed'): unknown_template, unknown_recipient or invalid_template_data. */
  failure_code: string | null;
  /** Why, in French, without personal data (shown to the project lead). */
  failure_reason: string | null;
  failed_at: Timestamp | null;
  /**
   * Migration 0017, the outbox: what the relay sends (null on the e-mail activities' rows), the
   * journal event and workflow task that wrote it, and when the relay may try it again.
   */
  request: ColumnType<OutboxRequest | null, string | null | undefined, string | null>;
  seq: Generated<number | null>;
  task: Generated<number | null>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** An outbox e-mail's payload: IDs and template data only, as in the workflow's history. */
export interface OutboxRequest {
  workflowId: string;
  recipient: { kind: string; [id: string]: string };
  data: Record<string, unknown>;
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

/**
 * One admissibility request per candidacy (R. 6412-3, the yearly limit), written with the check under
 * a per-candidate lock; the candidate is the lower-cased e-mail, the year the Europe/Paris one.
 */
export interface AdmissibilityRequestsTable {
  candidacy_id: string;
  candidate_key: string;
  rncp_code: string;
  whole_certification: boolean;
  year: number;
  /** When the request was made (the instant its year is taken from). */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Blocks validated by a jury: acquired for good, per candidate and certification. */
export interface AcquiredBlocksTable {
  candidate_id: string;
  rncp_code: string;
  block_code: string;
  /** The candidacy whose jury validated the block. */
  candidacy_id: string;
  acquired_at: Timestamp;
}

export interface Database extends JurySessionTables, WebTables, ExperimentTables {
  experiment_secrets: ExperimentSecretsTable;
  projects: ProjectsTable;
  policy_changes: PolicyChangesTable;
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
  admissibility_requests: AdmissibilityRequestsTable;
  acquired_blocks: AcquiredBlocksTable;
  candidacy_facts: CandidacyFactsTable;
}

export type CandidacyRow = Selectable<CandidaciesTable>;
export type NewCandidacy = Insertable<CandidaciesTable>;
export type CandidateRow = Selectable<CandidatesTable>;
