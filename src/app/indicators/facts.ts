import { sql, type Kysely } from 'kysely';
import { refreshCandidacyFactsInBatches } from '../../db/candidacy-facts.js';
import type { Database } from '../../db/schema.js';
import type { TargetScope } from '../../domain/candidacy/journal-events.js';
import { TERMINAL_PHASES, type Phase } from '../../domain/phases.js';

/**
 * What the indicators know of each candidacy, read from the summary of its journal, hand-offs
 * and acquired blocks (`candidacy_facts`, src/db/candidacy-facts.ts) and the read model:
 * when it reached each step, how it ended, how long it waited on whom, its reminders and
 * transfers. Instants are epoch milliseconds. Personal data stay out, except what the
 * pseudonymised export needs (birth year, qualification, job situation), never a name or contact.
 */
export interface CandidacyFacts {
  /** Internal only: the key of jury facts and of the export's pseudonym, never an output. */
  id: string;
  arm: string;
  reinforced: boolean;
  scope: TargetScope;
  adviceOperatorId: string | null;
  /** Month of identification, Europe/Paris: 2027-01. */
  period: string;
  rncpCode: string;
  targetedBlocks: number;
  birthYear: number;
  qualificationLevel: string;
  jobSituation: string;

  identifiedAt: number;
  informedAt: number | null;
  requestedAt: number | null;
  decidedAt: number | null;
  /** The admissibility decision: null without one. */
  admissible: boolean | null;
  implicitDecision: boolean | null;
  coachAssignedAt: number | null;
  validationFileAt: number | null;
  /** First jury result where the candidate was examined (full, partial or refused). */
  presentedAt: number | null;
  blocksValidatedAt: number | null;
  validatedBlocks: number;
  /** Every block of the certification is now held by the person (this candidacy's and before). */
  certificationObtained: boolean;
  lastOutcome: string | null;
  /** The phase after the last event. */
  phase: Phase;
  /** When the candidacy reached a terminal phase; null while open. */
  closedAt: number | null;
  juryRemote: boolean | null;

  /** Milliseconds waiting on the candidate and on operators, by phase (from waiting_on_after). */
  waiting: Record<string, { candidateMs: number; operatorMs: number }>;
  reminders: {
    incompleteFile: number;
    inactivity: number;
    jury: number;
    admissibilityWarning: number;
    result: number;
    juryEscalation: number;
  };
  transfersRequested: number;
  transfersAccepted: number;
  transfersEscalated: number;
  phaseHandoffs: number;
  juryDeadlineMissed: number;
  /** Open, with a running deadline already past at `asOf`. */
  overdue: boolean;
}

export interface CohortFilter {
  projectId: string;
  /** Identified on or after this Paris day (YYYY-MM-DD). */
  from?: string | undefined;
  /** Identified on or before this Paris day. */
  to?: string | undefined;
  asOf: Date;
}

interface FactsRow {
  id: string;
  arm: string;
  reinforced: boolean;
  scope: string | null;
  target_count: number;
  advice_operator_id: string | null;
  period: string;
  rncp_code: string;
  birth_year: number;
  qualification_level: string;
  job_situation: string;
  identified_at: number;
  informed_at: number | null;
  requested_at: number | null;
  decided_at: number | null;
  admissible: boolean | null;
  implicit_decision: boolean | null;
  coach_at: number | null;
  validation_file_at: number | null;
  presented_at: number | null;
  blocks_validated_at: number | null;
  validated_blocks: number;
  certification_obtained: boolean;
  last_outcome: string | null;
  last_phase: string;
  last_waiting_on: string | null;
  last_at: number;
  closed_at: number | null;
  jury_modality: string | null;
  waiting: Record<string, [number, number]>;
  r_incomplete: number;
  r_inactivity: number;
  r_jury: number;
  r_warning: number;
  r_result: number;
  r_escalation: number;
  t_requested: number;
  t_accepted: number;
  t_escalated: number;
  jury_missed: number;
  phase_handoffs: number;
  overdue: boolean;
}

const TERMINAL = sql.join(TERMINAL_PHASES.map((p) => sql.lit(p)));
const ms = (column: string) => sql`(extract(epoch from ${sql.ref(column)}) * 1000)::float8`;

/**
 * The cohort's facts: one summary row per candidacy (src/db/candidacy-facts.ts), joined to the
 * candidacy's current arm, public, operator and profile. The same scan finds the rows behind their
 * journal (missing, or older than `last_seq`): those are rebuilt, then read again.
 */
export async function loadCandidacyFacts(db: Kysely<Database>, f: CohortFilter): Promise<CandidacyFacts[]> {
  let rows = await readFacts(db, f);
  const stale = rows.filter((r) => r.stale).map((r) => r.id);
  if (stale.length > 0) {
    await refreshCandidacyFactsInBatches(db, stale);
    rows = await readFacts(db, f);
  }
  const at = f.asOf.getTime();
  // Sorted here rather than in SQL, where 100,000 rows spill the sort to disk: ids are lowercase
  // uuids, so the order is PostgreSQL's.
  return rows
    .filter((r) => !r.stale)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => toFacts(r, at));
}

