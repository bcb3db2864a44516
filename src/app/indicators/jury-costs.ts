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
  const membersOf = groupBy(members, (m) => m.session_id);
  const candidatesOf = groupBy(candidates, (c) => c.session_id);
  return sessions.map((s) => ({
    id: s.id,
    remote: s.modality === 'remote',
    costCents: s.cost_cents,
    memberIds: (membersOf.get(s.id) ?? []).map((m) => m.member_id),
    candidates: (candidatesOf.get(s.id) ?? []).map((c) => ({
      candidacyId: c.candidacy_id,
      examined: c.outcome === 'full' || c.outcome === 'partial' || c.outcome === 'refused',
      validatedBlocks: c.validated_blocks.length,
    })),
  }));
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/**
 * The sessions, and where each candidacy of the list was convened: the k-th candidacy's entries are
 * entry[start[k]] to entry[start[k + 1] − 1], each an index in session / examined / validatedBlocks
 * (the sessions' candidates, in the sessions' order).
 */
export interface JuryIndex {
  sessions: readonly JurySessionFacts[];
  start: Int32Array;
  entry: Int32Array;
  /** The session's rank in the list. */
  session: Int32Array;
  examined: Uint8Array;
  validatedBlocks: Int32Array;
  /** The members who sat in each session, numbered 0 to memberCount − 1. */
  members: readonly number[][];
  memberCount: number;
}

export function juryIndex(
  sessions: readonly JurySessionFacts[],
  facts: readonly { id: string }[],
): JuryIndex {
  const total = sessions.reduce((n, s) => n + s.candidates.length, 0);
  const session = new Int32Array(total);
  const examined = new Uint8Array(total);
  const validatedBlocks = new Int32Array(total);
  // Each candidacy's entries chained: its last one here, the one before in `previous` (−1 ends).
  const last = new Map<string, number>();
  const previous = new Int32Array(total);
  const numbers = new Map<string, number>();
  let e = 0;
  const members = sessions.map((s, rank) => {
    for (const c of s.candidates) {
      session[e] = rank;
      examined[e] = c.examined ? 1 : 0;
      validatedBlocks[e] = c.validatedBlocks;
      previous[e] = last.get(c.candidacyId) ?? -1;
      last.set(c.candidacyId, e++);
    }
    return s.memberIds.map((m) => {
      let n = numbers.get(m);
      if (n === undefined) numbers.set(m, (n = numbers.size));
      return n;
    });
  });
  const start = new Int32Array(facts.length + 1);
  const entry = new Int32Array(total);
  let m = 0;
  for (let k = 0; k < facts.length; k++) {
    for (let x = last.get(facts[k]!.id) ?? -1; x >= 0; x = previous[x]!) entry[m++] = x;
    start[k + 1] = m;
  }
  return { sessions, start, entry, session, examined, validatedBlocks, members, memberCount: numbers.size };
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

/**
 * A group's jury figures, its candidacies added one by one (rows of the index): linear in the
 * group and the sessions its candidacies were convened to.
 */
export class JuryCount {
  /** The group's candidacies convened, by session. */
  private readonly convened: Int32Array;
  /** The sessions met, in the order met. */
  private readonly met: number[] = [];
  private candidatesExamined = 0;
  private validatedBlocks = 0;

  constructor(private readonly index: JuryIndex) {
    this.convened = new Int32Array(index.sessions.length);
  }

  add(k: number): void {
    const x = this.index;
    for (let i = x.start[k]!; i < x.start[k + 1]!; i++) {
      const e = x.entry[i]!;
      const session = x.session[e]!;
      if (this.convened[session]!++ === 0) this.met.push(session);
      this.candidatesExamined += x.examined[e]!;
      this.validatedBlocks += x.validatedBlocks[e]!;
    }
  }

  result(): RawJury {
    const raw: RawJury = {
      sessionsHeld: 0,
      remoteSessions: 0,
      membersMobilised: 0,
      candidatesExamined: this.candidatesExamined,
      validatedBlocks: this.validatedBlocks,
      sessionsWithCost: 0,
      sessionsCostCents: 0,
      allocatedCostCents: 0,
    };
    const sat = new Uint8Array(this.index.memberCount);
    // In the sessions' order (the costs are summed in the same order whatever the group): the few
    // sessions met sorted, or every session scanned when the group met many of them.
    const few = this.met.length * 16 < this.convened.length;
    const order = few ? this.met.sort((a, b) => a - b) : null;
    for (let i = 0; i < (order ? order.length : this.convened.length); i++) {
      const k = order ? order[i]! : i;
      if (this.convened[k] === 0) continue;
      const s = this.index.sessions[k]!;
      raw.sessionsHeld++;
      if (s.remote) raw.remoteSessions++;
      for (const m of this.index.members[k]!) {
        if (sat[m]) continue;
        sat[m] = 1;
        raw.membersMobilised++;
      }
      if (s.costCents !== null) {
        raw.sessionsWithCost++;
        raw.sessionsCostCents += s.costCents;
        raw.allocatedCostCents += (s.costCents * this.convened[k]!) / s.candidates.length;
      }
    }
    return raw;
  }
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
