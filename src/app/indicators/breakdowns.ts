import type { CandidacyFacts } from './facts.js';

/** The dimensions indicators are broken down by, each value with its French label. */
export const BREAKDOWNS = ['arm', 'operator', 'public', 'scope', 'period'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export const BREAKDOWN_LABELS: Record<Breakdown, string> = {
  arm: 'Groupe de l’expérimentation',
  operator: 'Organisme d’information et conseil',
  public: 'Public (accompagnement renforcé ou non)',
  scope: 'Périmètre visé',
  period: 'Mois de repérage',
};

export const ARM_LABELS: Record<string, string> = { test: 'Groupe test', control: 'Groupe témoin' };
export const PUBLIC_LABELS: Record<string, string> = {
  reinforced: 'Accompagnement renforcé',
  standard: 'Accompagnement standard',
};
export const SCOPE_LABELS: Record<string, string> = {
  one_block: 'Un bloc',
  several_blocks: 'Plusieurs blocs',
  whole_certification: 'Certification entière',
};

/** Values always listed (an empty group shows its zeros), in this order. */
const FIXED: Partial<Record<Breakdown, string[]>> = {
  arm: ['test', 'control'],
  public: ['reinforced', 'standard'],
  scope: ['one_block', 'several_blocks', 'whole_certification'],
};

const UNKNOWN = 'unknown';

export function breakdownKey(dimension: Breakdown, f: CandidacyFacts): string {
  switch (dimension) {
    case 'arm':
      return f.arm;
    case 'operator':
      return f.adviceOperatorId ?? UNKNOWN;
    case 'public':
      return f.reinforced ? 'reinforced' : 'standard';
    case 'scope':
      return f.scope;
    case 'period':
      return f.period;
  }
}

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

export function periodLabel(period: string): string {
  const [year, month] = period.split('-');
  const name = MONTHS[Number(month) - 1];
  return name ? `${name} ${year}` : period;
}

export interface BreakdownGroup {
  key: string;
  label: string;
  facts: CandidacyFacts[];
}

/** The cohort split by a dimension: every candidacy in exactly one group. */
export function splitBy(
  dimension: Breakdown,
  facts: readonly CandidacyFacts[],
  operatorNames: ReadonlyMap<string, string>,
): BreakdownGroup[] {
  const groups = new Map<string, CandidacyFacts[]>();
  for (const key of FIXED[dimension] ?? []) groups.set(key, []);
  for (const f of facts) {
    const key = breakdownKey(dimension, f);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(f);
  }
  const label = (key: string): string => {
    if (dimension === 'arm') return ARM_LABELS[key] ?? key;
    if (dimension === 'public') return PUBLIC_LABELS[key] ?? key;
    if (dimension === 'scope') return SCOPE_LABELS[key] ?? key;
    if (dimension === 'period') return periodLabel(key);
    return key === UNKNOWN ? 'Non renseigné' : (operatorNames.get(key) ?? 'Organisme inconnu');
  };
  const list = [...groups].map(([key, g]) => ({ key, label: label(key), facts: g }));
  if (!FIXED[dimension]) {
    list.sort((a, b) =>
      dimension === 'period' ? a.key.localeCompare(b.key) : a.label.localeCompare(b.label, 'fr'),
    );
  }
  return list;
}
