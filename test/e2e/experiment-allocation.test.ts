import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { configOfRow } from '../../src/app/experiment/allocator-store.js';
import { createCandidacy, type NewCandidacy } from '../../src/app/candidacies/create-candidacy.js';
import { DEMO } from '../../src/db/demo-data.js';
import * as allocationsMigration from '../../src/db/migrations/0015_experiment_allocations.js';
import {
  allocationAt,
  allocationMatches,
  type Allocation,
  type AllocationConfig,
} from '../../src/domain/experiment/index.js';
import { newCandidacyBody } from '../support/fixtures.js';
import { historyText } from '../support/history-text.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, createUserWithToken, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';

/**
 * The allocation to the test and control arms on the real stack: stratified permuted blocks from
 * the project's seed, serialised by the allocator's row lock, journaled, concealed; switched off,
 * changed, audited.
 */

const ONE_BLOCK = ['RNCP35830BC01'];
const SEVERAL = ['RNCP35830BC01', 'RNCP35830BC02'];
const WHOLE = ['RNCP35830BC01', 'RNCP35830BC02', 'RNCP35830BC03'];
const STANDARD_SEVERAL = 'public=standard;scope=several_blocks';
const REINFORCED_ONE = 'public=reinforced;scope=one_block';
const STANDARD_WHOLE = 'public=standard;scope=whole_certification';

const ADVISOR = DEMO.users.find((u) => u.role === 'advisor')!;

