import { sql, type Kysely } from 'kysely';
import { personKey } from '../../db/person.js';
import type { Database } from '../../db/schema.js';
import type { TargetScope } from '../../domain/candidacy/journal-events.js';
import { TERMINAL_PHASES, type Phase } from '../../domain/phases.js';

/**
 * What the indicators know of each candidacy, read in one SQL pass over the journal
 * (`candidacy_events`, its indicator columns and payloads), the read model and the hand-offs:
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
  validated_blocks: number | null;
  certification_obtained: boolean;
  last_outcome: string | null;
  last_phase: string;
  closed_at: number | null;
  jury_modality: string | null;
  waiting: Record<string, [number, number]> | null;
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

export async function loadCandidacyFacts(db: Kysely<Database>, f: CohortFilter): Promise<CandidacyFacts[]> {
  const asOf = f.asOf.toISOString();
  const result = await sql<FactsRow>`
    with cohort as (
      select c.id, c.arm, c.reinforced, c.advice_operator_id, c.rncp_code, c.target_blocks, c.next_deadline,
        c.candidate_id, p.birth_year, p.qualification_level, p.job_situation, ${personKey(sql.ref('p.email'))} as person
      from candidacies c join candidates p on p.id = c.candidate_id
      where c.project_id = ${f.projectId} and c.started
    ),
    ev as (
      select e.candidacy_id, e.seq, e.type, e.occurred_at, e.payload, e.phase_after, e.waiting_on_after, e.scope,
        lead(e.occurred_at) over (partition by e.candidacy_id order by e.seq) as next_at
      from candidacy_events e
      where e.candidacy_id in (select id from cohort)
    ),
    per as (
      select candidacy_id,
        min(occurred_at) filter (where type = 'identified') as identified_at,
        min(occurred_at) filter (where type = 'informed') as informed_at,
        min(occurred_at) filter (where type = 'admissibility_requested') as requested_at,
        min(occurred_at) filter (where type = 'admissibility_decided') as decided_at,
        bool_or((payload->>'admissible')::boolean) filter (where type = 'admissibility_decided') as admissible,
        bool_or((payload->>'implicit')::boolean) filter (where type = 'admissibility_decided') as implicit_decision,
        min(occurred_at) filter (where type = 'coach_assigned') as coach_at,
        min(occurred_at) filter (where type = 'validation_file_submitted') as validation_file_at,
        min(occurred_at) filter (
          where type = 'jury_result_recorded' and payload->>'outcome' in ('full', 'partial', 'refused')
        ) as presented_at,
        min(occurred_at) filter (
          where type = 'jury_result_recorded' and jsonb_array_length(coalesce(payload->'validatedBlocks', '[]')) > 0
        ) as blocks_validated_at,
        max(occurred_at) filter (
          where type = 'jury_result_recorded' and jsonb_array_length(coalesce(payload->'validatedBlocks', '[]')) > 0
        ) as last_validation_at,
        coalesce(sum(jsonb_array_length(coalesce(payload->'validatedBlocks', '[]')))
          filter (where type = 'jury_result_recorded'), 0)::int as validated_blocks,
        (array_agg(payload->>'outcome' order by seq desc) filter (where type = 'jury_result_recorded'))[1] as last_outcome,
        (array_agg(payload->>'modality' order by seq desc) filter (where type in ('jury_scheduled', 'jury_rescheduled')))[1]
          as jury_modality,
        (array_agg(phase_after order by seq desc))[1] as last_phase,
        min(occurred_at) filter (where phase_after in (${TERMINAL})) as closed_at,
        (array_agg(scope order by seq desc) filter (where scope is not null))[1] as scope,
        bool_or((payload->>'wholeCertification')::boolean) filter (where type = 'informed') as whole_certification,
        count(*) filter (where type = 'incomplete_file_reminder_sent')::int as r_incomplete,
        count(*) filter (where type = 'inactivity_reminder_sent')::int as r_inactivity,
        count(*) filter (where type = 'jury_reminder_sent')::int as r_jury,
        count(*) filter (where type = 'admissibility_warning_sent')::int as r_warning,
        count(*) filter (where type = 'result_reminder_sent')::int as r_result,
        count(*) filter (where type = 'jury_escalated')::int as r_escalation,
        count(*) filter (where type = 'transfer_requested')::int as t_requested,
        count(*) filter (where type = 'transfer_accepted')::int as t_accepted,
        count(*) filter (where type = 'transfer_escalated')::int as t_escalated,
        count(*) filter (where type = 'jury_deadline_missed')::int as jury_missed
      from ev group by candidacy_id
    ),
    intervals as (
      select candidacy_id, phase_after, waiting_on_after,
        greatest(0, extract(epoch from (
          coalesce(next_at, case when phase_after in (${TERMINAL}) then occurred_at else ${asOf}::timestamptz end)
          - occurred_at)) * 1000) as span
      from ev where phase_after is not null
    ),
    by_phase as (
      select candidacy_id, phase_after,
        coalesce(sum(span) filter (where waiting_on_after = 'candidate'), 0) as candidate_ms,
        coalesce(sum(span) filter (where waiting_on_after like '%:%'), 0) as operator_ms
      from intervals group by candidacy_id, phase_after
    ),
    waiting as (
      select candidacy_id,
        jsonb_object_agg(phase_after, jsonb_build_array(candidate_ms::float8, operator_ms::float8)) as waiting
      from by_phase group by candidacy_id
    ),
    handoffs as (
      select candidacy_id, count(*)::int as phase_handoffs
      from handoffs where kind = 'phase' and candidacy_id in (select id from cohort)
      group by candidacy_id
    )
    select c.id, c.arm, c.reinforced,
      case when per.whole_certification then 'whole_certification' else per.scope end as scope,
      coalesce(cardinality(c.target_blocks), 0) as target_count,
      c.advice_operator_id, c.rncp_code, c.birth_year, c.qualification_level, c.job_situation,
      to_char(per.identified_at at time zone 'Europe/Paris', 'YYYY-MM') as period,
      ${ms('per.identified_at')} as identified_at, ${ms('per.informed_at')} as informed_at,
      ${ms('per.requested_at')} as requested_at, ${ms('per.decided_at')} as decided_at,
      per.admissible, per.implicit_decision,
      ${ms('per.coach_at')} as coach_at, ${ms('per.validation_file_at')} as validation_file_at,
      ${ms('per.presented_at')} as presented_at, ${ms('per.blocks_validated_at')} as blocks_validated_at,
      per.validated_blocks, per.last_outcome, per.last_phase, ${ms('per.closed_at')} as closed_at, per.jury_modality,
      coalesce(per.last_validation_at is not null and not exists (
        select 1 from skill_blocks sb
        where sb.rncp_code = c.rncp_code and not exists (
          select 1 from acquired_blocks a join candidates q on q.id = a.candidate_id
          where ${personKey(sql.ref('q.email'))} = c.person and a.rncp_code = sb.rncp_code
            and a.block_code = sb.block_code and a.acquired_at <= per.last_validation_at)
      ), false) as certification_obtained,
      w.waiting,
      per.r_incomplete, per.r_inactivity, per.r_jury, per.r_warning, per.r_result, per.r_escalation,
      per.t_requested, per.t_accepted, per.t_escalated, per.jury_missed,
      coalesce(h.phase_handoffs, 0) as phase_handoffs,
      (per.last_phase not in (${TERMINAL}) and c.next_deadline is not null
        and c.next_deadline < ${asOf}::timestamptz) as overdue
    from cohort c
    join per on per.candidacy_id = c.id
    left join waiting w on w.candidacy_id = c.id
    left join handoffs h on h.candidacy_id = c.id
    where per.identified_at is not null
      and (${f.from ?? null}::date is null or (per.identified_at at time zone 'Europe/Paris')::date >= ${f.from ?? null}::date)
      and (${f.to ?? null}::date is null or (per.identified_at at time zone 'Europe/Paris')::date <= ${f.to ?? null}::date)
    order by c.id
  `.execute(db);
  return result.rows.map(toFacts);
}

const SCOPES: readonly TargetScope[] = ['one_block', 'several_blocks', 'whole_certification'];

function toFacts(r: FactsRow): CandidacyFacts {
  const phase = r.last_phase as Phase;
  const closed = TERMINAL_PHASES.includes(phase);
  const scope: TargetScope = SCOPES.includes(r.scope as TargetScope)
    ? (r.scope as TargetScope)
    : r.target_count <= 1
      ? 'one_block'
      : 'several_blocks';
  const waiting: CandidacyFacts['waiting'] = {};
  for (const [p, [candidateMs, operatorMs]] of Object.entries(r.waiting ?? {})) {
    waiting[p] = { candidateMs, operatorMs };
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
    validatedBlocks: r.validated_blocks ?? 0,
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
