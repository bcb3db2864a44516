import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkPlan,
  genderBalanced,
  greedyPlan,
  hardViolations,
  isAvailable,
  isQualifiedFor,
  isTiedTo,
  memberSessionCostCents,
  nextPresidentId,
  remainingCap,
  replacementOptions,
  requiredProfessionals,
  sessionYear,
  shortageReport,
  slotsOverlap,
  type PlanningInstance,
  type PoolMember,
} from '../../src/domain/jury/index.js';
import { candidate, generatedPool, instance, member, slot, validCase } from '../support/jury-pools.js';

const mondayMorning = { weekly: [{ weekday: 1 as const, from: '09:00', to: '12:00' }], unavailableDates: [] };

describe('eligibility', () => {
  it('isQualifiedFor: the certification, and all its blocks or every targeted one', () => {
    const c = candidate('c', { rncpCode: 'RNCP34147', blockCodes: ['BC01', 'BC03'] });
    const q = (blockCodes: string[] | 'all', rncpCode = 'RNCP34147') =>
      isQualifiedFor(member('m', { qualifications: [{ rncpCode, blockCodes }] }), c);
    assert.equal(q('all'), true);
    assert.equal(q(['BC01', 'BC02', 'BC03']), true);
    assert.equal(q(['BC01', 'BC02']), false, 'BC03 is not covered');
    assert.equal(q('all', 'RNCP35830'), false, 'another certification');
    const split = member('m', {
      qualifications: [
        { rncpCode: 'RNCP34147', blockCodes: ['BC01'] },
        { rncpCode: 'RNCP34147', blockCodes: ['BC03'] },
      ],
    });
    assert.equal(isQualifiedFor(split, c), false, 'one qualification must cover every block');
  });

  it('isTiedTo: employer without case, accents or extra spaces; operator; coach', () => {
    const c = candidate('c', {
      employer: '  Crèche  Les Lutins',
      coachOperatorId: 'op-7',
      coachUserId: 'u-9',
    });
    const tied = (ties: Partial<PoolMember['ties']>) =>
      isTiedTo(member('m', { ties: { employers: [], operatorIds: [], userIds: [], ...ties } }), c);
    assert.equal(tied({ employers: ['CRECHE LES LUTINS'] }), true);
    assert.equal(tied({ employers: ['crèche les lutins '] }), true);
    assert.equal(tied({ employers: ['Crèche Les Lutines'] }), false);
    assert.equal(tied({ operatorIds: ['op-7'] }), true);
    assert.equal(tied({ operatorIds: ['op-8'] }), false);
    assert.equal(tied({ userIds: ['u-9'] }), true);
    assert.equal(tied({}), false);
    const unknown = candidate('c', { employer: ' ' });
    const blank = member('m', { ties: { employers: [''], operatorIds: [], userIds: [] } });
    assert.equal(isTiedTo(blank, unknown), false, 'no employer is nobody’s employer');
  });

  it('isAvailable: a weekly window read on the Paris clock, across the spring change', () => {
    const m = member('m', { availability: mondayMorning });
    // Monday 22 March 2027, winter: 08:00 UTC is 09:00 in Paris.
    assert.equal(isAvailable(m, slot('a', '2027-03-22T08:00:00Z', '2027-03-22T11:00:00Z')), true);
    // Monday 29 March 2027, summer (change on the 28th): the same UTC times are 10:00–13:00.
    assert.equal(isAvailable(m, slot('b', '2027-03-29T08:00:00Z', '2027-03-29T11:00:00Z')), false);
    assert.equal(isAvailable(m, slot('c', '2027-03-29T07:00:00Z', '2027-03-29T10:00:00Z')), true);
    // Autumn: Monday 25 October (summer) and 1 November (winter).
    assert.equal(isAvailable(m, slot('d', '2027-10-25T07:00:00Z', '2027-10-25T10:00:00Z')), true);
    assert.equal(isAvailable(m, slot('e', '2027-11-01T07:00:00Z', '2027-11-01T10:00:00Z')), false);
    assert.equal(
      isAvailable(m, slot('f', '2027-03-23T08:00:00Z', '2027-03-23T11:00:00Z')),
      false,
      'a Tuesday',
    );
  });

  it('isAvailable: weekday 7 is Sunday; the day is the Paris one; one day only', () => {
    const sunday = member('m', {
      availability: { weekly: [{ weekday: 7, from: '10:00', to: '12:00' }], unavailableDates: [] },
    });
    assert.equal(isAvailable(sunday, slot('s', '2027-03-21T09:00:00Z', '2027-03-21T11:00:00Z')), true);
    const monday = member('m', {
      availability: { weekly: [{ weekday: 1, from: '00:00', to: '02:00' }], unavailableDates: [] },
    });
    // 23:30 UTC on Sunday 31 January is 00:30 on Monday 1 February in Paris.
    assert.equal(isAvailable(monday, slot('n', '2027-01-31T23:30:00Z', '2027-02-01T00:30:00Z')), true);
    const late = member('m', {
      availability: {
        weekly: [1, 2].map((weekday) => ({ weekday: weekday as 1 | 2, from: '00:00', to: '24:00' })),
        unavailableDates: [],
      },
    });
    assert.equal(
      isAvailable(late, slot('x', '2027-02-01T22:30:00Z', '2027-02-01T23:30:00Z')),
      false,
      'across midnight',
    );
    assert.equal(isAvailable(late, slot('y', '2027-02-01T20:30:00Z', '2027-02-01T21:30:00Z')), true);
    assert.equal(
      isAvailable(late, slot('z', '2027-02-01T11:00:00Z', '2027-02-01T10:00:00Z')),
      false,
      'ends before it starts',
    );
  });

  it('isAvailable: unavailable Paris dates and inactive members', () => {
    const at = slot('n', '2027-01-31T23:30:00Z', '2027-02-01T00:30:00Z'); // Monday 1 February in Paris
    const weekly = [{ weekday: 1 as const, from: '00:00', to: '02:00' }];
    assert.equal(
      isAvailable(member('m', { availability: { weekly, unavailableDates: ['2027-02-01'] } }), at),
      false,
    );
    assert.equal(
      isAvailable(member('m', { availability: { weekly, unavailableDates: ['2027-01-31'] } }), at),
      true,
    );
    assert.equal(
      isAvailable(member('m', { availability: { weekly, unavailableDates: [] }, active: false }), at),
      false,
    );
  });

  it('sessionYear and remainingCap: the Paris calendar year', () => {
    assert.equal(sessionYear({ startsAt: '2027-12-31T23:30:00Z' }), '2028');
    assert.equal(sessionYear({ startsAt: '2027-12-31T22:30:00Z' }), '2027');
    const m = member('m', { yearlyCap: 3, booked: { '2027': 1 } });
    assert.equal(remainingCap(m, '2027', 1), 1);
    assert.equal(remainingCap(m, '2028', 1), 2);
    assert.equal(remainingCap(m, '2027', 5), 0);
  });

  it('memberSessionCostCents: travel only on site outside the home département', () => {
    const m = member('m', { homeDepartement: '69', feeCents: 20_000, travelCents: 7_000 });
    assert.equal(memberSessionCostCents(m, 'on_site', { id: 'v', departement: '69' }), 20_000);
    assert.equal(memberSessionCostCents(m, 'on_site', { id: 'v', departement: '75' }), 27_000);
    assert.equal(memberSessionCostCents(m, 'remote', null), 20_000);
  });

  it('slotsOverlap: back-to-back sessions do not overlap', () => {
    const a = slot('a', '2027-02-01T08:00:00Z', '2027-02-01T11:00:00Z');
    assert.equal(slotsOverlap(a, slot('b', '2027-02-01T10:59:00Z', '2027-02-01T12:00:00Z')), true);
    assert.equal(slotsOverlap(a, slot('c', '2027-02-01T09:00:00Z', '2027-02-01T10:00:00Z')), true);
    assert.equal(slotsOverlap(a, slot('d', '2027-02-01T11:00:00Z', '2027-02-01T12:00:00Z')), false);
  });

  it('genderBalanced and requiredProfessionals', () => {
    const g = (s: string) => genderBalanced([...s].map((gender) => ({ gender: gender as 'F' | 'M' })));
    assert.equal(g('FM'), true);
    assert.equal(g('FMM'), true);
    assert.equal(g('MM'), false);
    assert.equal(g('FFFM'), false);
    assert.equal(requiredProfessionals(2, 0.25), 1);
    assert.equal(requiredProfessionals(4, 0.25), 1);
    assert.equal(requiredProfessionals(5, 0.25), 2);
    assert.equal(requiredProfessionals(10, 0.3), 3);
  });
});

