import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { PoolMember, Qualification } from '../../../domain/jury/types.js';
import { Refusal, type FieldError } from '../../refusal.js';

/**
 * What only Postgres knows about a member's input: the certifications and blocks they assess
 * exist, and so do the operators and users they are tied to. Every wrong entry is named with its
 * path (`body.qualifications.0.blockCodes.1`) and a French sentence.
 *
 * Refusals: `validation_failed` (invalid) listing `unknown_certification`, `unknown_block`,
 * `unknown_operator`, `unknown_user`.
 */
export async function checkMemberReferences(
  db: Kysely<Database>,
  input: { qualifications?: Qualification[] | undefined; ties?: Partial<PoolMember['ties']> | undefined },
): Promise<void> {
  const errors: FieldError[] = [];
  const qualifications = input.qualifications ?? [];
  const codes = [...new Set(qualifications.map((q) => q.rncpCode))];
  const [certifications, blocks, operators, users] = await Promise.all([
    codes.length
      ? db.selectFrom('certifications').select('rncp_code').where('rncp_code', 'in', codes).execute()
      : [],
    codes.length
      ? db
          .selectFrom('skill_blocks')
          .select(['rncp_code', 'block_code'])
          .where('rncp_code', 'in', codes)
          .execute()
      : [],
    input.ties?.operatorIds?.length
      ? db.selectFrom('operators').select('id').where('id', 'in', input.ties.operatorIds).execute()
      : [],
    input.ties?.userIds?.length
      ? db.selectFrom('users').select('id').where('id', 'in', input.ties.userIds).execute()
      : [],
  ]);
  const knownCertifications = new Set(certifications.map((c) => c.rncp_code));
  const knownBlocks = new Set(blocks.map((b) => `${b.rncp_code}/${b.block_code}`));

  qualifications.forEach((q, i) => {
    if (!knownCertifications.has(q.rncpCode)) {
      const path = `qualifications.${i}.rncpCode`;
      errors.push({
        path: `body.${path}`,
        code: 'unknown_certification',
        message: `Le champ ${path} (certification évaluée) ne désigne aucune certification connue : ${q.rncpCode} n’est pas au référentiel.`,
      });
      return;
    }
    if (q.blockCodes === 'all') return;
    q.blockCodes.forEach((b, j) => {
      if (knownBlocks.has(`${q.rncpCode}/${b}`)) return;
      const path = `qualifications.${i}.blockCodes.${j}`;
      errors.push({
        path: `body.${path}`,
        code: 'unknown_block',
        message: `Le champ ${path} (bloc de compétences évalué) ne désigne aucun bloc de ${q.rncpCode} : ${b} est inconnu.`,
      });
    });
  });

  const knownOperators = new Set(operators.map((o) => o.id));
  input.ties?.operatorIds?.forEach((id, k) => {
    if (knownOperators.has(id)) return;
    const path = `ties.operatorIds.${k}`;
    errors.push({
      path: `body.${path}`,
      code: 'unknown_operator',
      message: `Le champ ${path} (organisme lié au membre) ne désigne aucun organisme connu.`,
    });
  });
  const knownUsers = new Set(users.map((u) => u.id));
  input.ties?.userIds?.forEach((id, k) => {
    if (knownUsers.has(id)) return;
    const path = `ties.userIds.${k}`;
    errors.push({
      path: `body.${path}`,
      code: 'unknown_user',
      message: `Le champ ${path} (utilisateur qu’est le membre) ne désigne aucun utilisateur connu.`,
    });
  });

  if (errors.length) {
    throw Refusal.invalid(
      errors.length === 1
        ? `La requête contient une erreur (${errors[0]!.path}).`
        : `La requête contient ${errors.length} erreurs.`,
      errors,
    );
  }
}
