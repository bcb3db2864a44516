import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEMO } from '../../src/db/demo-data.js';
import type { PolicyOverrides } from '../../src/domain/policy.js';
import { eventually, inSeconds } from './fixtures.js';
import { CandidacyDriver } from './path.js';
import { COMPRESSED, OPERATORS, SECOND_ADVICE_OPERATOR } from './projects.js';
import type { TestStack } from './stack.js';

/**
 * A cohort of candidacies with known outcomes, driven through the real workflows (HTTP API,
 * Temporal, clocks) of a project with a compressed policy, for the indicators' tests. Each member
 * has a kind (where its path goes and how it ends); profiles, targets, names and birth years come
 * from a fixed seed. The arm is not chosen here: it is read back from the read model.
 */

/** Clocks in seconds; none runs out in the middle of a path the cohort drives by hand. */
export const INDICATOR_POLICY: PolicyOverrides = {
  ...COMPRESSED,
  admissibilityDecisionDeadline: { seconds: 8 },
  admissibilityWarningShare: 0.5,
  admissibilityWarningBefore: { seconds: 1 },
  incompleteFileCompletionDelay: { seconds: 4 },
  incompleteFileReminderBefore: { seconds: 2 },
  coachingStartDeadline: { seconds: 10 },
  inactivityReminderStandard: { seconds: 900 },
  inactivityReminderReinforced: { seconds: 900 },
  abandonmentContestDelay: { seconds: 3 },
  juryDeadlineAfterValidationFile: { seconds: 900 },
  juryEscalationBefore: { seconds: 60 },
  convocationLeadTime: { seconds: 1 },
  juryReminderBefore: { seconds: 1 },
  resultReminderAfter: { seconds: 120 },
  resultNotificationDeadline: { seconds: 300 },
  transferAcceptanceDelay: { seconds: 900 },
};

export const KINDS = {
  /** Repéré, nothing else: open at identification. */
  identified: { furthest: 0, exit: 'open' },
  informed: { furthest: 1, exit: 'open' },
  /** Handed over to the second advice operator, who informs: open, another operator. */
  transferred: { furthest: 1, exit: 'open' },
  withdrawn_informed: { furthest: 1, exit: 'withdrawn' },
  /** Incomplete file never completed: reminded once, lapsed after 4 s. */
  lapsed: { furthest: 2, exit: 'lapsed' },
  rejected: { furthest: 2, exit: 'closed' },
  /** Admissible by the certifier's silence (8 s, warned twice), then coached: open. */
  implicit_coached: { furthest: 4, exit: 'open' },
  /** Admissible, coaching never started: abandonment proposed after 10 s, abandoned 3 s later. */
  abandoned: { furthest: 3, exit: 'abandoned' },
  coached: { furthest: 4, exit: 'open' },
  withdrawn_coaching: { furthest: 4, exit: 'withdrawn' },
  jury_refused: { furthest: 5, exit: 'closed' },
  jury_partial: { furthest: 6, exit: 'closed' },
  /** Both targeted blocks validated, not the whole certification (3 blocks). */
  jury_full_blocks: { furthest: 6, exit: 'closed' },
  /** The whole certification targeted and obtained. */
  jury_full_cert: { furthest: 7, exit: 'closed' },
} as const;
export type Kind = keyof typeof KINDS;

export interface CohortMember {
  kind: Kind;
  driver: CandidacyDriver;
  id: string;
  candidateId: string;
  arm: string;
  reinforced: boolean;
  scope: 'one_block' | 'several_blocks' | 'whole_certification';
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  employer: string;
  birthYear: number;
  qualificationLevel: string;
  jobSituation: string;
  /** Blocks the jury validated. */
  validated: string[];
}

/** A small deterministic generator (the same cohort each run). */
export function seeded(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return (s >>> 8) % n;
  };
}

const FIRST = ['Zéphirine', 'Anatole', 'Philomène', 'Barnabé', 'Eulalie', 'Séraphin', 'Ombeline', 'Théodule'];
const LAST = ['Quenouille', 'Barbottin', 'Vermicel', 'Pichonnat', 'Grelaudin', 'Mirabeau-Tusse'];
const BLOCKS = ['RNCP35830BC01', 'RNCP35830BC02', 'RNCP35830BC03'];

function targetOf(
  kind: Kind,
  next: (n: number) => number,
): 'one_block' | 'several_blocks' | 'whole_certification' {
  if (kind === 'jury_full_cert') return 'whole_certification';
  if (kind === 'jury_partial' || kind === 'jury_full_blocks') return 'several_blocks';
  // Never informed: the whole certification is chosen at the information step only.
  if (kind === 'identified') return (['one_block', 'several_blocks'] as const)[next(2)]!;
  return (['one_block', 'several_blocks', 'whole_certification'] as const)[next(3)]!;
}

