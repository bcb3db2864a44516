import type { Kysely } from 'kysely';
import type { Person } from '../../db/person.js';
import type { Database } from '../../db/schema.js';
import { isWholeCertificationRequest } from '../../domain/yearly-limit.js';
import { Refusal } from '../refusal.js';
import { acquiredBlocksOf } from '../../db/acquired-blocks.js';
import { blocksAlreadyAcquired } from './acquired-blocks.js';

export interface CertificationChoice {
  rncpCode: string;
  targetBlocks: string[];
  wholeCertification: boolean;
  certifierOperatorId: string;
  silenceRule: 'admissible' | 'rejected';
}

/**
 * Checks a certification and target blocks against the project's offer: the certification
 * must be offered by the project, each block must belong to it; "all" means every block.
 *
 * For a known person (src/db/person.ts: one of their candidate rows, or the e-mail of a candidacy
 * being created), the blocks they acquired (validated by a jury, in any of their candidacies) are out of
 * reach: targeting one is refused (conflict `blocks_already_acquired`), "all" means every block not
 * acquired, and a choice is on the whole certification only when nothing is acquired — the remaining
 * blocks after a partial validation are a request on skill blocks, which R. 6412-3 does not limit.
 */
export async function resolveCertificationChoice(
  db: Kysely<Database>,
  projectId: string,
  rncpCode: string,
  targetBlocks: string[] | 'all',
  candidate?: { person: Person; refusal?: Record<string, unknown> },
): Promise<CertificationChoice> {
  const certification = await db
    .selectFrom('certifications as c')
    .innerJoin('project_certifications as pc', 'pc.rncp_code', 'c.rncp_code')
    .select(['c.rncp_code', 'c.certifier_operator_id', 'c.silence_rule'])
    .where('pc.project_id', '=', projectId)
    .where('c.rncp_code', '=', rncpCode)
    .executeTakeFirst();
  if (!certification) {
    throw Refusal.invalidField(
      'body.rncpCode',
      'certification_not_offered',
      'Cette certification n’est pas proposée par ce projet.',
    );
  }
  const blocks = await db
    .selectFrom('skill_blocks')
    .select(['block_code', 'title'])
    .where('rncp_code', '=', rncpCode)
    .execute();
  const known = new Set(blocks.map((b) => b.block_code));
  const acquired = candidate ? await acquiredBlocksOf(db, candidate.person, rncpCode) : [];
  const acquiredCodes = new Set(acquired.map((b) => b.code));
  const chosen = targetBlocks === 'all' ? [...known].filter((b) => !acquiredCodes.has(b)) : targetBlocks;
  if (new Set(chosen).size !== chosen.length) {
    throw Refusal.invalidField('body.targetBlocks', 'duplicate_block', 'Un bloc est cité deux fois.');
  }
  const unknown = chosen.filter((b) => !known.has(b));
  if (unknown.length) {
    throw Refusal.invalid(
      'Des blocs ne font pas partie de cette certification.',
      unknown.map((b) => ({
        path: `body.targetBlocks.${chosen.indexOf(b)}`,
        code: 'unknown_block',
        message: `Le bloc ${b} ne fait pas partie de la certification ${rncpCode}.`,
      })),
    );
  }
  const again = acquired.filter((b) => chosen.includes(b.code));
  if (again.length) {
    throw blocksAlreadyAcquired(
      again,
      new Map(blocks.map((b) => [b.block_code, b.title])),
      candidate?.refusal,
    );
  }
  if (!chosen.length) {
    throw Refusal.conflict(
      'no_blocks_left',
      'Ce candidat a déjà acquis tous les blocs de cette certification : il n’en reste aucun à viser.',
      { ...candidate?.refusal, acquiredBlocks: acquired },
    );
  }
  return {
    rncpCode,
    targetBlocks: [...chosen].sort(),
    wholeCertification: isWholeCertificationRequest({
      targetedBlocks: chosen.length,
      certificationBlocks: known.size,
      acquiredBlocks: acquired.length,
    }),
    certifierOperatorId: certification.certifier_operator_id,
    silenceRule: certification.silence_rule === 'rejected' ? 'rejected' : 'admissible',
  };
}
