import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ExperimentArm } from '../../domain/arm.js';
import {
  allocationConfigRefusal,
  changeConfig,
  DEFAULT_BLOCK_SIZES,
  randomisedAllocation,
  type AllocationConfig,
  type StratumFactor,
} from '../../domain/experiment/index.js';
import { Refusal } from '../refusal.js';
import {
  canonicalFactors,
  configOfRow,
  lockAllocator,
  rowOfVersion,
  saveAllocatorState,
} from './allocator-store.js';

/**
 * The experiment switched on or off, its share, block sizes or strata changed, for the
 * candidacies created from now on: a new version of the project's configuration. Nothing is
 * re-allocated — every candidacy keeps the arm it got — and in each stratum the new version
 * starts a fresh sequence at the next position (src/domain/experiment/config.ts).
 */
export interface ExperimentSettings {
  /** 'randomised': stratified permuted blocks; 'off': everyone in `arm`. */
  mode: 'randomised' | 'off';
  /** Randomised: the test arm's share (the last randomised version's when absent, else ½). */
  testShare?: number | undefined;
  /** Randomised: the block sizes, each drawn with equal chance (the last randomised version's when absent, else 2 and 4). */
  blockSizes?: number[] | undefined;
  /** Off: the arm of everyone (control when absent). */
  arm?: ExperimentArm | undefined;
  /** The strata's facts (the current version's when absent; none: a single stratum). */
  stratumFactors?: StratumFactor[] | undefined;
}

export interface ExperimentEditor {
  id: string;
}

/** Where a refusal of the domain points in the request. */
function refusalPath(code: string, settings: ExperimentSettings): string {
  if (code === 'invalid_block_sizes') return 'body.blockSizes';
  if (code === 'share_does_not_divide_block')
    return settings.blockSizes !== undefined ? 'body.blockSizes' : 'body.testShare';
  return 'body.testShare';
}

/** What a version decides, its number aside (the stored state is jsonb: its keys' order is not kept). */
const decides = (c: AllocationConfig) =>
  c.mode === 'fixed' ? `off:${c.arm}` : `randomised:${c.testShare}:${c.blockSizes.join(',')}`;

/**
 * Under the project's allocator lock (the one creations take), so a version applies from one
 * exact position of each stratum on. Nothing is recorded when nothing changes (`change: null`).
 *
 * Refusals: a configuration the domain refuses (invalid, with its French message: a share that no
 * block size can honour exactly, a block size out of 1–20…); with `expectedVersion` (the version
 * the editor saw, as the console's form sends it), a conflict when another version has been
 * recorded since (`experiment_changed`), checked under the lock so no change is made blind.
 */
export async function changeExperiment(
  db: Kysely<Database>,
  projectId: string,
  user: ExperimentEditor,
  settings: ExperimentSettings,
  options: { expectedVersion?: number | undefined } = {},
): Promise<{ change: { version: number; createdAt: string } | null }> {
  return db.transaction().execute(async (trx) => {
    const { state, stratumFactors } = await lockAllocator(trx, projectId);
    if (options.expectedVersion !== undefined && options.expectedVersion !== state.config.version)
      throw Refusal.conflict(
        'experiment_changed',
        `La répartition a changé depuis l’ouverture de la page : la version ${state.config.version} est maintenant en vigueur. Rien n’a été enregistré : vérifiez-la, puis envoyez à nouveau vos changements.`,
        { currentVersion: state.config.version, expectedVersion: options.expectedVersion },
      );
    const lastRandomised = await trx
      .selectFrom('experiment_allocation_configs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('mode', '=', 'randomised')
      .orderBy('version', 'desc')
      .executeTakeFirst();
    const previous = lastRandomised ? configOfRow(lastRandomised) : undefined;
    const version = state.config.version + 1;
    const config: AllocationConfig =
      settings.mode === 'off'
        ? { version, mode: 'fixed', arm: settings.arm ?? 'control' }
        : randomisedAllocation(
            version,
            settings.testShare ?? (previous?.mode === 'randomised' ? previous.testShare : 0.5),
            [
              ...(settings.blockSizes ??
                (previous?.mode === 'randomised' ? previous.blockSizes : DEFAULT_BLOCK_SIZES)),
            ].sort((a, b) => a - b),
          );
    const refusal = allocationConfigRefusal(config);
    if (refusal)
      throw Refusal.invalidField(refusalPath(refusal.code, settings), refusal.code, refusal.message);

    const factors = canonicalFactors(settings.stratumFactors ?? stratumFactors);
    if (decides(config) === decides(state.config) && factors.join() === stratumFactors.join())
      return { change: null };

    const row = await trx
      .insertInto('experiment_allocation_configs')
      .values(
        rowOfVersion(
          projectId,
          { config, stratumFactors: factors },
          { origin: 'change', createdBy: user.id },
        ),
      )
      .returning('created_at')
      .executeTakeFirstOrThrow();
    await saveAllocatorState(trx, projectId, changeConfig(state, config));
    return { change: { version, createdAt: row.created_at.toISOString() } };
  });
}
