/**
 * Jury sessions as a planning problem (DOMAIN.md, « Jury sessions, as a planning problem »):
 * the pool, the candidates waiting, the slots, and a plan of sessions. Pure data, IDs and codes
 * only (names and e-mail addresses stay in Postgres). Instants are ISO strings; days and weekly
 * windows are read on the Europe/Paris calendar.
 */

export type MemberProfile = 'professional' | 'trainer';
export type MemberGender = 'F' | 'M';
export type SessionModality = 'on_site' | 'remote';

/** A weekly window of availability, Paris wall-clock time. `weekday`: 1 = Monday … 7 = Sunday. */
export interface WeeklyWindow {
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** "HH:MM" */
  from: string;
  /** "HH:MM", after `from` */
  to: string;
}

/** What a member may assess: a certification, and all its blocks or some of them. */
export interface Qualification {
  rncpCode: string;
  blockCodes: string[] | 'all';
}

export interface PoolMember {
  id: string;
  qualifications: Qualification[];
  profile: MemberProfile;
  gender: MemberGender;
  /**
   * Ties that exclude the member from a candidate's jury: employers they work for or with
   * (compared case- and accent-insensitively with the candidate's employer), operators they work
   * for or with (the candidate's coaching operator), and the product users they are (the coach).
   */
  ties: { employers: string[]; operatorIds: string[]; userIds: string[] };
  availability: { weekly: WeeklyWindow[]; unavailableDates: string[] };
  /** May sit in a remote session (virtual room). */
  remote: boolean;
  /** Département of residence ("75", "2A", "971"…), for travel to on-site sessions. */
  homeDepartement: string;
  /** Fee per session, in euro cents. */
  feeCents: number;
  /** Travel cost of one on-site session outside the home département, in euro cents. */
  travelCents: number;
  /** Sessions a year at most. */
  yearlyCap: number;
  /** Sessions already held or booked, per Paris calendar year ("2027": 3). */
  booked: Record<string, number>;
  active: boolean;
}

export interface WaitingCandidate {
  candidacyId: string;
  rncpCode: string;
  /** The blocks to examine (targeted, not acquired). */
  blockCodes: string[];
  /** End of the 3rd month after the validation file: examined before it. */
  juryDeadlineAt: string;
  /** For conflicts of interest; null when not known. */
  employer: string | null;
  coachOperatorId: string | null;
  coachUserId: string | null;
  /** Accepts a remote session. */
  acceptsRemote: boolean;
}

/** A time a session may take place. */
export interface Slot {
  id: string;
  startsAt: string;
  endsAt: string;
}

/** A place for on-site sessions. */
export interface Venue {
  id: string;
  departement: string;
}

export interface PlanningRules {
  /** At least 2 members (DOMAIN.md, Jury). */
  minMembers: number;
  maxMembers: number;
  /** Candidates per session at most. */
  capacity: number;
  /** Professionals of the trade: at least this share of the members (R. 335-8: ¼). */
  minProfessionalShare: number;
  /** Cost of a session that breaks gender balance (soft rule), in the objective only. */
  genderPenaltyCents: number;
}

export interface PlanningInstance {
  plannedAt: string;
  /** The convocation lead time after `plannedAt`: no session before it. */
  earliestSessionAt: string;
  candidates: WaitingCandidate[];
  members: PoolMember[];
  slots: Slot[];
  /** On-site places; empty means remote sessions only. */
  venues: Venue[];
  allowRemote: boolean;
  rules: PlanningRules;
}

export interface ProposedSession {
  /** Stable within its plan ("s1", "s2"…). */
  key: string;
  rncpCode: string;
  slotId: string;
  startsAt: string;
  endsAt: string;
  modality: SessionModality;
  /** The place of an on-site session; null for a remote one. */
  venueId: string | null;
  candidacyIds: string[];
  memberIds: string[];
  presidentId: string;
  /** Fees and travel of its members, in euro cents. */
  costCents: number;
}

export interface Plan {
  sessions: ProposedSession[];
  /** Candidacies no session could take (see the shortage report). */
  unplaced: string[];
  totalCostCents: number;
}

export type PlanRule =
  | 'unknown_reference'
  | 'candidate_twice'
  | 'one_certification'
  | 'capacity'
  | 'lead_time'
  | 'jury_deadline'
  | 'min_members'
  | 'max_members'
  | 'president'
  | 'qualified_member'
  | 'professional_share'
  | 'gender_balance'
  | 'conflict_of_interest'
  | 'inactive_member'
  | 'member_unavailable'
  | 'member_double_booked'
  | 'yearly_cap'
  | 'remote_not_allowed'
  | 'venue'
  | 'cost_mismatch';

export interface PlanViolation {
  rule: PlanRule;
  /** Hard rules make a plan invalid; a soft one (gender balance) is reported and penalised. */
  severity: 'hard' | 'soft';
  sessionKey?: string;
  candidacyId?: string;
  memberId?: string;
  /** A French sentence for the jury organiser (IDs and codes only). */
  message: string;
}