describe('greedyPlan', () => {
  it('fills the first session before opening another, with the cheapest members', () => {
    const { instance: inst } = validCase();
    const plan = greedyPlan(inst);
    assert.deepEqual(hardViolations(checkPlan(inst, plan)), []);
    assert.deepEqual(
      plan.sessions.map((s) => [s.key, s.rncpCode, s.slotId, s.candidacyIds, s.memberIds, s.presidentId]),
      [
        // m7 (trainer, 120 €) is the cheapest qualified for c1; m9 (100 €) is tied to c1, m6 away on
        // Mondays, m8 inactive, so m3 (180 €) is the cheapest professional. c2 joins s1.
        ['s1', 'RNCP1', 'sl-mon-am', ['c1', 'c2'], ['m7', 'm3'], 'm7'],
        // m3 is busy now: m4 is the one qualified for RNCP2; m9, untied to c3, the cheapest other.
        ['s2', 'RNCP2', 'sl-mon-am', ['c3'], ['m4', 'm9'], 'm4'],
        // s1 is full (capacity 2): c4 opens s3 with m1 (200 €, cap 2 with 1 booked) and m5.
        ['s3', 'RNCP1', 'sl-mon-am', ['c4'], ['m1', 'm5'], 'm1'],
      ],
    );
    assert.deepEqual(plan.unplaced, []);
    assert.equal(plan.totalCostCents, 30_000 + 32_000 + 41_000);
  });

  it('makes plans without hard violations on generated pools', () => {
    let placed = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const inst = generatedPool(seed);
      const plan = greedyPlan(inst);
      assert.deepEqual(hardViolations(checkPlan(inst, plan)), [], `seed ${seed}`);
      placed += inst.candidates.length - plan.unplaced.length;
      const reported = shortageReport(inst, plan).flatMap((s) => s.candidacyIds);
      assert.deepEqual(
        reported.sort(),
        [...plan.unplaced].sort(),
        `seed ${seed}: every unplaced one explained`,
      );
    }
    assert.ok(placed >= 40, `placed ${placed} of 240`);
  });

  it('keeps the last seats for professionals when the share needs them', () => {
    const inst = instance({
      slots: [slot('sl', '2027-02-01T08:00:00Z', '2027-02-01T11:00:00Z')],
      candidates: [candidate('c1')],
      members: [
        member('q', { profile: 'trainer', feeCents: 5_000 }),
        member('t', { profile: 'trainer', gender: 'M', feeCents: 6_000, qualifications: [] }),
        member('p', { gender: 'M', feeCents: 30_000, qualifications: [] }),
      ],
    });
    const plan = greedyPlan(inst);
    assert.deepEqual(
      plan.sessions.map((s) => [s.memberIds, s.presidentId]),
      [[['q', 'p'], 'q']],
    );
    assert.deepEqual(hardViolations(checkPlan(inst, plan)), []);
  });

  it('goes remote when there is no venue, and only with candidates who accept it', () => {
    const inst = instance({
      venues: [],
      slots: [slot('sl', '2027-02-01T08:00:00Z', '2027-02-01T11:00:00Z')],
      candidates: [candidate('yes'), candidate('no', { acceptsRemote: false })],
      members: [member('a'), member('b', { gender: 'M' }), member('c', { remote: false })],
    });
    const plan = greedyPlan(inst);
    assert.deepEqual(hardViolations(checkPlan(inst, plan)), []);
    assert.deepEqual(
      plan.sessions.map((s) => [s.modality, s.venueId, s.candidacyIds, s.memberIds]),
      [['remote', null, ['yes'], ['a', 'b']]],
    );
    assert.deepEqual(plan.unplaced, ['no']);
  });
});

