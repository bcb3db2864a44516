/**
 * Jury pools for the tests of src/domain/jury: builders with sensible defaults, a small valid
 * case worked out by hand (for the checker's mutations), and seeded generated pools.
 */
import { sessionCostCents } from '../../src/domain/jury/eligibility.js';
import type {
  Plan,
  PlanningInstance,
  PlanningRules,
  PoolMember,
  Slot,
  WaitingCandidate,
  WeeklyWindow,
} from '../../src/domain/jury/types.js';
import { fromParis } from '../../src/domain/paris-time.js';

/** Monday to Friday, 08:00–18:00 Paris. */
export const WORKING_WEEK: WeeklyWindow[] = ([1, 2, 3, 4, 5] as const).map((weekday) => ({
  weekday,
  from: '08:00',
  to: '18:00',
}));

export function member(id: string, overrides: Partial<PoolMember> = {}): PoolMember {
  return {
    id,
    qualifications: [{ rncpCode: 'RNCP1', blockCodes: 'all' }],
    profile: 'professional',
    gender: 'F',
    ties: { employers: [], operatorIds: [], userIds: [] },
    availability: { weekly: WORKING_WEEK, unavailableDates: [] },
    remote: true,
    homeDepartement: '75',
    feeCents: 10_000,
    travelCents: 5_000,
    yearlyCap: 10,
    booked: {},
    active: true,
    ...overrides,
  };
}

export function candidate(candidacyId: string, overrides: Partial<WaitingCandidate> = {}): WaitingCandidate {
  return {
    candidacyId,
    rncpCode: 'RNCP1',
    blockCodes: ['BC01'],
    juryDeadlineAt: '2027-04-30T21:59:59.000Z',
    employer: null,
    coachOperatorId: null,
    coachUserId: null,
    acceptsRemote: true,
    ...overrides,
  };
}

export const slot = (id: string, startsAt: string, endsAt: string): Slot => ({ id, startsAt, endsAt });

export const RULES: PlanningRules = {
  minMembers: 2,
  maxMembers: 3,
  capacity: 2,
  minProfessionalShare: 0.25,
  genderPenaltyCents: 5_000,
};

export function instance(overrides: Partial<PlanningInstance> = {}): PlanningInstance {
  return {
    plannedAt: '2027-01-04T09:00:00.000Z',
    earliestSessionAt: '2027-01-19T08:00:00.000Z',
    candidates: [],
    members: [],
    slots: [],
    venues: [{ id: 'v75', departement: '75' }],
    allowRemote: true,
    rules: RULES,
    ...overrides,
  };
}

/** The plan with each session's cost and the total recomputed from its members. */
export function repriced(inst: PlanningInstance, plan: Plan): Plan {
  const sessions = plan.sessions.map((s) => {
    const members = s.memberIds
      .map((id) => inst.members.find((m) => m.id === id))
      .filter((m): m is PoolMember => m !== undefined);
    const venue = inst.venues.find((v) => v.id === s.venueId);
    return { ...s, costCents: sessionCostCents([...new Set(members)], s.modality, venue) };
  });
  return { ...plan, sessions, totalCostCents: sessions.reduce((sum, s) => sum + s.costCents, 0) };
}

/**
 * A valid case. Monday 1 February 2027 and Tuesday 2 February, Paris winter time (UTC+1).
 * s1: RNCP1 on site in Paris, c1 (all blocks) and c2, jury m1 (F, professional) + m2 (M, trainer,
 * BC01 only, from the Rhône: travels). s2: RNCP2 remote on Tuesday, c3, jury m3 + m4. c4 waits.
 * The other members are there for the mutations: m5 (M professional), m6 (Tuesdays only), m7 (F
 * trainer), m8 (inactive), m9 (tied to c1's employer), m10 (qualified for RNCP3 only).
 */