describe('experiment: stratified permuted-block allocation, serialised, auditable, concealed', () => {
  let stack: TestStack;
  let projectId: string;
  let otherLead: string;
  /** Every body created, for the personal data the histories must not hold. */
  const created: { id: string; body: ReturnType<typeof newCandidacyBody> }[] = [];

  function body(level: 'level3' | 'level5', targetBlocks: string[]) {
    const b = newCandidacyBody({ projectId, targetBlocks });
    b.candidate.qualificationLevel = level;
    return b;
  }

  async function create(level: 'level3' | 'level5', targetBlocks: string[]) {
    const b = body(level, targetBlocks);
    const res = await stack.http('POST', '/api/candidacies', { body: b });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    created.push({ id: res.body.id, body: b });
    return res.body.id as string;
  }

  const allocations = () =>
    stack.db
      .selectFrom('experiment_allocations')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('stratum')
      .orderBy('position')
      .execute();

  const experiment = () =>
    stack.http('GET', `/api/projects/${projectId}/experiment`, { role: 'project_lead' });
  const put = (settings: unknown, role = 'project_lead') =>
    stack.http('PUT', `/api/projects/${projectId}/experiment`, { role, body: settings });

  async function seedAndConfigs() {
    const secret = await stack.db
      .selectFrom('experiment_secrets')
      .select('allocation_seed')
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    const versions = await stack.db
      .selectFrom('experiment_allocation_configs')
      .selectAll()
      .where('project_id', '=', projectId)
      .execute();
    return {
      seed: secret.allocation_seed,
      configs: new Map<number, AllocationConfig>(versions.map((v) => [v.version, configOfRow(v)])),
    };
  }

  const asAllocation = (r: Awaited<ReturnType<typeof allocations>>[number]): Allocation => ({
    arm: r.arm as Allocation['arm'],
    stratum: r.stratum,
    position: r.position,
    version: r.config_version,
    segmentStart: r.segment_start,
    blockIndex: r.block_index,
    blockSize: r.block_size,
  });

  /** The workflow's input, decoded from its first history event. */
  async function startInput(candidacyId: string): Promise<Record<string, unknown>> {
    const history = await stack.temporal.workflow.getHandle(`candidacy-${candidacyId}`).fetchHistory();
    const data = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    assert.ok(data, 'a start event with an input');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data);
    return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  }

  before(async () => {
    stack = await startTestStack();
    otherLead = await createUserWithToken(stack.db, OPERATORS.lead, 'project_lead');
  });
  after(async () => {
    await stack?.stop();
  });

  it('migration 0015: the share a project’s policy held becomes its version 1, and leaves the policy', async () => {
    const untyped = stack.db as unknown as Kysely<unknown>;
    await allocationsMigration.down(untyped);
    const legacy = async (testArmShare: number | undefined) => {
      const id = await createProjectWithPolicy(stack.db, { convocationLeadTime: { days: 20 } });
      const overrides = {
        convocationLeadTime: { days: 20 },
        ...(testArmShare === undefined ? {} : { testArmShare }),
      };
      await sql`update projects set policy = ${JSON.stringify({ overrides, arms: { test: { testArmShare: 1 } } })}::jsonb where id = ${id}`.execute(
        stack.db,
      );
      return id;
    };
    const [third, odd, none] = [await legacy(1 / 3), await legacy(0.37), await legacy(undefined)];
    await allocationsMigration.up(untyped);
    const v1 = async (id: string) =>
      stack.db
        .selectFrom('experiment_allocation_configs')
        .select(['version', 'mode', 'test_share', 'block_sizes', 'stratum_factors', 'origin', 'note'])
        .where('project_id', '=', id)
        .executeTakeFirstOrThrow();
    assert.deepEqual(await v1(third), {
      version: 1,
      mode: 'randomised',
      test_share: 1 / 3,
      block_sizes: [3, 6],
      stratum_factors: ['public', 'scope'],
      origin: 'migration',
      note: null,
    });
    const rounded = await v1(odd);
    assert.equal(rounded.test_share, 0.4);
    assert.deepEqual(rounded.block_sizes, [5, 10]);
    assert.match(rounded.note ?? '', /0,37 .* arrondie à 0,4/);
    assert.equal((await v1(none)).test_share, 0.5);
    for (const id of [third, odd, none]) {
      const { policy } = await stack.db
        .selectFrom('projects')
        .select('policy')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(policy, { overrides: { convocationLeadTime: { days: 20 } }, arms: { test: {} } });
      const state = await stack.db
        .selectFrom('experiment_allocators')
        .select('state')
        .where('project_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(state.state.strata, {});
      assert.equal(state.state.config.version, 1);
    }
  });

  it('a project without a configuration gets version 1 at first use: ½, blocks of 2 and 4, public × scope', async () => {
    projectId = await createProjectWithPolicy(stack.db, {});
    const res = await experiment();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.current.version, 1);
    assert.equal(res.body.current.mode, 'randomised');
    assert.equal(res.body.current.testShare, 0.5);
    assert.equal(res.body.current.testShareLabel, '50 %');
    assert.deepEqual(res.body.current.blockSizes, [2, 4]);
    assert.deepEqual(res.body.current.stratumFactors, ['public', 'scope']);
    assert.equal(res.body.current.origin, 'initial');
    assert.equal(res.body.strata.length, 6);
    assert.equal(res.body.totals.total, 0);
  });

  it('44 concurrent creations: distinct positions per stratum from 0 without a gap, arms balanced within 2 at every prefix', async () => {
    const plan: ['level3' | 'level5', string[]][] = [
      ...Array.from({ length: 24 }, () => ['level5', SEVERAL] as ['level5', string[]]),
      ...Array.from({ length: 12 }, () => ['level3', ONE_BLOCK] as ['level3', string[]]),
      ...Array.from({ length: 8 }, () => ['level5', WHOLE] as ['level5', string[]]),
    ];
    const ids = await Promise.all(plan.map(([level, blocks]) => create(level, blocks)));
    assert.equal(new Set(ids).size, 44);

    const rows = await allocations();
    assert.equal(rows.length, 44);
    const byStratum = new Map<string, typeof rows>();
    for (const r of rows) byStratum.set(r.stratum, [...(byStratum.get(r.stratum) ?? []), r]);
    assert.deepEqual([...byStratum.entries()].map(([s, list]) => [s, list.length]).sort(), [
      [REINFORCED_ONE, 12],
      [STANDARD_SEVERAL, 24],
      [STANDARD_WHOLE, 8],
    ]);
    for (const [stratum, list] of byStratum) {
      assert.deepEqual(
        list.map((r) => r.position),
        list.map((_, i) => i),
        `${stratum}: positions 0…n−1, each once`,
      );
      let diff = 0;
      for (const r of list) {
        diff += r.arm === 'test' ? 1 : -1;
        assert.ok(Math.abs(diff) <= 2, `${stratum}: imbalance ${diff} at position ${r.position}`);
        assert.ok(r.block_size === 2 || r.block_size === 4);
      }
    }
    // The candidacy's arm is its allocation's; the read model says so too.
    const arms = await stack.db
      .selectFrom('candidacies')
      .select(['id', 'arm', 'reinforced'])
      .where('project_id', '=', projectId)
      .execute();
    const armOf = new Map(arms.map((c) => [c.id, c.arm]));
    for (const r of rows) assert.equal(armOf.get(r.candidacy_id), r.arm);

    const view = await experiment();
    const severalCounts = view.body.strata.find((s: { stratum: string }) => s.stratum === STANDARD_SEVERAL);
    assert.equal(severalCounts.total, 24);
    assert.equal(severalCounts.label, 'accompagnement standard · plusieurs blocs');
    assert.equal(
      severalCounts.counts.test,
      byStratum.get(STANDARD_SEVERAL)!.filter((r) => r.arm === 'test').length,
    );
    assert.equal(view.body.totals.total, 44);
  });

  it('regenerated from the seed, the allocations are identical', async () => {
    const { seed, configs } = await seedAndConfigs();
    const rows = await allocations();
    for (const r of rows) {
      const a = asAllocation(r);
      assert.ok(allocationMatches(seed, a, configs.get(a.version)!), `${a.stratum} #${a.position}`);
      assert.equal(
        allocationAt(seed, a.stratum, a.position, configs.get(a.version)!, a.segmentStart).arm,
        a.arm,
      );
    }
    // Another seed gives another sequence: the match above is not a tautology.
    const mismatches = rows.filter(
      (r) => !allocationMatches('une-autre-graine', asAllocation(r), configs.get(1)!),
    );
    assert.ok(mismatches.length > 0);
  });

  it('a failed workflow start keeps its position, journaled void; with a key, the retry starts it in the arm it got', async () => {
    const down = {
      db: stack.db,
      temporal: {
        connection: {
          withDeadline: async () => {
            throw new Error('Temporal injoignable (test)');
          },
        },
      } as unknown as Client,
      taskQueue: stack.taskQueue,
    };
    const user = { id: ADVISOR.id, operatorId: OPERATORS.advice };
    const before = (await allocations()).filter((r) => r.stratum === REINFORCED_ONE).length;

    const lost = body('level3', ONE_BLOCK) as unknown as NewCandidacy;
    await assert.rejects(createCandidacy(down, user, lost, undefined), { code: 'workflow_start_failed' });
    const voided = (await allocations()).filter((r) => r.status === 'void');
    assert.equal(voided.length, 1);
    assert.equal(voided[0]!.position, before);
    assert.equal(voided[0]!.void_reason, 'workflow_start_failed');
    assert.equal(
      (
        await stack.db
          .selectFrom('candidacies')
          .select('id')
          .where('id', '=', voided[0]!.candidacy_id)
          .execute()
      ).length,
      0,
      'the candidacy rows are removed',
    );

    const kept = body('level3', ONE_BLOCK) as unknown as NewCandidacy;
    await assert.rejects(createCandidacy(down, user, kept, 'cle-echec-demarrage-1'), {
      code: 'workflow_start_failed',
    });
    const pending = await stack.db
      .selectFrom('candidacies')
      .select(['id', 'arm', 'started'])
      .where('idempotency_key', '=', 'cle-echec-demarrage-1')
      .executeTakeFirstOrThrow();
    assert.equal(pending.started, false);
    const retried = await createCandidacy(
      { db: stack.db, temporal: stack.temporal, taskQueue: stack.taskQueue },
      user,
      kept,
      'cle-echec-demarrage-1',
    );
    assert.deepEqual(retried, { candidacyId: pending.id, replayed: true });
    const mine = (await allocations()).filter((r) => r.candidacy_id === pending.id);
    assert.equal(mine.length, 1, 'allocated once');
    assert.equal(mine[0]!.position, before + 1, 'the next position after the void one');
    const started = await stack.db
      .selectFrom('candidacies')
      .select(['arm', 'started'])
      .where('id', '=', pending.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(started, { arm: mine[0]!.arm, started: true });
    assert.equal((await startInput(pending.id)).arm, mine[0]!.arm, 'the workflow started in the arm it got');
    assert.equal((await experiment()).body.totals.voided, 1);
  });

  it('switched off: every new candidacy in the configured arm, existing ones keep theirs; switched on again', async () => {
    const armsBefore = await stack.db
      .selectFrom('candidacies')
      .select(['id', 'arm'])
      .where('project_id', '=', projectId)
      .execute();
    const off = await put({ mode: 'off', arm: 'test' });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.change.version, 2);
    assert.equal(off.body.current.mode, 'off');
    assert.equal(off.body.current.arm, 'test');
    assert.match(off.body.current.description, /arrêtée.*groupe test/);
    assert.equal(off.body.current.createdBy.id, DEMO.users.find((u) => u.role === 'project_lead')!.id);

    const ids = await Promise.all([
      create('level5', SEVERAL),
      create('level5', SEVERAL),
      create('level3', ONE_BLOCK),
      create('level5', WHOLE),
      create('level3', SEVERAL),
      create('level3', WHOLE),
    ]);
    const rows = (await allocations()).filter((r) => ids.includes(r.candidacy_id));
    assert.equal(rows.length, 6);
    for (const r of rows) {
      assert.equal(r.arm, 'test');
      assert.equal(r.config_version, 2);
      assert.equal(r.block_index, null);
    }
    const now = await stack.db
      .selectFrom('candidacies')
      .select(['id', 'arm'])
      .where('id', 'in', [...ids, ...armsBefore.map((c) => c.id)])
      .execute();
    const armOf = new Map(now.map((c) => [c.id, c.arm]));
    for (const id of ids) assert.equal(armOf.get(id), 'test');
    for (const c of armsBefore) assert.equal(armOf.get(c.id), c.arm, 'an existing candidacy keeps its arm');

    const on = await put({ mode: 'randomised' });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.change.version, 3);
    assert.equal(on.body.current.testShare, 0.5, 'the last randomised version’s share');
    assert.deepEqual(on.body.current.blockSizes, [2, 4]);
  });

  it('a share change is a new version, checked with the domain’s French messages; an unchanged PUT records nothing', async () => {
    const third = await put({ mode: 'randomised', testShare: 1 / 3, blockSizes: [6, 3] });
    assert.equal(third.status, 200, JSON.stringify(third.body));
    assert.equal(third.body.change.version, 4);
    assert.deepEqual(third.body.current.blockSizes, [3, 6]);
    assert.equal(third.body.current.testShareLabel, '33,33 %');
    assert.deepEqual(
      third.body.versions.map((v: { version: number; current: boolean }) => [v.version, v.current]),
      [
        [4, true],
        [3, false],
        [2, false],
        [1, false],
      ],
    );
    const same = await put({ mode: 'randomised', testShare: 1 / 3 });
    assert.equal(same.status, 200);
    assert.equal(same.body.change, null);
    assert.equal(same.body.versions.length, 4);

    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await create('level5', SEVERAL));
    const rows = (await allocations()).filter((r) => ids.includes(r.candidacy_id));
    assert.ok(rows.every((r) => r.config_version === 4 && (r.block_size === 3 || r.block_size === 6)));
    // Every block completed holds exactly a third of test.
    const blocks = new Map<number, typeof rows>();
    for (const r of rows) blocks.set(r.block_index!, [...(blocks.get(r.block_index!) ?? []), r]);
    for (const list of blocks.values())
      if (list.length === list[0]!.block_size)
        assert.equal(list.filter((r) => r.arm === 'test').length, list.length / 3);
    // The new version started a fresh sequence at the stratum's next position.
    const stratum = (await allocations()).filter((r) => r.stratum === STANDARD_SEVERAL);
    assert.deepEqual(
      stratum.map((r) => r.position),
      stratum.map((_, i) => i),
    );
    assert.equal(rows[0]!.segment_start, rows[0]!.position);

    const quarter = await put({ mode: 'randomised', testShare: 0.25 });
    assert.equal(quarter.status, 400);
    const err = (path: string) => quarter.body.errors.find((e: { path: string }) => e.path === path);
    assert.equal(err('body.testShare').code, 'share_does_not_divide_block');
    assert.match(err('body.testShare').message, /part du groupe test de 0,25.*multiple de 4/);
    const big = await put({ mode: 'randomised', blockSizes: [3, 30] });
    assert.equal(big.status, 400);
    assert.match(
      big.body.errors[0].message,
      /Taille de bloc 30 refusée : une taille de bloc est un entier de 1 à 20/,
    );
    assert.equal(big.body.errors[0].path, 'body.blockSizes');
    const mixed = await put({ mode: 'off', testShare: 0.5, colour: 'rouge' });
    assert.equal(mixed.status, 400);
    assert.deepEqual(mixed.body.errors.map((e: { path: string }) => e.path).sort(), [
      'body.colour',
      'body.testShare',
    ]);
    assert.match(
      mixed.body.errors.find((e: { path: string }) => e.path === 'body.testShare').message,
      /Le champ testShare \(part du groupe test\) ne s’indique qu’avec le mode « randomised »/,
    );
    assert.equal((await experiment()).body.versions.length, 4, 'nothing recorded by a refusal');
  });

  it('the policy no longer holds the share: a change of it is refused, pointing to the experiment', async () => {
    const policy = await stack.http('GET', `/api/projects/${projectId}/policy`, { role: 'project_lead' });
    assert.equal(policy.status, 200);
    assert.ok(!('testArmShare' in policy.body.defaults));
    assert.ok(!policy.body.parameters.some((p: { key: string }) => p.key === 'testArmShare'));
    const patch = await stack.http('PATCH', `/api/projects/${projectId}/policy`, {
      role: 'project_lead',
      body: { overrides: { testArmShare: 0.3 } },
    });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.errors[0].path, 'body.overrides.testArmShare');
    assert.match(patch.body.errors[0].message, /PUT \/api\/projects\/\{id\}\/experiment/);
  });

  it('only the project’s lead and administrators read or change it', async () => {
    for (const role of ['advisor', 'certifier', 'coach', 'jury_organiser']) {
      const get = await stack.http('GET', `/api/projects/${projectId}/experiment`, { role });
      assert.equal(get.status, 403, role);
      assert.equal(get.body.code, 'role_not_allowed');
      const change = await put({ mode: 'off' }, role);
      assert.equal(change.status, 403, role);
    }
    const foreign = await stack.http('GET', `/api/projects/${projectId}/experiment`, { token: otherLead });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, 'project_not_led');
    const foreignPut = await stack.http('PUT', `/api/projects/${projectId}/experiment`, {
      token: otherLead,
      body: { mode: 'off' },
    });
    assert.equal(foreignPut.status, 403);
    const unknown = await stack.http('GET', `/api/projects/${randomUUID()}/experiment`, {
      role: 'administrator',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'project_not_found');
    const admin = await stack.http('GET', `/api/projects/${projectId}/experiment`, { role: 'administrator' });
    assert.equal(admin.status, 200);
    assert.equal(
      (await stack.http('GET', `/api/projects/${projectId}/experiment`, { token: null })).status,
      401,
    );
    assert.equal((await experiment()).body.versions.length, 4, 'nothing changed by a refused caller');
  });

  it('no route shows the seed, a position, a cursor or the sequence', async () => {
    const { seed } = await seedAndConfigs();
    const texts = [
      JSON.stringify((await experiment()).body),
      JSON.stringify((await put({ mode: 'randomised' })).body),
      JSON.stringify((await stack.http('GET', `/api/projects/${projectId}`, { role: 'project_lead' })).body),
      JSON.stringify(
        (await stack.http('GET', `/api/candidacies/${created[0]!.id}`, { role: 'advisor' })).body,
      ),
      JSON.stringify((await stack.http('GET', '/api/openapi.json', { token: null })).body),
    ];
    for (const text of texts) {
      assert.ok(!text.includes(seed), 'the seed');
      for (const word of ['"position"', '"segmentStart"', '"segment_start"', '"blockIndex"', '"block_index"'])
        assert.ok(!text.includes(word), word);
      assert.ok(!/"next"\s*:/.test(text), 'a cursor');
      assert.ok(!/allocation_?seed|pseudonym_?key/i.test(text), 'a secret’s name');
    }
  });

  it('workflow input and history carry neither the stratum nor the position, nor personal data', async () => {
    const arms = new Map(
      (await stack.db.selectFrom('experiment_allocations').select(['candidacy_id', 'arm']).execute()).map(
        (r) => [r.candidacy_id, r.arm],
      ),
    );
    for (const { id, body: b } of created.slice(0, 8)) {
      const text = historyText(await stack.temporal.workflow.getHandle(`candidacy-${id}`).fetchHistory());
      for (const word of [
        'public=',
        ';scope=',
        'stratum',
        'position',
        'segmentStart',
        'blockIndex',
        'allocation',
      ])
        assert.ok(!text.includes(word), `${id}: ${word}`);
      for (const personal of [b.candidate.email, b.candidate.lastName, b.candidate.phone])
        assert.ok(!text.includes(personal), `${id}: ${personal}`);
      const input = await startInput(id);
      assert.equal(input.arm, arms.get(id), 'the arm, and only the arm');
      assert.deepEqual(Object.keys(input).sort(), [
        'arm',
        'candidacyId',
        'createdBy',
        'initial',
        'policy',
        'projectId',
        'projectLeadUserId',
        'rulesVersion',
      ]);
    }
  });

  it('the admin commands: experiment-audit checks every allocation against the seed, experiment-seed gives it', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'src/admin.ts', ...args], {
        env: { ...process.env, DATABASE_URL: stack.databaseUrl },
      });
    const audit = await run('experiment-audit', projectId);
    const lines = audit.stdout.split('\n');
    const total = (await allocations()).length;
    assert.equal(lines.filter((l) => l.startsWith('OK')).length, total);
    assert.ok(!audit.stdout.includes('ÉCART'));
    assert.match(audit.stdout, /annulée/);
    const summary = JSON.parse(lines.slice(lines.findIndex((l) => l.startsWith('{'))).join('\n'));
    assert.deepEqual(
      { checked: summary.checked, mismatched: summary.mismatched, voided: summary.voided, ok: summary.ok },
      { checked: total, mismatched: 0, voided: 1, ok: true },
    );
    assert.deepEqual(summary.gaps, []);
    assert.deepEqual(summary.cursorsOff, []);

    const seeded = JSON.parse((await run('experiment-seed', projectId)).stdout);
    assert.equal(seeded.allocationSeed, (await seedAndConfigs()).seed);

    // With another seed (an auditor's wrong copy), the audit fails and says where.
    const wrong = await run('experiment-audit', projectId, '--seed', 'pas-la-bonne-graine').then(
      () => assert.fail('exit 0 with a wrong seed'),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /ÉCART/);
  });

  it('a follow-up candidacy keeps its parent’s arm and takes no position', async () => {
    const compressed = await createProjectWithPolicy(stack.db, COMPRESSED);
    const putOn = (settings: unknown) =>
      stack.http('PUT', `/api/projects/${compressed}/experiment`, { role: 'project_lead', body: settings });
    assert.equal((await putOn({ mode: 'off', arm: 'test' })).status, 200);
    const parent = await CandidacyDriver.create(stack, { projectId: compressed, targetBlocks: SEVERAL });
    await parent.toValidationFile({ targetBlocks: SEVERAL });
    await parent.holdJury(2.5);
    await parent.act(
      'record-jury-result',
      {
        outcome: 'partial',
        blocks: [
          { code: 'RNCP35830BC01', validated: true },
          { code: 'RNCP35830BC02', validated: false },
        ],
      },
      'certifier',
    );
    // New candidacies of the project now go to control; the follow-up stays in test.
    assert.equal((await putOn({ mode: 'off', arm: 'control' })).status, 200);
    const positions = async () =>
      (
        await stack.db
          .selectFrom('experiment_allocations')
          .select('candidacy_id')
          .where('project_id', '=', compressed)
          .execute()
      ).length;
    const before = await positions();
    const opened = await stack.http('POST', `/api/candidacies/${parent.id}/follow-up`);
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.arm, 'test');
    assert.equal((await startInput(opened.body.id)).arm, 'test');
    assert.equal(await positions(), before, 'no position taken');
    const view = await stack.http('GET', `/api/projects/${compressed}/experiment`, { role: 'project_lead' });
    assert.deepEqual(view.body.outsideAllocation.followUps, { test: 1, control: 0 });
  });

  itReplaysEveryWorkflow(() => stack);
});
