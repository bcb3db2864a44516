import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageBand } from '../../src/app/indicators/age-band.js';
import { csvField, formatCsvNumber, parseCsv, toCsv } from '../../src/app/indicators/csv.js';
import { EXPORT_COLUMNS, dataDictionary } from '../../src/app/indicators/dictionary.js';
import { observationOf, publishedCurve, SEGMENTS } from '../../src/app/indicators/durations.js';
import { exportRecord } from '../../src/app/indicators/export.js';
import type { CandidacyFacts } from '../../src/app/indicators/facts.js';
import { exitOf, furthestStep, rawFunnel, registerFunnel } from '../../src/app/indicators/funnel.js';
import { pseudonym } from '../../src/app/indicators/pseudonym.js';
import { CellBook, suppressCells } from '../../src/app/indicators/suppression.js';
import { kaplanMeier, sortedTimes, survivalTable } from '../../src/domain/stats/index.js';
import { svgChart } from '../../src/web/pages/dashboard/svg-chart.js';

describe('indicators: CSV (RFC 4180)', () => {
  it('quotes a field holding a quote, a delimiter or a line break, doubling the quotes', () => {
    assert.equal(csvField('simple'), 'simple');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('a;b'), '"a;b"', 'either delimiter is quoted, so both variants are safe');
    assert.equal(csvField('dit "bonjour"'), '"dit ""bonjour"""');
    assert.equal(csvField('ligne 1\nligne 2'), '"ligne 1\nligne 2"');
    assert.equal(csvField('retour\r\nchariot'), '"retour\r\nchariot"');
    assert.equal(csvField(''), '');
    assert.equal(csvField(null), '');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(true), '1');
    assert.equal(csvField(false), '0');
  });

  it('writes numbers without exponent, at most 6 decimals, with a decimal comma in the semicolon variant', () => {
    assert.equal(formatCsvNumber(0.1 + 0.2, false), '0.3');
    assert.equal(formatCsvNumber(1e-7, false), '0');
    assert.equal(formatCsvNumber(-0.0000001, false), '0');
    assert.equal(formatCsvNumber(1234567.5, false), '1234567.5');
    assert.equal(formatCsvNumber(2, false), '2');
    assert.equal(formatCsvNumber(0.333333333, true), '0,333333');
    assert.equal(formatCsvNumber(Number.NaN, false), '');
    assert.equal(csvField(12.5, 'semicolon'), '12,5');
    assert.equal(csvField(12.5, 'comma'), '12.5');
  });

  it('defuses a text a spreadsheet would run as a formula', () => {
    assert.equal(csvField('=SOMME(A1:A9)'), "'=SOMME(A1:A9)");
    assert.equal(csvField('+33 6'), "'+33 6");
    assert.equal(csvField('@cmd'), "'@cmd");
    assert.equal(csvField(-3), '-3', 'a number keeps its sign');
  });

  it('writes a BOM, CRLF after every record, and reads back what it wrote, in both variants', () => {
    const rows = [
      ['Ensemble', 'Durée "médiane"', 0.5, true],
      ['Groupe; témoin', 'deux\nlignes', null, false],
      ['a,b', '', 1234.25, null],
    ];
    for (const separator of ['comma', 'semicolon'] as const) {
      const text = toCsv(['groupe', 'libelle', 'valeur', 'masque'], rows, { separator });
      assert.ok(text.startsWith('\uFEFF'));
      assert.ok(text.endsWith('\r\n'));
      const d = separator === 'comma' ? ',' : ';';
      assert.equal(text.split('\r\n')[0], `\uFEFFgroupe${d}libelle${d}valeur${d}masque`);
      const back = parseCsv(text, separator);
      assert.equal(back.length, 4);
      assert.deepEqual(back[1], ['Ensemble', 'Durée "médiane"', separator === 'comma' ? '0.5' : '0,5', '1']);
      assert.deepEqual(back[2], ['Groupe; témoin', 'deux\nlignes', '', '0']);
      assert.deepEqual(back[3], ['a,b', '', separator === 'comma' ? '1234.25' : '1234,25', '']);
    }
    assert.equal(toCsv(['x'], [], { bom: false }), 'x\r\n');
  });
});

