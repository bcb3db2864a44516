import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { CONFIDENTIALITY_THRESHOLD } from '../../domain/stats/index.js';
import { Refusal } from '../refusal.js';
import {
  ActivityCount,
  activityTable,
  publishActivity,
  registerActivity,
  type ActivityOut,
  type ActivityTable,
  type RawActivity,
} from './activity.js';
import { BREAKDOWN_LABELS, BREAKDOWNS, splitBy, type Breakdown } from './breakdowns.js';
import { compareArms, type ComparisonOut } from './comparison.js';
import {
  DurationCount,
  observationTable,
  publishDurations,
  registerDurations,
  type DurationOut,
  type ObservationTable,
  type RawDuration,
} from './durations.js';
import { loadCandidacyFacts, type CandidacyFacts } from './facts.js';
import {
  FunnelCount,
  funnelTable,
  publishFunnel,
  registerFunnel,
  type FunnelOut,
  type FunnelTable,
  type RawFunnel,
} from './funnel.js';
import {
  JuryCount,
  loadJurySessions,
  publishJury,
  registerJury,
  type JuryOut,
  juryIndex,
  type JuryIndex,
  type JurySessionFacts,
  type RawJury,
} from './jury-costs.js';
import { CellBook, type PublishedCount } from './suppression.js';
import {
  publishWaiting,
  WaitingCount,
  waitingTable,
  type RawWaiting,
  type WaitingOut,
  type WaitingTable,
} from './waiting.js';
import { candidaciesId } from './funnel.js';

/**
 * The indicators of a project (issue 12): the funnel, the durations (Kaplan–Meier), the waiting
 * on the candidate and on operators, reminders and hand-offs, the jury's costs, per project and
 * broken down by one dimension, with the arms compared. Every count of people that leaves here
 * is masked under 5 (src/app/indicators/suppression.ts): the JSON, its CSV and the dashboard are
 * all made from this one result.
 */

export interface IndicatorQuery {
  projectId: string;
  /** Candidacies identified from this Paris day on (YYYY-MM-DD). */
  from?: string | undefined;
  /** …up to this Paris day, included. */
  to?: string | undefined;
  breakdown?: Breakdown | undefined;
  /** The instant open candidacies are censored at (default: now). */
  asOf?: Date;
}

export interface IndicatorSet {
  candidacies: PublishedCount;
  funnel: FunnelOut;
  durations: DurationOut[];
  waiting: WaitingOut;
  activity: ActivityOut;
  jury: JuryOut;
}

export interface IndicatorGroup {
  key: string;
  label: string;
  indicators: IndicatorSet;
}

export interface Indicators {
  project: { id: string; name: string };
  /** Open candidacies are censored at this instant; waiting runs up to it. */
  asOf: string;
  filters: { from: string | null; to: string | null; breakdown: Breakdown | null };
  confidentiality: { threshold: number; maskedCells: number; rule: string };
  overall: IndicatorSet;
  breakdown: { dimension: Breakdown; label: string; groups: IndicatorGroup[] } | null;
  comparison: ComparisonOut;
}

export const CONFIDENTIALITY_RULE =
  'Secret statistique : tout effectif de 1 à 4 personnes est masqué (null, masked: true, reason: small ; « < 5 » à l’écran), 0 est affiché. ' +
  'Masquage secondaire : dans chaque tableau dont les cases s’additionnent (une étape = l’étape suivante + les sorties à cette étape ; ' +
  'un total = la somme de ses groupes), une case masquée qui se retrouverait par différence est accompagnée du plus petit effectif non nul voisin, ' +
  'ou du total (reason: secondary ; « secret » à l’écran). ' +
  'Les parts, moyennes, coûts par candidat, intervalles, écarts et tests calculés sur un effectif masqué sont masqués ; ' +
  'les médianes et courbes de durée le sont sous 5 observations ou 5 événements, et les courbes s’arrêtent quand moins de 5 candidatures restent à risque.';

/** Counts whose groups do not add up to the total (a jury member sits for several groups). */
const NOT_ADDITIVE = new Set(['jury.members_mobilised']);

interface RawSet {
  funnel: RawFunnel;
  durations: RawDuration[];
  waiting: RawWaiting;
  activity: RawActivity;
  jury: RawJury;
}

/** What every group reads of each candidacy, computed once per request: row k for facts[k]. */
interface Tables {
  funnel: FunnelTable;
  activity: ActivityTable;
  observations: ObservationTable;
  waiting: WaitingTable;
  jury: JuryIndex;
}

/** A group's raw figures, its candidacies added one by one. */
class GroupCount {
  private readonly funnel: FunnelCount;
  private readonly activity: ActivityCount;
  private readonly durations: DurationCount;
  private readonly waiting: WaitingCount;
  private readonly jury: JuryCount;

  /** `published`: its curves are, the durations keep its rows (`size` of them). */
  constructor(tables: Tables, size: number, published: boolean) {
    this.funnel = new FunnelCount(tables.funnel);
    this.activity = new ActivityCount(tables.activity);
    this.durations = new DurationCount(tables.observations, published ? size : null);
    this.waiting = new WaitingCount(tables.waiting);
    this.jury = new JuryCount(tables.jury);
  }

  add(k: number): void {
    this.funnel.add(k);
    this.activity.add(k);
    this.durations.add(k);
    this.waiting.add(k);
    this.jury.add(k);
  }

  result(): RawSet {
    return {
      funnel: this.funnel.result(),
      durations: this.durations.result(),
      waiting: this.waiting.result(),
      activity: this.activity.result(),
      jury: this.jury.result(),
    };
  }
}

