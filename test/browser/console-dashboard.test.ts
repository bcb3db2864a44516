import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO } from '../../src/db/demo-data.js';
import {
  formatCount,
  formatEuros,
  formatNumber,
  formatPercentInterval,
  formatPointsInterval,
  formatPValue,
  formatPhaseQuantile,
  formatShare,
} from '../../src/web/pages/dashboard/format.js';
import { observed } from '../../src/web/pages/dashboard/durations-section.js';
import { checkAccessibility, launchBrowser, logInThroughLink, screenshot } from '../support/browser.js';
import { driveCohort, INDICATOR_POLICY, insertHeldSession, type Kind } from '../support/indicator-cohort.js';
import { createProjectWithPolicy, createUserWithToken, SECOND_ADVICE_OPERATOR } from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The project lead's dashboard in a real Chromium: reached from the project's page, every chart an
 * SVG image drawn on the server with its name, every table's numbers the ones the API answers for
 * the same project (formatted by the page's own functions), masked counts as « < 5 », no serious
 * accessibility violation; the downloads work with the session; an advisor is refused.
 */
const KINDS: [Kind, number][] = [
  ['informed', 3],
  ['withdrawn_informed', 2],
  ['rejected', 2],
  ['coached', 6],
  ['jury_partial', 4],
  ['jury_full_cert', 3],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read freely
type Json = any;

describe('console: a project’s indicators dashboard (Chromium)', { timeout: 240_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let projectId: string;
  let api: Json;
  const lead = DEMO.users.find((u) => u.role === 'project_lead')!;

  before(async () => {
    browser = await launchBrowser();
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, INDICATOR_POLICY);
    const secondAdvisorToken = await createUserWithToken(stack.db, SECOND_ADVICE_OPERATOR, 'advisor');
    const members = await driveCohort(
      stack,
      projectId,
      KINDS.flatMap(([k, n]) => Array.from({ length: n }, () => k)),
      { seed: 0xda5b, secondAdvisorToken },
    );
    const examined = members.filter((m) => m.kind.startsWith('jury_'));
    const pool = DEMO.juryMembers.map((j) => j.id);
    await insertHeldSession(stack, projectId, examined.slice(0, 4), {
      remote: true,
      costCents: 24_000,
      memberIds: pool.slice(0, 3),
    });
    await insertHeldSession(stack, projectId, examined.slice(4), {
      remote: false,
      costCents: 31_000,
      memberIds: pool.slice(3, 6),
    });
    context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(20_000);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

  /** The rows of the table in the wrapper of class `cls`: each row's header then cells, as shown. */
  async function rowsOf(cls: string): Promise<string[][]> {
    const rows = await page.locator(`.${cls} table tbody tr`).all();
    return Promise.all(
      rows.map(async (r) => (await r.locator('th, td').allTextContents()).map((t) => squash(t))),
    );
  }

  it('opens the dashboard from the project’s page: the charts are SVG images with a name', async () => {
    page = await logInThroughLink(stack, context, lead);
    await page.goto(`${stack.baseUrl}/projets/${projectId}`);
    await page.getByRole('link', { name: 'Indicateurs et export pour les évaluateurs' }).click();
    await page.waitForURL(`${stack.baseUrl}/projets/${projectId}/indicateurs`);
    assert.match(squash(await page.locator('h1').textContent()), /^Indicateurs — Projet de test/);
    const res = await stack.http('GET', `/api/indicators?projectId=${projectId}&breakdown=arm`, {
      role: 'project_lead',
    });
    assert.equal(res.status, 200);
    api = res.body;

    // Funnel, durations, 7 Kaplan–Meier charts, waiting, jury costs.
    const charts = page.locator('main svg[role="img"]');
    assert.equal(await charts.count(), 11);
    for (const chart of await charts.all()) {
      assert.ok(((await chart.getAttribute('aria-label')) ?? '').length > 30);
      assert.ok(squash(await chart.locator('title').textContent()).length > 10);
      assert.ok((await chart.boundingBox())!.width > 200, 'drawn at a readable size');
    }
    assert.equal(await page.locator('script').count(), 0, 'no script');
    assert.equal(
      await page.locator('[src^="http"], link[href^="http"]').count(),
      0,
      'nothing from elsewhere',
    );
    const nav = squash(await page.locator('#navigation').textContent());
    assert.match(nav, /Indicateurs/);
  });

  it('shows in its tables the very numbers the API answers, masked counts as « < 5 »', async () => {
    const groups = Object.fromEntries(api.breakdown.groups.map((g: Json) => [g.key, g.indicators]));
    const [all, test, control] = [api.overall, groups.test, groups.control];

    const funnel = await rowsOf('pvae-dashboard-funnel');
    assert.equal(funnel.length, 8);
    all.funnel.steps.forEach((s: Json, k: number) => {
      assert.deepEqual(
        funnel[k],
        [
          s.label,
          formatCount(s.reached),
          formatCount(test.funnel.steps[k].reached),
          formatCount(control.funnel.steps[k].reached),
        ].map(squash),
      );
    });
    assert.ok(funnel.flat().includes('< 5'), 'a count of 1 to 4 shows as « < 5 »');
    assert.equal(funnel[0]![1], formatNumber(20, 0), '20 identified');

    const conversions = await rowsOf('pvae-dashboard-conversion');
    const comparison = new Map(api.comparison.proportions.map((p: Json) => [p.key, p]));
    all.funnel.steps.slice(1).forEach((s: Json, i: number) => {
      const diff = comparison.get(`conversion.${s.key}`) as Json;
      assert.deepEqual(
        conversions[i],
        [
          s.label,
          formatPercentInterval(test.funnel.steps[i + 1].conversion),
          formatPercentInterval(control.funnel.steps[i + 1].conversion),
          formatPointsInterval(diff.difference),
        ].map(squash),
      );
    });

    const durations = await rowsOf('pvae-dashboard-durations');
    const p90 = await rowsOf('pvae-dashboard-p90');
    const logRank = new Map(api.comparison.durations.map((d: Json) => [d.key, d.logRank]));
    all.durations.forEach((d: Json, k: number) => {
      const lr = logRank.get(d.key) as Json;
      assert.deepEqual(
        durations[k],
        [
          d.label,
          formatPhaseQuantile(test.durations[k], 'median'),
          formatPhaseQuantile(control.durations[k], 'median'),
        ].map(squash),
      );
      assert.deepEqual(
        p90[k],
        [
          d.label,
          formatPhaseQuantile(test.durations[k], 'p90'),
          formatPhaseQuantile(control.durations[k], 'p90'),
          formatPValue(lr.pValue, lr.masked),
        ].map(squash),
      );
    });

    for (const [k, d] of all.durations.entries()) {
      const km = await rowsOf(`pvae-dashboard-km-${d.key}`);
      assert.deepEqual(
        km,
        [test.durations[k], control.durations[k]].map((x: Json, i: number) =>
          [
            i === 0 ? 'Groupe test' : 'Groupe témoin',
            observed(x),
            formatPhaseQuantile(x, 'median'),
            formatPhaseQuantile(x, 'p90'),
          ].map(squash),
        ),
        d.key,
      );
    }

    const jury = await rowsOf('pvae-dashboard-jury');
    const cols = [all, test, control];
    const expected: [string, (s: Json) => string][] = [
      ['Sessions tenues', (s) => formatNumber(s.jury.sessionsHeld, 0)],
      ['Part des sessions à distance', (s) => formatShare(s.jury.remoteShare)],
      ['Membres de jury mobilisés', (s) => formatCount(s.jury.membersMobilised)],
      ['Candidats examinés', (s) => formatCount(s.jury.candidatesExamined)],
      ['Blocs validés', (s) => formatNumber(s.jury.validatedBlocks, 0)],
      ['Coût des sessions (part du groupe)', (s) => formatEuros(s.jury.costEuros)],
      ['Coût par session', (s) => formatEuros(s.jury.costPerSessionEuros)],
      ['Coût par candidat examiné', (s) => formatEuros(s.jury.costPerCandidateEuros)],
      ['Coût par bloc validé', (s) => formatEuros(s.jury.costPerValidatedBlockEuros)],
    ];
    assert.deepEqual(
      jury,
      expected.map(([label, f]) => [label, ...cols.map(f)].map(squash)),
    );
    assert.equal(jury[0]![1], '2', 'two sessions held');
    assert.equal(jury[5]![1], squash(formatEuros(550)), '240 € + 310 €');

    const activity = await rowsOf('pvae-dashboard-activity');
    assert.equal(activity[2]![0], 'Décisions de recevabilité');
    assert.deepEqual(
      activity[2]!.slice(1),
      cols.map((s: Json) => formatCount(s.activity.implicitDecisions.decisions)),
    );
  });

  it('passes axe-core without a serious violation, and keeps a screenshot', async () => {
    await checkAccessibility(page, 'console dashboard');
    await screenshot(page, 'console-dashboard');
  });

  it('downloads the indicators, the pseudonymised export and the dictionary with the session', async () => {
    for (const href of [
      `/projets/${projectId}/indicateurs.csv?separator=semicolon`,
      `/projets/${projectId}/export-evaluateurs.csv?separator=semicolon`,
      '/indicateurs/dictionnaire.csv?separator=semicolon',
    ]) {
      assert.equal(await page.locator(`main a[href="${href}"]`).count(), 1, href);
      const res = await page.request.get(stack.baseUrl + href);
      assert.equal(res.status(), 200, href);
      assert.match(res.headers()['content-type'] ?? '', /^text\/csv; charset=utf-8/);
      const body = await res.body();
      assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${href}: BOM`);
    }
    const exported = (
      await (await page.request.get(`${stack.baseUrl}/projets/${projectId}/export-evaluateurs.csv`)).text()
    )
      .trim()
      .split('\r\n');
    assert.equal(exported.length, 1 + 20, 'a header and a row per candidacy');
    await page.goto(`${stack.baseUrl}/indicateurs`);
    assert.equal(await page.locator(`main a[href="/projets/${projectId}/indicateurs"]`).count(), 1);
    await checkAccessibility(page, 'console indicators home');
  });

  it('refuses an advisor: a 403 page, nothing shown', async () => {
    const other = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    try {
      const advisor = DEMO.users.find((u) => u.role === 'advisor')!;
      const p = await logInThroughLink(stack, other, advisor);
      const res = await p.goto(`${stack.baseUrl}/projets/${projectId}/indicateurs`);
      assert.equal(res?.status(), 403);
      assert.equal(await p.locator('main svg').count(), 0);
      const csv = await p.request.get(`${stack.baseUrl}/projets/${projectId}/export-evaluateurs.csv`);
      assert.equal(csv.status(), 403);
      assert.doesNotMatch(squash(await p.locator('#navigation').textContent()), /Indicateurs/);
    } finally {
      await other.close();
    }
  });
});
