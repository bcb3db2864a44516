import type { CandidacyFacts } from './facts.js';
import { candidaciesId } from './funnel.js';
import {
  maskedValue,
  shownValue,
  type CellBook,
  type PublishedCount,
  type PublishedValue,
} from './suppression.js';

/**
 * What the path cost in follow-up: reminders (journal events), implicit decisions of the
 * certifier's silence, hand-offs between operators and transfers, deadlines overdue or missed.
 * Reminders and hand-offs are events (not people); the candidacies concerned are people.
 */
export const REMINDER_TYPES = [
  {
    key: 'incompleteFile',
    event: 'incomplete_file_reminder_sent',
    to: 'candidate',
    label: 'Relance : dossier de recevabilité incomplet',
  },
  {
    key: 'inactivity',
    event: 'inactivity_reminder_sent',
    to: 'candidate',
    label: 'Relance d’inactivité pendant l’accompagnement',
  },
  { key: 'jury', event: 'jury_reminder_sent', to: 'candidate', label: 'Rappel de la session de jury' },
  {
    key: 'admissibilityWarning',
    event: 'admissibility_warning_sent',
    to: 'operators',
    label: 'Alerte au certificateur : délai de recevabilité',
  },
  {
    key: 'result',
    event: 'result_reminder_sent',
    to: 'operators',
    label: 'Rappel au certificateur : résultat du jury à saisir',
  },
  {
    key: 'juryEscalation',
    event: 'jury_escalated',
    to: 'operators',
    label: 'Alerte au certificateur : jury à programmer',
  },
] as const satisfies readonly {
  key: keyof CandidacyFacts['reminders'];
  event: string;
  to: 'candidate' | 'operators';
  label: string;
}[];

export interface RawActivity {
  reminders: Record<keyof CandidacyFacts['reminders'], number>;
  decisions: number;
  implicitDecisions: number;
  implicitAdmissible: number;
  phaseHandoffs: number;
  transfersRequested: number;
  transfersAccepted: number;
  transfersEscalated: number;
  overdue: number;
  juryDeadlineMissed: number;
}

/** What a candidacy adds to its groups' activity (a column each of the table below). */
const ACTIVITY_FIELDS = [
  'incompleteFile',
  'inactivity',
  'jury',
  'admissibilityWarning',
  'result',
  'juryEscalation',
  'decisions',
  'implicitDecisions',
  'implicitAdmissible',
  'phaseHandoffs',
  'transfersRequested',
  'transfersAccepted',
  'transfersEscalated',
  'overdue',
  'juryDeadlineMissed',
] as const;

/** Every candidacy's row of ACTIVITY_FIELDS, read once per request: row k for facts[k]. */
export type ActivityTable = Int32Array;

export function activityTable(facts: readonly CandidacyFacts[]): ActivityTable {
  const table = new Int32Array(facts.length * ACTIVITY_FIELDS.length);
  let at = 0;
  for (let k = 0; k < facts.length; k++) {
    const f = facts[k]!;
    const r = f.reminders;
    const decided = f.decidedAt !== null;
    const implicit = decided && f.implicitDecision === true;
    table[at++] = r.incompleteFile;
    table[at++] = r.inactivity;
    table[at++] = r.jury;
    table[at++] = r.admissibilityWarning;
    table[at++] = r.result;
    table[at++] = r.juryEscalation;
    table[at++] = decided ? 1 : 0;
    table[at++] = implicit ? 1 : 0;
    table[at++] = implicit && f.admissible ? 1 : 0;
    table[at++] = f.phaseHandoffs;
    table[at++] = f.transfersRequested > 0 ? 1 : 0;
    table[at++] = f.transfersAccepted > 0 ? 1 : 0;
    table[at++] = f.transfersEscalated > 0 ? 1 : 0;
    table[at++] = f.overdue ? 1 : 0;
    table[at++] = f.juryDeadlineMissed > 0 ? 1 : 0;
  }
  return table;
}

/** A group's activity, its candidacies added one by one (rows of the table). */
export class ActivityCount {
  private readonly sums = new Float64Array(ACTIVITY_FIELDS.length);

  constructor(private readonly table: ActivityTable) {}

  add(k: number): void {
    const width = ACTIVITY_FIELDS.length;
    for (let j = 0, at = k * width; j < width; j++) this.sums[j]! += this.table[at + j]!;
  }

