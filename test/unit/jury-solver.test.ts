import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertValidPlan, solvePlan } from '../../src/activities/jury/solve-plan.js';
import { checkPlan, greedyPlan, hardViolations } from '../../src/domain/jury/index.js';
import type { Plan, PlanningInstance, PoolMember } from '../../src/domain/jury/types.js';
import { fromParis } from '../../src/domain/paris-time.js';
import { generateInstance } from '../../scripts/bench/jury-instance.js';

const RNCP = 'RNCP34000';
const costPerPlaced = (instance: PlanningInstance, plan: Plan) =>
  plan.totalCostCents / (instance.candidates.length - plan.unplaced.length);

function member(id: string, overrides: Partial<PoolMember>): PoolMember {
  return {
    id,
    qualifications: [{ rncpCode: RNCP, blockCodes: 'all' }],
    profile: 'professional',
    gender: 'F',
    ties: { employers: [], operatorIds: [], userIds: [] },
    availability: {
      weekly: ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, from: '08:00', to: '18:00' })),
      unavailableDates: [],
    },
    remote: true,
    homeDepartement: '75',
    feeCents: 10_000,
    travelCents: 0,
    yearlyCap: 10,
    booked: {},
    active: true,
    ...overrides,
  };
}

/**
 * Two cheap members tied to the employer of c1, two dear ones untied: any session with c1 needs
 * the dear pair, and c2 joins it for nothing. The optimum is one session, C + D, 410 €.
 */
function tiedInstance(): PlanningInstance {
  const at = (hour: number, minute = 0) =>
    fromParis({ year: 2027, month: 3, day: 23, hour, minute, second: 0, millisecond: 0 }).toISOString();
  const candidate = (candidacyId: string, employer: string | null) => ({
    candidacyId,
    rncpCode: RNCP,
    blockCodes: [`${RNCP}BC01`],
    juryDeadlineAt: fromParis({
      year: 2027,
      month: 4,
      day: 30,
      hour: 23,
      minute: 59,
      second: 0,
      millisecond: 0,
    }).toISOString(),
    employer,
    coachOperatorId: null,
    coachUserId: null,
    acceptsRemote: true,
  });
  return {
    plannedAt: '2027-03-01T08:00:00.000Z',
    earliestSessionAt: '2027-03-16T08:00:00.000Z',
    candidates: [candidate('c1', 'Boulangerie Éclair'), candidate('c2', null)],
    members: [
      member('A', {
        feeCents: 8_000,
        ties: { employers: ['boulangerie eclair'], operatorIds: [], userIds: [] },
      }),
      member('B', {
        feeCents: 9_000,
        gender: 'M',
        profile: 'trainer',
        ties: { employers: ['Boulangerie  Eclair'], operatorIds: [], userIds: [] },
      }),
      member('C', { feeCents: 20_000 }),
      member('D', { feeCents: 21_000, gender: 'M', profile: 'trainer' }),
    ],
    slots: [
      { id: 'am', startsAt: at(9), endsAt: at(12, 30) },
      { id: 'pm', startsAt: at(13, 30), endsAt: at(17) },
    ],
    venues: [],
    allowRemote: true,
    rules: {
      minMembers: 2,
      maxMembers: 3,
      capacity: 6,
      minProfessionalShare: 0.25,
      genderPenaltyCents: 5000,
    },
  };
}

describe('jury planning with HiGHS (solvePlan)', () => {
  const small = generateInstance({ seed: 7, candidates: 20, members: 12, weeks: 2, certifications: 2 });

  it('plans a small generated instance with no hard violation, cheaper than greedy and placing as many', async () => {
    const greedy = greedyPlan(small);
    assert.deepEqual(hardViolations(checkPlan(small, greedy)), []);
    const { plan, status, model } = await solvePlan(small, { timeLimitSeconds: 10 });
    assert.deepEqual(hardViolations(checkPlan(small, plan)), []);
    assert.ok(model.variables > 0 && model.constraints > 0);
    assert.ok(status.length > 0);
    assert.ok(
      plan.unplaced.length <= greedy.unplaced.length,
      `${plan.unplaced.length} > ${greedy.unplaced.length}`,
    );
    assert.ok(costPerPlaced(small, plan) <= costPerPlaced(small, greedy));
    assert.equal(
      plan.totalCostCents,
      plan.sessions.reduce((sum, s) => sum + s.costCents, 0),
    );
  });

  it('gives valid plans with the joint model and with one model per certification', async () => {
    for (const decompose of [false, true]) {
      const r = await solvePlan(small, { timeLimitSeconds: 10, decompose });
      assert.equal(r.decomposed, decompose);
      assert.deepEqual(hardViolations(checkPlan(small, r.plan)), []);
    }
  });

  it('finds the known optimum of a hand-built instance (cheap members tied to the candidate)', async () => {
    const instance = tiedInstance();
    const { plan, status } = await solvePlan(instance, { timeLimitSeconds: 10, relativeGap: 0 });
    assert.equal(status, 'Optimal');
    assert.deepEqual(plan.unplaced, []);
    assert.equal(plan.sessions.length, 1);
    const [session] = plan.sessions;
    assert.deepEqual([...session!.memberIds].sort(), ['C', 'D']);
    assert.deepEqual([...session!.candidacyIds].sort(), ['c1', 'c2']);
    assert.equal(session!.modality, 'remote');
    assert.equal(plan.totalCostCents, 41_000);
    assert.ok(['C', 'D'].includes(session!.presidentId));
  });

  it('leaves every candidate unplaced when nobody is qualified', async () => {
    const instance: PlanningInstance = {
      ...small,
      members: small.members.map((m) => ({
        ...m,
        qualifications: [{ rncpCode: 'RNCP99999', blockCodes: 'all' }],
      })),
    };
    const { plan } = await solvePlan(instance, { timeLimitSeconds: 10 });
    assert.deepEqual(plan.sessions, []);
    assert.deepEqual([...plan.unplaced].sort(), small.candidates.map((c) => c.candidacyId).sort());
    assert.equal(plan.totalCostCents, 0);
  });

  it('refuses a corrupted plan (the solver is never trusted blindly)', async () => {
    const { plan } = await solvePlan(small, { timeLimitSeconds: 10 });
    assert.doesNotThrow(() => assertValidPlan(small, plan));
    const first = plan.sessions[0]!;

    const oneMember: Plan = {
      ...plan,
      sessions: [{ ...first, memberIds: first.memberIds.slice(0, 1) }, ...plan.sessions.slice(1)],
    };
    assert.throws(() => assertValidPlan(small, oneMember), /min_members/);

    const placedTwice: Plan = { ...plan, unplaced: [...plan.unplaced, first.candidacyIds[0]!] };
    assert.throws(() => assertValidPlan(small, placedTwice), /candidate_twice/);

    const wrongCost: Plan = { ...plan, totalCostCents: plan.totalCostCents - 1 };
    assert.throws(() => assertValidPlan(small, wrongCost), /cost_mismatch/);
  });
});
