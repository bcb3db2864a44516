import { JOB_SITUATIONS, QUALIFICATION_LEVELS } from '../../domain/profile.js';
import { payloadOf, type JournalPayloads } from '../../domain/candidacy/journal-events.js';
import { Refusal } from '../refusal.js';
import { acquiredBlocksOf } from '../../db/acquired-blocks.js';
import { asArm } from '../experiment/allocator-store.js';
import { createCandidacy, type CreateDeps, type Creator } from './create-candidacy.js';

/**
 * After a partial result, opens a new candidacy for the remaining blocks, linked to the first
 * one and for the same candidate. Idempotent: a second call returns the same follow-up.
 * The blocks the candidate acquired (this jury's or an earlier one's) are never targeted again.
 * It keeps its parent's arm and is not allocated (no position of the randomisation): it is the
 * same person's path going on, and an arm drawn again could move them to the other group.
 *
 * Refusals: `candidacy_not_found` (not found), `no_partial_result` and `no_blocks_left` (conflict),
 * and creation's.
 */
export async function openFollowUp(
  deps: CreateDeps,
  user: Creator,
  parentId: string,
): Promise<{ candidacyId: string; created: boolean }> {
  const { db } = deps;
  const parent = await db
    .selectFrom('candidacies as c')
    .innerJoin('candidates as p', 'p.id', 'c.candidate_id')
    .selectAll('c')
    .select([
      'p.first_name',
      'p.last_name',
      'p.email',
      'p.phone',
      'p.birth_year',
      'p.qualification_level',
      'p.job_situation',
    ])
    .where('c.id', '=', parentId)
    .where('c.started', '=', true)
    .executeTakeFirst();
  if (!parent) throw Refusal.notFound('candidacy_not_found', `Aucune candidature ${parentId}.`);

  const existing = await db
    .selectFrom('candidacies')
    .select('id')
    .where('parent_candidacy_id', '=', parentId)
    .executeTakeFirst();
  if (existing) return { candidacyId: existing.id, created: false };

  const result = await db
    .selectFrom('candidacy_events')
    .select('payload')
    .where('candidacy_id', '=', parentId)
    .where('type', '=', 'jury_result_recorded')
    .orderBy('seq', 'desc')
    .executeTakeFirst();
  // The journal's catalogue types the payload by its event type.
  const payload: Partial<JournalPayloads['jury_result_recorded']> =
    (result &&
      payloadOf({ type: 'jury_result_recorded', payload: result.payload }, 'jury_result_recorded')) ??
    {};
  if (parent.phase !== 'result' || payload.outcome !== 'partial' || !payload.remainingBlocks?.length) {
    throw Refusal.conflict(
      'no_partial_result',
      'Un parcours complémentaire ne s’ouvre qu’après une validation partielle, pour les blocs restants.',
      { phase: parent.phase },
    );
  }
  const acquired = new Set(
    (await acquiredBlocksOf(db, parent.candidate_id, parent.rncp_code)).map((b) => b.code),
  );
  const remaining = payload.remainingBlocks.filter((b) => !acquired.has(b));
  if (!remaining.length) {
    throw Refusal.conflict(
      'no_blocks_left',
      'Les blocs restants de ce parcours sont déjà acquis par le candidat : aucun parcours complémentaire n’est nécessaire.',
      { phase: parent.phase },
    );
  }
  const level = QUALIFICATION_LEVELS.find((l) => l === parent.qualification_level) ?? 'none';
  const situation = JOB_SITUATIONS.find((s) => s === parent.job_situation) ?? 'employed';
  const created = await createCandidacy(
    deps,
    user,
    {
      projectId: parent.project_id,
      rncpCode: parent.rncp_code,
      targetBlocks: remaining,
      candidate: {
        firstName: parent.first_name,
        lastName: parent.last_name,
        email: parent.email,
        phone: parent.phone,
        birthYear: parent.birth_year,
        qualificationLevel: level,
        jobSituation: situation,
      },
    },
    `follow-up:${parentId}`,
    { candidateId: parent.candidate_id, parentCandidacyId: parentId, arm: asArm(parent.arm) },
  );
  return { candidacyId: created.candidacyId, created: !created.replayed };
}