describe('indicators: statistical confidentiality (masking)', () => {
  const counts = (o: Record<string, number>) => new Map(Object.entries(o));

  it('masks 1 to 4, shows 0 and 5 and more', () => {
    const masked = suppressCells(counts({ a: 0, b: 1, c: 4, d: 5, e: 12 }), []);
    assert.deepEqual([...masked].sort(), ['b', 'c']);
  });

  it('masks the smallest non-zero sibling of a lone masked cell, never a zero', () => {
    // 20 = 12 + 3 + 0 + 5: 3 alone would be 20 − 12 − 0 − 5.
    const masked = suppressCells(counts({ t: 20, a: 12, b: 3, z: 0, c: 5 }), [
      { total: 't', parts: ['a', 'b', 'z', 'c'] },
    ]);
    assert.deepEqual([...masked].sort(), ['b', 'c']);
  });

  it('masks the total when every other part is 0', () => {
    const masked = suppressCells(counts({ t: 3, a: 3, b: 0 }), [{ total: 't', parts: ['a', 'b'] }]);
    assert.deepEqual([...masked].sort(), ['a', 't']);
    const big = suppressCells(counts({ t: 7, a: 7, b: 0, c: 0 }), [{ total: 't', parts: ['a', 'b', 'c'] }]);
    assert.deepEqual([...big], [], 'nothing small, nothing masked');
  });

  it('leaves two masked parts as they are (neither is the difference of shown cells)', () => {
    const masked = suppressCells(counts({ t: 30, a: 2, b: 3, c: 25 }), [
      { total: 't', parts: ['a', 'b', 'c'] },
    ]);
    assert.deepEqual([...masked].sort(), ['a', 'b']);
  });

  it('masks a part of a table whose total is masked, so the total is not their sum', () => {
    // Arms: test 3 (masked), control 9; the project total 12 shown would give 3 away → control masked.
    // Then the funnel table of the control arm (total 9 masked) needs one of its parts masked too.
    const masked = suppressCells(counts({ all: 12, test: 3, control: 9, next: 6, left: 3 }), [
      { total: 'all', parts: ['test', 'control'] },
      { total: 'control', parts: ['next', 'left'] },
    ]);
    assert.deepEqual([...masked].sort(), ['control', 'left', 'test']);
  });

  it('spreads along a chain of tables until no masked cell is recomputable', () => {
    // The funnel: 10 reach step 1; 8 reach step 2; 2 left at step 1. 8 = 6 + 2 at step 2.
    const masked = suppressCells(counts({ r1: 10, r2: 8, w1: 2, r3: 6, w2: 2 }), [
      { total: 'r1', parts: ['r2', 'w1'] },
      { total: 'r2', parts: ['r3', 'w2'] },
    ]);
    assert.ok(masked.has('w1') && masked.has('w2'));
    // r2 is masked as w1's only non-zero sibling; r2's table then has r2 and w2 masked: r3 may stay.
    assert.ok(masked.has('r2'));
    for (const t of [
      { total: 'r1', parts: ['r2', 'w1'] },
      { total: 'r2', parts: ['r3', 'w2'] },
    ]) {
      const hidden = t.parts.filter((p) => masked.has(p)).length;
      assert.ok(masked.has(t.total) || hidden !== 1, `table ${t.total}: one masked part alone`);
    }
  });

  it('masks one more part when the sum of the masked would pin a small one (1 + 1 = 2; 1 + 5 = 6)', () => {
    // 20 = 18 + 1 + 1: two masked parts adding up to 2 are both 1.
    const ones = suppressCells(counts({ t: 20, a: 18, b: 1, c: 1, d: 0 }), [
      { total: 't', parts: ['a', 'b', 'c', 'd'] },
    ]);
    assert.deepEqual([...ones].sort(), ['a', 'b', 'c']);
    // 30 = 24 + 1 + 5: a small part and the 5 masked for it add up to 6, so the small one is 1.
    const six = suppressCells(counts({ t: 30, a: 24, b: 1, c: 5 }), [{ total: 't', parts: ['a', 'b', 'c'] }]);
    assert.deepEqual([...six].sort(), ['a', 'b', 'c']);
    // 30 = 21 + 2 + 7: 9 between a small one and one of 5 or more leaves 1 to 4: nothing more.
    const nine = suppressCells(counts({ t: 30, a: 21, b: 2, c: 7 }), [
      { total: 't', parts: ['a', 'b', 'c'] },
    ]);
    assert.deepEqual([...nine].sort(), ['b', 'c']);
  });

  it('CellBook publishes null, masked: true and why, and refuses a count registered twice with two values', () => {
    const book = new CellBook();
    book.count('t', 30);
    book.count('a', 3);
    book.count('b', 10);
    book.count('c', 17);
    book.table('t', ['a', 'b', 'c']);
    assert.throws(() => book.count('a', 4));
    book.seal();
    assert.deepEqual(book.out('a'), { n: null, masked: true, reason: 'small' });
    assert.deepEqual(book.out('b'), { n: null, masked: true, reason: 'secondary' });
    assert.deepEqual(book.out('c'), { n: 17, masked: false });
    assert.throws(() => book.count('c', 1), /sealed/);
  });
});

