import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PLAN_RULES,
  checkPlan,
  hardViolations,
  type Plan,
  type PlanRule,
  type PlanViolation,
  type PlanningInstance,
  type ProposedSession,
} from '../../src/domain/jury/index.js';
import { repriced, validCase } from '../support/jury-pools.js';

/**
 * The checker catching a mutated valid plan: one mutation per rule, each breaking that rule and no
 * other (costs are recomputed after the mutation, except where the cost is what is broken).
 */

interface Mutation {
  mutate: (inst: PlanningInstance, plan: Plan) => void;
  /** Fields the violation must carry. */
  expect: Partial<PlanViolation>;
  /** Keep the plan's costs as mutated (the cost rule). */
  keepCosts?: boolean;
}

function session(plan: Plan, key: string): ProposedSession {
  const s = plan.sessions.find((x) => x.key === key);
  assert.ok(s, `session ${key}`);
  return s;
}

function moveTo(inst: PlanningInstance, s: ProposedSession, slotId: string): void {
  const slot = inst.slots.find((x) => x.id === slotId);
  assert.ok(slot, `slot ${slotId}`);
  Object.assign(s, { slotId, startsAt: slot.startsAt, endsAt: slot.endsAt });
}

const MUTATIONS: Record<PlanRule, Mutation> = {
  unknown_reference: {
    mutate: (_i, p) => {
      // c2 gives its seat to a candidacy that is not waiting for a jury.
      session(p, 's1').candidacyIds = ['c1', 'c-ghost'];
      p.unplaced.push('c2');
    },
    expect: { sessionKey: 's1', candidacyId: 'c-ghost' },
  },
  candidate_twice: {
    mutate: (_i, p) => p.unplaced.push('c1'),
    expect: { candidacyId: 'c1', sessionKey: 's1' },
  },
  one_certification: {
    mutate: (_i, p) => {
      session(p, 's2').rncpCode = 'RNCP1';
    },
    expect: { sessionKey: 's2', candidacyId: 'c3' },
  },
  capacity: {
    mutate: (_i, p) => {
      session(p, 's1').candidacyIds.push('c4');
      p.unplaced = [];
    },
    expect: { sessionKey: 's1' },
  },
  lead_time: {
    mutate: (i, p) => moveTo(i, session(p, 's1'), 'sl-early'),
    expect: { sessionKey: 's1' },
  },
  jury_deadline: {
    mutate: (i, p) => moveTo(i, session(p, 's1'), 'sl-late'),
    expect: { sessionKey: 's1', candidacyId: 'c1' },
  },
  min_members: {
    mutate: (_i, p) => {
      session(p, 's1').memberIds = ['m1'];
    },
    expect: { sessionKey: 's1' },
  },
  max_members: {
    mutate: (_i, p) => {
      session(p, 's1').memberIds = ['m1', 'm2', 'm5', 'm7'];
    },
    expect: { sessionKey: 's1' },
  },
  president: {
    mutate: (_i, p) => {
      session(p, 's1').presidentId = 'm3';
    },
    expect: { sessionKey: 's1', memberId: 'm3' },
  },
  qualified_member: {
    // m10 assesses RNCP3 only and m2 only block BC01: c2 is covered, c1 (BC01 + BC02) is not.
    mutate: (_i, p) => {
      Object.assign(session(p, 's1'), { memberIds: ['m10', 'm2'], presidentId: 'm10' });
    },
    expect: { sessionKey: 's1', candidacyId: 'c1' },
  },
  professional_share: {
    mutate: (_i, p) => {
      Object.assign(session(p, 's1'), { memberIds: ['m2', 'm7'], presidentId: 'm7' });
    },
    expect: { sessionKey: 's1' },
  },
  gender_balance: {
    mutate: (_i, p) => {
      Object.assign(session(p, 's1'), { memberIds: ['m2', 'm5'], presidentId: 'm5' });
    },
    expect: { sessionKey: 's1', severity: 'soft' },
  },
  conflict_of_interest: {
    // m9's tie « boulangerie ECLAIR » is c1's employer « Boulangerie Éclair ».
    mutate: (_i, p) => {
      session(p, 's1').memberIds = ['m1', 'm9'];
    },
    expect: { sessionKey: 's1', memberId: 'm9', candidacyId: 'c1' },
  },
  inactive_member: {
    mutate: (_i, p) => {
      session(p, 's1').memberIds.push('m8');
    },
    expect: { sessionKey: 's1', memberId: 'm8' },
  },
  member_unavailable: {
    // m6 sits on Tuesdays only; s1 is on a Monday.
    mutate: (_i, p) => {
      session(p, 's1').memberIds.push('m6');
    },
    expect: { sessionKey: 's1', memberId: 'm6' },
  },
  member_double_booked: {
    // s2 moves to Monday 10:00–13:00, overlapping s1 (09:00–12:00); m5 sits in both.
    mutate: (i, p) => {
      session(p, 's1').memberIds.push('m5');
      session(p, 's2').memberIds.push('m5');
      moveTo(i, session(p, 's2'), 'sl-mon-mid');
    },
    expect: { sessionKey: 's2', memberId: 'm5' },
  },
  yearly_cap: {
    // m1: cap 2, one session already booked in 2027, s1 makes two, s2 would make three.
    mutate: (_i, p) => {
      session(p, 's2').memberIds.push('m1');
    },
    expect: { sessionKey: 's2', memberId: 'm1' },
  },
  remote_not_allowed: {
    // m2 does not sit remotely, c1 does not accept it.
    mutate: (_i, p) => {
      Object.assign(session(p, 's1'), { modality: 'remote', venueId: null });
    },
    expect: { sessionKey: 's1', memberId: 'm2' },
  },
  venue: {
    mutate: (_i, p) => {
      session(p, 's1').venueId = null;
    },
    expect: { sessionKey: 's1' },
  },
  cost_mismatch: {
    mutate: (_i, p) => {
      session(p, 's1').costCents += 100;
    },
    expect: { sessionKey: 's1' },
    keepCosts: true,
  },
};

