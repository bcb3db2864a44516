/**
 * Realistic jury-planning instances for the bench and the solver tests: seeded and deterministic
 * (same options, same instance), built on the Paris calendar (half-day slots on working days).
 */
import { isWorkingDay } from '../../src/domain/calendar.js';
import { addParisDays, fromParis, toParis } from '../../src/domain/paris-time.js';
import type {
  PlanningInstance,
  PoolMember,
  Qualification,
  Slot,
  Venue,
  WaitingCandidate,
  WeeklyWindow,
} from '../../src/domain/jury/types.js';

export interface InstanceOptions {
  seed: number;
  candidates: number;
  members: number;
  /** Horizon of the slots, from the convocation lead time on. */
  weeks: number;
  certifications: number;
  /** ISO instant; default 2027-03-01 08:00 Paris. */
  plannedAt?: string;
  /** Convocation lead time in days (default 15). */
  leadDays?: number;
}

/** mulberry32: a small, fast, seeded PRNG (good enough for test data). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Index drawn with the given weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
  /** k distinct elements, in their original order. */
  sample<T>(xs: readonly T[], k: number): T[] {
    const idx = xs.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx
      .slice(0, k)
      .sort((a, b) => a - b)
      .map((i) => xs[i]!);
  }
}

const EMPLOYERS = [
  'Hôpital Saint-Éloi',
  'EHPAD Les Tilleuls',
  'Boulangerie Durand',
  'Transports Lefèvre',
  'Mairie de Créteil',
  'Clinique du Parc',
  'Auchan Vélizy',
  'SNCF Réseau',
  'La Poste',
  'Garage Martin & Fils',
  'Crèche Les Petits Pas',
  'ADMR Rhône',
  'Carrefour Market Lyon',
  'Hôtel Le Méridien',
  'Restaurant Chez Étienne',
];
const OPERATORS = ['op-afpa', 'op-greta', 'op-cnam', 'op-cibc', 'op-retravailler', 'op-aftral'];
const COACHES = Array.from({ length: 12 }, (_, i) => `coach-${i + 1}`);
const VENUE_DEPARTEMENTS = ['75', '69', '13'];
const OTHER_DEPARTEMENTS = ['92', '93', '94', '91', '01', '38', '84', '83'];
const DAY_PARTS: Array<[string, string]> = [
  ['08:30', '12:30'],
  ['13:30', '17:30'],
  ['08:30', '17:30'],
];

const iso = (d: Date): string => d.toISOString();
const at = (day: Date, hour: number, minute: number): Date => {
  const w = toParis(day);
  return fromParis({ ...w, hour, minute, second: 0, millisecond: 0 });
};
const dayKey = (d: Date): string => iso(at(d, 12, 0)).slice(0, 10);

export const DEFAULT_RULES = {
  minMembers: 2,
  maxMembers: 3,
  capacity: 6,
  minProfessionalShare: 0.25,
  genderPenaltyCents: 5000,
} as const;