describe('indicators: age bands and pseudonyms', () => {
  it('puts the age of the identification year in its band, bounds included', () => {
    assert.equal(ageBand(2002, 2027), '<26');
    assert.equal(ageBand(2001, 2027), '26-35');
    assert.equal(ageBand(1992, 2027), '26-35');
    assert.equal(ageBand(1991, 2027), '36-45');
    assert.equal(ageBand(1982, 2027), '36-45');
    assert.equal(ageBand(1981, 2027), '46-55');
    assert.equal(ageBand(1972, 2027), '46-55');
    assert.equal(ageBand(1971, 2027), '>55');
    assert.throws(() => ageBand(1984.5, 2027));
  });

  it('gives a stable pseudonym (P and 16 base64url characters) per key and id, different under another key', () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const other = Buffer.alloc(32, 8).toString('base64url');
    const id = '3f2c1d7e-8a4b-4c5d-9e6f-0a1b2c3d4e5f';
    const p = pseudonym(key, id);
    assert.match(p, /^P[A-Za-z0-9_-]{16}$/);
    assert.equal(pseudonym(key, id), p);
    assert.notEqual(pseudonym(other, id), p);
    assert.notEqual(pseudonym(key, id.replace('3f', '4f')), p);
    assert.ok(!p.includes(id.slice(0, 8)));
  });
});

const DAY = 86_400_000;
const T0 = Date.parse('2027-01-10T09:00:00Z');

function facts(o: Partial<CandidacyFacts> = {}): CandidacyFacts {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    arm: 'test',
    reinforced: false,
    scope: 'one_block',
    adviceOperatorId: null,
    period: '2027-01',
    rncpCode: 'RNCP35830',
    targetedBlocks: 1,
    birthYear: 1984,
    qualificationLevel: 'level3',
    jobSituation: 'employed',
    identifiedAt: T0,
    informedAt: null,
    requestedAt: null,
    decidedAt: null,
    admissible: null,
    implicitDecision: null,
    coachAssignedAt: null,
    validationFileAt: null,
    presentedAt: null,
    blocksValidatedAt: null,
    validatedBlocks: 0,
    certificationObtained: false,
    lastOutcome: null,
    phase: 'identified',
    closedAt: null,
    juryRemote: null,
    waiting: {},
    reminders: {
      incompleteFile: 0,
      inactivity: 0,
      jury: 0,
      admissibilityWarning: 0,
      result: 0,
      juryEscalation: 0,
    },
    transfersRequested: 0,
    transfersAccepted: 0,
    transfersEscalated: 0,
    phaseHandoffs: 0,
    juryDeadlineMissed: 0,
    overdue: false,
    ...o,
  };
}

