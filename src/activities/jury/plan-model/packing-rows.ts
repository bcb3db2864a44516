import type { PlanningInstance } from '../../../domain/jury/types.js';
import type { LpText, Terms } from './lp-text.js';
import type { SessionOption } from './types.js';
import { v } from './variables.js';

/**
 * Rounding rows (valid, not implied by the relaxation, where fractional sessions pack candidates
 * perfectly): the candidates of a certification whose deadline is at most D need
 * ceil(n / capacity) sessions ending by D, less one per unplaced candidate among them; the same
 * for those who refuse remote sessions, in on-site sessions. For a given count, only the earliest
 * deadline reaching it is written (it dominates the later ones).
 */
export function packingRows(
  instance: PlanningInstance,
  candidateIdx: number[],
  options: SessionOption[],
  lp: LpText,
): void {
  const cap = instance.rules.capacity;
  const certs = new Set(candidateIdx.map((c) => instance.candidates[c]!.rncpCode));
  for (const code of certs) {
    for (const onSiteOnly of [false, true]) {
      const group = candidateIdx
        .filter((c) => {
          const cand = instance.candidates[c]!;
          return cand.rncpCode === code && (!onSiteOnly || !cand.acceptsRemote);
        })
        .sort(
          (a, b) =>
            Date.parse(instance.candidates[a]!.juryDeadlineAt) -
            Date.parse(instance.candidates[b]!.juryDeadlineAt),
        );
      let written = 0;
      group.forEach((c, i) => {
        const deadline = Date.parse(instance.candidates[c]!.juryDeadlineAt);
        const next = group[i + 1];
        if (next !== undefined && Date.parse(instance.candidates[next]!.juryDeadlineAt) === deadline) return;
        const need = Math.ceil((i + 1) / cap);
        if (need <= written || need < 2) return;
        written = need;
        const terms: Terms = [];
        options.forEach((o, s) => {
          if (o.rncpCode !== code || Date.parse(o.slot.endsAt) > deadline) return;
          if (onSiteOnly && o.modality === 'remote') return;
          o.juries.forEach((_, j) => terms.push([1, v.jury(s, j)]));
        });
        lp.row(
          [...terms, ...group.slice(0, i + 1).map((u): [number, string] => [1, v.unplaced(u)])],
          '>=',
          need,
        );
      });
    }
  }
}