describe('impossible pools: unplaced, and why', () => {
  const base = (members: PoolMember[], over: Partial<PlanningInstance> = {}) =>
    instance({
      slots: [slot('sl', '2027-02-01T08:00:00Z', '2027-02-01T11:00:00Z')],
      candidates: [
        candidate('c1', {
          rncpCode: 'RNCP34147',
          employer: 'Hôpital Nord',
          juryDeadlineAt: '2027-02-15T22:59:59Z',
        }),
        candidate('c2', {
          rncpCode: 'RNCP34147',
          employer: 'Hôpital Nord',
          juryDeadlineAt: '2027-02-10T22:59:59Z',
        }),
      ],
      members,
      ...over,
    });
  const report = (inst: PlanningInstance) => {
    const plan = greedyPlan(inst);
    assert.deepEqual(hardViolations(checkPlan(inst, plan)), []);
    assert.deepEqual([...plan.unplaced].sort(), ['c1', 'c2']);
    const shortages = shortageReport(inst, plan);
    assert.equal(shortages.length, 1);
    return shortages[0]!;
  };
  const rncp = [{ rncpCode: 'RNCP34147', blockCodes: 'all' as const }];

  it('nobody qualified', () => {
    const s = report(base([member('a'), member('b', { gender: 'M' })]));
    assert.equal(s.rncpCode, 'RNCP34147');
    assert.deepEqual(s.candidacyIds, ['c2', 'c1']);
    assert.equal(s.neededBy, '2027-02-10T22:59:59Z');
    assert.deepEqual(s.reasons, ['no_qualified_member']);
    assert.equal(s.missingMembers, 1);
    assert.ok(
      s.suggestions.some(
        (x) =>
          x.includes('Recruter 1 membre(s) qualifié(s) pour la certification RNCP34147') &&
          x.includes('10 février 2027'),
      ),
      s.suggestions.join('\n'),
    );
    assert.match(s.message, /^Certification RNCP34147 : 2 candidature\(s\)/);
  });

  it('all qualified members tied to the candidates', () => {
    const tie = { employers: ['hopital nord'], operatorIds: [], userIds: [] };
    const s = report(base([member('a', { qualifications: rncp, ties: tie }), member('b', { gender: 'M' })]));
    assert.deepEqual(s.reasons, ['qualified_members_tied']);
    assert.equal(s.missingMembers, 1);
  });

  it('yearly caps reached', () => {
    const full = { yearlyCap: 4, booked: { '2027': 4 } };
    const s = report(
      base([
        member('a', { qualifications: rncp, ...full }),
        member('b', { qualifications: rncp, gender: 'M', ...full }),
      ]),
    );
    assert.deepEqual(s.reasons, ['yearly_caps_reached']);
    assert.equal(s.missingMembers, 2);
    assert.ok(
      s.suggestions.some((x) => x.includes('plafond annuel') && x.includes('a, b')),
      s.suggestions.join('\n'),
    );
  });

  it('qualified members only free after the deadline: other dates', () => {
    const later = slot('later', '2027-03-01T08:00:00Z', '2027-03-01T11:00:00Z');
    const tuesdays = { weekly: [{ weekday: 2 as const, from: '08:00', to: '18:00' }], unavailableDates: [] };
    const inst = base([
      member('a', { qualifications: rncp, availability: mondayMorning }),
      member('b', { gender: 'M', availability: tuesdays }),
    ]);
    inst.slots = [slot('tue', '2027-02-02T08:00:00Z', '2027-02-02T11:00:00Z'), later];
    const s = report(inst);
    assert.deepEqual(s.reasons, ['no_member_available_before_deadline']);
    assert.ok(
      s.suggestions.some((x) => x.startsWith('Proposer d’autres dates')),
      s.suggestions.join('\n'),
    );
  });

  it('not enough professionals, and no slot before the deadline', () => {
    const s = report(
      base([
        member('a', { qualifications: rncp, profile: 'trainer' }),
        member('b', { gender: 'M', profile: 'trainer' }),
      ]),
    );
    assert.deepEqual(s.reasons, ['not_enough_professionals']);
    assert.equal(s.missingMembers, 1);
    const none = report(
      base([member('a', { qualifications: rncp }), member('b', { gender: 'M' })], { slots: [] }),
    );
    assert.deepEqual(none.reasons, ['no_slot_before_deadline']);
  });

  it('suggests remote sessions when qualified members sit remotely and remote is not allowed', () => {
    const s = report(
      base([member('a', { qualifications: rncp, remote: true })], { venues: [], allowRemote: false }),
    );
    assert.ok(s.reasons.includes('no_slot_before_deadline'));
    assert.ok(
      s.suggestions.some((x) => x.startsWith('Autoriser les sessions à distance : 1 membre(s)')),
      s.suggestions.join('\n'),
    );
  });
});