describe('indicators: the funnel and the durations from facts', () => {
  const informed = { informedAt: T0 + DAY, phase: 'informed' as const };
  const requested = { ...informed, requestedAt: T0 + 2 * DAY, phase: 'admissibility_requested' as const };
  const admissible = {
    ...requested,
    decidedAt: T0 + 10 * DAY,
    admissible: true,
    implicitDecision: false,
    phase: 'admissible' as const,
  };

  it('counts each candidacy at its furthest step and in one exit, so every step = next + its exits', () => {
    const cohort = [
      facts(),
      facts(informed),
      facts({ ...informed, phase: 'withdrawn', closedAt: T0 + 3 * DAY }),
      facts({ ...requested, phase: 'admissibility_lapsed', closedAt: T0 + 5 * DAY }),
      facts({
        ...requested,
        decidedAt: T0 + 9 * DAY,
        admissible: false,
        implicitDecision: false,
        phase: 'not_admissible',
        closedAt: T0 + 9 * DAY,
      }),
      facts(admissible),
      facts({ ...admissible, implicitDecision: true }),
      facts({ ...admissible, phase: 'abandoned', closedAt: T0 + 40 * DAY }),
    ];
    assert.deepEqual(cohort.map(furthestStep), [0, 1, 1, 2, 2, 3, 3, 3]);
    assert.deepEqual(cohort.map(exitOf), [
      'open',
      'open',
      'withdrawn',
      'lapsed',
      'closed',
      'open',
      'open',
      'abandoned',
    ]);
    const raw = rawFunnel(cohort);
    assert.deepEqual(
      raw.steps.map((s) => s.reached),
      [8, 7, 5, 3, 0, 0, 0, 0],
    );
    raw.steps.forEach((s, k) => {
      const next = raw.steps[k + 1]?.reached ?? 0;
      assert.equal(s.reached, next + Object.values(s.exits).reduce((a, b) => a + b, 0), s.key);
    });
    assert.equal(raw.admissibleExplicit, 2);
    assert.equal(raw.admissibleImplicit, 1);

    // Registered: identified 8 shown; informed 7 shown; its exits: open 1, withdrawn 1 (masked,
    // both); requested 5 shown…
    const book = new CellBook();
    registerFunnel(book, 'all/', raw);
    book.seal();
    assert.deepEqual(book.out('all/funnel.identified.reached'), { n: 8, masked: false });
    assert.equal(book.out('all/funnel.informed.withdrawn').masked, true);
    assert.equal(book.out('all/funnel.informed.open').masked, true);
    assert.deepEqual(book.out('all/funnel.coached.reached'), { n: 0, masked: false });
  });

  it('observes a phase from its start to its end, censoring an open candidacy at asOf and a closed one at its close', () => {
    const asOf = T0 + 100 * DAY;
    const admissibility = SEGMENTS.find((s) => s.key === 'admissibility')!;
    assert.deepEqual(observationOf(facts(admissible), admissibility, asOf), { time: 8, event: true });
    assert.deepEqual(observationOf(facts(requested), admissibility, asOf), { time: 98, event: false });
    assert.deepEqual(
      observationOf(facts({ ...requested, phase: 'withdrawn', closedAt: T0 + 4 * DAY }), admissibility, asOf),
      { time: 2, event: false },
    );
    assert.equal(observationOf(facts(informed), admissibility, asOf), null, 'never entered');
    const coachingStart = SEGMENTS.find((s) => s.key === 'coaching_start')!;
    assert.equal(
      observationOf(facts({ ...requested, decidedAt: T0 + 9 * DAY, admissible: false }), coachingStart, asOf),
      null,
      'not admissible: never starts coaching',
    );
  });

  it('publishes the curve from (0, 1) and stops it where fewer than 5 are at risk', () => {
    const curve = survivalTable(sortedTimes([1, 2, 3, 4, 5, 6, 7, 8].map((time) => ({ time, event: true }))));
    const points = publishedCurve(curve);
    assert.deepEqual(points[0], { time: 0, survival: 1, lower: 1, upper: 1, atRisk: 8 });
    assert.deepEqual(
      points.slice(1).map((p) => [p.time, p.atRisk]),
      [
        [1, 8],
        [2, 7],
        [3, 6],
        [4, 5],
      ],
    );
  });

  it('publishes at most one point per day: the estimator after the last event of the day', () => {
    // 15 candidacies: 12 through the phase at these days, 3 still in it at day 20.
    const times = [0.25, 0.5, 0.75, 1.2, 1.8, 3.5, 3.6, 3.7, 3.9, 10, 11, 12];
    const observations = [
      ...times.map((time) => ({ time, event: true })),
      ...[20, 20, 20].map((time) => ({ time, event: false })),
    ];
    const points = publishedCurve(survivalTable(sortedTimes(observations)));
    // Day 0 ends at 0.75 (12 of 15 left), day 1 at 1.8, day 3 at 3.9, then 10 and 11; at 12 only 4
    // are at risk: the curve stops at 11.
    assert.deepEqual(
      points.map((p) => [p.time, Math.round(p.survival * 15), p.atRisk]),
      [
        [0, 15, 15],
        [0.75, 12, 13],
        [1.8, 10, 11],
        [3.9, 6, 7],
        [10, 5, 6],
        [11, 4, 5],
      ],
    );
    // Each point is the estimator's own step, interval included.
    const steps = kaplanMeier(observations).steps;
    for (const p of points.slice(1)) {
      const s = steps.find((x) => x.time === p.time)!;
      assert.deepEqual(p, {
        time: s.time,
        survival: s.survival,
        lower: s.lower,
        upper: s.upper,
        atRisk: s.atRisk,
      });
    }
  });
});

