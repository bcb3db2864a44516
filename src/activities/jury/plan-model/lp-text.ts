/** Writing the model as CPLEX LP text. */
export type Terms = Array<[number, string]>;

/** LP text: rows as lines, long sums folded over several lines (the reader accepts any layout). */
export class LpText {
  readonly rows: string[] = [];

  static sum(terms: Terms): string {
    const parts = terms.map(([k, name], i) => {
      const abs = Math.abs(k);
      const coef = abs === 1 ? '' : `${abs} `;
      return i === 0 && k >= 0 ? `${coef}${name}` : `${k < 0 ? '-' : '+'} ${coef}${name}`;
    });
    const lines: string[] = [];
    for (let i = 0; i < parts.length; i += 16) lines.push(parts.slice(i, i + 16).join(' '));
    return lines.join('\n   ');
  }

  row(terms: Terms, sense: '<=' | '>=' | '=', rhs: number): void {
    if (terms.length) this.rows.push(` r${this.rows.length}: ${LpText.sum(terms)} ${sense} ${rhs}`);
  }
}

export function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
