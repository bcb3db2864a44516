import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { EXPERIMENT_ARMS, type ExperimentArm } from '../../domain/arm.js';
import type { TargetScope } from '../../domain/candidacy/journal-events.js';
import { stratumOf, type StratumFactor } from '../../domain/experiment/index.js';
import { canonicalFactors, configOfRow, ensureAllocator, type ConfigRow } from './allocator-store.js';

/**
 * A project's experiment as its lead reads it: the current allocation configuration, its
 * versions, and how many candidacies each arm holds in each stratum. Counts only: never the
 * sequence, a position, the next arm or the seed (an advisor who enrols never sees even the
 * counts — with the block sizes, running counts hint at the next arm of a stratum).
 */

export const ARM_LABELS: Record<ExperimentArm, string> = { test: 'groupe test', control: 'groupe témoin' };

export const FACTOR_LABELS: Record<StratumFactor, string> = {
  public: 'public (accompagnement renforcé ou non)',
  scope: 'périmètre (un bloc, plusieurs blocs, certification entière)',
};
const VALUE_LABELS: Record<string, string> = {
  'public=reinforced': 'accompagnement renforcé',
  'public=standard': 'accompagnement standard',
  'scope=one_block': 'un bloc',
  'scope=several_blocks': 'plusieurs blocs',
  'scope=whole_certification': 'certification entière',
};

/** « accompagnement renforcé · un bloc », or « toutes les candidatures » for the single stratum. */
export function stratumLabel(stratum: string): string {
  if (stratum === 'all') return 'toutes les candidatures';
  return stratum
    .split(';')
    .map((part) => VALUE_LABELS[part] ?? part)
    .join(' · ');
}

export const shareLabel = (share: number) =>
  `${(share * 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} %`;

const SCOPES: TargetScope[] = ['one_block', 'several_blocks', 'whole_certification'];

/** Every stratum the factors make (all six for public × scope). */
function strataOf(factors: readonly StratumFactor[]): string[] {
  const all = [true, false].flatMap((reinforced) =>
    SCOPES.map((scope) => stratumOf({ reinforced, scope }, factors)),
  );
  return [...new Set(all)];
}

function versionView(row: ConfigRow & { created_by_name: string | null }, currentVersion: number) {
  const config = configOfRow(row);
  const factors = canonicalFactors(row.stratum_factors);
  const strata = factors.length ? factors.map((f) => FACTOR_LABELS[f]).join(' × ') : 'aucune stratification';
  const description =
    config.mode === 'fixed'
      ? `Expérimentation arrêtée : chaque nouvelle candidature va au ${ARM_LABELS[config.arm]}.`
      : `Répartition aléatoire par blocs permutés : ${shareLabel(config.testShare)} au groupe test, blocs de ${config.blockSizes.join(' ou ')} tirés au hasard, strates : ${strata}.`;
  return {
    version: config.version,
    current: config.version === currentVersion,
    mode: config.mode === 'fixed' ? ('off' as const) : ('randomised' as const),
    testShare: config.mode === 'fixed' ? null : config.testShare,
    testShareLabel: config.mode === 'fixed' ? null : shareLabel(config.testShare),
    blockSizes: config.mode === 'fixed' ? null : [...config.blockSizes],
    arm: config.mode === 'fixed' ? config.arm : null,
    stratumFactors: factors,
    description,
    origin: row.origin,
    note: row.note,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by ? { id: row.created_by, name: row.created_by_name ?? '' } : null,
  };
}

export type ExperimentVersionView = ReturnType<typeof versionView>;

const zeroArms = (): Record<ExperimentArm, number> => ({ test: 0, control: 0 });

export async function experimentView(db: Kysely<Database>, project: { id: string; name: string }) {
  await ensureAllocator(db, project.id);
  const [versions, allocated, outside] = await Promise.all([
    db
      .selectFrom('experiment_allocation_configs as v')
      .leftJoin('users as u', 'u.id', 'v.created_by')
      .selectAll('v')
      .select('u.display_name as created_by_name')
      .where('v.project_id', '=', project.id)
      .orderBy('v.version', 'desc')
      .execute(),
    db
      .selectFrom('experiment_allocations')
      .select(['stratum', 'arm', 'status', sql<number>`count(*)::int`.as('n')])
      .where('project_id', '=', project.id)
      .groupBy(['stratum', 'arm', 'status'])
      .execute(),
    db
      .selectFrom('candidacies as c')
      .select([
        'c.arm',
        sql<boolean>`c.parent_candidacy_id is not null`.as('follow_up'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('c.project_id', '=', project.id)
      .where('c.started', '=', true)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('experiment_allocations as a')
              .select('a.candidacy_id')
              .whereRef('a.candidacy_id', '=', 'c.id'),
          ),
        ),
      )
      .groupBy(['c.arm', sql`c.parent_candidacy_id is not null`])
      .execute(),
  ]);
  const current = versions[0]!;
  const currentFactors = canonicalFactors(current.stratum_factors);

  const byStratum = new Map<string, { counts: Record<ExperimentArm, number>; voided: number }>();
  const cell = (stratum: string) => {
    let c = byStratum.get(stratum);
    if (!c) byStratum.set(stratum, (c = { counts: zeroArms(), voided: 0 }));
    return c;
  };
  for (const s of strataOf(currentFactors)) cell(s);
  const totals = { ...zeroArms(), voided: 0 };
  for (const r of allocated) {
    const c = cell(r.stratum);
    const arm = EXPERIMENT_ARMS.find((a) => a === r.arm);
    if (r.status === 'void') {
      c.voided += r.n;
      totals.voided += r.n;
    } else if (arm) {
      c.counts[arm] += r.n;
      totals[arm] += r.n;
    }
  }
  const outsideOf = (followUp: boolean) => {
    const out = zeroArms();
    for (const r of outside) {
      const arm = EXPERIMENT_ARMS.find((a) => a === r.arm);
      if (arm && r.follow_up === followUp) out[arm] += r.n;
    }
    return out;
  };

  return {
    projectId: project.id,
    projectName: project.name,
    appliesTo: 'new_candidacies' as const,
    notice:
      'Une nouvelle version s’applique aux candidatures créées ensuite : chaque candidature garde le groupe qu’elle a reçu. Un parcours complémentaire garde le groupe de la candidature qu’il prolonge.',
    current: versionView(current, current.version),
    versions: versions.map((v) => versionView(v, current.version)),
    strata: [...byStratum.entries()].map(([stratum, c]) => ({
      stratum,
      label: stratumLabel(stratum),
      counts: c.counts,
      total: c.counts.test + c.counts.control,
      voided: c.voided,
    })),
    totals: { ...totals, total: totals.test + totals.control },
    outsideAllocation: {
      /** Candidacies created before the randomisation, whose arm came from the hash of their id. */
      beforeRandomisation: outsideOf(false),
      /** Follow-up candidacies: their parent's arm. */
      followUps: outsideOf(true),
    },
  };
}

export type ExperimentView = Awaited<ReturnType<typeof experimentView>>;