export function validCase(): { instance: PlanningInstance; plan: Plan } {
  const rncp1 = [{ rncpCode: 'RNCP1', blockCodes: 'all' as const }];
  const inst = instance({
    slots: [
      slot('sl-early', '2027-01-18T08:00:00.000Z', '2027-01-18T11:00:00.000Z'),
      slot('sl-mon-am', '2027-02-01T08:00:00.000Z', '2027-02-01T11:00:00.000Z'),
      slot('sl-mon-mid', '2027-02-01T09:00:00.000Z', '2027-02-01T12:00:00.000Z'),
      slot('sl-mon-pm', '2027-02-01T12:00:00.000Z', '2027-02-01T15:00:00.000Z'),
      slot('sl-tue-am', '2027-02-02T08:00:00.000Z', '2027-02-02T11:00:00.000Z'),
      slot('sl-late', '2027-03-01T08:00:00.000Z', '2027-03-01T11:00:00.000Z'),
    ],
    venues: [
      { id: 'v75', departement: '75' },
      { id: 'v69', departement: '69' },
    ],
    candidates: [
      candidate('c1', {
        blockCodes: ['BC01', 'BC02'],
        juryDeadlineAt: '2027-02-15T22:59:59.000Z',
        employer: 'Boulangerie Éclair',
        acceptsRemote: false,
      }),
      candidate('c2'),
      candidate('c3', { rncpCode: 'RNCP2' }),
      candidate('c4'),
    ],
    members: [
      member('m1', { feeCents: 20_000, travelCents: 6_000, yearlyCap: 2, booked: { '2027': 1 } }),
      member('m2', {
        qualifications: [{ rncpCode: 'RNCP1', blockCodes: ['BC01'] }],
        profile: 'trainer',
        gender: 'M',
        remote: false,
        homeDepartement: '69',
        feeCents: 15_000,
        travelCents: 8_000,
      }),
      member('m3', { qualifications: [{ rncpCode: 'RNCP2', blockCodes: 'all' }], feeCents: 18_000 }),
      member('m4', {
        qualifications: [{ rncpCode: 'RNCP2', blockCodes: 'all' }],
        gender: 'M',
        homeDepartement: '92',
        feeCents: 17_000,
      }),
      member('m5', { qualifications: rncp1, gender: 'M', feeCents: 21_000 }),
      member('m6', {
        availability: { weekly: [{ weekday: 2, from: '08:00', to: '18:00' }], unavailableDates: [] },
      }),
      member('m7', { profile: 'trainer', feeCents: 12_000, travelCents: 3_000 }),
      member('m8', { active: false }),
      member('m9', {
        gender: 'M',
        ties: { employers: ['  boulangerie   ECLAIR '], operatorIds: [], userIds: [] },
      }),
      member('m10', {
        qualifications: [{ rncpCode: 'RNCP3', blockCodes: 'all' }],
        homeDepartement: '13',
        feeCents: 16_000,
        travelCents: 7_000,
      }),
    ],
  });
  const plan: Plan = {
    sessions: [
      {
        key: 's1',
        rncpCode: 'RNCP1',
        slotId: 'sl-mon-am',
        startsAt: '2027-02-01T08:00:00.000Z',
        endsAt: '2027-02-01T11:00:00.000Z',
        modality: 'on_site',
        venueId: 'v75',
        candidacyIds: ['c1', 'c2'],
        memberIds: ['m1', 'm2'],
        presidentId: 'm1',
        costCents: 43_000,
      },
      {
        key: 's2',
        rncpCode: 'RNCP2',
        slotId: 'sl-tue-am',
        startsAt: '2027-02-02T08:00:00.000Z',
        endsAt: '2027-02-02T11:00:00.000Z',
        modality: 'remote',
        venueId: null,
        candidacyIds: ['c3'],
        memberIds: ['m3', 'm4'],
        presidentId: 'm3',
        costCents: 35_000,
      },
    ],
    unplaced: ['c4'],
    totalCostCents: 78_000,
  };
  return { instance: inst, plan };
}

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EMPLOYERS = ['Boulangerie Éclair', 'Hôpital Nord', 'Garage Dupont', 'Crèche Les Lutins'];
const EMPLOYER_SPELLINGS = ['BOULANGERIE ECLAIR', ' hopital  nord', 'Garage Dupont', 'creche les lutins'];
const CERTIFICATIONS = ['RNCP10001', 'RNCP10002', 'RNCP10003'];
const BLOCKS = ['BC01', 'BC02', 'BC03', 'BC04'];