  result(): RawActivity {
    const v = Object.fromEntries(ACTIVITY_FIELDS.map((name, j) => [name, this.sums[j]!])) as Record<
      (typeof ACTIVITY_FIELDS)[number],
      number
    >;
    return {
      reminders: {
        incompleteFile: v.incompleteFile,
        inactivity: v.inactivity,
        jury: v.jury,
        admissibilityWarning: v.admissibilityWarning,
        result: v.result,
        juryEscalation: v.juryEscalation,
      },
      decisions: v.decisions,
      implicitDecisions: v.implicitDecisions,
      implicitAdmissible: v.implicitAdmissible,
      phaseHandoffs: v.phaseHandoffs,
      transfersRequested: v.transfersRequested,
      transfersAccepted: v.transfersAccepted,
      transfersEscalated: v.transfersEscalated,
      overdue: v.overdue,
      juryDeadlineMissed: v.juryDeadlineMissed,
    };
  }
}

const id = (prefix: string, name: string) => `${prefix}activity.${name}`;

export function registerActivity(book: CellBook, prefix: string, raw: RawActivity): void {
  const decisions = book.count(id(prefix, 'decisions'), raw.decisions);
  const implicit = book.count(id(prefix, 'implicit_decisions'), raw.implicitDecisions);
  const explicit = book.count(id(prefix, 'explicit_decisions'), raw.decisions - raw.implicitDecisions);
  book.table(decisions, [implicit, explicit]);
  book.count(id(prefix, 'transfers_requested'), raw.transfersRequested);
  book.count(id(prefix, 'transfers_accepted'), raw.transfersAccepted);
  book.count(id(prefix, 'transfers_escalated'), raw.transfersEscalated);
  book.count(id(prefix, 'overdue'), raw.overdue);
  book.count(id(prefix, 'jury_deadline_missed'), raw.juryDeadlineMissed);
}

export const implicitDecisionIds = (prefix: string) => ({
  decisions: id(prefix, 'decisions'),
  implicit: id(prefix, 'implicit_decisions'),
});

export interface EventsPerCandidacy {
  total: number;
  perCandidacy: PublishedValue;
}

export interface ActivityOut {
  reminders: {
    /** Reminders to the candidate (incomplete file, inactivity, jury). */
    candidate: EventsPerCandidacy;
    /** Alerts and reminders to operators (the certifier's deadlines). */
    operators: EventsPerCandidacy;
    byType: { key: string; event: string; to: 'candidate' | 'operators'; label: string; total: number }[];
  };
  implicitDecisions: { decisions: PublishedCount; implicit: PublishedCount; share: PublishedValue };
  handoffs: {
    /** Hand-offs along the path (advisor → certifier → coach…): events. */
    phase: EventsPerCandidacy;
    /** Candidacies with a transfer between peers requested, accepted, escalated. */
    transfersRequested: PublishedCount;
    transfersAccepted: PublishedCount;
    transfersEscalated: PublishedCount;
  };
  deadlines: {
    /** Open candidacies whose running deadline is past. */
    overdue: PublishedCount;
    /** Candidacies whose jury deadline ran out before a session. */
    juryDeadlineMissed: PublishedCount;
  };
}

export function publishActivity(book: CellBook, prefix: string, raw: RawActivity): ActivityOut {
  const n = candidaciesId(prefix);
  const per = (total: number): EventsPerCandidacy => ({
    total,
    perCandidacy: book.isMasked(n) ? maskedValue : shownValue(book.raw(n) === 0 ? null : total / book.raw(n)),
  });
  const sum = (to: 'candidate' | 'operators') =>
    REMINDER_TYPES.filter((r) => r.to === to).reduce((s, r) => s + raw.reminders[r.key], 0);
  const ids = implicitDecisionIds(prefix);
  return {
    reminders: {
      candidate: per(sum('candidate')),
      operators: per(sum('operators')),
      byType: REMINDER_TYPES.map((r) => ({ ...r, total: raw.reminders[r.key] })),
    },
    implicitDecisions: {
      decisions: book.out(ids.decisions),
      implicit: book.out(ids.implicit),
      share: book.isMasked(ids.decisions, ids.implicit)
        ? maskedValue
        : shownValue(raw.decisions === 0 ? null : raw.implicitDecisions / raw.decisions),
    },
    handoffs: {
      phase: per(raw.phaseHandoffs),
      transfersRequested: book.out(id(prefix, 'transfers_requested')),
      transfersAccepted: book.out(id(prefix, 'transfers_accepted')),
      transfersEscalated: book.out(id(prefix, 'transfers_escalated')),
    },
    deadlines: {
      overdue: book.out(id(prefix, 'overdue')),
      juryDeadlineMissed: book.out(id(prefix, 'jury_deadline_missed')),
    },
  };
}