function broken(rule: PlanRule): PlanViolation[] {
  const { instance, plan } = validCase();
  const m = MUTATIONS[rule];
  const mutated = structuredClone(plan);
  m.mutate(instance, mutated);
  return checkPlan(instance, m.keepCosts ? mutated : repriced(instance, mutated));
}

describe('checkPlan: the valid case', () => {
  it('finds nothing wrong with it, not even a soft rule', () => {
    const { instance, plan } = validCase();
    assert.deepEqual(checkPlan(instance, plan), []);
  });

  it('knows every rule of the contract, all hard but gender balance', () => {
    assert.deepEqual([...PLAN_RULES].sort(), Object.keys(MUTATIONS).sort());
    const { instance, plan } = validCase();
    const soft = { ...structuredClone(plan) };
    Object.assign(session(soft, 's1'), { memberIds: ['m2', 'm5'], presidentId: 'm5' });
    const v = checkPlan(instance, repriced(instance, soft));
    assert.deepEqual(hardViolations(v), []);
    assert.equal(v.length, 1);
  });
});

describe('checkPlan: each rule broken once in a valid plan', () => {
  for (const rule of PLAN_RULES) {
    it(`reports ${rule}, and only it`, () => {
      const violations = broken(rule);
      const rules = [...new Set(violations.map((v) => v.rule))];
      assert.deepEqual(rules, [rule], JSON.stringify(violations, null, 2));
      const expected = { severity: rule === 'gender_balance' ? 'soft' : 'hard', ...MUTATIONS[rule].expect };
      assert.ok(
        violations.some((v) => Object.entries(expected).every(([k, x]) => v[k as keyof PlanViolation] === x)),
        `no violation with ${JSON.stringify(expected)} in ${JSON.stringify(violations)}`,
      );
      for (const v of violations) assert.match(v.message, /[a-zé]/, 'a sentence');
    });
  }
});