export interface PoolSize {
  candidates: number;
  members: number;
  weeks: number;
}

/**
 * A random pool from a seed: three certifications, ties spelled differently from the candidates'
 * employers, weekly windows, unavailable dates, caps partly used, some inactive members; slots on
 * working days, morning and afternoon, Paris time, across the spring change of 2027.
 */
export function generatedPool(seed: number, size: PoolSize = { candidates: 30, members: 25, weeks: 6 }) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const subset = <T>(xs: readonly T[]): T[] => {
    const s = xs.filter(() => r() < 0.5);
    return s.length > 0 ? s : [pick(xs)];
  };
  const paris = (day: number, hour: number, minute = 0) =>
    fromParis({ year: 2027, month: 3, day, hour, minute, second: 0, millisecond: 0 }).toISOString();

  const slots: Slot[] = [];
  for (let d = 15; d < 15 + size.weeks * 7; d++) {
    const weekday = new Date(Date.UTC(2027, 2, d)).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    slots.push(slot(`sl-${d}-am`, paris(d, 9), paris(d, 12)));
    slots.push(slot(`sl-${d}-pm`, paris(d, 14), paris(d, 17)));
  }
  const days = slots.map((s) => s.startsAt.slice(0, 10));

  const members: PoolMember[] = Array.from({ length: size.members }, (_, i) => {
    const cap = int(1, 6);
    const window = pick([
      { from: '08:00', to: '18:00' },
      { from: '08:30', to: '12:30' },
      { from: '13:30', to: '17:30' },
    ]);
    return member(`m${i + 1}`, {
      qualifications: subset(CERTIFICATIONS).map((rncpCode) => ({
        rncpCode,
        blockCodes: r() < 0.6 ? 'all' : subset(BLOCKS),
      })),
      profile: r() < 0.6 ? 'professional' : 'trainer',
      gender: r() < 0.5 ? 'F' : 'M',
      ties: {
        employers: r() < 0.25 ? [pick(EMPLOYER_SPELLINGS)] : [],
        operatorIds: r() < 0.15 ? [pick(['op1', 'op2', 'op3'])] : [],
        userIds: r() < 0.1 ? [pick(['coach1', 'coach2', 'coach3'])] : [],
      },
      availability: {
        weekly: subset([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, ...window })),
        unavailableDates: r() < 0.3 ? [pick(days), pick(days)] : [],
      },
      remote: r() < 0.5,
      homeDepartement: pick(['75', '69', '13', '92']),
      feeCents: int(20, 50) * 500,
      travelCents: int(0, 16) * 500,
      yearlyCap: cap,
      booked: { '2027': r() < 0.2 ? cap : int(0, cap - 1) },
      active: r() < 0.9,
    });
  });

  const candidates: WaitingCandidate[] = Array.from({ length: size.candidates }, (_, i) =>
    candidate(`c${i + 1}`, {
      rncpCode: pick(CERTIFICATIONS),
      blockCodes: subset(BLOCKS),
      juryDeadlineAt: paris(16 + int(7, 50), 23, 59),
      employer: r() < 0.6 ? pick(EMPLOYERS) : null,
      coachOperatorId: r() < 0.7 ? pick(['op1', 'op2', 'op3']) : null,
      coachUserId: r() < 0.7 ? pick(['coach1', 'coach2', 'coach3']) : null,
      acceptsRemote: r() < 0.7,
    }),
  );

  const venues =
    r() < 0.7
      ? [
          { id: 'v-paris', departement: '75' },
          { id: 'v-lyon', departement: '69' },
        ]
      : [];
  return instance({
    plannedAt: paris(1, 9),
    earliestSessionAt: paris(16, 9),
    candidates,
    members,
    slots,
    venues,
    allowRemote: venues.length === 0 || r() < 0.5,
    rules: { ...RULES, minMembers: int(2, 3), maxMembers: 4, capacity: 3 },
  });
}
