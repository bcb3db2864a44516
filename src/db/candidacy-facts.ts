import { sql, type ColumnType, type Kysely } from 'kysely';
import { personKey } from './person.js';
import type { Database } from './schema.js';
import { TERMINAL_PHASES } from '../domain/phases.js';

/**
 * The indicators' summary of each candidacy (`candidacy_facts`, migration 0016): what its journal
 * says once aggregated — when it reached each step, how it ended, its reminders and transfers,
 * the time it waited on the candidate and on operators per phase. Aggregating a whole project's
 * journal at each request does not scale (1.3 M rows for 100,000 candidacies: 26 s), so the row is
 * kept up to date in the journal's own transaction (src/activities/journal.ts) and the indicators
 * read one row per candidacy.
 *
 * This file is the one definition of that aggregate. What depends on the instant of the request
 * stays out of the row and is added when it is read (src/app/indicators/facts.ts): the time in the
 * last, still running phase (`last_at`, `last_phase`, `last_waiting_on`) and overdue deadlines.
 * `through_seq` is the last journal sequence aggregated; a row behind its candidacy's `last_seq`
 * (written by an older worker, or before the migration) is refreshed before it is read.
 */

const TERMINAL = sql.join(TERMINAL_PHASES.map((p) => sql.lit(p)));

/** Candidacies per statement when many are refreshed: each batch stays far below the statement timeout. */
const BATCH = 2_000;

/** Recomputes the summary rows of these candidacies from their journal (idempotent). */
export async function refreshCandidacyFacts(
  db: Kysely<Database>,
  candidacyIds: readonly string[],
): Promise<void> {
  if (candidacyIds.length === 0) return;
  await sql`
    with target as (
      select c.id, c.rncp_code, ${personKey(sql.ref('p.email'))} as person
      from candidacies c join candidates p on p.id = c.candidate_id
      where c.id = any(${[...candidacyIds]}::uuid[])
    ),
    ev as (
      select e.candidacy_id, e.seq, e.type, e.occurred_at, e.payload, e.phase_after, e.waiting_on_after, e.scope,
        lead(e.occurred_at) over (partition by e.candidacy_id order by e.seq) as next_at
      from candidacy_events e
      where e.candidacy_id in (select id from target)
    ),
    per as (
      select candidacy_id,
        max(seq) as through_seq,
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
        (array_agg(waiting_on_after order by seq desc))[1] as last_waiting_on,
        max(occurred_at) filter (where next_at is null) as last_at,
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
    -- The time between an event and the next one, in the phase and waiting on whom the event left;
    -- the last event's interval is still running, so it is 0 here and the reader adds it.
    intervals as (
      select candidacy_id, phase_after, waiting_on_after,
        greatest(0, extract(epoch from (coalesce(next_at, occurred_at) - occurred_at)) * 1000) as span
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
      from handoffs where kind = 'phase' and candidacy_id in (select id from target)
      group by candidacy_id
    )
    insert into candidacy_facts (
      candidacy_id, through_seq, identified_at, informed_at, requested_at, decided_at, admissible,
      implicit_decision, coach_at, validation_file_at, presented_at, blocks_validated_at, validated_blocks,
      certification_obtained, last_outcome, jury_modality, last_phase, last_waiting_on, last_at, closed_at,
      scope, waiting, r_incomplete, r_inactivity, r_jury, r_warning, r_result, r_escalation,
      t_requested, t_accepted, t_escalated, jury_missed, phase_handoffs, refreshed_at
    )
    select t.id, per.through_seq, per.identified_at, per.informed_at, per.requested_at, per.decided_at,
      per.admissible, per.implicit_decision, per.coach_at, per.validation_file_at, per.presented_at,
      per.blocks_validated_at, per.validated_blocks,
      -- Every block of the certification held by the person at this candidacy's last validation.
      coalesce(per.last_validation_at is not null and not exists (
        select 1 from skill_blocks sb
        where sb.rncp_code = t.rncp_code and not exists (
          select 1 from acquired_blocks a join candidates q on q.id = a.candidate_id
          where ${personKey(sql.ref('q.email'))} = t.person and a.rncp_code = sb.rncp_code
            and a.block_code = sb.block_code and a.acquired_at <= per.last_validation_at)
      ), false),
      per.last_outcome, per.jury_modality, per.last_phase, per.last_waiting_on, per.last_at,
      case when per.last_phase in (${TERMINAL}) then per.closed_at end,
      case when per.whole_certification then 'whole_certification' else per.scope end,
      coalesce(w.waiting, '{}'::jsonb),
      per.r_incomplete, per.r_inactivity, per.r_jury, per.r_warning, per.r_result, per.r_escalation,
      per.t_requested, per.t_accepted, per.t_escalated, per.jury_missed, coalesce(h.phase_handoffs, 0), now()
    from target t
    join per on per.candidacy_id = t.id
    left join waiting w on w.candidacy_id = t.id
    left join handoffs h on h.candidacy_id = t.id
    on conflict (candidacy_id) do update set
      through_seq = excluded.through_seq, identified_at = excluded.identified_at,
      informed_at = excluded.informed_at, requested_at = excluded.requested_at,
      decided_at = excluded.decided_at, admissible = excluded.admissible,
      implicit_decision = excluded.implicit_decision, coach_at = excluded.coach_at,
      validation_file_at = excluded.validation_file_at, presented_at = excluded.presented_at,
      blocks_validated_at = excluded.blocks_validated_at, validated_blocks = excluded.validated_blocks,
      certification_obtained = excluded.certification_obtained, last_outcome = excluded.last_outcome,
      jury_modality = excluded.jury_modality, last_phase = excluded.last_phase,
      last_waiting_on = excluded.last_waiting_on, last_at = excluded.last_at, closed_at = excluded.closed_at,
      scope = excluded.scope, waiting = excluded.waiting, r_incomplete = excluded.r_incomplete,
      r_inactivity = excluded.r_inactivity, r_jury = excluded.r_jury, r_warning = excluded.r_warning,
      r_result = excluded.r_result, r_escalation = excluded.r_escalation, t_requested = excluded.t_requested,
      t_accepted = excluded.t_accepted, t_escalated = excluded.t_escalated, jury_missed = excluded.jury_missed,
      phase_handoffs = excluded.phase_handoffs, refreshed_at = excluded.refreshed_at
    -- A refresh that read an older journal (a concurrent one committed after it began) never wins.
    where candidacy_facts.through_seq <= excluded.through_seq
  `.execute(db);
}

