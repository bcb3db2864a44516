import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ageBand } from '../../src/app/indicators/age-band.js';
import { computeIndicators } from '../../src/app/indicators/compute.js';
import { parseCsv } from '../../src/app/indicators/csv.js';
import { EXPORT_COLUMNS } from '../../src/app/indicators/dictionary.js';
import { EXITS, FUNNEL_STEPS } from '../../src/app/indicators/funnel.js';
import { INDICATOR_CSV_COLUMNS } from '../../src/app/indicators/indicators-csv.js';
import { pseudonym } from '../../src/app/indicators/pseudonym.js';
import { DEMO } from '../../src/db/demo-data.js';
import { projectSecrets } from '../../src/db/experiment-secrets.js';
import { parisYear } from '../../src/domain/paris-time.js';
import { TERMINAL_PHASES, type Phase } from '../../src/domain/phases.js';
import {
  kaplanMeier,
  logRank,
  newcombeDifference,
  survivalQuantile,
  type Observation,
} from '../../src/domain/stats/index.js';
import {
  driveCohort,
  INDICATOR_POLICY,
  insertHeldSession,
  KINDS,
  type CohortMember,
  type HeldSession,
  type Kind,
} from '../support/indicator-cohort.js';
import {
  createProjectWithPolicy,
  createUserWithToken,
  OPERATORS,
  SECOND_ADVICE_OPERATOR,
} from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The indicators of a generated cohort of 32 candidacies with known outcomes (fixed seed), driven
 * through the real workflows with a compressed policy: every count, conversion, masked cell,
 * Kaplan–Meier estimate, arms' difference, reminder, waiting time and jury cost the API answers
 * equals what the cohort's outcomes say (or the estimators on the durations read back from the
 * journal). Then the CSV, the dictionary, the pseudonymised export scanned for every personal value
 * of the cohort, and who may read them.
 */
