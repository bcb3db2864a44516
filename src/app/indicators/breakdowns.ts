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
}

export interface Split {
  /** Fixed values first in their order, then the others sorted (periods by date, else by label). */
  groups: BreakdownGroup[];
  /** The rank in `groups` of the k-th candidacy's group. */
  groupOf: Int32Array;
  /** How many candidacies each group holds. */
  sizes: number[];
}

/** The cohort split by a dimension: every candidacy in exactly one group. */
export function splitBy(
  dimension: Breakdown,
  facts: readonly CandidacyFacts[],
  operatorNames: ReadonlyMap<string, string>,
): Split {
  // Numbered in the order met, renumbered once sorted.
  const numbers = new Map<string, number>();
  for (const key of FIXED[dimension] ?? []) numbers.set(key, numbers.size);
  const met = new Int32Array(facts.length);
  facts.forEach((f, k) => {
    const key = breakdownKey(dimension, f);
    let n = numbers.get(key);
    if (n === undefined) numbers.set(key, (n = numbers.size));
    met[k] = n;
  });
  const label = (key: string): string => {
    if (dimension === 'arm') return ARM_LABELS[key] ?? key;
    if (dimension === 'public') return PUBLIC_LABELS[key] ?? key;
    if (dimension === 'scope') return SCOPE_LABELS[key] ?? key;
    if (dimension === 'period') return periodLabel(key);
    return key === UNKNOWN ? 'Non renseigné' : (operatorNames.get(key) ?? 'Organisme inconnu');
  };
  const list = [...numbers].map(([key, n]) => ({ key, label: label(key), n }));
  if (!FIXED[dimension]) {
    list.sort((a, b) =>
      dimension === 'period' ? a.key.localeCompare(b.key) : a.label.localeCompare(b.label, 'fr'),
    );
  }
  const rank = new Int32Array(list.length);
  list.forEach((g, r) => (rank[g.n] = r));
  const sizes = list.map(() => 0);
  for (let k = 0; k < met.length; k++) sizes[(met[k] = rank[met[k]!]!)]!++;
  return { groups: list.map((g) => ({ key: g.key, label: g.label })), groupOf: met, sizes };
}