const blocksOf = (scope: CohortMember['scope']) =>
  scope === 'one_block' ? BLOCKS.slice(0, 1) : scope === 'several_blocks' ? BLOCKS.slice(0, 2) : BLOCKS;

async function runPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  });
  await Promise.all(workers);
}

/**
 * Waits until the read model is at `phase`: the API checks an action against it, and a clock's
 * transition reaches it a moment after the workflow's own state (which `waitPhase` queries).
 */
async function waitReadModel(stack: TestStack, id: string, phase: string, timeoutMs = 30_000) {
  await eventually(
    async () =>
      (await stack.db.selectFrom('candidacies').select('phase').where('id', '=', id).executeTakeFirst())
        ?.phase === phase,
    timeoutMs,
    `read model at ${phase}`,
  );
}

/** Drives one member's path to its end (or to where it stays open). */
async function drive(stack: TestStack, m: CohortMember, tokens: { secondAdvisor: string }): Promise<void> {
  const c = m.driver;
  const profile = { qualificationLevel: m.qualificationLevel, jobSituation: m.jobSituation };
  const information = {
    eligibilityChecked: true,
    rncpCode: 'RNCP35830',
    targetBlocks: m.scope === 'whole_certification' ? 'all' : blocksOf(m.scope),
    profile,
  };
  const inform = () => c.act('record-information', information);
  const submit = async () => {
    await inform();
    await c.act('submit-admissibility');
  };
  const admissible = async () => {
    await submit();
    await c.act('decide-admissibility', { admissible: true }, 'certifier');
  };
  const coach = async () => {
    await c.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
    await c.act(
      'log-coaching-session',
      { date: new Date().toISOString(), durationMinutes: 90, modality: 'remote' },
      'coach',
    );
  };
  const jury = async (outcome: 'full' | 'partial' | 'refused') => {
    await admissible();
    await coach();
    await c.act('submit-validation-file', {}, 'coach');
    await c.act(
      'schedule-jury',
      { sessionAt: inSeconds(5), modality: 'remote', place: 'https://visio.exemple.fr/salle-12' },
      'certifier',
    );
    await waitReadModel(stack, m.id, 'jury_held');
    const targeted = blocksOf(m.scope);
    const validated = outcome === 'full' ? targeted : outcome === 'partial' ? targeted.slice(0, 1) : [];
    m.validated = validated;
    await c.act(
      'record-jury-result',
      { outcome, blocks: targeted.map((code) => ({ code, validated: validated.includes(code) })) },
      'certifier',
    );
  };
  switch (m.kind) {
    case 'identified':
      return;
    case 'informed':
      await inform();
      return;
    case 'transferred': {
      await c.act('request-transfer', { toOperatorId: SECOND_ADVICE_OPERATOR, reason: 'geography' });
      const ok = await stack.http('POST', `/api/candidacies/${m.id}/accept-transfer`, {
        token: tokens.secondAdvisor,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const informed = await stack.http('POST', `/api/candidacies/${m.id}/record-information`, {
        body: information,
        token: tokens.secondAdvisor,
      });
      assert.equal(informed.status, 200, JSON.stringify(informed.body));
      return;
    }
    case 'withdrawn_informed':
      await inform();
      await c.act('withdraw', { reason: 'new_job' });
      return;
    case 'lapsed':
      await submit();
      await c.act('mark-incomplete', { missingItems: ['identity_document'] }, 'certifier');
      await waitReadModel(stack, m.id, 'admissibility_lapsed');
      return;
    case 'rejected':
      await submit();
      await c.act(
        'decide-admissibility',
        { admissible: false, reasons: ['file_not_compliant'] },
        'certifier',
      );
      return;
    case 'implicit_coached':
      await submit();
      await waitReadModel(stack, m.id, 'admissible');
      await coach();
      return;
    case 'abandoned':
      await admissible();
      await waitReadModel(stack, m.id, 'abandoned', 40_000);
      return;
    case 'coached':
      await admissible();
      await coach();
      return;
    case 'withdrawn_coaching':
      await admissible();
      await coach();
      await c.act('withdraw', { reason: 'health' });
      return;
    case 'jury_refused':
      return jury('refused');
    case 'jury_partial':
      return jury('partial');
    case 'jury_full_blocks':
    case 'jury_full_cert':
      return jury('full');
  }
}

/**
 * Creates the cohort in `projectId` (kinds in the order given, profiles from `seed`) and drives
 * every path, a few at a time; returns the members with their arms read back.
 */
export async function driveCohort(
  stack: TestStack,
  projectId: string,
  kinds: Kind[],
  opts: { seed: number; secondAdvisorToken: string; concurrency?: number },
): Promise<CohortMember[]> {
  const next = seeded(opts.seed);
  const members: CohortMember[] = [];
  for (const [i, kind] of kinds.entries()) {
    const tag = randomUUID().slice(0, 8);
    const reinforced = next(2) === 0;
    const scope = targetOf(kind, next);
    const firstName = FIRST[next(FIRST.length)]!;
    const lastName = `${LAST[next(LAST.length)]!}-${tag}`;
    const birthYear = 1962 + next(42);
    const profile = reinforced
      ? { qualificationLevel: 'none', jobSituation: 'job_seeker' }
      : { qualificationLevel: 'level5', jobSituation: 'employed' };
    const email = `${firstName.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${tag}@exemple.fr`;
    const phone = `06 ${String(10 + i).padStart(2, '0')} ${String(20 + next(70))} ${String(10 + next(89))} ${String(10 + next(89))}`;
    const employer = `Établissements ${lastName}`;
    const res = await stack.http('POST', '/api/candidacies', {
      body: {
        projectId,
        rncpCode: 'RNCP35830',
        targetBlocks: blocksOf(scope),
        candidate: { firstName, lastName, email, phone, birthYear, ...profile, employer },
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    members.push({
      kind,
      driver: new CandidacyDriver(stack, res.body.id, email),
      id: res.body.id,
      candidateId: '',
      arm: '',
      reinforced,
      scope,
      firstName,
      lastName,
      email,
      phone,
      employer,
      birthYear,
      ...profile,
      validated: [],
    });
  }
  await runPool(members, opts.concurrency ?? 8, (m) =>
    drive(stack, m, { secondAdvisor: opts.secondAdvisorToken }),
  );
  // Every journal write is in: each candidacy's read model is at its kind's phase.
  const rows = await eventually(
    async () => {
      const r = await stack.db
        .selectFrom('candidacies')
        .select(['id', 'candidate_id', 'arm', 'reinforced', 'phase'])
        .where('project_id', '=', projectId)
        .execute();
      return r.length === members.length ? r : undefined;
    },
    10_000,
    'the cohort in the read model',
  );
  for (const m of members) {
    const row = rows.find((r) => r.id === m.id)!;
    m.candidateId = row.candidate_id;
    m.arm = row.arm;
    assert.equal(row.reinforced, m.reinforced, `${m.kind}: reinforced from the profile`);
  }
  return members;
}

/** A held jury session of `members`, written as the session workflow leaves its tables. */
export interface HeldSession {
  id: string;
  remote: boolean;
  costCents: number;
  /** The jury members who sat (not those marked absent). */
  members: string[];
  candidacies: string[];
}

export async function insertHeldSession(
  stack: TestStack,
  projectId: string,
  convened: CohortMember[],
  s: { remote: boolean; costCents: number; memberIds: string[]; absent?: string[] },
): Promise<HeldSession> {
  const id = randomUUID();
  const absent = s.absent ?? [];
  const organiser = DEMO.users.find((u) => u.role === 'jury_organiser')!;
  await stack.db
    .insertInto('jury_sessions')
    .values({
      id,
      project_id: projectId,
      organiser_operator_id: OPERATORS.jury,
      rncp_code: 'RNCP35830',
      starts_at: new Date(Date.now() - 3_600_000),
      ends_at: new Date(Date.now() - 1_800_000),
      modality: s.remote ? 'remote' : 'on_site',
      place: s.remote ? null : '12 rue des Jurys, Paris',
      room_url: s.remote ? 'https://visio.exemple.fr/jury' : null,
      status: 'closed',
      workflow_id: `jury-session-${id}`,
      cost_cents: s.costCents,
      created_by_user_id: organiser.id,
    })
    .execute();
  await stack.db
    .insertInto('jury_session_members')
    .values(
      s.memberIds.map((member_id, i) => ({
        session_id: id,
        member_id,
        status: 'accepted',
        president: i === 0,
        fee_cents: 10_000,
        travel_cents: 0,
        attendance: absent.includes(member_id) ? 'absent' : 'present',
      })),
    )
    .execute();
  await stack.db
    .insertInto('jury_session_candidates')
    .values(
      convened.map((m) => ({
        session_id: id,
        candidacy_id: m.id,
        status: 'result_recorded',
        attendance: 'present',
        outcome: m.kind === 'jury_refused' ? 'refused' : m.kind === 'jury_partial' ? 'partial' : 'full',
        validated_blocks: m.validated,
      })),
    )
    .execute();
  return {
    id,
    remote: s.remote,
    costCents: s.costCents,
    members: s.memberIds.filter((x) => !absent.includes(x)),
    candidacies: convened.map((m) => m.id),
  };
}
