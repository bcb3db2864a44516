import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chiSquare1UpperTail,
  criticalValue,
  kaplanMeier,
  logRank,
  maskSmallCount,
  newcombeDifference,
  normalQuantile,
  survivalAt,
  survivalMedian,
  survivalQuantile,
  survivalTable,
  sortedTimes,
  sortTimes,
  tableQuantiles,
  wilsonInterval,
  type Observation,
} from '../../src/domain/stats/index.js';

const close = (actual: number | null, expected: number, tolerance = 5e-5, label = '') =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${label} ${actual} ≠ ${expected}`);

/** Freireich et al. (1963), 6-MP leukaemia trial, weeks of remission; "+" is censored. */
const sixMp: Observation[] = '6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+'
  .split(' ')
  .map((t) => ({ time: Number.parseInt(t, 10), event: !t.endsWith('+') }));
const placebo: Observation[] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23].map(
  (time) => ({
    time,
    event: true,
  }),
);

describe('normal quantile', () => {
  it('z for 95 % and 99 % (tables: 1.959964, 2.575829), and the 1-df chi-square tail', () => {
    close(criticalValue(0.95), 1.959964, 1e-6);
    close(criticalValue(0.99), 2.575829, 1e-6);
    close(normalQuantile(0.5), 0, 1e-9);
    close(normalQuantile(0.025), -1.959964, 1e-6);
    // χ²₁ 0.95 quantile is 1.959964² = 3.841459.
    close(chiSquare1UpperTail(3.841459), 0.05, 1e-6);
    assert.equal(chiSquare1UpperTail(0), 1);
  });
});

describe('Wilson score interval', () => {
  it('8/10: 0.4902 to 0.9433', () => {
    // p = 0.8, n = 10, z² = 3.841459; denominator 1 + z²/n = 1.384146
    // centre = (0.8 + z²/20) / 1.384146 = 0.992073 / 1.384146 = 0.716744
    // half = (z / 1.384146) · √(0.8·0.2/10 + z²/400) = 1.416009 · √0.025604 = 0.226582
    // → 0.490162 to 0.943318
    const w = wilsonInterval(8, 10);
    assert.equal(w.estimate, 0.8);
    close(w.lower, 0.490162);
    close(w.upper, 0.943318);
  });

  it('0/10: exactly 0 to 0.2775, and 10/10 mirrors it', () => {
    // centre = half = (z²/20) / 1.384146 = 0.192073 / 1.384146 = 0.138766 → 0 to 0.277533
    const zero = wilsonInterval(0, 10);
    assert.equal(zero.lower, 0);
    close(zero.upper, 0.277533);
    const all = wilsonInterval(10, 10);
    assert.equal(all.upper, 1);
    close(all.lower, 1 - 0.277533);
  });

  it('a wider interval at 99 %, and impossible counts refused', () => {
    const w = wilsonInterval(8, 10, 0.99);
    assert.ok(w.lower < 0.490162 && w.upper > 0.943318);
    assert.throws(() => wilsonInterval(11, 10), /impossible/);
    assert.throws(() => wilsonInterval(0, 0), /impossible/);
  });
});

describe('Newcombe hybrid score interval (method 10)', () => {
  it('56/70 − 48/80 = 0.2, 0.0524 to 0.3339 (Newcombe 1998, table II, example a)', () => {
    // Wilson 56/70: 0.691834 to 0.876953; Wilson 48/80: 0.490455 to 0.700382
    // lower = 0.2 − √((0.8 − 0.691834)² + (0.700382 − 0.6)²) = 0.2 − √(0.011700 + 0.010077) = 0.052431
    // upper = 0.2 + √((0.876953 − 0.8)² + (0.6 − 0.490455)²) = 0.2 + √(0.005922 + 0.012000) = 0.333873
    const d = newcombeDifference({ successes: 56, total: 70 }, { successes: 48, total: 80 });
    close(d.difference, 0.2, 1e-12);
    close(d.lower, 0.0524);
    close(d.upper, 0.3339);
  });

  it('the other examples of table II', () => {
    const cases: [number, number, number, number, number, number][] = [
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
    ];
    for (const [a, m, b, n, lower, upper] of cases) {
      const d = newcombeDifference({ successes: a, total: m }, { successes: b, total: n });
      close(d.lower, lower, 5e-5, `${a}/${m} − ${b}/${n} lower`);
      close(d.upper, upper, 5e-5, `${a}/${m} − ${b}/${n} upper`);
    }
  });
});

describe('Kaplan–Meier', () => {
  // 6-MP arm, by hand (n at risk, d events, S = Π (n − d)/n):
  //  t=6  n=21 d=3  S = 18/21            = 0.857143
  //  t=7  n=17 d=1  S = 0.857143 · 16/17 = 0.806723   (6+ left the risk set)
  //  t=10 n=15 d=1  S = 0.806723 · 14/15 = 0.752941   (9+ left)
  //  t=13 n=12 d=1  S = 0.752941 · 11/12 = 0.690196   (10+, 11+ left)
  //  t=16 n=11 d=1  S = 0.690196 · 10/11 = 0.627451
  //  t=22 n=7  d=1  S = 0.627451 · 6/7   = 0.537815   (17+, 19+, 20+ left)
  //  t=23 n=6  d=1  S = 0.537815 · 5/6   = 0.448179
  const curve = kaplanMeier(sixMp);
  const step = (t: number) => curve.steps.find((s) => s.time === t)!;

  it('the steps of the 6-MP arm: at risk, events, censored, S(t)', () => {
    assert.deepEqual(
      curve.steps.map((s) => [s.time, s.atRisk, s.events, s.censored]),
      [
        [6, 21, 3, 1],
        [7, 17, 1, 0],
        [9, 16, 0, 1],
        [10, 15, 1, 1],
        [11, 13, 0, 1],
        [13, 12, 1, 0],
        [16, 11, 1, 0],
        [17, 10, 0, 1],
        [19, 9, 0, 1],
        [20, 8, 0, 1],
        [22, 7, 1, 0],
        [23, 6, 1, 0],
        [25, 5, 0, 1],
        [32, 4, 0, 2],
        [34, 2, 0, 1],
        [35, 1, 0, 1],
      ],
    );
    const expected: [number, number][] = [
      [6, 0.857143],
      [7, 0.806723],
      [10, 0.752941],
      [13, 0.690196],
      [16, 0.627451],
      [22, 0.537815],
      [23, 0.448179],
    ];
    for (const [t, s] of expected) close(step(t).survival, s, 1e-6, `S(${t})`);
    close(survivalAt(curve, 30), 0.448179, 1e-6);
    assert.equal(survivalAt(curve, 5), 1);
  });

  it('Greenwood standard error at t = 13: 0.1068', () => {
    // Σ d/(n(n − d)) = 3/(21·18) + 1/(17·16) + 1/(15·14) + 1/(12·11)
    //               = 0.0079365 + 0.0036765 + 0.0047619 + 0.0075758 = 0.0239507
    // Var = S² · Σ = 0.690196² · 0.0239507 = 0.0114094, SE = 0.106815
    close(step(13).variance, 0.0114094, 1e-6);
    close(step(13).standardError, 0.106815, 1e-6);
  });

  it('log-log band at t = 13: 0.4316 to 0.8491', () => {
    // σ = √0.0239507 = 0.154760, ln S = −0.370780, z·σ/ln S = −0.818083
    // lower = S^exp(0.818083) = 0.690196^2.266079 = 0.431610; upper = S^exp(−0.818083) = 0.849066
    close(step(13).lower, 0.43161, 1e-5);
    close(step(13).upper, 0.849066, 1e-5);
  });

  it('median 23, 95 % CI 13 to not reached; the 90th percentile is not reached', () => {
    // Smallest t with S(t) ≤ 0.5: S(22) = 0.538, S(23) = 0.448 → 23.
    // Lower limit: first t whose lower band ≤ 0.5: lower(10) = 0.752941^2.420 = 0.503200, lower(13) = 0.431610 → 13.
    // Upper limit: the upper band stays above 0.5 (0.680 at t = 23, the last event) → not reached.
    assert.deepEqual(survivalMedian(curve), { p: 0.5, time: 23, lower: 13, upper: null });
    assert.deepEqual(survivalQuantile(curve, 0.9), { p: 0.9, time: null, lower: null, upper: null });
    // p = 0.25: S(10) = 0.753 > 0.75, S(13) = 0.690 → 13.
    assert.equal(survivalQuantile(curve, 0.25).time, 13);
  });

  it('placebo: median 8 (4 to 11), 90th percentile 17 (12 to 23), S reaching 0', () => {
    // S(5) = 0.571, S(8) = 0.381 → median 8; lower band: 0.425 at t = 4 (0.519 at t = 3); upper
    // band: 0.578 at t = 8, 0.482 at t = 11. p90: S(15) = 0.143, S(17) = 0.095 → 17; lower band 0.059
    // at 12 (0.116 at 11); upper band 0.197 at 22, then 0 at 23 when the last one at risk ends.
    const placeboCurve = kaplanMeier(placebo);
    assert.deepEqual(survivalMedian(placeboCurve), { p: 0.5, time: 8, lower: 4, upper: 11 });
    assert.deepEqual(survivalQuantile(placeboCurve, 0.9), { p: 0.9, time: 17, lower: 12, upper: 23 });
    const last = placeboCurve.steps.at(-1)!;
    assert.deepEqual([last.survival, last.variance, last.lower, last.upper], [0, 0, 0, 0]);
  });

  it('an exact 1 − p is reached despite rounding, and nobody finished gives S = 1 throughout', () => {
    // 4 observations, 2 events at t = 1 → S(1) = 2/4 = 0.5 exactly: the median is 1.
    const half = kaplanMeier([1, 1, 2, 3].map((time, i) => ({ time, event: i < 2 })));
    assert.equal(survivalMedian(half).time, 1);
    const open = kaplanMeier([{ time: 3, event: false }]);
    assert.deepEqual(survivalMedian(open), { p: 0.5, time: null, lower: null, upper: null });
    assert.deepEqual(kaplanMeier([]).steps, []);
    assert.throws(() => kaplanMeier([{ time: -1, event: true }]), /impossible/);
  });
});

describe('sorting durations', () => {
  it('sorts as Float64Array.prototype.sort does, radix sort or not, ties and zeros included', () => {
    let seed = 99;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const n of [0, 1, 500, 2_000, 10_000, 60_000]) {
      for (const spread of [1e-3, 3, 900]) {
        // Milliseconds in days (as the indicators' times), a tenth of them whole days, some 0 or −0.
        const values = Float64Array.from({ length: n }, (_, i) =>
          i % 97 === 0 ? (i % 2 ? -0 : 0) : i % 10 === 0 ? Math.floor(random() * spread) : random() * spread,
        );
        // −0 and 0 are the same duration (the radix sort writes −0 as 0).
        const plain = (a: Float64Array) => Array.from(a, (v) => v + 0);
        const expected = plain(values.slice().sort());
        assert.deepEqual(plain(sortTimes(values.slice())), expected, `${n} values up to ${spread}`);
      }
    }
    const invalid = Float64Array.from({ length: 20_000 }, (_, i) =>
      i === 7 ? -1 : i === 9 ? NaN : 20_000 - i,
    );
    const sorted = sortTimes(invalid.slice());
    assert.deepEqual(
      [sorted[0], sorted[1], Number.isNaN(sorted.at(-1)!)],
      [-1, 1, true],
      'the native sort then',
    );
  });
});

describe('Kaplan–Meier in columns (the indicators at 100,000)', () => {
  it('gives the quantiles of the steps, on the examples and on random data with ties', () => {
    let seed = 777;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const randomGroup = (): Observation[] =>
      Array.from({ length: 1 + Math.floor(random() * 60) }, () => ({
        time: Math.floor(random() * 40) / (random() < 0.5 ? 1 : 7),
        event: random() < 0.75,
      }));
    // Large ones too (narrow intervals: most limits are settled without being computed).
    const large = [5_000, 40_000].map((n) =>
      Array.from({ length: n }, () => ({ time: random() * 300, event: random() < 0.5 })),
    );
    for (const observations of [sixMp, placebo, ...Array.from({ length: 40 }, randomGroup), ...large]) {
      const curve = kaplanMeier(observations);
      const table = survivalTable(sortedTimes(observations));
      assert.equal(table.length, curve.steps.length);
      const ps = [0.25, 0.5, 0.75, 0.9];
      assert.deepEqual(
        tableQuantiles(table, ps),
        ps.map((p) => survivalQuantile(curve, p)),
      );
      assert.deepEqual(
        tableQuantiles(survivalTable(sortedTimes(observations), 0.95, true), ps),
        ps.map((p) => survivalQuantile(curve, p)),
        'from the event times only',
      );
    }
  });
});

describe('log-rank test', () => {
  it('a four-point example by hand: chi-square 0.6154', () => {
    // A: 1, 3; B: 2, 4 (all events).
    //  t=1 nA=2 nB=2 d=1 (A): E_A = 2/4 = 0.5,   V = 1·(2/4)(2/4)·3/3 = 0.25
    //  t=2 nA=1 nB=2 d=1 (B): E_A = 1/3,          V = (1/3)(2/3)·2/2   = 0.2222
    //  t=3 nA=1 nB=1 d=1 (A): E_A = 0.5,          V = (1/2)(1/2)·1/1   = 0.25
    //  t=4 nA=0 nB=1 d=1 (B): E_A = 0,            V = 0
    // O_A = 2, E_A = 1.3333, V = 0.7222; χ² = 0.6667² / 0.7222 = 0.6154
    const events = (times: number[]) => times.map((time) => ({ time, event: true }));
    const t = logRank(events([1, 3]), events([2, 4]));
    assert.deepEqual(t.observed, [2, 2]);
    close(t.expected[0], 4 / 3, 1e-12);
    close(t.variance, 13 / 18, 1e-12);
    close(t.chiSquare, 8 / 13, 1e-12);
  });

  it('6-MP against placebo: chi-square 16.79, p = 4.2e-5 (R survdiff: Chisq = 16.8)', () => {
    // O = 9 and 21; E(6-MP) = 19.2505, E(placebo) = 10.7495; V = 6.25696;
    // χ² = (9 − 19.2505)² / 6.25696 = 105.0728 / 6.25696 = 16.7929, p = erfc(√(16.7929 / 2)) = 4.17e-5
    const t = logRank(sixMp, placebo);
    assert.deepEqual(t.observed, [9, 21]);
    close(t.expected[0], 19.2505);
    close(t.expected[1], 10.7495);
    close(t.variance, 6.25696);
    close(t.chiSquare, 16.7929, 1e-4);
    close(t.pValue, 4.1688e-5, 1e-7);
  });

  it('no event: no test', () => {
    const t = logRank([{ time: 2, event: false }], [{ time: 3, event: false }]);
    assert.deepEqual([t.chiSquare, t.pValue], [null, null]);
  });

  it('equals the naive sums (a filter over each group at every event time) on random data with ties', () => {
    const naive = (first: readonly Observation[], second: readonly Observation[]) => {
      const times = [...new Set([...first, ...second].filter((o) => o.event).map((o) => o.time))].sort(
        (a, b) => a - b,
      );
      let [o1, o2, e1, v] = [0, 0, 0, 0];
      for (const t of times) {
        const n1 = first.filter((o) => o.time >= t).length;
        const n2 = second.filter((o) => o.time >= t).length;
        const d1 = first.filter((o) => o.event && o.time === t).length;
        const d2 = second.filter((o) => o.event && o.time === t).length;
        const [n, d] = [n1 + n2, d1 + d2];
        o1 += d1;
        o2 += d2;
        e1 += (d * n1) / n;
        if (n > 1) v += (d * (n1 / n) * (n2 / n) * (n - d)) / (n - 1);
      }
      return { observed: [o1, o2], expected1: e1, variance: v };
    };
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Whole days (many ties, events and censorings at the same time) or milliseconds (nearly none).
    const group = (size: number, whole: boolean): Observation[] =>
      Array.from({ length: size }, () => {
        const days = random() * 60;
        return { time: whole ? Math.floor(days) : days, event: random() < 0.7 };
      });
    for (let k = 0; k < 60; k++) {
      const whole = k % 2 === 0;
      const [a, b] = [group(1 + Math.floor(random() * 80), whole), group(Math.floor(random() * 80), whole)];
      const fast = logRank(a, b);
      const slow = naive(a, b);
      assert.deepEqual(fast.observed, slow.observed, `case ${k}`);
      assert.equal(fast.expected[0], slow.expected1, `case ${k} expected`);
      assert.equal(fast.variance, slow.variance, `case ${k} variance`);
    }
  });
});

describe('statistical confidentiality', () => {
  it('masks 1 to 4, shows 0 and 5 or more', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 120].map((n) => maskSmallCount(n)),
      [0, null, null, null, null, 5, 6, 120],
    );
    assert.equal(maskSmallCount(9, 10), null);
    assert.equal(maskSmallCount(10, 10), 10);
    assert.throws(() => maskSmallCount(-1), /impossible/);
    assert.throws(() => maskSmallCount(2.5), /impossible/);
  });
});
