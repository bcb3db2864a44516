/**
 * `npm run bench -- --indicators N` (issue 12): the indicators and the dashboard of one project holding
 * N synthetic candidacies (about 15 journal rows each), target p95 ≤ 1 s.
 *
 * The stack of stack.ts runs (embedded PostgreSQL, Temporal, worker, API: the API needs Temporal to
 * start); the candidacies are written straight into PostgreSQL with set-based SQL (no workflows): their
 * candidates, operators, journal (`candidacy_events` with the indicator columns filled as the journal
 * activity fills them), hand-offs, jury sessions with members, candidates and costs, and acquired blocks.
 * Then each route is requested one at a time (the cases interleaved, after 2 unmeasured rounds): the
 * indicators in JSON, CSV, by arm and by operator, the evaluators' export, and the console's dashboard.
 * With the target missed (or --profile), EXPLAIN (ANALYZE, BUFFERS) of the indicators' queries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { computeIndicators } from '../../src/app/indicators/compute.js';
import { loadCandidacyFacts } from '../../src/app/indicators/facts.js';
import { loadJurySessions } from '../../src/app/indicators/jury-costs.js';
import { refreshCandidacyFacts, refreshStaleCandidacyFacts } from '../../src/db/candidacy-facts.js';
import { DEMO } from '../../src/db/demo-data.js';
import type { Database } from '../../src/db/schema.js';
import { SESSION_COOKIE } from '../../src/web/auth/session-cookie.js';
import { createWebSession } from '../../src/web/auth/sessions.js';
import { SECOND_ADVICE_OPERATOR } from '../../test/support/projects.js';
import { TEMPORAL_SERVER_VERSION } from '../temporal-postgres/binaries.js';
import { latencyStats, type LatencyStats } from './load.js';
import { note } from './progress.js';
import { startShared, startStack, type BenchStack, type Persistence, type Shared } from './stack.js';
import { machineFacts } from './machine.js';

export const TARGET_INDICATORS_P95_MS = 1000;

export interface IndicatorsCommand {
  persistence: Persistence;
  candidacies: number;
  samples: number;
  profile: boolean;
  out: string;
  keep: boolean;
  argv: string[];
}

interface Loaded {
  candidacies: number;
  journalRows: number;
  handoffs: number;
  jurySessions: number;
  juryCandidates: number;
  loadS: number;
  analyzeS: number;
  dbBytes: number;
  journalBytes: number;
  eventsPerCandidacy: number;
}

/** The per-candidacy summary (src/db/candidacy-facts.ts): building it for the loaded journal, and its cost per event. */
interface Summary {
  /** Rows built from the journal, as migration 0016 does for an existing database. */
  rows: number;
  backfillS: number;
  bytes: number;
  /** One candidacy's refresh, as the journal activity runs it in each event's transaction. */
  refreshPerEvent: LatencyStats;
}

/** Where a request's time goes, measured in this process: reading the facts (SQL and rows), then the whole computation. */
interface InProcess {
  loadFactsMs: LatencyStats;
  computeIndicatorsMs: LatencyStats;
}

async function inProcess(db: Kysely<Database>, projectId: string, samples: number): Promise<InProcess> {
  const load: number[] = [];
  const whole: number[] = [];
  for (let i = -1; i < samples; i++) {
    let t = performance.now();
    await loadCandidacyFacts(db, { projectId, asOf: new Date() });
    if (i >= 0) load.push(performance.now() - t);
    t = performance.now();
    await computeIndicators(db, { projectId });
    if (i >= 0) whole.push(performance.now() - t);
  }
  return { loadFactsMs: latencyStats(load), computeIndicatorsMs: latencyStats(whole) };
}

async function buildSummary(db: Kysely<Database>, projectId: string): Promise<Summary> {
  const t0 = performance.now();
  const rows = await refreshStaleCandidacyFacts(db, projectId);
  const backfillS = Math.round((performance.now() - t0) / 100) / 10;
  await sql`ANALYZE candidacy_facts`.execute(db);
  const sample = await sql<{ id: string }>`
    select id from candidacies where project_id = ${projectId} order by md5(id::text) limit 200
  `.execute(db);
  const lat: number[] = [];
  for (const { id } of sample.rows) {
    const t = performance.now();
    await refreshCandidacyFacts(db, [id]);
    lat.push(performance.now() - t);
  }
  const bytes = await sql<{ b: string }>`select pg_total_relation_size('candidacy_facts') as b`.execute(db);
  return { rows, backfillS, bytes: Number(bytes.rows[0]!.b), refreshPerEvent: latencyStats(lat) };
}

interface CaseResult extends LatencyStats {
  name: string;
  url: string;
  bytes: number;
  errors: number;
  firstError?: string;
  met: boolean;
}

interface PlanCost {
  query: string;
  executionMs: number;
  planningMs: number;
  top: { node: string; exclusiveMs: number; rows: number; loops: number; buffers: string }[];
}

const OP = {
  advice: DEMO.operators[1].id,
  certifier: DEMO.operators[2].id,
  coaching: DEMO.operators[3].id,
  jury: DEMO.operators[4].id,
};
const ADVISOR_USER = DEMO.users.find((u) => u.role === 'advisor')!.id;
const JURY_ORGANISER_USER = DEMO.users.find((u) => u.role === 'jury_organiser')!.id;
const LEAD = DEMO.users.find((u) => u.role === 'project_lead')!;

/**
 * The synthetic project: N candidacies of `projectId` with their whole journal, in one transaction.
 * Each candidacy draws its arm, public, scope, certification and advice operator, then how far it goes
 * (stopped early, withdrawn, lapsed, not admissible, abandoned, or through the jury to a result) and
 * the delays of each step; events after now are left out, so recent candidacies are still open.
 */
