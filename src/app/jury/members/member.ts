import type { Selectable } from 'kysely';
import type { JuryMembersTable } from '../../../db/schema.js';
import type {
  MemberGender,
  MemberProfile,
  PoolMember,
  Qualification,
  WeeklyWindow,
} from '../../../domain/jury/types.js';

/**
 * A member of a jury pool as the use cases read and write it: who they are (name and e-mail,
 * personal data shown to the pool's owner only, never logged), what they assess, their ties
 * (conflicts of interest), availability, costs and yearly cap. Amounts are in euro cents.
 */
export interface JuryMember {
  id: string;
  /** The operator whose pool the member belongs to. */
  operatorId: string;
  displayName: string;
  email: string;
  profile: MemberProfile;
  gender: MemberGender;
  qualifications: Qualification[];
  ties: PoolMember['ties'];
  availability: PoolMember['availability'];
  remote: boolean;
  /** Null only for a member recorded before the pool had this field. */
  homeDepartement: string | null;
  feeCents: number;
  travelCents: number;
  yearlyCap: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A new member as the API validated it (formats, ranges, windows in order, codes well formed). */
export interface NewJuryMember {
  displayName: string;
  email: string;
  profile: MemberProfile;
  gender: MemberGender;
  qualifications: Qualification[];
  ties: PoolMember['ties'];
  availability: PoolMember['availability'];
  remote: boolean;
  homeDepartement: string;
  feeCents: number;
  travelCents: number;
  yearlyCap: number;
}

/** A change: only the fields given change; each list given replaces the one stored. */
export interface JuryMemberPatch {
  displayName?: string | undefined;
  email?: string | undefined;
  profile?: MemberProfile | undefined;
  gender?: MemberGender | undefined;
  qualifications?: Qualification[] | undefined;
  ties?: Partial<PoolMember['ties']> | undefined;
  availability?: { weekly?: WeeklyWindow[] | undefined; unavailableDates?: string[] | undefined } | undefined;
  remote?: boolean | undefined;
  homeDepartement?: string | undefined;
  feeCents?: number | undefined;
  travelCents?: number | undefined;
  yearlyCap?: number | undefined;
}

export type JuryMemberRow = Selectable<JuryMembersTable>;

export function toJuryMember(row: JuryMemberRow): JuryMember {
  return {
    id: row.id,
    operatorId: row.operator_id,
    displayName: row.display_name,
    email: row.email,
    profile: row.profile as MemberProfile,
    gender: row.gender as MemberGender,
    qualifications: row.qualifications,
    ties: { employers: row.tie_employers, operatorIds: row.tie_operator_ids, userIds: row.tie_user_ids },
    availability: {
      weekly: row.availability.weekly ?? [],
      unavailableDates: row.availability.unavailableDates ?? [],
    },
    remote: row.remote,
    homeDepartement: row.home_departement,
    feeCents: row.fee_cents,
    travelCents: row.travel_cents,
    yearlyCap: row.yearly_cap,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Availability as stored: windows by day and time, dates sorted and each once. */
export function normalisedAvailability(a: PoolMember['availability']): PoolMember['availability'] {
  return {
    weekly: [...a.weekly].sort((x, y) => x.weekday - y.weekday || x.from.localeCompare(y.from)),
    unavailableDates: [...new Set(a.unavailableDates)].sort(),
  };
}

/** The certifications of a member's qualifications (the derived `rncp_codes` column). */
export function rncpCodesOf(qualifications: Qualification[]): string[] {
  return [...new Set(qualifications.map((q) => q.rncpCode))].sort();
}