describe('replacementOptions', () => {
  it('lists who may take a member’s seat, by cost delta then id', () => {
    const { instance: inst, plan } = validCase();
    // m2 costs 230 € on site in Paris (fee + travel from the Rhône). m6 sits on Tuesdays only,
    // m8 is inactive, m9 tied to c1. m7 leaves an all-female jury: soft, so allowed.
    assert.deepEqual(replacementOptions(inst, plan, 's1', 'm2', []), [
      { memberId: 'm7', costDeltaCents: -11_000 },
      { memberId: 'm3', costDeltaCents: -5_000 },
      { memberId: 'm5', costDeltaCents: -2_000 },
      { memberId: 'm4', costDeltaCents: -1_000 },
      { memberId: 'm10', costDeltaCents: 0 },
    ]);
    assert.deepEqual(
      replacementOptions(inst, plan, 's1', 'm2', ['m7', 'm3']).map((o) => o.memberId),
      ['m5', 'm4', 'm10'],
    );
  });

  it('passes the presidency to a remaining qualified member when the president leaves', () => {
    const { instance: inst, plan } = validCase();
    // Without m1, only a member qualified for c1's two blocks will do, and a professional: m5.
    assert.deepEqual(replacementOptions(inst, plan, 's1', 'm1', []), [
      { memberId: 'm5', costDeltaCents: 1_000 },
    ]);
    const [m1, m2, m5] = ['m1', 'm2', 'm5'].map((id) => inst.members.find((m) => m.id === id)!);
    const cands = inst.candidates.slice(0, 2);
    assert.equal(nextPresidentId([m2!], m5!, cands), 'm2', 'm2 stays and is qualified for c2');
    assert.equal(nextPresidentId([m2!, m1!], m5!, cands), 'm1', 'm1 is qualified for both');
    assert.equal(nextPresidentId([inst.members.find((m) => m.id === 'm10')!], m5!, cands), 'm5');
  });

  it('leaves out members busy elsewhere at that time or at their cap', () => {
    const { instance: inst, plan } = validCase();
    const s2 = plan.sessions[1]!;
    Object.assign(s2, {
      slotId: 'sl-mon-mid',
      startsAt: '2027-02-01T09:00:00.000Z',
      endsAt: '2027-02-01T12:00:00.000Z',
    });
    inst.members.find((m) => m.id === 'm5')!.booked = { '2027': 10 };
    const ids = replacementOptions(inst, plan, 's1', 'm2', []).map((o) => o.memberId);
    assert.deepEqual(ids, ['m7', 'm10']);
  });

  it('refuses a session or a member that is not in the plan', () => {
    const { instance: inst, plan } = validCase();
    assert.throws(() => replacementOptions(inst, plan, 's9', 'm1', []), RangeError);
    assert.throws(() => replacementOptions(inst, plan, 's1', 'm3', []), RangeError);
  });
});
