import type { AcquiredBlock } from '../../db/acquired-blocks.js';
import { Refusal } from '../refusal.js';

/**
 * The refusal of a choice that targets acquired blocks (conflict `blocks_already_acquired`), naming
 * them in French and listing them in `acquiredBlocks`; `details` adds fields (the phase of an action).
 */
export function blocksAlreadyAcquired(
  blocks: AcquiredBlock[],
  titles: Map<string, string>,
  details: Record<string, unknown> = {},
): Refusal {
  const named = blocks.map((b) => {
    const title = titles.get(b.code);
    return title ? `${b.code} (« ${title} »)` : b.code;
  });
  const message =
    blocks.length === 1
      ? `Le bloc ${named[0]} est déjà acquis par ce candidat : validé par un jury, il ne peut pas être examiné à nouveau.`
      : `Les blocs ${named.slice(0, -1).join(', ')} et ${named.at(-1)} sont déjà acquis par ce candidat : validés par un jury, ils ne peuvent pas être examinés à nouveau.`;
  return Refusal.conflict('blocks_already_acquired', message, { ...details, acquiredBlocks: blocks });
}