function register(book: CellBook, prefix: string, raw: RawSet): void {
  registerFunnel(book, prefix, raw.funnel);
  // After the funnel and the decisions: a duration's counts are theirs when they are the same.
  registerActivity(book, prefix, raw.activity);
  registerDurations(book, prefix, raw.durations);
  registerJury(book, prefix, raw.jury);
}

function publish(book: CellBook, prefix: string, raw: RawSet): IndicatorSet {
  return {
    candidacies: book.out(candidaciesId(prefix)),
    funnel: publishFunnel(book, prefix, raw.funnel),
    durations: publishDurations(book, prefix, raw.durations),
    waiting: publishWaiting(book, prefix, raw.waiting),
    activity: publishActivity(book, prefix, raw.activity),
    jury: publishJury(book, prefix, raw.jury),
  };
}

const OVERALL = 'all/';
const groupPrefix = (dimension: Breakdown, key: string) => `${dimension}:${key}/`;

/** Each path of the overall set = the sum of the groups' same path. */
function registerBreakdownTables(book: CellBook, prefixes: string[]): void {
  for (const path of book.pathsUnder(OVERALL)) {
    if (NOT_ADDITIVE.has(path)) continue;
    const parts = prefixes.map((p) => p + path);
    // A count some group holds under another cell (src/app/indicators/durations.ts) is linked there.
    if (parts.every((id) => book.has(id))) book.table(OVERALL + path, parts);
  }
}

export async function computeIndicators(db: Kysely<Database>, q: IndicatorQuery): Promise<Indicators> {
  const project = await db
    .selectFrom('projects')
    .select(['id', 'name'])
    .where('id', '=', q.projectId)
    .executeTakeFirst();
  if (!project) throw Refusal.notFound('project_not_found', `Aucun projet ${q.projectId}.`);
  const asOf = q.asOf ?? new Date();
  const [facts, sessions, operators] = await Promise.all([
    loadCandidacyFacts(db, { projectId: q.projectId, from: q.from, to: q.to, asOf }),
    loadJurySessions(db, q.projectId),
    db.selectFrom('operators').select(['id', 'name']).execute(),
  ]);
  const operatorNames = new Map(operators.map((o) => [o.id, o.name]));
  return indicatorsOf(project, facts, sessions, operatorNames, q, asOf);
}

/** The indicators of loaded facts: no I/O (scripts/bench/indicators-compute.ts times it). */
export function indicatorsOf(
  project: { id: string; name: string },
  facts: readonly CandidacyFacts[],
  sessions: readonly JurySessionFacts[],
  operatorNames: ReadonlyMap<string, string>,
  q: Omit<IndicatorQuery, 'projectId' | 'asOf'>,
  asOf: Date,
): Indicators {
  const at = asOf.getTime();
  const tables: Tables = {
    funnel: funnelTable(facts),
    activity: activityTable(facts),
    observations: observationTable(facts, at),
    waiting: waitingTable(facts),
    jury: juryIndex(sessions, facts),
  };

  // Every dimension's groups are registered, whatever the breakdown asked: the masks are the same
  // in every answer for this cohort, so two answers never show a cell one of them masks. One pass
  // over the candidacies adds each to the project and to its group in every dimension.
  const dimensions = BREAKDOWNS.map((d) => {
    const { groups, groupOf, sizes } = splitBy(d, facts, operatorNames);
    const published = d === 'arm' || d === q.breakdown;
    return { d, groups, groupOf, counts: sizes.map((n) => new GroupCount(tables, n, published)) };
  });
  const all = new GroupCount(tables, facts.length, true);
  for (let k = 0; k < facts.length; k++) {
    all.add(k);
    for (let d = 0; d < dimensions.length; d++) {
      const dimension = dimensions[d]!;
      dimension.counts[dimension.groupOf[k]!]!.add(k);
    }
  }

  const book = new CellBook();
  const overall = all.result();
  register(book, OVERALL, overall);
  const split = new Map(
    dimensions.map(({ d, groups, counts }) => [
      d,
      groups.map((g, r) => ({ ...g, prefix: groupPrefix(d, g.key), raw: counts[r]!.result() })),
    ]),
  );
  for (const groups of split.values()) {
    for (const g of groups) register(book, g.prefix, g.raw);
    registerBreakdownTables(
      book,
      groups.map((g) => g.prefix),
    );
  }
  book.seal();

  const arms = split.get('arm')!;
  const test = arms.find((g) => g.key === 'test')!;
  const control = arms.find((g) => g.key === 'control')!;
  const published = new Map<string, IndicatorSet>();
  const publishGroup = (g: { prefix: string; raw: RawSet }) => {
    let set = published.get(g.prefix);
    if (!set) published.set(g.prefix, (set = publish(book, g.prefix, g.raw)));
    return set;
  };
  const testSet = publishGroup(test);
  const controlSet = publishGroup(control);
  const breakdownGroups = q.breakdown ? split.get(q.breakdown)! : null;

  return {
    project: { id: project.id, name: project.name },
    asOf: asOf.toISOString(),
    filters: { from: q.from ?? null, to: q.to ?? null, breakdown: q.breakdown ?? null },
    confidentiality: {
      threshold: CONFIDENTIALITY_THRESHOLD,
      maskedCells: book.maskedCount,
      rule: CONFIDENTIALITY_RULE,
    },
    overall: publish(book, OVERALL, overall),
    breakdown:
      q.breakdown && breakdownGroups
        ? {
            dimension: q.breakdown,
            label: BREAKDOWN_LABELS[q.breakdown],
            groups: breakdownGroups.map((g) => ({ key: g.key, label: g.label, indicators: publishGroup(g) })),
          }
        : null,
    comparison: compareArms(
      book,
      { test: test.prefix, control: control.prefix },
      { test: testSet.durations, control: controlSet.durations },
      { test: test.raw.durations, control: control.raw.durations },
    ),
  };
}
