import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ExperimentArm } from '../../src/domain/arm.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import {
  allocateNext,
  allocationAt,
  allocationConfigRefusal,
  allocationMatches,
  changeConfig,
  initialAllocatorState,
  randomisedAllocation,
  stratumFactsOf,
  stratumOf,
  type Allocation,
  type AllocationConfig,
  type AllocatorState,
} from '../../src/domain/experiment/index.js';
import { seedKey, wordAt } from '../../src/domain/experiment/keyed-draws.js';

const SEEDS = ['graine-projet-A', 'graine-projet-B', 'b7f3c2e9-secret'];
const STRATA = (['one_block', 'several_blocks', 'whole_certification'] as const).flatMap((scope) =>
  [true, false].map((reinforced) => stratumOf({ reinforced, scope })),
);
const N = 1000;

/** `count` allocations of one stratum through the incremental allocator. */
function allocate(seed: string, stratum: string, count: number, config: AllocationConfig): Allocation[] {
  let state: AllocatorState = initialAllocatorState(config);
  const out: Allocation[] = [];
  for (let i = 0; i < count; i++) {
    const step = allocateNext(state, stratum, seed);
    state = step.state;
    out.push(step.allocation);
  }
  return out;
}

const arms = (allocations: Allocation[]) => allocations.map((a) => a.arm).join(',');
const isBlockEnd = (a: Allocation, next: Allocation | undefined) =>
  next === undefined || next.blockIndex !== a.blockIndex;

describe('draws an auditor can recompute', () => {
  it('word i of a stream is word i mod 8 of HMAC-SHA-256(seed, JSON of [label…, ⌊i / 8⌋])', () => {
    const label = ['bloc', 'public=reinforced;scope=one_block', 1, 42];
    for (const index of [0, 7, 8, 21]) {
      const digest = createHmac('sha256', 'graine « é »')
        .update(JSON.stringify([...label, Math.floor(index / 8)]))
        .digest();
      assert.equal(wordAt(seedKey('graine « é »'), label, index), digest.readUInt32BE((index % 8) * 4));
    }
  });
});

describe('strata', () => {
  it('public × scope by default, six strata, in a canonical order', () => {
    assert.equal(stratumOf({ reinforced: true, scope: 'one_block' }), 'public=reinforced;scope=one_block');
    assert.equal(new Set(STRATA).size, 6);
    assert.equal(
      stratumOf({ reinforced: false, scope: 'whole_certification' }, ['scope', 'public']),
      'public=standard;scope=whole_certification',
    );
    assert.equal(stratumOf({ reinforced: false, scope: 'one_block' }, ['scope']), 'scope=one_block');
    assert.equal(stratumOf({ reinforced: true, scope: 'one_block' }, []), 'all');
  });

  it('reinforced from the profile with the project policy, scope from the target', () => {
    const facts = stratumFactsOf({ qualificationLevel: 'level3', jobSituation: 'employed' }, DEFAULT_POLICY, {
      wholeCertification: false,
      targetBlocks: ['BC01', 'BC02'],
    });
    assert.deepEqual(facts, { reinforced: true, scope: 'several_blocks' });
    const threatened = stratumFactsOf(
      { qualificationLevel: 'level6', jobSituation: 'employed_job_threatened' },
      { ...DEFAULT_POLICY, reinforcedWhenJobThreatened: false },
      { wholeCertification: true, targetBlocks: ['BC01', 'BC02', 'BC03'] },
    );
    assert.deepEqual(threatened, { reinforced: false, scope: 'whole_certification' });
  });
});

