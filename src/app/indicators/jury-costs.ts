import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  maskedValue,
  shownValue,
  type CellBook,
  type PublishedCount,
  type PublishedValue,
} from './suppression.js';

/**
 * Jury sessions from the jury tables: the sessions held (`held` or `closed`) where candidacies of
 * the group were convened, the members who sat (accepted, not marked absent or excused), the
 * candidates examined (full, partial or refused), the blocks validated, and the cost: fees and
 * travel of the members who sat (`jury_sessions.cost_cents`). A session shared by several groups
 * (arms, operators…) is counted in each; its cost is shared out by the group's candidates convened.
 */
export interface JurySessionFacts {
  id: string;
  remote: boolean;
  costCents: number | null;
  /** The members who sat. */
  memberIds: string[];
  candidates: { candidacyId: string; examined: boolean; validatedBlocks: number }[];
}

const HELD = ['held', 'closed'];
const CONVENED = ['enrolled', 'result_recorded'];

export async function loadJurySessions(db: Kysely<Database>, projectId: string): Promise<JurySessionFacts[]> {
  const [sessions, members, candidates] = await Promise.all([
    db
      .selectFrom('jury_sessions')
      .select(['id', 'modality', 'cost_cents'])
      .where('project_id', '=', projectId)
      .where('status', 'in', HELD)
      .orderBy('starts_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('jury_session_members as m')
      .innerJoin('jury_sessions as s', 's.id', 'm.session_id')
      .select(['m.session_id', 'm.member_id'])
      .where('s.project_id', '=', projectId)
      .where('s.status', 'in', HELD)
      .where('m.status', '=', 'accepted')
      .where((eb) => eb.or([eb('m.attendance', 'is', null), eb('m.attendance', '=', 'present')]))
      .execute(),
    db
      .selectFrom('jury_session_candidates as c')
      .innerJoin('jury_sessions as s', 's.id', 'c.session_id')
      .select(['c.session_id', 'c.candidacy_id', 'c.outcome', 'c.validated_blocks'])
      .where('s.project_id', '=', projectId)
      .where('s.status', 'in', HELD)
      .where('c.status', 'in', CONVENED)
      .execute(),
  ]);
  return sessions.map((s) => ({
    id: s.id,
    remote: s.modality === 'remote',
    costCents: s.cost_cents,
    memberIds: members.filter((m) => m.session_id === s.id).map((m) => m.member_id),
    candidates: candidates
      .filter((c) => c.session_id === s.id)
      .map((c) => ({
        candidacyId: c.candidacy_id,
        examined: c.outcome === 'full' || c.outcome === 'partial' || c.outcome === 'refused',
        validatedBlocks: c.validated_blocks.length,
      })),
  }));
}

export interface RawJury {
  sessionsHeld: number;
  remoteSessions: number;
  membersMobilised: number;
  candidatesExamined: number;
  validatedBlocks: number;
  /** Sessions of the group with a cost, and their whole cost (cents). */
  sessionsWithCost: number;
  sessionsCostCents: number;
  /** The group's share of those costs (cents). */
  allocatedCostCents: number;
}

export function rawJury(sessions: readonly JurySessionFacts[], candidacyIds: ReadonlySet<string>): RawJury {
  const raw: RawJury = {
    sessionsHeld: 0,
    remoteSessions: 0,
    membersMobilised: 0,
    candidatesExamined: 0,
    validatedBlocks: 0,
    sessionsWithCost: 0,
    sessionsCostCents: 0,
    allocatedCostCents: 0,
  };
  const members = new Set<string>();
  for (const s of sessions) {
    const mine = s.candidates.filter((c) => candidacyIds.has(c.candidacyId));
    if (mine.length === 0) continue;
    raw.sessionsHeld++;
    if (s.remote) raw.remoteSessions++;
    s.memberIds.forEach((m) => members.add(m));
    raw.candidatesExamined += mine.filter((c) => c.examined).length;
    raw.validatedBlocks += mine.reduce((n, c) => n + c.validatedBlocks, 0);
    if (s.costCents !== null) {
      raw.sessionsWithCost++;
      raw.sessionsCostCents += s.costCents;
      raw.allocatedCostCents += (s.costCents * mine.length) / s.candidates.length;
    }
  }
  raw.membersMobilised = members.size;
  return raw;
}

const id = (prefix: string, name: string) => `${prefix}jury.${name}`;

export function registerJury(book: CellBook, prefix: string, raw: RawJury): void {
  book.count(id(prefix, 'members_mobilised'), raw.membersMobilised);
  book.count(id(prefix, 'candidates_examined'), raw.candidatesExamined);
}

export interface JuryOut {
  sessionsHeld: number;
  remoteSessions: number;
  remoteShare: PublishedValue;
  /** Distinct jury members who sat in those sessions (people). */
  membersMobilised: PublishedCount;
  candidatesExamined: PublishedCount;
  validatedBlocks: number;
  /** Euros: the group's share of the sessions' cost. */
  costEuros: number;
  costPerSessionEuros: PublishedValue;
  costPerCandidateEuros: PublishedValue;
  costPerValidatedBlockEuros: PublishedValue;
}

const euros = (cents: number) => Math.round(cents) / 100;

export function publishJury(book: CellBook, prefix: string, raw: RawJury): JuryOut {
  const examined = id(prefix, 'candidates_examined');
  return {
    sessionsHeld: raw.sessionsHeld,
    remoteSessions: raw.remoteSessions,
    remoteShare: shownValue(raw.sessionsHeld ? raw.remoteSessions / raw.sessionsHeld : null),
    membersMobilised: book.out(id(prefix, 'members_mobilised')),
    candidatesExamined: book.out(examined),
    validatedBlocks: raw.validatedBlocks,
    costEuros: euros(raw.allocatedCostCents),
    costPerSessionEuros: shownValue(
      raw.sessionsWithCost ? euros(raw.sessionsCostCents / raw.sessionsWithCost) : null,
    ),
    // With the cost shown, a cost per candidate would give the number of candidates away.
    costPerCandidateEuros: book.isMasked(examined)
      ? maskedValue
      : shownValue(raw.candidatesExamined ? euros(raw.allocatedCostCents / raw.candidatesExamined) : null),
    costPerValidatedBlockEuros: shownValue(
      raw.validatedBlocks ? euros(raw.allocatedCostCents / raw.validatedBlocks) : null,
    ),
  };
}