export function generateInstance(opts: InstanceOptions): PlanningInstance {
  const rng = new Rng(mulberry32(opts.seed));
  const plannedAt = new Date(opts.plannedAt ?? '2027-03-01T07:00:00.000Z');
  const earliest = addParisDays(plannedAt, opts.leadDays ?? 15);

  // Slots: two half-days on each working day of the horizon (the morning of the first day may
  // fall before the lead time: the planner must skip it).
  const days: Date[] = [];
  for (let d = at(earliest, 12, 0), i = 0; i < opts.weeks * 7; i++, d = addParisDays(d, 1)) {
    if (isWorkingDay(d)) days.push(d);
  }
  const slots: Slot[] = days.flatMap((d) => [
    { id: `${dayKey(d)}-am`, startsAt: iso(at(d, 9, 0)), endsAt: iso(at(d, 12, 30)) },
    { id: `${dayKey(d)}-pm`, startsAt: iso(at(d, 13, 30)), endsAt: iso(at(d, 17, 0)) },
  ]);
  const lastDay = days[days.length - 1] ?? earliest;

  const venueCount = rng.int(2, 3);
  const venues: Venue[] = VENUE_DEPARTEMENTS.slice(0, venueCount).map((departement) => ({
    id: `venue-${departement}`,
    departement,
  }));

  // Certifications of 2–4 blocks; demand is skewed (a few popular ones).
  const certs = Array.from({ length: opts.certifications }, (_, i) => {
    const code = `RNCP${String(34000 + i * 137).padStart(5, '0')}`;
    const blocks = Array.from(
      { length: rng.int(2, 4) },
      (_, b) => `${code}BC${String(b + 1).padStart(2, '0')}`,
    );
    return { code, blocks, weight: 1 / (i + 1) + rng.next() * 0.3 };
  });
  const certWeights = certs.map((c) => c.weight);

  const horizonDays = Math.max(1, Math.round((lastDay.getTime() - earliest.getTime()) / 86_400_000));
  const candidates: WaitingCandidate[] = Array.from({ length: opts.candidates }, (_, i) => {
    const cert = certs[rng.weighted(certWeights)]!;
    const blockCodes = rng.chance(0.4)
      ? [...cert.blocks]
      : rng.sample(cert.blocks, rng.int(1, cert.blocks.length));
    // Deadlines over the horizon and a little past it; about 10 % within the first week.
    const offset = rng.chance(0.1) ? rng.int(2, 7) : rng.int(7, horizonDays + 14);
    const deadline = at(addParisDays(earliest, offset), 23, 59);
    return {
      candidacyId: `cand-${String(i + 1).padStart(4, '0')}`,
      rncpCode: cert.code,
      blockCodes,
      juryDeadlineAt: iso(deadline),
      employer: rng.chance(0.8) ? rng.pick(EMPLOYERS) : null,
      coachOperatorId: rng.chance(0.85) ? rng.pick(OPERATORS) : null,
      coachUserId: rng.chance(0.7) ? rng.pick(COACHES) : null,
      acceptsRemote: rng.chance(0.7),
    };
  });

  const professionalShare = 0.4 + rng.next() * 0.2;
  const year = String(toParis(plannedAt).year);
  const members: PoolMember[] = Array.from({ length: opts.members }, (_, i) => {
    const certIdx = rng.weighted(certWeights);
    const qualified = [certIdx];
    if (rng.chance(0.35) && certs.length > 1) {
      let other = rng.weighted(certWeights);
      if (other === certIdx) other = (certIdx + 1) % certs.length;
      qualified.push(other);
    }
    const qualifications: Qualification[] = qualified.map((ci) => {
      const cert = certs[ci]!;
      const all = rng.chance(0.75) || cert.blocks.length < 2;
      return {
        rncpCode: cert.code,
        blockCodes: all ? 'all' : rng.sample(cert.blocks, rng.int(1, cert.blocks.length - 1)),
      };
    });
    const weekdays = rng.sample([1, 2, 3, 4, 5] as const, rng.int(1, 4));
    const weekly: WeeklyWindow[] = weekdays.map((weekday) => {
      const [from, to] = rng.pick(DAY_PARTS);
      return { weekday, from, to };
    });
    const unavailableDates = Array.from({ length: rng.int(0, 4) }, () =>
      dayKey(rng.pick(days.length ? days : [earliest])),
    );
    const homeDepartement = rng.chance(0.7)
      ? rng.pick(venues.map((v) => v.departement))
      : rng.pick(OTHER_DEPARTEMENTS);
    const yearlyCap = rng.int(6, 20);
    return {
      id: `m${String(i + 1).padStart(3, '0')}`,
      qualifications,
      profile: rng.chance(professionalShare) ? 'professional' : 'trainer',
      gender: rng.chance(0.5) ? 'F' : 'M',
      ties: {
        employers: rng.chance(0.2) ? [rng.pick(EMPLOYERS)] : [],
        operatorIds: rng.chance(0.1) ? [rng.pick(OPERATORS)] : [],
        userIds: rng.chance(0.05) ? [rng.pick(COACHES)] : [],
      },
      availability: { weekly, unavailableDates: [...new Set(unavailableDates)].sort() },
      remote: rng.chance(0.6),
      homeDepartement,
      feeCents: rng.int(16, 50) * 500,
      travelCents: rng.int(0, 30) * 500,
      yearlyCap,
      booked: { [year]: rng.int(0, Math.floor(yearlyCap / 2)) },
      active: rng.chance(0.95),
    };
  });

  return {
    plannedAt: iso(plannedAt),
    earliestSessionAt: iso(earliest),
    candidates,
    members,
    slots,
    venues,
    allowRemote: true,
    rules: { ...DEFAULT_RULES },
  };
}