const COHORT: [Kind, number][] = [
  // Nobody left at identification: every arm's « informed » equals its count, shown, so that at
  // least one proportion is compared between arms in so small a cohort.
  ['informed', 2],
  ['transferred', 1],
  ['withdrawn_informed', 2],
  ['lapsed', 2],
  ['rejected', 2],
  ['implicit_coached', 4],
  ['abandoned', 3],
  ['coached', 6],
  ['withdrawn_coaching', 1],
  ['jury_refused', 2],
  ['jury_partial', 3],
  ['jury_full_blocks', 2],
  ['jury_full_cert', 2],
];
const KIND_LIST: Kind[] = COHORT.flatMap(([k, n]) => Array.from({ length: n }, () => k));
const PRESENTED: Kind[] = ['jury_refused', 'jury_partial', 'jury_full_blocks', 'jury_full_cert'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read freely
type Json = any;
interface Count {
  n: number | null;
  masked: boolean;
  reason?: 'small' | 'secondary';
}

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/indicators/', import.meta.url));

const furthest = (m: CohortMember) => KINDS[m.kind].furthest;
const isSmall = (n: number) => n > 0 && n < 5;

describe('indicators: a cohort with known outcomes, through the real workflows', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let projectId: string;
  let members: CohortMember[];
  let byArm: Json;
  const asLead = { role: 'project_lead' };
  const checked = { shown: 0, masked: 0 };
  const sessions: HeldSession[] = [];

  /** A count cell against its expected value: masked if 1–4; when shown, exact. */
  function cell(c: Count, expected: number, what: string) {
    if (isSmall(expected)) assert.equal(c.masked, true, `${what}: ${expected} must be masked`);
    if (c.masked) {
      assert.equal(c.n, null, what);
      assert.equal(c.reason, isSmall(expected) ? 'small' : 'secondary', `${what}: why it is masked`);
      checked.masked++;
    } else {
      assert.equal(c.n, expected, what);
      checked.shown++;
    }
  }

  const groupOf = (ind: Json, key: string) =>
    ind.breakdown.groups.find((g: Json) => g.key === key).indicators;
  const armMembers = (arm: string | null) => (arm ? members.filter((m) => m.arm === arm) : members);

  before(async () => {
    const started = Date.now();
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, INDICATOR_POLICY);
    const secondAdvisorToken = await createUserWithToken(stack.db, SECOND_ADVICE_OPERATOR, 'advisor');
    const setup = Date.now();
    members = await driveCohort(stack, projectId, KIND_LIST, { seed: 0x1d1c, secondAdvisorToken });
    console.log(
      `stack ${setup - started} ms, cohort of ${members.length} driven in ${Date.now() - setup} ms`,
    );

    // Three held sessions for the candidates examined, as the session workflow leaves its tables.
    const presented = members
      .filter((m) => PRESENTED.includes(m.kind))
      .sort((a, b) => a.id.localeCompare(b.id));
    const pool = DEMO.juryMembers.map((j) => j.id);
    const plan = [
      { remote: true, costCents: 21_000, memberIds: [pool[0]!, pool[1]!], take: 4 },
      {
        remote: false,
        costCents: 30_000,
        memberIds: [pool[2]!, pool[3]!, pool[5]!],
        absent: [pool[5]!],
        take: 3,
      },
      { remote: true, costCents: 15_000, memberIds: [pool[0]!, pool[4]!], take: 2 },
    ];
    let offset = 0;
    for (const s of plan) {
      sessions.push(await insertHeldSession(stack, projectId, presented.slice(offset, offset + s.take), s));
      offset += s.take;
    }
    const res = await stack.http('GET', `/api/indicators?projectId=${projectId}&breakdown=arm`, asLead);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    byArm = res.body;
    // Kept as a test artefact, to read what a small cohort's masks look like.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'indicators-by-arm.json'), JSON.stringify(byArm, null, 2));
  });
  after(async () => {
    await stack?.stop();
  });

  it('counts every step, exit and admissible decision as the outcomes say, masking counts of 1 to 4', () => {
    assert.equal(byArm.project.id, projectId);
    assert.ok(
      members.some((m) => m.arm === 'test') && members.some((m) => m.arm === 'control'),
      'both arms in the cohort',
    );
    const sets: [string, Json, CohortMember[]][] = [
      ['ensemble', byArm.overall, members],
      ['test', groupOf(byArm, 'test'), armMembers('test')],
      ['control', groupOf(byArm, 'control'), armMembers('control')],
    ];
    for (const [name, set, ms] of sets) {
      cell(set.candidacies, ms.length, `${name} candidacies`);
      FUNNEL_STEPS.forEach((step, k) => {
        const s = set.funnel.steps[k];
        assert.equal(s.key, step);
        cell(s.reached, ms.filter((m) => furthest(m) >= k).length, `${name} ${step} reached`);
        for (const e of EXITS) {
          const expected = ms.filter((m) => furthest(m) === k && KINDS[m.kind].exit === e).length;
          cell(s.exits[e], expected, `${name} ${step} ${e}`);
        }
        // Conversion from the previous step: the share when both counts are shown.
        if (k > 0) {
          const reached = ms.filter((m) => furthest(m) >= k).length;
          const previous = ms.filter((m) => furthest(m) >= k - 1).length;
          if (!s.conversion.masked && previous > 0) {
            assert.ok(
              Math.abs(s.conversion.value - reached / previous) < 1e-12,
              `${name} ${step} conversion`,
            );
            assert.ok(s.conversion.lower <= s.conversion.value && s.conversion.value <= s.conversion.upper);
          } else if (isSmall(reached) || isSmall(previous)) {
            assert.equal(s.conversion.masked, true, `${name} ${step} conversion masked`);
          }
        }
      });
      const admissible = ms.filter((m) => furthest(m) >= 3);
      cell(
        set.funnel.admissible.implicit,
        admissible.filter((m) => m.kind === 'implicit_coached').length,
        `${name} implicit`,
      );
      cell(
        set.funnel.admissible.explicit,
        admissible.filter((m) => m.kind !== 'implicit_coached').length,
        `${name} explicit`,
      );
      const dropOuts = ms.filter((m) =>
        ['withdrawn', 'abandoned', 'lapsed'].includes(KINDS[m.kind].exit),
      ).length;
      cell(set.funnel.dropOuts, dropOuts, `${name} drop-outs`);
      const decisions = ms.filter((m) => furthest(m) >= 2 && m.kind !== 'lapsed').length;
      cell(set.activity.implicitDecisions.decisions, decisions, `${name} decisions`);
      cell(
        set.activity.implicitDecisions.implicit,
        ms.filter((m) => m.kind === 'implicit_coached').length,
        `${name} implicit decisions`,
      );
    }
    // 32 identified; 23 admissible of whom 20 coached, but the 3 abandoned (masked, « < 5 ») would be
    // 23 − 20: one of those two is masked too, as « secret » (secondary suppression).
    assert.deepEqual(byArm.overall.funnel.steps[0].reached, { n: 32, masked: false });
    const [admissible, coached] = [
      byArm.overall.funnel.steps[3].reached,
      byArm.overall.funnel.steps[4].reached,
    ];
    assert.equal(byArm.overall.funnel.steps[3].exits.abandoned.reason, 'small');
    assert.ok(
      admissible.reason === 'secondary' || coached.reason === 'secondary',
      'the 3 abandoned are protected',
    );
    assert.ok(checked.masked > 10 && checked.shown > 20, JSON.stringify(checked));
    assert.equal(byArm.confidentiality.threshold, 5);
    assert.ok(byArm.confidentiality.maskedCells > 0);
  });

  it('leaves no masked cell recomputable: in each table (a step = next + its exits; the project = its arms), never one masked cell alone', () => {
    const sets = [byArm.overall, groupOf(byArm, 'test'), groupOf(byArm, 'control')];
    for (const set of sets) {
      set.funnel.steps.forEach((s: Json, k: number) => {
        const parts: Count[] = [
          ...(set.funnel.steps[k + 1] ? [set.funnel.steps[k + 1].reached] : []),
          ...EXITS.map((e) => s.exits[e]),
        ];
        if (!s.reached.masked) {
          const hidden = parts.filter((p) => p.masked);
          assert.notEqual(hidden.length, 1, `${s.key}: a masked part alone`);
          // Nor pinned by their sum: the most a small one can be is more than 1.
          const sum = s.reached.n - parts.filter((p) => !p.masked).reduce((a, p) => a + p.n!, 0);
          const smalls = hidden.filter((p) => p.reason === 'small').length;
          if (smalls > 0)
            assert.ok(sum - (smalls - 1) - 5 * (hidden.length - smalls) > 1, `${s.key}: pinned`);
        } else {
          assert.ok(
            parts.some((p) => p.masked) || parts.every((p) => p.n === 0),
            `${s.key}: masked total with every part shown`,
          );
        }
      });
    }
    const [all, test, control] = sets;
    all.funnel.steps.forEach((s: Json, k: number) => {
      const arms = [test.funnel.steps[k].reached, control.funnel.steps[k].reached];
      if (!s.reached.masked)
        assert.notEqual(arms.filter((a) => a.masked).length, 1, `${s.key}: one arm masked alone`);
    });
  });

  /** Durations read back from the journal, independently of the indicators' SQL. */
  async function journalObservations(ms: CohortMember[], asOf: number) {
    const rows = await stack.db
      .selectFrom('candidacy_events')
      .select(['candidacy_id', 'seq', 'type', 'occurred_at', 'payload', 'phase_after', 'waiting_on_after'])
      .where(
        'candidacy_id',
        'in',
        ms.map((m) => m.id),
      )
      .orderBy('candidacy_id')
      .orderBy('seq')
      .execute();
    const out: Record<string, Observation[]> = {};
    const waiting = { candidate: 0, operators: 0 };
    const segments: [string, string, string][] = [
      ['information', 'identified', 'informed'],
      ['filing', 'informed', 'requested'],
      ['admissibility', 'requested', 'decided'],
      ['coaching_start', 'admissible', 'coach'],
      ['coaching', 'coach', 'file'],
      ['jury', 'file', 'presented'],
      ['whole_path', 'identified', 'presented'],
    ];
    for (const m of ms) {
      const ev = rows.filter((r) => r.candidacy_id === m.id);
      const at = (pred: (e: (typeof ev)[number]) => boolean) => ev.find(pred)?.occurred_at.getTime() ?? null;
      const decided = ev.find((e) => e.type === 'admissibility_decided');
      const t: Record<string, number | null> = {
        identified: at((e) => e.type === 'identified'),
        informed: at((e) => e.type === 'informed'),
        requested: at((e) => e.type === 'admissibility_requested'),
        decided: decided?.occurred_at.getTime() ?? null,
        admissible:
          decided && (decided.payload as { admissible: boolean }).admissible
            ? decided.occurred_at.getTime()
            : null,
        coach: at((e) => e.type === 'coach_assigned'),
        file: at((e) => e.type === 'validation_file_submitted'),
        presented: at(
          (e) =>
            e.type === 'jury_result_recorded' &&
            ['full', 'partial', 'refused'].includes((e.payload as { outcome: string }).outcome),
        ),
      };
      const closed = at((e) => TERMINAL_PHASES.includes(e.phase_after as Phase));
      for (const [key, start, end] of segments) {
        const s = t[start]!;
        if (s === null || s === undefined) continue;
        const e = t[end];
        (out[key] ??= []).push(
          e !== null && e !== undefined
            ? { time: (e - s) / 86_400_000, event: true }
            : { time: ((closed ?? asOf) - s) / 86_400_000, event: false },
        );
      }
      ev.forEach((e, i) => {
        const next = ev[i + 1]?.occurred_at.getTime();
        const terminal = TERMINAL_PHASES.includes(e.phase_after as Phase);
        const span = Math.max(
          0,
          (next ?? (terminal ? e.occurred_at.getTime() : asOf)) - e.occurred_at.getTime(),
        );
        if (e.waiting_on_after === 'candidate') waiting.candidate += span / 86_400_000;
        else if (e.waiting_on_after?.includes(':')) waiting.operators += span / 86_400_000;
      });
    }
    return { observations: out, waiting };
  }

  const close = (a: number | null, b: number | null, what: string) =>
    assert.ok(a === b || (a !== null && b !== null && Math.abs(a - b) < 1e-9), `${what}: ${a} ≠ ${b}`);

  it('gives Kaplan–Meier medians and 90th percentiles equal to the estimator on the durations read back from the journal', async () => {
    const asOf = Date.parse(byArm.asOf);
    const compared: string[] = [];
    for (const [name, set, ms] of [
      ['ensemble', byArm.overall, members],
      ['test', groupOf(byArm, 'test'), armMembers('test')],
      ['control', groupOf(byArm, 'control'), armMembers('control')],
    ] as [string, Json, CohortMember[]][]) {
      const { observations } = await journalObservations(ms, asOf);
      for (const d of set.durations) {
        const obs = observations[d.key] ?? [];
        cell(d.observations, obs.length, `${name} ${d.key} observations`);
        cell(d.events, obs.filter((o) => o.event).length, `${name} ${d.key} events`);
        if (d.observations.masked || d.events.masked) {
          assert.equal(d.median.masked, true, `${name} ${d.key} median masked`);
          assert.deepEqual(d.curve, []);
          continue;
        }
        // An arm with no one in the phase (the allocation is random) has nothing to draw.
        if (obs.length === 0) {
          assert.equal(d.median.days, null, `${name} ${d.key} no median`);
          assert.deepEqual(d.curve, [], `${name} ${d.key} no curve`);
          continue;
        }
        const curve = kaplanMeier(obs);
        for (const [q, p] of [
          [d.median, 0.5],
          [d.p90, 0.9],
        ] as const) {
          const expected = survivalQuantile(curve, p);
          close(q.days, expected.time, `${name} ${d.key} q${p}`);
          close(q.lower, expected.lower, `${name} ${d.key} q${p} lower`);
          close(q.upper, expected.upper, `${name} ${d.key} q${p} upper`);
        }
        // The published curve: (0, 1), then one point a day, the estimator after the day's last
        // event, while 5 or more are at risk.
        const shown = curve.steps.filter((s) => s.events > 0 && s.atRisk >= 5);
        const daily = shown.filter(
          (s, i) => i === shown.length - 1 || Math.floor(shown[i + 1]!.time) !== Math.floor(s.time),
        );
        assert.deepEqual(d.curve[0], { time: 0, survival: 1, lower: 1, upper: 1, atRisk: obs.length });
        assert.equal(d.curve.length, daily.length + 1, `${name} ${d.key} points`);
        daily.forEach((step, i) => {
          const point = d.curve[i + 1];
          close(point.time, step.time, `${name} ${d.key} point ${i + 1}`);
          close(point.survival, step.survival, `${name} ${d.key} S(${point.time})`);
          close(point.lower, step.lower, `${name} ${d.key} lower(${point.time})`);
          close(point.upper, step.upper, `${name} ${d.key} upper(${point.time})`);
          assert.equal(point.atRisk, step.atRisk, `${name} ${d.key} at risk at ${point.time}`);
        });
        compared.push(`${name} ${d.key}`);
      }
    }
    // The project's jury phase (9 files, 9 examined) and whole path (32 observed, 9 to the jury) are
    // shown whatever the arms; the rest of this small cohort is mostly masked.
    assert.ok(
      compared.includes('ensemble jury') && compared.includes('ensemble whole_path'),
      compared.join(', '),
    );
    const jury = byArm.overall.durations.find((d: Json) => d.key === 'jury');
    assert.ok(jury.median.days !== null && jury.median.days < 1, 'seconds, in days');
    assert.ok(jury.curve.length >= 2, 'its curve is published');
    const whole = byArm.overall.durations.find((d: Json) => d.key === 'whole_path');
    assert.equal(whole.median.days, null, 'fewer than half reached the jury: the median is not reached');
  });

  it('compares the arms: Newcombe’s difference for each proportion and a log-rank test for each duration', async () => {
    const asOf = Date.parse(byArm.asOf);
    const t = armMembers('test');
    const c = armMembers('control');
    const counts = (ms: CohortMember[]) => ({
      reached: FUNNEL_STEPS.map((_, k) => ms.filter((m) => furthest(m) >= k).length),
    });
    const [ct, cc] = [counts(t), counts(c)];
    let shown = 0;
    for (const p of byArm.comparison.proportions) {
      const [kind, step] = p.key.split('.');
      if (kind !== 'reached' && kind !== 'conversion') continue;
      const k = FUNNEL_STEPS.indexOf(step);
      const total = (x: { reached: number[] }) => (kind === 'reached' ? x.reached[0]! : x.reached[k - 1]!);
      cell(p.test.successes, ct.reached[k]!, `${p.key} test successes`);
      cell(p.control.total, total(cc), `${p.key} control total`);
      if (p.difference.masked) {
        assert.ok(
          [p.test.successes, p.test.total, p.control.successes, p.control.total].some((x: Count) => x.masked),
          `${p.key}: masked without a masked count`,
        );
        continue;
      }
      if (total(ct) === 0 || total(cc) === 0) continue;
      const d = newcombeDifference(
        { successes: ct.reached[k]!, total: total(ct) },
        { successes: cc.reached[k]!, total: total(cc) },
      );
      close(p.difference.value, d.difference, `${p.key} difference`);
      close(p.difference.lower, d.lower, `${p.key} lower`);
      close(p.difference.upper, d.upper, `${p.key} upper`);
      shown++;
    }
    assert.ok(shown >= 1, `${shown} differences shown`);

    const [ot, oc] = [
      (await journalObservations(t, asOf)).observations,
      (await journalObservations(c, asOf)).observations,
    ];
    for (const d of byArm.comparison.durations) {
      if (d.logRank.masked) continue;
      const expected = logRank(ot[d.key] ?? [], oc[d.key] ?? []);
      close(d.logRank.chiSquare, expected.chiSquare, `${d.key} chi2`);
      close(d.logRank.pValue, expected.pValue, `${d.key} p`);
      assert.deepEqual(
        d.test,
        groupOf(byArm, 'test').durations.find((x: Json) => x.key === d.key),
      );
    }
  });

  it('counts reminders, hand-offs, transfers, overdue deadlines and the waiting on the candidate apart from operators', async () => {
    const asOf = Date.parse(byArm.asOf);
    const o = byArm.overall;
    const n = (k: Kind) => members.filter((m) => m.kind === k).length;
    const candidateReminders = n('lapsed') + PRESENTED.reduce((s, k) => s + n(k), 0);
    assert.equal(
      o.activity.reminders.candidate.total,
      candidateReminders,
      'incomplete file 1 each, jury 1 each',
    );
    assert.equal(
      o.activity.reminders.operators.total,
      2 * n('implicit_coached'),
      'two warnings before a silence',
    );
    assert.equal(o.activity.reminders.candidate.perCandidacy.value, candidateReminders / members.length);
    const byType = Object.fromEntries(o.activity.reminders.byType.map((r: Json) => [r.key, r.total]));
    assert.deepEqual(byType, {
      incompleteFile: n('lapsed'),
      inactivity: 0,
      jury: PRESENTED.reduce((s, k) => s + n(k), 0),
      admissibilityWarning: 2 * n('implicit_coached'),
      result: 0,
      juryEscalation: 0,
    });
    cell(o.activity.implicitDecisions.implicit, n('implicit_coached'), 'implicit decisions');
    const decisions = members.filter((m) => furthest(m) >= 2 && m.kind !== 'lapsed').length;
    cell(o.activity.implicitDecisions.decisions, decisions, 'decisions');
    if (!o.activity.implicitDecisions.share.masked) {
      assert.equal(o.activity.implicitDecisions.share.value, n('implicit_coached') / decisions);
    }
    const handoffs = await stack.db
      .selectFrom('handoffs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('kind', '=', 'phase')
      .where(
        'candidacy_id',
        'in',
        members.map((m) => m.id),
      )
      .executeTakeFirstOrThrow();
    assert.equal(o.activity.handoffs.phase.total, Number(handoffs.n));
    assert.ok(
      Number(handoffs.n) >= 3 * 23,
      'advisor → certifier → advisor → coach for every admissible path',
    );
    cell(o.activity.handoffs.transfersRequested, n('transferred'), 'transfers requested');
    cell(o.activity.handoffs.transfersAccepted, n('transferred'), 'transfers accepted');
    const overdue = await stack.db
      .selectFrom('candidacies')
      .select('id')
      .where('project_id', '=', projectId)
      .where('next_deadline', '<', new Date(asOf))
      .where('phase', 'not in', TERMINAL_PHASES)
      .execute();
    cell(o.activity.deadlines.overdue, overdue.length, 'overdue');
    cell(o.activity.deadlines.juryDeadlineMissed, 0, 'jury deadline missed');

    const { waiting } = await journalObservations(members, asOf);
    // Sums of the same spans in another order: equal to rounding (not rounded to a grid first, where
    // a value on a boundary falls on either side).
    close(o.waiting.candidateDays, waiting.candidate, 'waiting on the candidate');
    close(o.waiting.operatorDays, waiting.operators, 'waiting on operators');
    const phase = (p: string) => o.waiting.byPhase.find((x: Json) => x.phase === p);
    assert.ok(
      phase('admissibility_incomplete').candidateDays > 0,
      'an incomplete file waits on the candidate',
    );
    assert.equal(phase('admissibility_incomplete').operatorDays, 0);
    assert.ok(phase('admissibility_requested').operatorDays > 0, 'a request waits on the certifier');
    assert.equal(phase('admissibility_requested').candidateDays, 0);
    assert.ok(o.waiting.candidateShare.value > 0 && o.waiting.candidateShare.value < 1);
  });

  it('counts the jury sessions held, the members who sat, the remote share and the costs per session, candidate and block', () => {
    const expected = (ms: CohortMember[]) => {
      const ids = new Set(ms.map((m) => m.id));
      const mine = sessions.filter((s) => s.candidacies.some((c) => ids.has(c)));
      const allocated = mine.reduce(
        (sum, s) =>
          sum + (s.costCents * s.candidacies.filter((c) => ids.has(c)).length) / s.candidacies.length,
        0,
      );
      const examined = ms.filter((m) => PRESENTED.includes(m.kind)).length;
      const blocks = ms.reduce((sum, m) => sum + m.validated.length, 0);
      return {
        sessionsHeld: mine.length,
        remoteSessions: mine.filter((s) => s.remote).length,
        members: new Set(mine.flatMap((s) => s.members)).size,
        examined,
        blocks,
        cost: Math.round(allocated) / 100,
        perSession: mine.length
          ? Math.round(mine.reduce((s, x) => s + x.costCents, 0) / mine.length) / 100
          : null,
        perCandidate: examined ? Math.round(allocated / examined) / 100 : null,
        perBlock: blocks ? Math.round(allocated / blocks) / 100 : null,
      };
    };
    const all = expected(members);
    assert.deepEqual(
      [all.sessionsHeld, all.remoteSessions, all.members, all.examined, all.blocks, all.cost],
      [3, 2, 5, 9, 1 * 3 + 2 * 2 + 3 * 2, 660],
    );
    for (const [name, set, ms] of [
      ['ensemble', byArm.overall, members],
      ['test', groupOf(byArm, 'test'), armMembers('test')],
      ['control', groupOf(byArm, 'control'), armMembers('control')],
    ] as [string, Json, CohortMember[]][]) {
      const e = expected(ms);
      const j = set.jury;
      assert.equal(j.sessionsHeld, e.sessionsHeld, `${name} sessions`);
      assert.equal(j.remoteSessions, e.remoteSessions, `${name} remote`);
      assert.equal(j.remoteShare.value, e.sessionsHeld ? e.remoteSessions / e.sessionsHeld : null);
      cell(j.membersMobilised, e.members, `${name} members`);
      cell(j.candidatesExamined, e.examined, `${name} examined`);
      assert.equal(j.validatedBlocks, e.blocks, `${name} blocks`);
      assert.equal(j.costEuros, e.cost, `${name} cost`);
      assert.equal(j.costPerSessionEuros.value, e.perSession, `${name} per session`);
      if (isSmall(e.examined))
        assert.equal(j.costPerCandidateEuros.masked, true, `${name} per candidate masked`);
      else if (!j.candidatesExamined.masked) assert.equal(j.costPerCandidateEuros.value, e.perCandidate);
      assert.equal(j.costPerValidatedBlockEuros.value, e.perBlock, `${name} per block`);
    }
  });

  it('breaks down by operator, public, scope and period: every group’s counts as the cohort says, adding up to the project', async () => {
    const dimensions: [string, (m: CohortMember) => string][] = [
      ['operator', (m) => (m.kind === 'transferred' ? SECOND_ADVICE_OPERATOR : OPERATORS.advice)],
      ['public', (m) => (m.reinforced ? 'reinforced' : 'standard')],
      ['scope', (m) => m.scope],
      ['period', () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' }).slice(0, 7)],
    ];
    for (const [dimension, keyOf] of dimensions) {
      const res = await stack.http(
        'GET',
        `/api/indicators?projectId=${projectId}&breakdown=${dimension}`,
        asLead,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.breakdown.dimension, dimension);
      const groups: Json[] = res.body.breakdown.groups;
      const keys = new Set(members.map(keyOf));
      for (const key of keys)
        assert.ok(
          groups.some((g) => g.key === key),
          `${dimension}: group ${key}`,
        );
      for (const g of groups) {
        const ms = members.filter((m) => keyOf(m) === g.key);
        cell(g.indicators.candidacies, ms.length, `${dimension} ${g.key}`);
        FUNNEL_STEPS.forEach((step, k) =>
          cell(
            g.indicators.funnel.steps[k].reached,
            ms.filter((m) => furthest(m) >= k).length,
            `${dimension} ${g.key} ${step}`,
          ),
        );
      }
      // The same project-wide figures and masks whatever the breakdown: no answer shows what another masks.
      assert.deepEqual(res.body.overall.funnel, byArm.overall.funnel);
      assert.deepEqual(res.body.overall.activity, byArm.overall.activity);
      assert.deepEqual(res.body.comparison.proportions, byArm.comparison.proportions);
      assert.equal(res.body.confidentiality.maskedCells, byArm.confidentiality.maskedCells);
    }
    const operators = await stack.http(
      'GET',
      `/api/indicators?projectId=${projectId}&breakdown=operator`,
      asLead,
    );
    const second = operators.body.breakdown.groups.find((g: Json) => g.key === SECOND_ADVICE_OPERATOR);
    assert.equal(second.label, 'Second point conseil');
    assert.deepEqual(
      second.indicators.candidacies,
      { n: null, masked: true, reason: 'small' },
      'one: masked',
    );

    const filtered = await stack.http(
      'GET',
      `/api/indicators?projectId=${projectId}&from=2000-01-01&to=2000-12-31`,
      asLead,
    );
    assert.equal(filtered.status, 200);
    assert.deepEqual(filtered.body.overall.candidacies, { n: 0, masked: false }, 'nobody identified in 2000');
  });

  it('answers the same figures in CSV: RFC 4180, UTF-8 with BOM, and a « ; » variant with decimal commas', async () => {
    const res = await fetch(
      `${stack.baseUrl}/api/indicators?projectId=${projectId}&breakdown=arm&format=csv`,
      {
        headers: { authorization: `Bearer ${stack.tokens.project_lead}` },
      },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="indicateurs-/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    assert.ok(text.startsWith('\uFEFF'), 'BOM');
    assert.ok(text.includes('\r\n') && !/[^\r]\n/.test(text.replace(/"[^"]*"/g, '')), 'CRLF record ends');
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(
      header,
      INDICATOR_CSV_COLUMNS.map((c) => c.name),
    );
    const find = (rowsOf: string[][], group: string, code: string) =>
      rowsOf.find((r) => r[1] === group && r[4] === code)!;
    for (const [k, step] of FUNNEL_STEPS.entries()) {
      for (const [group, set] of [
        ['ensemble', byArm.overall],
        ['test', groupOf(byArm, 'test')],
        ['control', groupOf(byArm, 'control')],
      ] as [string, Json][]) {
        const row = find(rows, group, `funnel.${step}.reached`);
        const c: Count = set.funnel.steps[k].reached;
        assert.deepEqual([row[6], row[7]], c.masked ? ['', '1'] : [String(c.n), '0'], `${group} ${step}`);
      }
    }
    for (const r of rows) if (r[7] === '1') assert.deepEqual([r[6], r[8], r[9]], ['', '', ''], r[4]);
    assert.ok(rows.some((r) => r[7] === '1') && rows.some((r) => r[0] === 'comparaison'));

    const semi = await fetch(
      `${stack.baseUrl}/api/indicators?projectId=${projectId}&breakdown=arm&format=csv&separator=semicolon`,
      { headers: { authorization: `Bearer ${stack.tokens.project_lead}` } },
    );
    const semiRows = parseCsv(await semi.text(), 'semicolon');
    assert.deepEqual(semiRows[0], header);
    const share = find(semiRows, 'ensemble', 'funnel.admissible.share');
    assert.equal(share[6], '0,71875', 'decimal comma: 23 of 32');
    assert.equal(semiRows.length, rows.length + 1);
  });

  it('describes every export column in the dictionary, in JSON and in CSV', async () => {
    const res = await stack.http('GET', '/api/indicators/dictionary', asLead);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.export.columns.map((c: Json) => c.name),
      EXPORT_COLUMNS.map((c) => c.name),
    );
    for (const c of res.body.export.columns) {
      assert.ok(
        c.description.length > 20 && ['texte', 'entier', 'décimal', 'booléen', 'mois'].includes(c.type),
        c.name,
      );
    }
    const arm = res.body.export.columns.find((c: Json) => c.name === 'groupe');
    assert.deepEqual(
      arm.values.map((v: Json) => v.value),
      ['test', 'control'],
    );
    assert.deepEqual(
      res.body.indicators.columns.map((c: Json) => c.name),
      INDICATOR_CSV_COLUMNS.map((c) => c.name),
    );
    const csv = await fetch(`${stack.baseUrl}/api/indicators/dictionary?format=csv&separator=semicolon`, {
      headers: { authorization: `Bearer ${stack.tokens.project_lead}` },
    });
    const rows = parseCsv(await csv.text(), 'semicolon');
    assert.deepEqual(rows[0], ['fichier', 'colonne', 'type', 'unite', 'description', 'valeurs']);
    assert.deepEqual(
      rows.filter((r) => r[0] === 'export').map((r) => r[1]),
      EXPORT_COLUMNS.map((c) => c.name),
    );
    assert.match(rows.find((r) => r[1] === 'tranche_age')![5]!, /<26 = moins de 26 ans/);
  });

  it('exports one pseudonymised row per candidacy, stable, as the outcomes say, with no personal value of the cohort', async () => {
    const get = async () => {
      const res = await fetch(`${stack.baseUrl}/api/indicators/export?projectId=${projectId}`, {
        headers: { authorization: `Bearer ${stack.tokens.project_lead}` },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      return res.text();
    };
    const text = await get();
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(
      header,
      EXPORT_COLUMNS.map((c) => c.name),
    );
    assert.equal(rows.length, members.length);
    const col = (name: string) => header!.indexOf(name);
    const again = parseCsv(await get());
    assert.deepEqual(
      again.slice(1).map((r) => r[0]),
      rows.map((r) => r[0]),
      'the same pseudonyms, in the same order',
    );

    // Each row is a member: the pseudonym is the project key's HMAC of its id.
    const { pseudonymKey } = await projectSecrets(stack.db, projectId);
    const year = parisYear(new Date());
    for (const m of members) {
      const row = rows.find((r) => r[0] === pseudonym(pseudonymKey, m.id));
      assert.ok(row, `${m.kind}: its row`);
      assert.equal(row[col('groupe')], m.arm);
      assert.equal(row[col('accompagnement_renforce')], m.reinforced ? '1' : '0');
      assert.equal(row[col('perimetre')], m.scope);
      assert.equal(row[col('tranche_age')], ageBand(m.birthYear, year));
      assert.equal(row[col('etape_atteinte')], FUNNEL_STEPS[furthest(m)]);
      assert.equal(row[col('statut')], KINDS[m.kind].exit);
      assert.equal(row[col('blocs_valides')], String(m.validated.length));
      assert.equal(row[col('certification_obtenue')], m.kind === 'jury_full_cert' ? '1' : '0');
      const decision =
        m.kind === 'implicit_coached'
          ? 'implicit_admissible'
          : m.kind === 'rejected'
            ? 'explicit_rejected'
            : furthest(m) >= 3
              ? 'explicit_admissible'
              : '';
      assert.equal(row[col('recevabilite')], decision, `${m.kind}: admissibility`);
      assert.match(row[col('mois_reperage')]!, /^\d{4}-\d{2}$/);
    }

    // The scan: no name, e-mail, phone, employer, birth year or identifier of anyone in the cohort.
    const flat = text.toLowerCase();
    const digits = text.replace(/\D/g, '');
    const cells = new Set(rows.flat());
    for (const m of members) {
      for (const value of [
        m.firstName,
        m.lastName,
        m.email,
        m.employer,
        m.id,
        m.candidateId,
        m.lastName.split('-').pop()!,
      ]) {
        assert.ok(!flat.includes(value.toLowerCase()), `the export holds « ${value} »`);
      }
      assert.ok(
        !flat.includes(m.phone.toLowerCase()) && !digits.includes(m.phone.replace(/\D/g, '')),
        `phone ${m.phone}`,
      );
      assert.ok(!cells.has(String(m.birthYear)), `birth year ${m.birthYear} as a value`);
    }
    assert.doesNotMatch(
      text,
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
      'no UUID at all',
    );
    assert.doesNotMatch(text, /@/, 'no e-mail address at all');
    for (const h of header!)
      assert.doesNotMatch(h, /naissance|birth|nom|e?mail|t[eé]l[eé]phone|employeur|_id$/i, h);
    assert.ok(!rows.some((r) => r.includes(pseudonymKey)), 'the key never leaves');

    // Nor do the indicators (JSON and CSV) name anyone.
    const json = JSON.stringify(byArm).toLowerCase();
    for (const m of members) {
      for (const value of [m.lastName, m.email, m.employer, m.id, m.candidateId]) {
        assert.ok(!json.includes(value.toLowerCase()), `the indicators hold « ${value} »`);
      }
    }
  });

  it('lets the project lead and administrators in: an advisor 403, another project’s lead 403, an unknown project 404, a bad query 400 in French', async () => {
    const routes = [
      `/api/indicators?projectId=${projectId}`,
      `/api/indicators/export?projectId=${projectId}`,
      '/api/indicators/dictionary',
    ];
    for (const url of routes) {
      const advisor = await stack.http('GET', url, { role: 'advisor' });
      assert.equal(advisor.status, 403, url);
      assert.equal(advisor.body.code, 'role_not_allowed');
      assert.match(advisor.body.detail, /Réservé aux administrateurs et aux porteurs de projet/);
      const admin = await stack.http('GET', url, { role: 'administrator' });
      assert.equal(admin.status, 200, url);
    }
    const otherLead = await createUserWithToken(stack.db, OPERATORS.lead, 'project_lead');
    for (const url of routes.slice(0, 2)) {
      const res = await stack.http('GET', url, { token: otherLead });
      assert.equal(res.status, 403, url);
      assert.equal(res.body.code, 'project_not_led');
      assert.match(res.body.detail, /Vous n’êtes pas le porteur de ce projet/);
    }
    const unknown = await stack.http('GET', `/api/indicators?projectId=${randomUUID()}`, asLead);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'project_not_found');

    const bad = async (query: string, path: string) => {
      const res = await stack.http('GET', `/api/indicators?${query}`, asLead);
      assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'validation_failed');
      assert.ok(
        res.body.errors.some((e: Json) => e.path === path && /[a-zà-ÿ]/.test(e.message)),
        `${query}: ${JSON.stringify(res.body.errors)}`,
      );
      return res.body.errors.find((e: Json) => e.path === path).message as string;
    };
    assert.match(await bad(`projectId=${projectId}&breakdown=region`, 'query.breakdown'), /attendu|valeur/i);
    assert.match(await bad(`projectId=${projectId}&from=2027-02-30`, 'query.from'), /Date invalide/);
    assert.match(await bad(`projectId=${projectId}&from=2027-03-01&to=2027-02-01`, 'query.to'), /précéder/);
    await bad(`projectId=${projectId}&format=xlsx`, 'query.format');
    await bad('projectId=pas-un-uuid', 'query.projectId');
    await bad(`projectId=${projectId}&annee=2027`, 'query');
    const advisorBad = await stack.http('GET', '/api/indicators?breakdown=region', { role: 'advisor' });
    assert.equal(advisorBad.status, 403, 'the role is checked before the query');

    const doc = await stack.http('GET', '/api/openapi.json', { token: null });
    for (const path of ['/api/indicators', '/api/indicators/export', '/api/indicators/dictionary']) {
      assert.ok(doc.body.paths[path]?.get, `${path} in the OpenAPI document`);
    }
  });

  it('shares one computation for a minute between the JSON, its CSV and the dashboard, then serves it while a newer one is computed; INDICATORS_CACHE_SECONDS=0 computes each time', async () => {
    const url = `/api/indicators?projectId=${projectId}&breakdown=public`;
    const first = await stack.http('GET', url, asLead);
    const second = await stack.http('GET', url, asLead);
    assert.equal(first.status, 200);
    assert.equal(second.body.asOf, first.body.asOf, 'the second answer is the first computation');
    const before = process.env.INDICATORS_CACHE_SECONDS;
    process.env.INDICATORS_CACHE_SECONDS = '0';
    try {
      await new Promise((r) => setTimeout(r, 5));
      const fresh = await stack.http('GET', url, asLead);
      assert.notEqual(fresh.body.asOf, first.body.asOf, 'without the cache, a new computation');
      assert.deepEqual(fresh.body.overall.funnel, first.body.overall.funnel);
      // Past its age, the last result is served at once while a newer one is computed behind it.
      process.env.INDICATORS_CACHE_SECONDS = '1';
      // A key no earlier test asked for (a period), so that `a` is a fresh computation, not a stale one.
      const scope = `/api/indicators?projectId=${projectId}&breakdown=scope&from=2001-01-01`;
      const a = await stack.http('GET', scope, asLead);
      await new Promise((r) => setTimeout(r, 1_100));
      const b = await stack.http('GET', scope, asLead);
      assert.equal(b.body.asOf, a.body.asOf, 'the stale result, without waiting');
      let c = b;
      for (let i = 0; i < 50 && c.body.asOf === a.body.asOf; i++) {
        await new Promise((r) => setTimeout(r, 100));
        c = await stack.http('GET', scope, asLead);
      }
      assert.ok(Date.parse(c.body.asOf) > Date.parse(a.body.asOf), 'then the newer one');
    } finally {
      if (before === undefined) delete process.env.INDICATORS_CACHE_SECONDS;
      else process.env.INDICATORS_CACHE_SECONDS = before;
    }
  });

  it('reads the summary the journal activity kept, equal to one rebuilt from the journal; a missing or lagging row is rebuilt before it is read', async () => {
    const asOf = new Date(Date.parse(byArm.asOf) + 3_600_000);
    const query = { projectId, breakdown: 'operator' as const, asOf };
    const kept = await computeIndicators(stack.db, query);
    const ids = (
      await stack.db.selectFrom('candidacies').select('id').where('project_id', '=', projectId).execute()
    ).map((r) => r.id);
    const rows = await stack.db
      .selectFrom('candidacy_facts')
      .select('through_seq')
      .where('candidacy_id', 'in', ids)
      .execute();
    assert.equal(rows.length, ids.length, 'one summary row per candidacy, written with its events');
    // As after the migration, or after events an older worker wrote without the summary.
    await stack.db.deleteFrom('candidacy_facts').where('candidacy_id', 'in', ids.slice(0, 10)).execute();
    await stack.db
      .updateTable('candidacy_facts')
      .set({ through_seq: 0, validated_blocks: 99, waiting: '{}' })
      .where('candidacy_id', 'in', ids.slice(10, 20))
      .execute();
    const rebuilt = await computeIndicators(stack.db, query);
    assert.deepEqual(rebuilt, kept);
    const after = await stack.db
      .selectFrom('candidacy_facts')
      .select('candidacy_id')
      .where('candidacy_id', 'in', ids)
      .execute();
    assert.equal(after.length, ids.length);
  });
});