async function load(client: pg.Client, projectId: string, n: number): Promise<Loaded> {
  const t0 = performance.now();
  const q = async (label: string, text: string, values: unknown[] = []) => {
    const t = performance.now();
    const r = await client.query(text, values);
    note(`[bench]   ${label}: ${r.rowCount ?? 0} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return r;
  };
  await client.query('BEGIN');
  await client.query("SET LOCAL work_mem = '256MB'");
  // 1. What each candidacy is and how far it goes, with the instants of its steps.
  await q(
    'plan',
    `CREATE TEMP TABLE ind_plan ON COMMIT DROP AS
     WITH d AS (
       SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS candidate_id,
              random() AS u_path, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5,
              now() - (1 + random() * 900) * interval '1 day' AS t0,
              CASE WHEN random() < 0.5 THEN 'test' ELSE 'control' END AS arm,
              random() < 0.3 AS reinforced,
              CASE WHEN random() < 0.7 THEN 'RNCP35830' ELSE 'RNCP34147' END AS rncp,
              CASE WHEN random() < 0.6 THEN $2::uuid ELSE $3::uuid END AS adv,
              random() AS u_scope
         FROM generate_series(1, $1::int) AS i
     ), s AS (
       SELECT d.*,
              CASE WHEN u_scope < 0.45 THEN 'one_block' WHEN u_scope < 0.8 THEN 'several_blocks'
                   ELSE 'whole_certification' END AS scope
         FROM d
     ), b AS (
       SELECT s.*,
              CASE WHEN scope = 'one_block' THEN ARRAY[rncp || 'BC01']
                   WHEN scope = 'several_blocks' OR rncp = 'RNCP34147' THEN ARRAY[rncp || 'BC01', rncp || 'BC02']
                   ELSE ARRAY[rncp || 'BC01', rncp || 'BC02', rncp || 'BC03'] END AS blocks,
              CASE WHEN u_path < 0.03 THEN 'stop_identified' WHEN u_path < 0.05 THEN 'withdrawn_identified'
                   WHEN u_path < 0.09 THEN 'stop_informed' WHEN u_path < 0.12 THEN 'withdrawn_informed'
                   WHEN u_path < 0.15 THEN 'lapsed' ELSE 'decided' END AS route,
              u2 < 0.2 AS implicit,
              u4 < 0.2 AS incomplete,
              t0 + (1 + u1 * 20) * interval '1 day' AS t_inf
         FROM s
     ), r AS (
       SELECT b.*,
              t_inf + (3 + u2 * 25) * interval '1 day' AS t_req,
              CASE WHEN route <> 'decided' THEN NULL WHEN implicit THEN rncp = 'RNCP35830' ELSE u_path >= 0.22 END
                AS admissible
         FROM b
     ), c AS (
       SELECT r.*,
              CASE WHEN incomplete OR route = 'lapsed' THEN t_req + interval '7 days' END AS t_inc,
              CASE WHEN incomplete AND route = 'decided' THEN t_req + (10 + u1 * 20) * interval '1 day' END AS t_comp
         FROM r
     ), e AS (
       SELECT c.*,
              CASE WHEN route = 'decided' THEN coalesce(t_comp, t_req)
                     + CASE WHEN implicit THEN interval '61 days' ELSE (5 + u3 * 50) * interval '1 day' END
              END AS t_dec,
              CASE WHEN NOT admissible THEN NULL WHEN u4 < 0.12 THEN 'abandoned' WHEN u4 < 0.16 THEN 'withdrawn'
                   ELSE 'jury' END AS coaching_end,
              CASE WHEN u4 < 0.12 THEN 2 ELSE 4 + floor(u2 * 9)::int END AS sessions,
              (8 + u3 * 12) * interval '1 day' AS session_gap,
              CASE WHEN u3 < 0.65 OR cardinality(blocks) = 1 THEN 'full' WHEN u3 < 0.85 THEN 'partial'
                   ELSE 'refused' END AS outcome
         FROM c
     )
     SELECT e.*,
            t_dec + (2 + u1 * 30) * interval '1 day' AS t_coach,
            t_dec + (2 + u1 * 30) * interval '1 day' + sessions * session_gap + (5 + u1 * 20) * interval '1 day'
              AS t_vf
       FROM e`,
    [n, OP.advice, SECOND_ADVICE_OPERATOR],
  );
  // 2. Jury sessions: the candidacies that reach the jury, 8 a session per certification, in date order.
  await q(
    'jury plan',
    `CREATE TEMP TABLE ind_jury ON COMMIT DROP AS
     WITH j AS (
       SELECT id, rncp, t_vf, t_vf + (30 + u2 * 60) * interval '1 day' AS planned
         FROM ind_plan WHERE coaching_end = 'jury'
     ), k AS (
       SELECT j.*, (row_number() OVER (PARTITION BY rncp ORDER BY planned) - 1) / 8 AS bucket FROM j
     )
     SELECT k.id, k.rncp, k.t_vf, k.bucket,
            md5('bench-jury-' || $1::text || k.rncp || k.bucket)::uuid AS session_id,
            max(planned) OVER (PARTITION BY rncp, bucket) AS jury_at,
            CASE WHEN (k.bucket % 3) = 0 THEN 'remote' ELSE 'on_site' END AS modality
       FROM k`,
    [projectId],
  );
  // 3. The journal, before the rows it refers to: one SELECT per kind of event, then the sequence.
  const ev = (
    type: string,
    at: string,
    payload: string,
    phase: string,
    waiting: string,
    where: string,
    from = 'ind_plan p',
  ) =>
    `SELECT p.id AS candidacy_id, ${at} AS occurred_at, '${type}' AS type, ${payload} AS payload,
            ${phase} AS phase_after, ${waiting} AS waiting_on_after
       FROM ${from} WHERE ${where}`;
  const ADV = `'advice:' || p.adv`;
  const CERT = `'certifier:${OP.certifier}'`;
  const clock = (timer: string, due: string) =>
    `jsonb_build_object('timer', '${timer}', 'dueAt', to_char((${due}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`;
  const iso = (x: string) => `to_char((${x}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  const whole = `(p.scope = 'whole_certification')`;
  const jp = `ind_plan p JOIN ind_jury j ON j.id = p.id`;
  const selects = [
    ev(
      'identified',
      'p.t0',
      `jsonb_build_object('rncpCode', p.rncp, 'targetBlocks', to_jsonb(p.blocks), 'arm', p.arm, 'reinforced', p.reinforced)`,
      `'identified'`,
      ADV,
      'true',
    ),
    ev(
      'transfer_requested',
      `p.t0 + interval '6 hours'`,
      `jsonb_build_object('fromOperatorId', ${`'${SECOND_ADVICE_OPERATOR}'`}, 'toOperatorId', p.adv, 'role', 'advice',
         'reason', 'rapprochement', 'dueAt', ${iso(`p.t0 + interval '7 days'`)})`,
      `'identified'`,
      ADV,
      'p.u5 < 0.04',
    ),
    ev(
      'transfer_accepted',
      `p.t0 + interval '20 hours'`,
      `jsonb_build_object('fromOperatorId', ${`'${SECOND_ADVICE_OPERATOR}'`}, 'toOperatorId', p.adv, 'role', 'advice',
         'requestedAt', ${iso(`p.t0 + interval '6 hours'`)})`,
      `'identified'`,
      ADV,
      'p.u5 < 0.03',
    ),
    ev(
      'transfer_escalated',
      `p.t0 + interval '7 days'`,
      `jsonb_build_object('fromOperatorId', ${`'${SECOND_ADVICE_OPERATOR}'`}, 'toOperatorId', p.adv, 'role', 'advice')
         || ${clock('transfer', `p.t0 + interval '7 days'`)}`,
      `'identified'`,
      ADV,
      'p.u5 >= 0.03 AND p.u5 < 0.04',
    ),
    ev(
      'withdrawn',
      `p.t0 + (2 + p.u1 * 10) * interval '1 day'`,
      `jsonb_build_object('reason', 'personal')`,
      `'withdrawn'`,
      `'nobody'`,
      `p.route = 'withdrawn_identified'`,
    ),
    ev(
      'informed',
      'p.t_inf',
      `jsonb_build_object('rncpCode', p.rncp, 'targetBlocks', to_jsonb(p.blocks), 'wholeCertification', ${whole},
         'reinforced', p.reinforced)`,
      `'informed'`,
      ADV,
      `p.route NOT IN ('stop_identified', 'withdrawn_identified')`,
    ),
    ev(
      'withdrawn',
      `p.t_inf + (2 + p.u2 * 10) * interval '1 day'`,
      `jsonb_build_object('reason', 'personal')`,
      `'withdrawn'`,
      `'nobody'`,
      `p.route = 'withdrawn_informed'`,
    ),
    ev(
      'admissibility_requested',
      'p.t_req',
      `jsonb_build_object('dueAt', ${iso(`p.t_req + interval '2 months'`)}, 'wholeCertification', ${whole})`,
      `'admissibility_requested'`,
      CERT,
      `p.route IN ('lapsed', 'decided')`,
    ),
    ev(
      'admissibility_incomplete',
      'p.t_inc',
      `jsonb_build_object('missingItems', jsonb_build_array('livret1'), 'completionDueAt',
         ${iso(`p.t_inc + interval '2 months'`)}, 'clockRemainingMs', 4320000000)`,
      `'admissibility_incomplete'`,
      `'candidate'`,
      'p.t_inc IS NOT NULL',
    ),
    ev(
      'incomplete_file_reminder_sent',
      `p.t_inc + interval '50 days'`,
      clock('incompleteFileReminder', `p.t_inc + interval '50 days'`),
      `'admissibility_incomplete'`,
      `'candidate'`,
      `p.route = 'lapsed' OR p.t_comp > p.t_inc + interval '50 days'`,
    ),
    ev(
      'admissibility_request_lapsed',
      `p.t_inc + interval '60 days'`,
      clock('incompleteFileCompletion', `p.t_inc + interval '60 days'`),
      `'admissibility_lapsed'`,
      `'nobody'`,
      `p.route = 'lapsed'`,
    ),
    ev(
      'admissibility_file_completed',
      'p.t_comp',
      `jsonb_build_object('dueAt', ${iso(`p.t_comp + interval '2 months'`)})`,
      `'admissibility_requested'`,
      CERT,
      'p.t_comp IS NOT NULL',
    ),
    ev(
      'admissibility_warning_sent',
      `p.t_dec - interval '7 days'`,
      `jsonb_build_object('deadline', ${iso('p.t_dec')}) || ${clock('admissibilityWarning', `p.t_dec - interval '7 days'`)}`,
      `'admissibility_requested'`,
      CERT,
      `p.route = 'decided' AND p.implicit`,
    ),
    ev(
      'admissibility_decided',
      'p.t_dec',
      `CASE WHEN p.implicit THEN jsonb_build_object('admissible', p.admissible, 'implicit', true)
              || ${clock('admissibilityDecision', 'p.t_dec')}
            ELSE jsonb_build_object('admissible', p.admissible, 'implicit', false,
              'reasons', CASE WHEN p.admissible THEN '[]'::jsonb ELSE '["experience_insufficient"]'::jsonb END) END`,
      `CASE WHEN p.admissible THEN 'admissible' ELSE 'not_admissible' END`,
      `CASE WHEN p.admissible THEN ${ADV} ELSE 'nobody' END`,
      `p.route = 'decided'`,
    ),
    ev(
      'coach_assigned',
      'p.t_coach',
      `jsonb_build_object('coachOperatorId', '${OP.coaching}', 'reinforced', p.reinforced)`,
      `'coaching'`,
      `'candidate'`,
      'p.admissible',
    ),
    ev(
      'coaching_session_logged',
      `p.t_coach + k * p.session_gap`,
      `jsonb_build_object('date', to_char(p.t_coach + k * p.session_gap, 'YYYY-MM-DD'), 'durationMinutes', 60 + 15 * (k % 4),
         'modality', (ARRAY['on_site', 'remote', 'phone'])[1 + k % 3], 'sessionNumber', k)`,
      `'coaching'`,
      `'candidate'`,
      'p.admissible',
      'ind_plan p CROSS JOIN LATERAL generate_series(1, p.sessions) AS k',
    ),
    ev(
      'inactivity_reminder_sent',
      `p.t_coach + k * p.session_gap + interval '8 days'`,
      `jsonb_build_object('reminderNumber', k) || ${clock('inactivityReminder', `p.t_coach + k * p.session_gap + interval '8 days'`)}`,
      `'coaching'`,
      `'candidate'`,
      `p.admissible AND (p.coaching_end = 'abandoned' OR k <= floor(p.u5 * 3))`,
      'ind_plan p CROSS JOIN LATERAL generate_series(1, 2) AS k',
    ),
    ev(
      'abandonment_proposed',
      `p.t_coach + 2 * p.session_gap + interval '60 days'`,
      `jsonb_build_object('reason', 'inactivity') || ${clock('inactivity', `p.t_coach + 2 * p.session_gap + interval '60 days'`)}`,
      `'abandonment_proposed'`,
      `'candidate'`,
      `p.coaching_end = 'abandoned'`,
    ),
    ev(
      'abandoned',
      `p.t_coach + 2 * p.session_gap + interval '75 days'`,
      `jsonb_build_object('reason', 'inactivity') || ${clock('abandonmentContest', `p.t_coach + 2 * p.session_gap + interval '75 days'`)}`,
      `'abandoned'`,
      `'nobody'`,
      `p.coaching_end = 'abandoned'`,
    ),
    ev(
      'withdrawn',
      `p.t_vf - interval '3 days'`,
      `jsonb_build_object('reason', 'personal')`,
      `'withdrawn'`,
      `'nobody'`,
      `p.coaching_end = 'withdrawn'`,
    ),
    ev(
      'validation_file_submitted',
      'p.t_vf',
      `jsonb_build_object('juryDeadlineAt', ${iso(`p.t_vf + interval '90 days'`)})`,
      `'validation_file_submitted'`,
      CERT,
      `p.coaching_end = 'jury'`,
    ),
    ev(
      'jury_escalated',
      `p.t_vf + interval '75 days'`,
      clock('juryEscalation', `p.t_vf + interval '75 days'`),
      `'validation_file_submitted'`,
      CERT,
      `j.jury_at - interval '7 days' > p.t_vf + interval '75 days'`,
      jp,
    ),
    ev(
      'jury_deadline_missed',
      `p.t_vf + interval '90 days'`,
      clock('juryDeadline', `p.t_vf + interval '90 days'`),
      `'validation_file_submitted'`,
      CERT,
      `j.jury_at - interval '7 days' > p.t_vf + interval '90 days'`,
      jp,
    ),
    ev(
      'jury_scheduled',
      `least(j.jury_at - interval '8 days', p.t_vf + (5 + p.u2 * 20) * interval '1 day')`,
      `jsonb_build_object('sessionAt', ${iso('j.jury_at')}, 'modality', j.modality, 'sessionId', j.session_id)`,
      `'jury_scheduled'`,
      `'candidate'`,
      'true',
      jp,
    ),
    ev(
      'jury_reminder_sent',
      `j.jury_at - interval '7 days'`,
      clock('juryReminder', `j.jury_at - interval '7 days'`),
      `'jury_scheduled'`,
      `'candidate'`,
      'true',
      jp,
    ),
    ev(
      'jury_held',
      'j.jury_at',
      `jsonb_build_object('sessionAt', ${iso('j.jury_at')}) || ${clock('juryHeld', 'j.jury_at')}`,
      `'jury_held'`,
      CERT,
      'true',
      jp,
    ),
    ev(
      'result_reminder_sent',
      `j.jury_at + interval '7 days'`,
      clock('resultReminder', `j.jury_at + interval '7 days'`),
      `'jury_held'`,
      CERT,
      'p.u3 * 10 > 7',
      jp,
    ),
    ev(
      'jury_result_recorded',
      `j.jury_at + (1 + p.u3 * 10) * interval '1 day'`,
      `jsonb_build_object('outcome', p.outcome,
         'validatedBlocks', CASE p.outcome WHEN 'full' THEN to_jsonb(p.blocks) WHEN 'partial' THEN to_jsonb(p.blocks[1:1])
                                ELSE '[]'::jsonb END,
         'remainingBlocks', CASE p.outcome WHEN 'full' THEN '[]'::jsonb WHEN 'partial' THEN to_jsonb(p.blocks[2:])
                                ELSE to_jsonb(p.blocks) END)`,
      `'result'`,
      `'nobody'`,
      'true',
      jp,
    ),
  ];
  await q(
    'journal (staged)',
    `CREATE TEMP TABLE ind_events ON COMMIT DROP AS
     SELECT u.*, row_number() OVER (PARTITION BY u.candidacy_id ORDER BY u.occurred_at, u.ord)::int AS seq
       FROM (SELECT x.*, row_number() OVER () AS ord FROM (${selects.join('\nUNION ALL\n')}) AS x) AS u
      WHERE u.occurred_at <= now()`,
  );
  await client.query('CREATE INDEX ON ind_events (candidacy_id, seq)');
  await client.query('ANALYZE ind_plan, ind_jury, ind_events');
  // 4. The rows the journal refers to, then the journal.
  await q(
    'candidates',
    `INSERT INTO candidates (id, first_name, last_name, email, phone, birth_year, qualification_level, job_situation,
                             created_at, employer)
     SELECT candidate_id, 'Prénom' || i, 'Nom' || i, 'bench.ind.' || i || '@example.test', '0600000000',
            1960 + floor(u1 * 45)::int, (ARRAY['none', 'level3', 'level4', 'level5'])[1 + floor(u2 * 4)::int],
            (ARRAY['employed', 'job_seeker', 'inactive'])[1 + floor(u3 * 3)::int], t0,
            CASE WHEN u4 < 0.5 THEN 'Employeur ' || (i % 500) END
       FROM ind_plan`,
  );
  await q(
    'candidacies',
    `INSERT INTO candidacies (id, candidate_id, project_id, rncp_code, target_blocks, arm, reinforced, phase, waiting_on,
                              operator_id, next_deadline, workflow_id, created_by, advice_operator_id,
                              certifier_operator_id, coach_operator_id, started, last_seq, created_at, updated_at)
     SELECT p.id, p.candidate_id, $1::uuid, p.rncp, p.blocks, p.arm, p.reinforced, l.phase_after, l.waiting_on_after,
            CASE WHEN l.waiting_on_after LIKE 'certifier:%' THEN '${OP.certifier}'::uuid
                 WHEN l.phase_after IN ('coaching', 'abandonment_proposed', 'jury_scheduled') THEN '${OP.coaching}'::uuid
                 ELSE p.adv END,
            CASE WHEN l.phase_after IN ('not_admissible', 'admissibility_lapsed', 'result', 'withdrawn', 'abandoned',
                                        'archived') THEN NULL
                 ELSE l.occurred_at + (20 + p.u5 * 60) * interval '1 day' END,
            'bench-indicators-' || p.id, '${ADVISOR_USER}'::uuid, p.adv,
            CASE WHEN p.route IN ('lapsed', 'decided') THEN '${OP.certifier}'::uuid END,
            CASE WHEN l.seq >= 1 AND p.admissible AND l.occurred_at >= p.t_coach THEN '${OP.coaching}'::uuid END,
            true, l.seq, p.t0, l.occurred_at
       FROM ind_plan p
       JOIN (SELECT DISTINCT ON (candidacy_id) candidacy_id, seq, phase_after, waiting_on_after, occurred_at
               FROM ind_events ORDER BY candidacy_id, seq DESC) AS l ON l.candidacy_id = p.id`,
    [projectId],
  );
  await q(
    'journal',
    `INSERT INTO candidacy_events (candidacy_id, seq, type, actor_user_id, actor_operator_id, occurred_at, payload,
                                   recorded_at, phase_after, waiting_on_after, arm, reinforced, scope)
     SELECT e.candidacy_id, e.seq, e.type, NULL, NULL, e.occurred_at, e.payload, e.occurred_at, e.phase_after,
            e.waiting_on_after, p.arm, p.reinforced, p.scope
       FROM ind_events e JOIN ind_plan p ON p.id = e.candidacy_id
      ORDER BY e.candidacy_id, e.seq`,
  );
  await q(
    'candidacy operators',
    `INSERT INTO candidacy_operators (candidacy_id, operator_id, role, since)
     SELECT DISTINCT ON (e.candidacy_id, o.operator_id, o.role) e.candidacy_id, o.operator_id, o.role, e.occurred_at
       FROM ind_events e JOIN ind_plan p ON p.id = e.candidacy_id
       CROSS JOIN LATERAL (VALUES
         (CASE WHEN e.type = 'identified' THEN p.adv END, 'advice'),
         (CASE WHEN e.type = 'identified' THEN '${OP.advice}'::uuid END, 'outreach'),
         (CASE WHEN e.type = 'admissibility_requested' THEN '${OP.certifier}'::uuid END, 'certifier'),
         (CASE WHEN e.type = 'coach_assigned' THEN '${OP.coaching}'::uuid END, 'coaching'),
         (CASE WHEN e.type = 'validation_file_submitted' THEN '${OP.jury}'::uuid END, 'jury_organisation')
       ) AS o(operator_id, role)
      WHERE o.operator_id IS NOT NULL
      ORDER BY e.candidacy_id, o.operator_id, o.role, e.seq`,
  );
  await q(
    'hand-offs',
    `INSERT INTO handoffs (candidacy_id, seq, kind, role, from_operator_id, to_operator_id, reason, status,
                           requested_at, due_at, accepted_at, escalated_at)
     SELECT e.candidacy_id, e.seq, CASE WHEN e.type LIKE 'transfer%' THEN 'transfer' ELSE 'phase' END,
            CASE e.type WHEN 'admissibility_requested' THEN 'certifier' WHEN 'coach_assigned' THEN 'coaching'
                        WHEN 'validation_file_submitted' THEN 'certifier' ELSE 'advice' END,
            CASE e.type WHEN 'validation_file_submitted' THEN '${OP.coaching}'::uuid
                        WHEN 'transfer_requested' THEN '${SECOND_ADVICE_OPERATOR}'::uuid ELSE p.adv END,
            CASE e.type WHEN 'admissibility_requested' THEN '${OP.certifier}'::uuid
                        WHEN 'coach_assigned' THEN '${OP.coaching}'::uuid
                        WHEN 'validation_file_submitted' THEN '${OP.certifier}'::uuid ELSE p.adv END,
            CASE WHEN e.type LIKE 'transfer%' THEN 'rapprochement' ELSE 'phase' END,
            CASE WHEN e.type <> 'transfer_requested' THEN 'accepted' WHEN p.u5 < 0.03 THEN 'accepted'
                 ELSE 'escalated' END,
            e.occurred_at, CASE WHEN e.type = 'transfer_requested' THEN e.occurred_at + interval '7 days' END,
            CASE WHEN e.type <> 'transfer_requested' THEN e.occurred_at WHEN p.u5 < 0.03 THEN e.occurred_at + interval '14 hours' END,
            CASE WHEN e.type = 'transfer_requested' AND p.u5 >= 0.03 THEN e.occurred_at + interval '7 days' END
       FROM ind_events e JOIN ind_plan p ON p.id = e.candidacy_id
      WHERE e.type IN ('admissibility_requested', 'coach_assigned', 'validation_file_submitted', 'transfer_requested')`,
  );
  // 5. Jury sessions of the candidacies scheduled (held once their date is past), members and costs.
  await q(
    'jury sessions',
    `INSERT INTO jury_sessions (id, project_id, organiser_operator_id, rncp_code, starts_at, ends_at, modality, place,
                                departement, room_url, status, workflow_id, cost_cents, created_by_user_id, created_at,
                                updated_at)
     SELECT j.session_id, $1::uuid, '${OP.jury}'::uuid, j.rncp, j.jury_at, j.jury_at + interval '4 hours', j.modality,
            CASE WHEN j.modality = 'on_site' THEN 'Salle ' || j.bucket END,
            CASE WHEN j.modality = 'on_site' THEN '75' END,
            CASE WHEN j.modality = 'remote' THEN 'https://visio.example.test/' || j.session_id END,
            CASE WHEN j.jury_at <= now() THEN 'closed' ELSE 'scheduled' END,
            'bench-indicators-jury-' || j.session_id,
            CASE WHEN j.jury_at > now() OR j.bucket % 20 = 7 THEN NULL
                 ELSE 3 * 15000 + CASE WHEN j.modality = 'on_site' THEN 2 * 4500 ELSE 0 END END,
            '${JURY_ORGANISER_USER}'::uuid, min(j.t_vf), min(j.t_vf)
       FROM ind_jury j
      WHERE EXISTS (SELECT 1 FROM ind_events e WHERE e.candidacy_id = j.id AND e.type = 'jury_scheduled')
      GROUP BY j.session_id, j.rncp, j.jury_at, j.modality, j.bucket`,
    [projectId],
  );
  await q(
    'jury members',
    `INSERT INTO jury_session_members (session_id, member_id, status, president, fee_cents, travel_cents, attendance)
     SELECT s.id, m.id, 'accepted', k = 0, m.fee_cents, CASE WHEN s.modality = 'on_site' THEN m.travel_cents ELSE 0 END,
            CASE WHEN s.status <> 'closed' THEN NULL
                 WHEN k = 2 AND abs(hashtext(s.id::text)) % 10 = 0 THEN 'absent' ELSE 'present' END
       FROM jury_sessions s
       CROSS JOIN generate_series(0, 2) AS k
       JOIN LATERAL (SELECT id, fee_cents, travel_cents FROM jury_members ORDER BY id
                      OFFSET (abs(hashtext(s.id::text)) + k) % (SELECT count(*) FROM jury_members) LIMIT 1) AS m ON true
      WHERE s.project_id = $1`,
    [projectId],
  );
  await q(
    'jury candidates',
    `INSERT INTO jury_session_candidates (session_id, candidacy_id, status, attendance, outcome, validated_blocks)
     SELECT j.session_id, j.id, CASE WHEN r.candidacy_id IS NULL THEN 'enrolled' ELSE 'result_recorded' END,
            CASE WHEN r.candidacy_id IS NOT NULL THEN 'present' END, r.payload->>'outcome',
            coalesce(ARRAY(SELECT jsonb_array_elements_text(r.payload->'validatedBlocks')), '{}')
       FROM ind_jury j
       JOIN jury_sessions s ON s.id = j.session_id
       LEFT JOIN ind_events r ON r.candidacy_id = j.id AND r.type = 'jury_result_recorded'`,
  );
  await q(
    'acquired blocks',
    `INSERT INTO acquired_blocks (candidate_id, rncp_code, block_code, candidacy_id, acquired_at)
     SELECT p.candidate_id, p.rncp, b.code, p.id, e.occurred_at
       FROM ind_events e JOIN ind_plan p ON p.id = e.candidacy_id
       CROSS JOIN LATERAL jsonb_array_elements_text(e.payload->'validatedBlocks') AS b(code)
      WHERE e.type = 'jury_result_recorded'`,
  );
  await client.query('COMMIT');
  const loadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await client.query('VACUUM ANALYZE');
  const analyzeS = (performance.now() - t1) / 1000;
  const one = async (text: string, values: unknown[] = []) =>
    Number(Object.values((await client.query(text, values)).rows[0] ?? {})[0] ?? 0);
  const journalRows = await one(
    'SELECT count(*) FROM candidacy_events e JOIN candidacies c ON c.id = e.candidacy_id WHERE c.project_id = $1',
    [projectId],
  );
  const candidacies = await one('SELECT count(*) FROM candidacies WHERE project_id = $1', [projectId]);
  return {
    candidacies,
    journalRows,
    handoffs: await one('SELECT count(*) FROM handoffs'),
    jurySessions: await one('SELECT count(*) FROM jury_sessions WHERE project_id = $1', [projectId]),
    juryCandidates: await one('SELECT count(*) FROM jury_session_candidates'),
    loadS: Math.round(loadS * 10) / 10,
    analyzeS: Math.round(analyzeS * 10) / 10,
    dbBytes: await one('SELECT pg_database_size(current_database())'),
    journalBytes: await one("SELECT pg_total_relation_size('candidacy_events')"),
    eventsPerCandidacy: Math.round((journalRows / Math.max(1, candidacies)) * 10) / 10,
  };
}

interface Case {
  name: string;
  url: string;
  page?: boolean;
}

async function measure(
  stack: BenchStack,
  projectId: string,
  samples: number,
  cookie: string,
): Promise<CaseResult[]> {
  const p = encodeURIComponent(projectId);
  const cases: Case[] = [
    { name: 'GET /api/indicators (JSON)', url: `/api/indicators?projectId=${p}` },
    { name: 'GET /api/indicators?format=csv', url: `/api/indicators?projectId=${p}&format=csv` },
    { name: 'GET /api/indicators?breakdown=arm', url: `/api/indicators?projectId=${p}&breakdown=arm` },
    {
      name: 'GET /api/indicators?breakdown=operator',
      url: `/api/indicators?projectId=${p}&breakdown=operator`,
    },
    { name: 'GET /api/indicators/export (CSV)', url: `/api/indicators/export?projectId=${p}` },
    { name: 'page: /projets/:id/indicateurs', url: `/projets/${p}/indicateurs`, page: true },
  ];
  const token = stack.tokens.project_lead;
  if (!token) throw new Error('no demo token for the project lead');
  const lat = cases.map(() => [] as number[]);
  const bytes = cases.map(() => 0);
  const errs = cases.map(() => 0);
  const first: (string | undefined)[] = cases.map(() => undefined);
  for (let round = -2; round < samples; round++) {
    for (const [i, c] of cases.entries()) {
      const t = performance.now();
      try {
        const res = await fetch(stack.baseUrl + c.url, {
          headers: c.page ? { cookie: `${SESSION_COOKIE}=${cookie}` } : { authorization: `Bearer ${token}` },
        });
        const text = await res.text();
        if (res.status !== 200 || (c.page && !text.includes('</html>')))
          throw new Error(`GET ${c.url} → ${res.status} ${text.slice(0, 300)}`);
        if (round >= 0) lat[i]!.push(performance.now() - t);
        bytes[i] = Buffer.byteLength(text);
      } catch (err) {
        errs[i]!++;
        first[i] ??= (err as Error).message;
      }
    }
    if (round === -1) note(`[bench] warm-up done; ${samples} rounds of ${cases.length} requests…`);
  }
  return cases.map((c, i) => {
    const stats = latencyStats(lat[i]!);
    return {
      name: c.name,
      url: c.url,
      ...stats,
      bytes: bytes[i]!,
      errors: errs[i]!,
      ...(first[i] ? { firstError: first[i] } : {}),
      met: errs[i] === 0 && stats.p95 <= TARGET_INDICATORS_P95_MS,
    };
  });
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'CTE Name'?: string;
  'Actual Total Time': number;
  'Actual Rows': number;
  'Actual Loops': number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Temp Written Blocks'?: number;
  Plans?: PlanNode[];
}

/** EXPLAIN (ANALYZE, BUFFERS) of the indicators' queries (as kysely sends them), top nodes by own time. */
async function profile(databaseUrl: string, projectId: string): Promise<PlanCost[]> {
  const captured: { label: string; query: CompiledQuery }[] = [];
  let label = '';
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }),
    log: (e) => {
      if (e.level === 'query') captured.push({ label: `${label} #${captured.length + 1}`, query: e.query });
    },
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    label = 'loadCandidacyFacts';
    await loadCandidacyFacts(db, { projectId, asOf: new Date() });
    label = 'loadJurySessions';
    await loadJurySessions(db, projectId);
    // EXPLAIN ANALYZE runs it: an insert … on conflict that rewrites the same row, harmless.
    label = 'refreshCandidacyFacts (one candidacy)';
    const one = await sql<{
      id: string;
    }>`select id from candidacies where project_id = ${projectId} limit 1`.execute(db);
    await refreshCandidacyFacts(db, [one.rows[0]!.id]);
    const out: PlanCost[] = [];
    for (const { label: query, query: cq } of captured) {
      const res = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${cq.sql}`, [...cq.parameters]);
      const plan = (
        res.rows[0] as {
          'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }];
        }
      )['QUERY PLAN'][0];
      const nodes: PlanCost['top'] = [];
      const walk = (n: PlanNode) => {
        const total = n['Actual Total Time'] * n['Actual Loops'];
        const children = (n.Plans ?? []).reduce((s, c) => s + c['Actual Total Time'] * c['Actual Loops'], 0);
        const on = n['Relation Name'] ?? n['CTE Name'] ?? '';
        nodes.push({
          node: `${n['Node Type']}${on ? ` on ${on}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`,
          exclusiveMs: Math.round(Math.max(0, total - children) * 10) / 10,
          rows: n['Actual Rows'],
          loops: n['Actual Loops'],
          buffers: `hit ${n['Shared Hit Blocks'] ?? 0} read ${n['Shared Read Blocks'] ?? 0} temp ${n['Temp Written Blocks'] ?? 0}`,
        });
        (n.Plans ?? []).forEach(walk);
      };
      walk(plan.Plan);
      nodes.sort((a, b) => b.exclusiveMs - a.exclusiveMs);
      out.push({
        query,
        executionMs: Math.round(plan['Execution Time']),
        planningMs: Math.round(plan['Planning Time'] * 10) / 10,
        top: nodes.slice(0, 8),
      });
    }
    return out;
  } finally {
    await client.end();
    await db.destroy();
  }
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function render(
  loaded: Loaded,
  summary: Summary,
  cases: CaseResult[],
  split: InProcess,
  plans: PlanCost[] | undefined,
  n: number,
  samples: number,
): string {
  const lines = [
    `Indicators at ${n.toLocaleString('en')} candidacies: ${loaded.journalRows.toLocaleString('en')} journal rows ` +
      `(${loaded.eventsPerCandidacy} per candidacy), ${loaded.jurySessions} jury sessions, ` +
      `${loaded.handoffs.toLocaleString('en')} hand-offs; database ${mb(loaded.dbBytes)} ` +
      `(journal ${mb(loaded.journalBytes)}); loaded in ${loaded.loadS} s + VACUUM ANALYZE ${loaded.analyzeS} s`,
    `Summary (candidacy_facts): ${summary.rows.toLocaleString('en')} rows built from the journal in ${summary.backfillS} s, ` +
      `${mb(summary.bytes)}; one candidacy's refresh (per journal event) p50 ${summary.refreshPerEvent.p50} ms, ` +
      `p95 ${summary.refreshPerEvent.p95} ms`,
    '',
    `${'route'.padEnd(40)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)} ${'size'.padStart(9)}  target p95 ≤ ${TARGET_INDICATORS_P95_MS} ms`,
    ...cases.map((c) => {
      const v = (x: number) => (Number.isFinite(x) ? String(x) : '–').padStart(7);
      const err = c.errors
        ? ` (${c.errors} errors: ${(c.firstError ?? '').replace(/\s+/g, ' ').slice(0, 140)})`
        : '';
      return (
        `${c.name.padEnd(40)} ${v(c.p50)} ${v(c.p95)} ${v(c.max)} ` +
        `${`${Math.round(c.bytes / 1024)} KiB`.padStart(9)}  ${c.met ? '✔' : '✘'}${err}`
      );
    }),
    `(ms, ${cases.length} routes × ${samples} sequential rounds after 2 unmeasured, as the project lead)`,
    `In the bench's process: loadCandidacyFacts p50 ${split.loadFactsMs.p50} ms (p95 ${split.loadFactsMs.p95}), ` +
      `computeIndicators as a whole p50 ${split.computeIndicatorsMs.p50} ms (p95 ${split.computeIndicatorsMs.p95})`,
  ];
  for (const p of plans ?? []) {
    lines.push('', `EXPLAIN ANALYZE ${p.query}: execution ${p.executionMs} ms, planning ${p.planningMs} ms`);
    for (const t of p.top)
      lines.push(
        `  ${String(t.exclusiveMs).padStart(8)} ms  ${t.node} (rows ${t.rows} × ${t.loops}; ${t.buffers})`,
      );
  }
  return lines.join('\n');
}

export async function runIndicatorsCommand(cmd: IndicatorsCommand): Promise<number> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-indicators-'));
  let shared: Shared | undefined;
  let stack: BenchStack | undefined;
  process.once('SIGINT', () => {
    note('\n[bench] interrupted: stopping…');
    void (async () => {
      await stack?.stop();
      await shared?.stop();
      process.exit(130);
    })();
  });
  const started = Date.now();
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > 0.7)
    note(
      `[bench] the machine is not idle (load average ${loadBefore.toFixed(2)}): figures will be disturbed`,
    );
  let failed = false;
  try {
    shared = await startShared({ tmpDir, apiLogLevel: 'warn' });
    stack = await startStack(shared, cmd.persistence);
    const projectId = stack.benchProjectId;
    note(`[bench] generating ${cmd.candidacies} candidacies in project ${projectId}…`);
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    let loaded: Loaded;
    try {
      loaded = await load(client, projectId, cmd.candidacies);
    } finally {
      await client.end();
    }
    note(
      `[bench] loaded: ${loaded.journalRows} journal rows, database ${mb(loaded.dbBytes)} (${loaded.loadS} s)`,
    );
    note('[bench] building the per-candidacy summary from the journal (as migration 0016 does)…');
    const summary = await buildSummary(stack.db, projectId);
    note(`[bench] summary: ${summary.rows} rows in ${summary.backfillS} s`);
    const cookie = (await createWebSession(stack.db, LEAD.id)).cookie;
    const cases = await measure(stack, projectId, cmd.samples, cookie);
    const met = cases.every((c) => c.met);
    const split = await inProcess(stack.db, projectId, cmd.samples);
    const plans = !met || cmd.profile ? await profile(stack.databaseUrl, projectId) : undefined;
    const results = {
      command: `npm run bench -- ${cmd.argv.join(' ')}`.trim(),
      kind: 'indicators',
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      machine: { ...machineFacts(loadBefore), loadAverageAtEnd: Math.round(os.loadavg()[0]! * 100) / 100 },
      versions: { temporalServer: TEMPORAL_SERVER_VERSION },
      persistence: cmd.persistence,
      candidacies: cmd.candidacies,
      samples: cmd.samples,
      target: { p95Ms: TARGET_INDICATORS_P95_MS, met },
      loaded,
      summary,
      routes: cases,
      inProcess: split,
      plans,
    };
    writeFileSync(cmd.out, JSON.stringify(results, null, 2) + '\n');
    process.stdout.write(
      '\n' + render(loaded, summary, cases, split, plans, cmd.candidacies, cmd.samples) + '\n',
    );
    process.stdout.write(`\nResults: ${path.resolve(cmd.out)} (${results.durationS} s)\n`);
  } catch (err) {
    failed = true;
    process.stderr.write(`\n[bench] failed: ${(err as Error).stack ?? err}\n`);
  } finally {
    await stack?.stop();
    await shared?.stop();
  }
  if (cmd.keep || failed) note(`[bench] temporary folder kept: ${tmpDir}`);
  else rmSync(tmpDir, { recursive: true, force: true });
  return failed ? 1 : 0;
}
