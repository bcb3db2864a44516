import { sql, type Kysely } from 'kysely';

/**
 * The journal's indicator columns (issue 9, typed journal): after each event, the phase and
 * who must act, and the candidacy's arm, public (reinforced) and scope (one block, several,
 * the whole certification), so indicators are SQL over the journal without reading payloads.
 *
 * Backfill of rows written before: arm and the last row's waiting-on are exact (from the
 * candidacy); the phase after each event is derived from its type (carried forward for events
 * that do not change it); reinforced and scope are the candidacy's values at migration time
 * (they only change at `record-information`); waiting-on of earlier rows follows the phase.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('candidacy_events')
    .addColumn('phase_after', 'text')
    .addColumn('waiting_on_after', 'text')
    .addColumn('arm', 'text')
    .addColumn('reinforced', 'boolean')
    .addColumn('scope', 'text')
    .execute();

  await sql`
    update candidacy_events e set phase_after = case e.type
      when 'identified' then 'identified'
      when 'informed' then 'informed'
      when 'admissibility_requested' then 'admissibility_requested'
      when 'admissibility_file_completed' then 'admissibility_requested'
      when 'admissibility_incomplete' then 'admissibility_incomplete'
      when 'admissibility_decided' then
        case when (e.payload->>'admissible')::boolean then 'admissible' else 'not_admissible' end
      when 'admissibility_request_lapsed' then 'admissibility_lapsed'
      when 'coach_assigned' then 'coaching'
      when 'abandonment_contested' then 'coaching'
      when 'abandonment_proposed' then 'abandonment_proposed'
      when 'abandoned' then 'abandoned'
      when 'validation_file_submitted' then 'validation_file_submitted'
      when 'jury_scheduled' then 'jury_scheduled'
      when 'jury_rescheduled' then 'jury_scheduled'
      when 'jury_held' then 'jury_held'
      when 'jury_result_recorded' then
        case when e.payload->>'outcome' = 'excused' then 'validation_file_submitted' else 'result' end
      when 'withdrawn' then 'withdrawn'
      when 'archived' then 'archived'
      else null end
  `.execute(db);
  // Events that change no phase (reminders, sessions, transfers…) keep the one before them.
  await sql`
    update candidacy_events e set phase_after = coalesce(
      (select p.phase_after from candidacy_events p
        where p.candidacy_id = e.candidacy_id and p.seq < e.seq and p.phase_after is not null
        order by p.seq desc limit 1),
      'identified')
    where e.phase_after is null
  `.execute(db);
  await sql`
    update candidacy_events e set
      arm = c.arm,
      reinforced = c.reinforced,
      scope = case
        when exists (select 1 from candidacy_events i where i.candidacy_id = c.id and i.type = 'informed'
                     and (i.payload->>'wholeCertification')::boolean) then 'whole_certification'
        when coalesce(array_length(c.target_blocks, 1), 0) <= 1 then 'one_block'
        else 'several_blocks' end,
      waiting_on_after = case
        when e.seq = c.last_seq then c.waiting_on
        when e.phase_after in ('admissibility_requested', 'validation_file_submitted', 'jury_held')
          then 'certifier:' || c.certifier_operator_id
        when e.phase_after in ('admissibility_incomplete', 'coaching', 'abandonment_proposed', 'jury_scheduled')
          then 'candidate'
        when e.phase_after in ('not_admissible', 'admissibility_lapsed', 'result', 'withdrawn', 'abandoned', 'archived')
          then 'nobody'
        else 'advice:' || c.advice_operator_id end
    from candidacies c where c.id = e.candidacy_id
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('candidacy_events')
    .dropColumn('phase_after')
    .dropColumn('waiting_on_after')
    .dropColumn('arm')
    .dropColumn('reinforced')
    .dropColumn('scope')
    .execute();
}