describe('indicators: the pseudonymised export and its dictionary', () => {
  it('writes every column of the dictionary, and no identifier, birth year or contact', () => {
    const key = Buffer.alloc(32, 1).toString('base64url');
    const f = facts({ informedAt: T0 + DAY / 2, phase: 'informed', birthYear: 1984 });
    const r = exportRecord(f, { pseudonymKey: key, operatorNames: new Map(), asOf: T0 + 3 * DAY });
    assert.equal(r.ageBand, '36-45');
    assert.equal(r.days.informed, 0.5);
    assert.equal(r.observedDays, 3);
    const values = EXPORT_COLUMNS.map((c) => String(c.value(r) ?? ''));
    assert.ok(!values.includes(f.id));
    assert.ok(!values.includes('1984'));
    const names = EXPORT_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length, 'unique names');
    assert.ok(
      names.every((n) => /^[a-z0-9_]+$/.test(n)),
      names.join(','),
    );
    assert.ok(!names.some((n) => /naissance|nom|mail|telephone|employeur|id$/.test(n)), names.join(','));
    const dictionary = dataDictionary();
    assert.deepEqual(
      dictionary.export.columns.map((c) => c.name),
      names,
    );
    for (const c of dictionary.export.columns) {
      assert.ok(c.description.length > 20, c.name);
      if (c.values)
        assert.ok(
          c.values.every((v) => v.label.length > 0),
          c.name,
        );
    }
  });
});

describe('indicators: charts', () => {
  it('renders an SVG on the server as an image with its name and title', () => {
    const svg = svgChart(
      {
        xAxis: { type: 'category', data: ['a', 'b'] },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', data: [1, 2] }],
      },
      { title: 'Un <titre>', description: 'Des barres "a" et b' },
    ).value;
    assert.match(svg, /^<svg role="img" aria-label="Des barres &quot;a&quot; et b" /);
    assert.match(svg, /<title>Un &lt;titre&gt;<\/title>/);
    assert.match(svg, /viewBox="0 0 640 360"/);
    assert.doesNotMatch(svg, /<script/i);
  });
});