describe('stratified permuted blocks', () => {
  for (const blockSizes of [
    [2, 4],
    [4, 6],
  ]) {
    it(`blocks of ${blockSizes.join(' and ')}: the arms never differ by more than ${Math.max(...blockSizes) / 2}, and are equal at each block end`, () => {
      const config = randomisedAllocation(1, 0.5, blockSizes);
      const bound = Math.max(...blockSizes) / 2;
      for (const seed of SEEDS) {
        for (const stratum of STRATA) {
          const allocations = allocate(seed, stratum, N, config);
          let difference = 0;
          allocations.forEach((a, i) => {
            difference += a.arm === 'test' ? 1 : -1;
            assert.ok(
              Math.abs(difference) <= bound,
              `${seed} ${stratum} position ${i}: difference ${difference}`,
            );
            if (isBlockEnd(a, allocations[i + 1]) && i < N - 1) assert.equal(difference, 0);
          });
          const sizes = new Set(allocations.map((a) => a.blockSize));
          assert.deepEqual([...sizes].sort(), [...blockSizes].sort(), 'both block sizes occur');
        }
      }
    });
  }

  for (const [testShare, blockSizes] of [
    [1 / 3, [3, 6]],
    [2 / 3, [3, 6]],
    [0.25, [4, 8]],
    [0.4, [5, 10]],
  ] as const) {
    it(`share ${testShare.toFixed(3)} with blocks ${blockSizes.join('/')}: honoured exactly at every block end`, () => {
      const config = randomisedAllocation(1, testShare, blockSizes);
      for (const seed of SEEDS) {
        const allocations = allocate(seed, STRATA[0]!, N, config);
        let tests = 0;
        let inBlock = 0;
        allocations.forEach((a, i) => {
          if (a.arm === 'test') tests++;
          inBlock++;
          if (isBlockEnd(a, allocations[i + 1]) && i < N - 1) {
            assert.equal(inBlock, a.blockSize, 'a block holds as many positions as its size');
            assert.equal(tests, Math.round(testShare * (i + 1)));
            assert.ok(Math.abs(tests - testShare * (i + 1)) < 1e-9);
            inBlock = 0;
          }
        });
      }
    });
  }

  it('regenerated from the seed, the sequence is identical; allocationAt agrees with allocateNext', () => {
    const config = randomisedAllocation(1);
    for (const seed of SEEDS) {
      for (const stratum of STRATA) {
        const first = allocate(seed, stratum, N, config);
        assert.equal(arms(allocate(seed, stratum, N, config)), arms(first));
        // Every position once, every 25th elsewhere: allocationAt walks from position 0 each time.
        const step = seed === SEEDS[0] && stratum === STRATA[0] ? 1 : 25;
        for (let p = 0; p < N; p += step) {
          assert.deepEqual(allocationAt(seed, stratum, p, config), first[p], `${seed} ${stratum} ${p}`);
          assert.ok(allocationMatches(seed, first[p]!, config));
        }
      }
    }
  });

  it('a different seed, stratum or version gives a different sequence', () => {
    const config = randomisedAllocation(1);
    const sequences = [
      ...SEEDS.map((seed) => arms(allocate(seed, STRATA[0]!, N, config))),
      arms(allocate(SEEDS[0]!, STRATA[1]!, N, config)),
      arms(allocate(SEEDS[0]!, STRATA[0]!, N, randomisedAllocation(2))),
    ];
    assert.equal(new Set(sequences).size, sequences.length);
  });

  it('permutes within a block: all six arrangements of a block of 4 occur, in similar numbers', () => {
    const config = randomisedAllocation(1, 0.5, [4]);
    const allocations = allocate('graine', 'all', 4 * 600, config);
    const counts = new Map<string, number>();
    for (let b = 0; b < 600; b++) {
      const key = arms(allocations.slice(4 * b, 4 * b + 4));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    // Expected 100 each; chi-square 5 df, 0.999 quantile 20.5.
    const chiSquare = [...counts.values()].reduce((s, c) => s + (c - 100) ** 2 / 100, 0);
    assert.ok(chiSquare < 20.5, `chi-square ${chiSquare}`);
  });

  it('the allocator state is plain JSON, one cursor per stratum, without the seed', () => {
    let state = initialAllocatorState(randomisedAllocation(1));
    for (const stratum of STRATA) state = allocateNext(state, stratum, 'secret').state;
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
    assert.ok(!JSON.stringify(state).includes('secret'));
  });
});

describe('configuration versions', () => {
  it('a new share or the experiment switched off applies to new candidacies only', () => {
    const seed = SEEDS[0]!;
    const stratum = STRATA[2]!;
    const v1 = randomisedAllocation(1, 0.5, [2, 4]);
    const v2 = randomisedAllocation(2, 1 / 3, [3, 6]);
    const v3: AllocationConfig = { version: 3, mode: 'fixed', arm: 'control' };
    let state = initialAllocatorState(v1);
    const given: Allocation[] = [];
    const take = (count: number, s = stratum) => {
      for (let i = 0; i < count; i++) {
        const step = allocateNext(state, s, seed);
        state = step.state;
        if (s === stratum) given.push(step.allocation);
      }
    };
    take(11); // stops inside a block of v1, whatever its sizes
    state = changeConfig(state, v2);
    take(30);
    state = changeConfig(state, v3);
    take(5);
    state = changeConfig(state, randomisedAllocation(4));
    take(8, STRATA[3]!); // a stratum first used under v4 starts at position 0

    assert.deepEqual(
      given.map((a) => a.position),
      given.map((_, i) => i),
    );
    const byVersion: Record<number, AllocationConfig> = { 1: v1, 2: v2, 3: v3 };
    for (const a of given)
      assert.ok(allocationMatches(seed, a, byVersion[a.version]!), `position ${a.position}`);
    // The first 11 are exactly what v1 alone would have given.
    assert.equal(arms(given.slice(0, 11)), arms(allocate(seed, stratum, 11, v1)));
    assert.deepEqual(
      given.slice(11, 41).map((a) => [a.version, a.segmentStart]),
      Array.from({ length: 30 }, () => [2, 11]),
    );
    const v2Given = given.slice(11, 41);
    const lastBlockEnd = v2Given.findLastIndex(
      (a, i) => isBlockEnd(a, v2Given[i + 1]) && i < v2Given.length - 1,
    );
    const v2Tests = v2Given.slice(0, lastBlockEnd + 1).filter((a) => a.arm === 'test').length;
    assert.equal(v2Tests * 3, lastBlockEnd + 1, 'v2 honours its share of 1/3 from its own start');
    assert.ok(given.slice(41).every((a) => a.arm === 'control' && a.blockIndex === null));
    assert.deepEqual(state.strata[STRATA[3]!], {
      next: 8,
      version: 4,
      segmentStart: 0,
      blockIndex: state.strata[STRATA[3]!]!.blockIndex,
      blockStart: 8,
    });
    assert.throws(
      () => changeConfig(state, randomisedAllocation(4)),
      /doit suivre la version en cours \(4\)/,
    );
  });

  it('refuses a share that a block size cannot honour exactly, in French', () => {
    const refusal = (share: number, sizes: number[]) =>
      allocationConfigRefusal(randomisedAllocation(1, share, sizes));
    assert.equal(refusal(0.5, [2, 4]), null);
    assert.equal(refusal(1 / 3, [3, 6]), null);
    assert.equal(refusal(0.3, [10]), null);
    assert.match(refusal(1 / 3, [2, 4])!.message, /part du groupe test de 1\/3.*multiple de 3.*bloc de 2/);
    assert.match(refusal(0.3, [4, 6])!.message, /multiple de 10/);
    assert.equal(refusal(0.5, [3, 4])!.code, 'share_does_not_divide_block');
    assert.equal(refusal(0.5, [])!.code, 'invalid_block_sizes');
    assert.equal(refusal(0.5, [2, 2])!.code, 'invalid_block_sizes');
    assert.equal(refusal(0.5, [0, 2])!.code, 'invalid_block_sizes');
    assert.equal(refusal(0.5, [2, 40])!.code, 'invalid_block_sizes');
    assert.equal(refusal(1.2, [2])!.code, 'invalid_share');
    assert.equal(refusal(Math.PI / 10, [2])!.code, 'share_not_a_fraction');
    assert.throws(() => allocationAt('s', 'all', 0, randomisedAllocation(1, 0.5, [3])), /multiple de 2/);
    assert.throws(() => allocationAt('s', 'all', 3, randomisedAllocation(1), 5), /hors de la séquence/);
  });

  it('share 0 or 1 fills every block with one arm', () => {
    const all = (share: number): ExperimentArm[] =>
      allocate('s', 'all', 20, randomisedAllocation(1, share)).map((a) => a.arm);
    assert.ok(all(0).every((a) => a === 'control'));
    assert.ok(all(1).every((a) => a === 'test'));
  });
});
