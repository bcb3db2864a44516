import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { HttpError } from '../problem.js';

export interface CertificationChoice {
  rncpCode: string;
  targetBlocks: string[];
  wholeCertification: boolean;
  certifierOperatorId: string;
  silenceRule: 'admissible' | 'rejected';
}

function invalid(path: string, code: string, message: string): HttpError {
  return new HttpError(400, 'validation_failed', message, { errors: [{ path, code, message }] });
}

/**
 * Checks a certification and target blocks against the project's offer: the certification
 * must be offered by the project, each block must belong to it; "all" means every block.
 */
export async function resolveCertificationChoice(
  db: Kysely<Database>,
  projectId: string,
  rncpCode: string,
  targetBlocks: string[] | 'all',
): Promise<CertificationChoice> {
  const certification = await db
    .selectFrom('certifications as c')
    .innerJoin('project_certifications as pc', 'pc.rncp_code', 'c.rncp_code')
    .select(['c.rncp_code', 'c.certifier_operator_id', 'c.silence_rule'])
    .where('pc.project_id', '=', projectId)
    .where('c.rncp_code', '=', rncpCode)
    .executeTakeFirst();
  if (!certification) {
    throw invalid(
      'body.rncpCode',
      'certification_not_offered',
      'Cette certification n’est pas proposée par ce projet.',
    );
  }
  const blocks = await db
    .selectFrom('skill_blocks')
    .select('block_code')
    .where('rncp_code', '=', rncpCode)
    .execute();
  const known = new Set(blocks.map((b) => b.block_code));
  const chosen = targetBlocks === 'all' ? [...known] : targetBlocks;
  if (new Set(chosen).size !== chosen.length) {
    throw invalid('body.targetBlocks', 'duplicate_block', 'Un bloc est cité deux fois.');
  }
  const unknown = chosen.filter((b) => !known.has(b));
  if (unknown.length) {
    throw new HttpError(400, 'validation_failed', 'Des blocs ne font pas partie de cette certification.', {
      errors: unknown.map((b) => ({
        path: `body.targetBlocks.${chosen.indexOf(b)}`,
        code: 'unknown_block',
        message: `Le bloc ${b} ne fait pas partie de la certification ${rncpCode}.`,
      })),
    });
  }
  return {
    rncpCode,
    targetBlocks: [...chosen].sort(),
    wholeCertification: chosen.length === known.size,
    certifierOperatorId: certification.certifier_operator_id,
    silenceRule: certification.silence_rule === 'rejected' ? 'rejected' : 'admissible',
  };
}