describe('checkPlan: references and details', () => {
  const check = (mutate: (i: PlanningInstance, p: Plan) => void, keepCosts = false) => {
    const { instance, plan } = validCase();
    const p = structuredClone(plan);
    mutate(instance, p);
    return checkPlan(instance, keepCosts ? p : repriced(instance, p));
  };

  it('reports a waiting candidacy that is neither placed nor unplaced (unknown_reference)', () => {
    const v = check((_i, p) => {
      p.unplaced = [];
    });
    assert.deepEqual(
      v.map((x) => [x.rule, x.candidacyId]),
      [['unknown_reference', 'c4']],
    );
  });

  it('reports unknown slot, member and venue ids, and session times that are not the slot’s', () => {
    const v = check((i, p) => {
      const s1 = session(p, 's1');
      s1.slotId = 'sl-nowhere';
      session(p, 's2').memberIds.push('m-ghost');
      Object.assign(session(p, 's2'), { modality: 'on_site', venueId: 'v-ghost' });
      const s = i.slots.find((x) => x.id === 'sl-tue-am')!;
      session(p, 's2').endsAt = new Date(Date.parse(s.endsAt) + 60_000).toISOString();
    });
    const unknown = v.filter((x) => x.rule === 'unknown_reference');
    assert.equal(unknown.length, 4, JSON.stringify(unknown));
    assert.ok(unknown.some((x) => x.memberId === 'm-ghost'));
    assert.ok(
      v.some((x) => x.rule === 'venue' && x.sessionKey === 's2'),
      'on site needs a known venue',
    );
  });

  it('reports a candidacy in two sessions', () => {
    const v = check((_i, p) => {
      session(p, 's2').candidacyIds.push('c2');
    });
    assert.ok(v.some((x) => x.rule === 'candidate_twice' && x.candidacyId === 'c2' && x.sessionKey === 's2'));
  });

  it('reports a remote session when the instance does not allow them, and a remote session with a venue', () => {
    const { instance, plan } = validCase();
    const v = checkPlan({ ...instance, allowRemote: false }, plan);
    assert.deepEqual(
      v.map((x) => [x.rule, x.sessionKey, x.memberId]),
      [['remote_not_allowed', 's2', undefined]],
    );
    const withVenue = structuredClone(plan);
    session(withVenue, 's2').venueId = 'v75';
    assert.ok(checkPlan(instance, withVenue).some((x) => x.rule === 'venue' && x.sessionKey === 's2'));
  });

  it('reports a total that is not the sum of the sessions’ costs', () => {
    const v = check((_i, p) => {
      p.totalCostCents += 1;
    }, true);
    assert.deepEqual(
      v.map((x) => [x.rule, x.sessionKey]),
      [['cost_mismatch', undefined]],
    );
  });

  it('counts caps per Paris year: a session at 00:30 Paris on 1 January 2028 is not a 2027 one', () => {
    const { instance, plan } = validCase();
    const m1 = instance.members.find((m) => m.id === 'm1')!;
    m1.availability.weekly = [{ weekday: 6, from: '00:00', to: '03:00' }];
    m1.yearlyCap = 1;
    m1.booked = { '2027': 1 };
    instance.slots.push({
      id: 'sl-ny',
      startsAt: '2027-12-31T23:30:00.000Z',
      endsAt: '2028-01-01T01:00:00.000Z',
    });
    const s: ProposedSession = {
      ...session(plan, 's1'),
      slotId: 'sl-ny',
      startsAt: '2027-12-31T23:30:00.000Z',
      endsAt: '2028-01-01T01:00:00.000Z',
      memberIds: ['m1', 'm5'],
      candidacyIds: ['c4'],
    };
    instance.candidates.find((c) => c.candidacyId === 'c4')!.juryDeadlineAt = '2028-02-01T00:00:00.000Z';
    instance.members.find((m) => m.id === 'm5')!.availability.weekly = m1.availability.weekly;
    const p = repriced(instance, { sessions: [s], unplaced: ['c1', 'c2', 'c3'], totalCostCents: 0 });
    assert.deepEqual(checkPlan(instance, p), []);
    m1.booked = { '2028': 1 };
    assert.deepEqual(
      checkPlan(instance, p).map((x) => [x.rule, x.memberId]),
      [['yearly_cap', 'm1']],
    );
  });

  it('reports a member listed twice in a session as double booked', () => {
    const v = check((_i, p) => {
      session(p, 's1').memberIds.push('m1');
    });
    assert.deepEqual(
      v.map((x) => [x.rule, x.memberId]),
      [['member_double_booked', 'm1']],
    );
  });
});
