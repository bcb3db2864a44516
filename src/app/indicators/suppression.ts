import { CONFIDENTIALITY_THRESHOLD, isSmallCount } from '../../domain/stats/index.js';

/**
 * Statistical confidentiality of the indicators (secret statistique), cell by cell.
 *
 * A cell counts people (candidacies, jury members). **Primary suppression**: a cell of 1 to 4 is
 * masked (0 is shown: it describes nobody). **Secondary suppression**: a masked cell must not be
 * the difference of cells that are shown. Cells are linked by *tables*: a total and the parts that
 * add up to it (the candidacies reaching a step = those reaching the next one + those who left at
 * it, by reason; a project's count = the sum of its arms', of its operators'…). In each table,
 * until nothing changes:
 *
 * 1. the total shown and exactly one part masked: the smallest non-zero part shown is masked too
 *    (the least information lost), or the total when every other part is 0;
 * 2. the total masked and every part shown: the smallest non-zero part is masked (else the total
 *    would be their sum);
 * 3. the total shown, and what the masked parts add up to (the total minus the parts shown) leaves
 *    a small part only one value — two masked parts of 1 when they add up to 2, a small part and
 *    a part of at least 5 when they add up to 6: one more part is masked (rule 1's choice).
 *
 * Rule 3 is what lets an output say which masked cells are small (« < 5 ») and which were masked
 * to protect them (« secret ») without giving a small one away. A masked cell is masked in every
 * table it belongs to, so masks spread along the funnel and the breakdowns. What this does not do
 * is a full audit of every linear relation between tables (as τ-Argus's optimisation does): the
 * sum of a table's masked parts stays known; zeros are never masked (a masked 0 would protect
 * nothing that a structural zero does not already tell).
 */
export interface SuppressionTable {
  total: string;
  parts: readonly string[];
}

export function suppressCells(
  counts: ReadonlyMap<string, number>,
  tables: readonly SuppressionTable[],
  threshold = CONFIDENTIALITY_THRESHOLD,
): Set<string> {
  const valueOf = (id: string) => {
    const n = counts.get(id);
    if (n === undefined) throw new Error(`suppressCells: cell ${id} has no count`);
    return n;
  };
  for (const t of tables) {
    valueOf(t.total);
    t.parts.forEach(valueOf);
  }
  const masked = new Set<string>();
  for (const [id, n] of counts) if (isSmallCount(n, threshold)) masked.add(id);

  const smallestShownNonZero = (ids: readonly string[]) =>
    ids
      .filter((id) => !masked.has(id) && valueOf(id) > 0)
      .sort((a, b) => valueOf(a) - valueOf(b) || ids.indexOf(a) - ids.indexOf(b))[0];

  const small = (id: string) => isSmallCount(valueOf(id), threshold);
  /** Rule 3: with the total shown, can a masked small part be told exactly from the sum of the masked? */
  const pinned = (t: SuppressionTable) => {
    const hidden = t.parts.filter((p) => masked.has(p));
    const smalls = hidden.filter(small).length;
    if (smalls === 0) return false;
    const sum = valueOf(t.total) - t.parts.filter((p) => !masked.has(p)).reduce((n, p) => n + valueOf(p), 0);
    // The most a small part can be: the sum less 1 for each other small part and 5 for each other.
    const upper = sum - (smalls - 1) - threshold * (hidden.length - smalls);
    return upper <= 1;
  };

  let changed = true;
  while (changed) {
    changed = false;
    for (const t of tables) {
      const maskedParts = t.parts.filter((p) => masked.has(p)).length;
      const totalMasked = masked.has(t.total);
      let next: string | undefined;
      if (!totalMasked && maskedParts === 1) next = smallestShownNonZero(t.parts) ?? t.total;
      else if (totalMasked && maskedParts === 0) next = smallestShownNonZero(t.parts);
      else if (!totalMasked && maskedParts > 1 && pinned(t)) next = smallestShownNonZero(t.parts) ?? t.total;
      if (next !== undefined && !masked.has(next)) {
        masked.add(next);
        changed = true;
      }
    }
  }
  return masked;
}

/**
 * Where cells are registered while indicators are computed: each count once under its id, the
 * tables that link them, then `seal()` decides the masks once for all outputs.
 */
export class CellBook {
  private readonly counts = new Map<string, number>();
  private readonly tables: SuppressionTable[] = [];
  private masked: Set<string> | null = null;

  constructor(readonly threshold = CONFIDENTIALITY_THRESHOLD) {}

  count(id: string, n: number): string {
    if (this.masked) throw new Error('CellBook: sealed');
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Effectif ${n} impossible (${id}).`);
    const known = this.counts.get(id);
    if (known !== undefined && known !== n) throw new Error(`CellBook: ${id} is ${known}, not ${n}`);
    this.counts.set(id, n);
    return id;
  }

  table(total: string, parts: readonly string[]): void {
    if (this.masked) throw new Error('CellBook: sealed');
    this.tables.push({ total, parts });
  }

  /** Registered ids that start with `prefix`, without it (the same paths in every group). */
  pathsUnder(prefix: string): string[] {
    return [...this.counts.keys()].filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  }

  has(id: string): boolean {
    return this.counts.has(id);
  }

  seal(): void {
    this.masked ??= suppressCells(this.counts, this.tables, this.threshold);
  }

  /** The published cell: its count, or null, `masked: true` and why (small, or masked to protect one). */
  out(id: string): PublishedCount {
    if (!this.masked) throw new Error('CellBook: not sealed');
    const n = this.counts.get(id);
    if (n === undefined) throw new Error(`CellBook: unknown cell ${id}`);
    if (!this.masked.has(id)) return { n, masked: false };
    return { n: null, masked: true, reason: isSmallCount(n, this.threshold) ? 'small' : 'secondary' };
  }

  isMasked(...ids: string[]): boolean {
    if (!this.masked) throw new Error('CellBook: not sealed');
    return ids.some((id) => this.masked!.has(id));
  }

  raw(id: string): number {
    const n = this.counts.get(id);
    if (n === undefined) throw new Error(`CellBook: unknown cell ${id}`);
    return n;
  }

  get maskedCount(): number {
    if (!this.masked) throw new Error('CellBook: not sealed');
    return this.masked.size;
  }
}

/**
 * A count of people as it leaves the product. A masked one says why: `small` (1 to 4 people,
 * « < 5 »), or `secondary` (masked so that a small one cannot be found by difference, « secret »).
 */
export interface PublishedCount {
  n: number | null;
  masked: boolean;
  reason?: 'small' | 'secondary';
}

/** A figure derived from counts (share, mean, cost): masked with the counts it would reveal. */
export interface PublishedValue {
  value: number | null;
  masked: boolean;
}

export const maskedValue: PublishedValue = { value: null, masked: true };

export function shownValue(value: number | null): PublishedValue {
  return { value: value !== null && Number.isFinite(value) ? value : null, masked: false };
}
