import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { allocationMatches, type Allocation, type AllocationConfig } from '../../domain/experiment/index.js';
import { Refusal } from '../refusal.js';
import { asArm, configOfRow } from './allocator-store.js';

/**
 * An auditor's check of a project's allocations (`npm run admin -- experiment-audit <projectId>`):
 * every journaled allocation, void ones included, recomputed from the seed with the version it
 * was made under (`allocationMatches`); every stratum's positions taken once each, from 0, without
 * a hole; the allocator's cursors where the journal ends; each candidacy's arm the allocation's.
 * With `seed`, the auditor's own copy of the seed is used instead of the stored one.
 */
export interface AuditedAllocation {
  candidacyId: string;
  allocation: Allocation;
  status: 'allocated' | 'void';
  /** The allocation is the one the seed and its version give. */
  matches: boolean;
  /** The candidacy's arm, when its row still exists and differs from the allocation's. */
  candidacyArm: string | null;
}

export interface AuditReport {
  projectId: string;
  allocations: AuditedAllocation[];
  summary: {
    checked: number;
    mismatched: number;
    voided: number;
    strata: number;
    /** Positions missing in a stratum (none when the sequence is whole). */
    gaps: { stratum: string; missing: number[] }[];
    /** Strata whose allocator cursor is not the journal's next position. */
    cursorsOff: { stratum: string; cursor: number | null; journalNext: number }[];
    /** Candidacies whose arm is not their allocation's. */
    armsDiffering: number;
    ok: boolean;
  };
}

export async function auditAllocations(
  db: Kysely<Database>,
  projectId: string,
  seed?: string,
): Promise<AuditReport> {
  const project = await db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
  if (!project) throw Refusal.notFound('project_not_found', `Aucun projet ${projectId}.`);
  const [secret, versions, rows, allocator] = await Promise.all([
    db
      .selectFrom('experiment_secrets')
      .select('allocation_seed')
      .where('project_id', '=', projectId)
      .executeTakeFirst(),
    db.selectFrom('experiment_allocation_configs').selectAll().where('project_id', '=', projectId).execute(),
    db
      .selectFrom('experiment_allocations as a')
      .leftJoin('candidacies as c', 'c.id', 'a.candidacy_id')
      .selectAll('a')
      .select('c.arm as candidacy_arm')
      .where('a.project_id', '=', projectId)
      .orderBy('a.stratum')
      .orderBy('a.position')
      .execute(),
    db
      .selectFrom('experiment_allocators')
      .select('state')
      .where('project_id', '=', projectId)
      .executeTakeFirst(),
  ]);
  const key = seed ?? secret?.allocation_seed;
  if (rows.length && key === undefined) {
    throw Refusal.conflict('no_seed', 'Des allocations existent mais le projet n’a pas de graine.');
  }
  const configs = new Map<number, AllocationConfig>(versions.map((v) => [v.version, configOfRow(v)]));

  const allocations: AuditedAllocation[] = rows.map((r) => {
    const allocation: Allocation = {
      arm: asArm(r.arm),
      stratum: r.stratum,
      position: r.position,
      version: r.config_version,
      segmentStart: r.segment_start,
      blockIndex: r.block_index,
      blockSize: r.block_size,
    };
    const config = configs.get(r.config_version);
    let matches = false;
    try {
      matches = config !== undefined && allocationMatches(key!, allocation, config);
    } catch {
      matches = false; // a position outside its version's sequence
    }
    return {
      candidacyId: r.candidacy_id,
      allocation,
      status: r.status,
      matches,
      candidacyArm: r.candidacy_arm !== null && r.candidacy_arm !== r.arm ? r.candidacy_arm : null,
    };
  });

  const byStratum = new Map<string, number[]>();
  for (const a of allocations) {
    const list = byStratum.get(a.allocation.stratum) ?? [];
    list.push(a.allocation.position);
    byStratum.set(a.allocation.stratum, list);
  }
  const gaps: AuditReport['summary']['gaps'] = [];
  const cursorsOff: AuditReport['summary']['cursorsOff'] = [];
  const strata = new Set([...byStratum.keys(), ...Object.keys(allocator?.state.strata ?? {})]);
  for (const stratum of strata) {
    const positions = byStratum.get(stratum) ?? [];
    const taken = new Set(positions);
    const journalNext = positions.length ? Math.max(...positions) + 1 : 0;
    const missing: number[] = [];
    for (let p = 0; p < journalNext; p++) if (!taken.has(p)) missing.push(p);
    // A position taken twice is a hole elsewhere: the unique index forbids it, counted anyway.
    if (missing.length || taken.size !== positions.length) gaps.push({ stratum, missing });
    const cursor = allocator?.state.strata[stratum]?.next ?? null;
    if ((cursor ?? 0) !== journalNext) cursorsOff.push({ stratum, cursor, journalNext });
  }
  const mismatched = allocations.filter((a) => !a.matches).length;
  const armsDiffering = allocations.filter((a) => a.candidacyArm !== null).length;
  return {
    projectId,
    allocations,
    summary: {
      checked: allocations.length,
      mismatched,
      voided: allocations.filter((a) => a.status === 'void').length,
      strata: byStratum.size,
      gaps,
      cursorsOff,
      armsDiffering,
      ok: mismatched === 0 && gaps.length === 0 && cursorsOff.length === 0 && armsDiffering === 0,
    },
  };
}
