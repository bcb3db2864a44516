import { addDuration, type PolicyDuration } from '../duration.js';
import type { JuryOutcome } from '../candidacy/state.js';

/**
 * The state of one jury session, as its workflow holds it: the seats and their invitations,
 * the candidacies convened, the results. Pure: the workflow applies these rules and does the I/O.
 */
export type SessionStatus = 'composing' | 'composition_failed' | 'convened' | 'held' | 'closed' | 'cancelled';

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface Invitation {
  invitationId: string;
  memberId: string;
  sentAt: string;
  respondBy: string;
  status: InvitationStatus;
  answeredAt: string | null;
}

export type Attendance = 'present' | 'absent' | 'excused';

export interface CandidateResult {
  candidacyId: string;
  outcome: JuryOutcome;
  blocks: { code: string; validated: boolean }[];
}

export interface SessionState {
  status: SessionStatus;
  /** Seats to fill (the members of the proposal). */
  seats: number;
  presidentId: string | null;
  invitations: Invitation[];
  /** Seats left empty because no member could take them (the organiser was alerted). */
  vacancies: number;
  escalated: boolean;
  enrolled: string[];
  refused: { candidacyId: string; code: string }[];
  results: { candidacyId: string; outcome: JuryOutcome | null; refusedCode: string | null }[];
  memberAttendance: { memberId: string; attendance: Attendance }[];
  costCents: number | null;
  cancelReason: string | null;
  seq: number;
}

export const SESSION_STATUS_LABELS: Record<SessionStatus, string> = {
  composing: 'Composition en cours (invitations envoyées)',
  composition_failed: 'Composition impossible à ce jour : organisateur alerté',
  convened: 'Jury composé, candidats et membres convoqués',
  held: 'Session tenue : résultats attendus',
  closed: 'Résultats transmis, session close',
  cancelled: 'Session annulée',
};

/** The members holding a seat now: invited and not answered, or accepted. */
export function seatedMembers(s: SessionState): string[] {
  return s.invitations
    .filter((i) => i.status === 'pending' || i.status === 'accepted')
    .map((i) => i.memberId);
}

export function acceptedMembers(s: SessionState): string[] {
  return s.invitations.filter((i) => i.status === 'accepted').map((i) => i.memberId);
}

/** Every seat taken by a member who accepted. */
export function isComposed(s: SessionState): boolean {
  return acceptedMembers(s).length >= s.seats;
}

/** The instant an invitation sent at `sentAt` lapses: the policy's delay later (Paris calendar). */
export function invitationRespondBy(sentAt: Date, delay: PolicyDuration, compositionDeadlineAt: Date): Date {
  const due = addDuration(sentAt, delay);
  // Never after the composition deadline: a late answer would come too late to convene anyone.
  return due.getTime() > compositionDeadlineAt.getTime() ? compositionDeadlineAt : due;
}

/** The pending invitations whose answer time has run out at `now`. */
export function lapsedInvitations(s: SessionState, now: Date): Invitation[] {
  return s.invitations.filter((i) => i.status === 'pending' && Date.parse(i.respondBy) <= now.getTime());
}

/** The next instant a clock of the session runs out, or null. */
export function nextSessionClock(
  s: SessionState,
  timing: { compositionDeadlineAt: string; startsAt: string },
): number | null {
  const due: number[] = [];
  if (s.status === 'composing' || s.status === 'composition_failed') {
    for (const i of s.invitations) if (i.status === 'pending') due.push(Date.parse(i.respondBy));
    if (!s.escalated) due.push(Date.parse(timing.compositionDeadlineAt));
    // Not composed by the session's start: it cannot be held.
    due.push(Date.parse(timing.startsAt));
  }
  if (s.status === 'convened') due.push(Date.parse(timing.startsAt));
  return due.length ? Math.min(...due) : null;
}