/**
 * Refreshes the rows behind their candidacy's journal (missing, or `through_seq` below `last_seq`),
 * in batches; all of a project's, or every project's. Returns how many candidacies were refreshed.
 */
export async function refreshStaleCandidacyFacts(db: Kysely<Database>, projectId?: string): Promise<number> {
  const stale = await db
    .selectFrom('candidacies as c')
    .leftJoin('candidacy_facts as f', 'f.candidacy_id', 'c.id')
    .select('c.id')
    .where('c.last_seq', '>', 0)
    .$if(projectId !== undefined, (q) => q.where('c.project_id', '=', projectId!))
    .where((eb) => eb.or([eb('f.candidacy_id', 'is', null), eb('f.through_seq', '<', eb.ref('c.last_seq'))]))
    .orderBy('c.id')
    .execute();
  await refreshCandidacyFactsInBatches(
    db,
    stale.map((r) => r.id),
  );
  return stale.length;
}

/** `refreshCandidacyFacts` for many candidacies, a batch per statement. */
export async function refreshCandidacyFactsInBatches(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) await refreshCandidacyFacts(db, ids.slice(i, i + BATCH));
}

type Instant = ColumnType<Date | null, Date | string | null, Date | string | null>;

/** `candidacy_facts`: written only by `refreshCandidacyFacts`, read by the indicators. */
export interface CandidacyFactsTable {
  candidacy_id: string;
  through_seq: number;
  identified_at: Instant;
  informed_at: Instant;
  requested_at: Instant;
  decided_at: Instant;
  admissible: boolean | null;
  implicit_decision: boolean | null;
  coach_at: Instant;
  validation_file_at: Instant;
  presented_at: Instant;
  blocks_validated_at: Instant;
  validated_blocks: number;
  certification_obtained: boolean;
  last_outcome: string | null;
  jury_modality: string | null;
  /** The phase and who must act after the last event, and its instant: the running interval. */
  last_phase: string | null;
  last_waiting_on: string | null;
  last_at: Instant;
  /** When a terminal phase was reached, if the candidacy is in one. */
  closed_at: Instant;
  scope: string | null;
  /** Milliseconds waiting on the candidate and on operators per phase, the running interval excluded. */
  waiting: ColumnType<Record<string, [number, number]>, string, string>;
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
  refreshed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
