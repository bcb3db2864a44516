import { sql, type Kysely } from 'kysely';

/**
 * The experiment's allocation (src/app/experiment/): stratified permuted blocks drawn from the
 * project's secret seed (migration 0013), replacing the hash of the candidacy's id.
 *
 * - `experiment_allocation_configs`: each version of a project's configuration (randomised with a
 *   test share and block sizes, or off with everyone in one arm; the strata's factors), who made
 *   it and when; append-only.
 * - `experiment_allocators`: one row per project holding the allocator's state (the current
 *   configuration and one cursor per stratum, never the seed), locked FOR UPDATE by each creation.
 * - `experiment_allocations`: the journal, one row per position given (candidacy, stratum,
 *   position, arm, version, block). No foreign key to the candidacy: a position stays used and
 *   journaled (`void`) when a failed workflow start removes the candidacy's rows, so an auditor
 *   checks every position of every stratum.
 *
 * The share of the test arm leaves the policy (`testArmShare`): each existing project gets its
 * version 1 from the share its policy held, and the key is removed from the stored policy, so
 * that the share lives in one place.
 */

const FACTORS = ['public', 'scope'];

/**
 * Block sizes for a legacy share: [2, 4] when it is 0, ½ or 1, else [q, 2q] for the smallest
 * block q it divides (⅓ → [3, 6]); a share no block of 10 or fewer divides is rounded to the
 * nearest tenth first (a block honours a fraction exactly, or not at all).
 */
function legacyConfig(share: number): { share: number; blockSizes: number[]; note: string | null } {
  const whole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9;
  const fit = (s: number) => {
    for (let q = 1; q <= 10; q++) if (whole(s * q)) return q <= 2 ? [2, 4] : [q, 2 * q];
    return null;
  };
  const clamped = Math.min(1, Math.max(0, share));
  const sizes = fit(clamped);
  if (sizes) return { share: clamped, blockSizes: sizes, note: null };
  const rounded = Math.round(clamped * 10) / 10;
  const fr = (x: number) => String(x).replace('.', ',');
  return {
    share: rounded,
    blockSizes: fit(rounded)!,
    note: `Migration 0015 : la part ${fr(clamped)} de la politique est arrondie à ${fr(rounded)}, qu’un bloc peut respecter exactement.`,
  };
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('experiment_allocation_configs')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('test_share', 'double precision')
    .addColumn('block_sizes', sql`integer[]`)
    .addColumn('off_arm', 'text')
    .addColumn('stratum_factors', sql`text[]`, (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('experiment_allocation_configs_pkey', ['project_id', 'version'])
    .addCheckConstraint('experiment_allocation_configs_version_check', sql`version >= 1`)
    .addCheckConstraint(
      'experiment_allocation_configs_mode_check',
      sql`(mode = 'randomised' and test_share between 0 and 1 and cardinality(block_sizes) > 0 and off_arm is null)
        or (mode = 'off' and off_arm in ('test', 'control') and test_share is null and block_sizes is null)`,
    )
    .execute();

  await db.schema
    .createTable('experiment_allocators')
    .addColumn('project_id', 'uuid', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('experiment_allocations')
    .addColumn('candidacy_id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull())
    .addColumn('stratum', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('arm', 'text', (c) => c.notNull())
    .addColumn('config_version', 'integer', (c) => c.notNull())
    .addColumn('segment_start', 'integer', (c) => c.notNull())
    .addColumn('block_index', 'integer')
    .addColumn('block_size', 'integer')
    .addColumn('allocated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('allocated'))
    .addColumn('voided_at', 'timestamptz')
    .addColumn('void_reason', 'text')
    .addForeignKeyConstraint(
      'experiment_allocations_config_fkey',
      ['project_id', 'config_version'],
      'experiment_allocation_configs',
      ['project_id', 'version'],
    )
    .addCheckConstraint('experiment_allocations_arm_check', sql`arm in ('test', 'control')`)
    .addCheckConstraint('experiment_allocations_status_check', sql`status in ('allocated', 'void')`)
    .addCheckConstraint(
      'experiment_allocations_position_check',
      sql`position >= segment_start and segment_start >= 0`,
    )
    .execute();
  // A position is given once per stratum (the database's own guarantee, beside the lock); the
  // index serves the per-project and per-stratum reads (counts, audit in sequence order).
  await db.schema
    .createIndex('experiment_allocations_position_key')
    .on('experiment_allocations')
    .columns(['project_id', 'stratum', 'position'])
    .unique()
    .execute();

  // Version 1 of every existing project, from the share its policy held (0.5 by default).
  const projects = await sql<{ id: string; share: number | null }>`
    select id, (policy -> 'overrides' ->> 'testArmShare')::double precision as share from projects
  `.execute(db);
  for (const p of projects.rows) {
    const { share, blockSizes, note } = legacyConfig(p.share ?? 0.5);
    const config = { version: 1, mode: 'randomised', testShare: share, blockSizes };
    await sql`
      insert into experiment_allocation_configs
        (project_id, version, mode, test_share, block_sizes, stratum_factors, origin, note)
      values (${p.id}, 1, 'randomised', ${share}, ${sql.val(blockSizes)}::integer[],
        ${sql.val(FACTORS)}::text[], 'migration', ${note})
    `.execute(db);
    await sql`
      insert into experiment_allocators (project_id, state)
      values (${p.id}, ${JSON.stringify({ config, strata: {} })}::jsonb)
    `.execute(db);
  }
  await sql`
    update projects
       set policy = policy #- '{overrides,testArmShare}' #- '{arms,test,testArmShare}' #- '{arms,control,testArmShare}'
     where policy #> '{overrides,testArmShare}' is not null
        or policy #> '{arms,test,testArmShare}' is not null
        or policy #> '{arms,control,testArmShare}' is not null
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The share goes back to the policy: the latest randomised version's, when not the default.
  await sql`
    update projects p
       set policy = jsonb_set(coalesce(p.policy, '{}'::jsonb) || jsonb_build_object('overrides', coalesce(p.policy -> 'overrides', '{}'::jsonb)),
                              '{overrides,testArmShare}', to_jsonb(c.test_share))
      from (select distinct on (project_id) project_id, test_share
              from experiment_allocation_configs
             where mode = 'randomised'
             order by project_id, version desc) c
     where c.project_id = p.id and c.test_share <> 0.5
  `.execute(db);
  await db.schema.dropTable('experiment_allocations').ifExists().execute();
  await db.schema.dropTable('experiment_allocators').ifExists().execute();
  await db.schema.dropTable('experiment_allocation_configs').ifExists().execute();
}