async function readFacts(db: Kysely<Database>, f: CohortFilter): Promise<(FactsRow & { stale: boolean })[]> {
  const asOf = f.asOf.toISOString();
  const parisDay = sql`(f.identified_at at time zone 'Europe/Paris')::date`;
  const result = await sql<FactsRow & { stale: boolean }>`
    select c.id, c.arm, c.reinforced, f.scope,
      coalesce(cardinality(c.target_blocks), 0) as target_count,
      c.advice_operator_id, c.rncp_code, p.birth_year, p.qualification_level, p.job_situation,
      to_char(f.identified_at at time zone 'Europe/Paris', 'YYYY-MM') as period,
      ${ms('f.identified_at')} as identified_at, ${ms('f.informed_at')} as informed_at,
      ${ms('f.requested_at')} as requested_at, ${ms('f.decided_at')} as decided_at,
      f.admissible, f.implicit_decision,
      ${ms('f.coach_at')} as coach_at, ${ms('f.validation_file_at')} as validation_file_at,
      ${ms('f.presented_at')} as presented_at, ${ms('f.blocks_validated_at')} as blocks_validated_at,
      f.validated_blocks, f.certification_obtained, f.last_outcome, f.last_phase, f.last_waiting_on,
      ${ms('f.last_at')} as last_at, ${ms('f.closed_at')} as closed_at, f.jury_modality, f.waiting,
      f.r_incomplete, f.r_inactivity, f.r_jury, f.r_warning, f.r_result, f.r_escalation,
      f.t_requested, f.t_accepted, f.t_escalated, f.jury_missed, f.phase_handoffs,
      (f.last_phase not in (${TERMINAL}) and c.next_deadline is not null
        and c.next_deadline < ${asOf}::timestamptz) as overdue,
      (f.candidacy_id is null or f.through_seq < c.last_seq) as stale
    from candidacies c
    join candidates p on p.id = c.candidate_id
    left join candidacy_facts f on f.candidacy_id = c.id
    where c.project_id = ${f.projectId} and c.started and c.last_seq > 0
      and (f.candidacy_id is null or f.through_seq < c.last_seq or (
        f.identified_at is not null
        and (${f.from ?? null}::date is null or ${parisDay} >= ${f.from ?? null}::date)
        and (${f.to ?? null}::date is null or ${parisDay} <= ${f.to ?? null}::date)))
  `.execute(db);
  return result.rows;
}

const SCOPES: readonly TargetScope[] = ['one_block', 'several_blocks', 'whole_certification'];

function toFacts(r: FactsRow, asOf: number): CandidacyFacts {
  const phase = r.last_phase as Phase;
  const closed = TERMINAL_PHASES.includes(phase);
  const scope: TargetScope = SCOPES.includes(r.scope as TargetScope)
    ? (r.scope as TargetScope)
    : r.target_count <= 1
      ? 'one_block'
      : 'several_blocks';
  const waiting: CandidacyFacts['waiting'] = {};
  for (const [p, [candidateMs, operatorMs]] of Object.entries(r.waiting)) {
    waiting[p] = { candidateMs, operatorMs };
  }
  // The last event's interval runs up to asOf while the candidacy is open.
  const running = waiting[r.last_phase];
  if (!closed && running) {
    const span = Math.max(0, asOf - r.last_at);
    if (r.last_waiting_on === 'candidate') running.candidateMs += span;
    else if (r.last_waiting_on?.includes(':')) running.operatorMs += span;
  }
  return {
    id: r.id,
    arm: r.arm,
    reinforced: r.reinforced,
    scope,
    adviceOperatorId: r.advice_operator_id,
    period: r.period,
    rncpCode: r.rncp_code,
    targetedBlocks: r.target_count,
    birthYear: r.birth_year,
    qualificationLevel: r.qualification_level,
    jobSituation: r.job_situation,
    identifiedAt: r.identified_at,
    informedAt: r.informed_at,
    requestedAt: r.requested_at,
    decidedAt: r.decided_at,
    admissible: r.admissible,
    implicitDecision: r.implicit_decision,
    coachAssignedAt: r.coach_at,
    validationFileAt: r.validation_file_at,
    presentedAt: r.presented_at,
    blocksValidatedAt: r.blocks_validated_at,
    validatedBlocks: r.validated_blocks,
    certificationObtained: r.certification_obtained,
    lastOutcome: r.last_outcome,
    phase,
    closedAt: closed ? r.closed_at : null,
    juryRemote: r.jury_modality === null ? null : r.jury_modality === 'remote',
    waiting,
    reminders: {
      incompleteFile: r.r_incomplete,
      inactivity: r.r_inactivity,
      jury: r.r_jury,
      admissibilityWarning: r.r_warning,
      result: r.r_result,
      juryEscalation: r.r_escalation,
    },
    transfersRequested: r.t_requested,
    transfersAccepted: r.t_accepted,
    transfersEscalated: r.t_escalated,
    phaseHandoffs: r.phase_handoffs,
    juryDeadlineMissed: r.jury_missed,
    overdue: r.overdue,
  };
}
