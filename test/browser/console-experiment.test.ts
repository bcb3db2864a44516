import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO } from '../../src/db/demo-data.js';
import { formatDayTimeFr } from '../../src/domain/paris-time.js';
import { checkAccessibility, launchBrowser, logInThroughLink, screenshot, tick } from '../support/browser.js';
import { newCandidacyBody } from '../support/fixtures.js';
import { createProjectWithPolicy } from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The project lead's experiment page in a real Chromium: reached from the project's page, the
 * current version in French beside what the API answers, nothing concealed shown (no seed); a share
 * the block sizes cannot honour refused beside its field in French with the value kept and nothing
 * recorded; a new version saved and confirmed, then applied to the candidacy the API creates next;
 * the experiment switched off; an unchanged form recording nothing; a form sent after another
 * version was recorded refused (409) with the values kept; no CSRF token, 403; an advisor, 403.
 * Each page state passes axe-core; screenshots in test-artifacts/browser/.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read freely
type Json = any;

const CONFIRMATION = (n: number) =>
  `Nouvelle version ${n} enregistrée : elle s’applique aux candidatures créées à partir de maintenant ; les candidatures existantes gardent leur groupe.`;

describe('console: a project’s experiment, read and changed (Chromium)', { timeout: 180_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let projectId: string;
  const lead = DEMO.users.find((u) => u.role === 'project_lead')!;
  const advisor = DEMO.users.find((u) => u.role === 'advisor')!;

  before(async () => {
    browser = await launchBrowser();
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, {});
    await stack.db
      .updateTable('projects')
      .set({ lead_user_id: lead.id })
      .where('id', '=', projectId)
      .execute();
    context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  const url = () => `${stack.baseUrl}/projets/${projectId}/experience`;
  const squash = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const section = (heading: RegExp) =>
    page.locator('main section').filter({ has: page.locator('h2', { hasText: heading }) });
  const experiment = async (): Promise<Json> => {
    const res = await stack.http('GET', `/api/projects/${projectId}/experiment`, { role: 'project_lead' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  /** A table's body rows, each as its cells' texts. */
  const rowsOf = async (table: Locator) =>
    Promise.all(
      (await table.locator('tbody tr').all()).map(async (r) =>
        (await r.locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()),
      ),
    );
  /** The current version's table, parameter → value. */
  const configuration = async (): Promise<Record<string, string>> =>
    Object.fromEntries(await rowsOf(section(/^Version en cours/).locator('table')));
  const form = () => page.locator('form#experience');
  const share = () => form().getByLabel(/^Part du groupe test/);
  const blocks = () => form().getByLabel(/^Tailles de bloc/);

  async function check(step: string) {
    await checkAccessibility(page, `console experiment: ${step}`);
    await screenshot(page, `console-experiment-${step}`);
  }

  async function submit(expected: number) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click(),
    ]);
    await page.waitForLoadState();
    if (response.status() !== expected) {
      const shown = (await page.locator('main .fr-alert, main .fr-message--error').allTextContents()).join(
        ' | ',
      );
      assert.fail(`${response.status()} (expected ${expected}): ${shown}`);
    }
  }

  async function createCandidacy(): Promise<string> {
    const res = await stack.http('POST', '/api/candidacies', { body: newCandidacyBody({ projectId }) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  }

  const allocationOf = (candidacyId: string) =>
    stack.db
      .selectFrom('experiment_allocations')
      .select(['config_version', 'block_size', 'arm', 'stratum'])
      .where('candidacy_id', '=', candidacyId)
      .executeTakeFirstOrThrow();

  it('the lead follows « Expérimentation » from the project’s page and sees the current version', async () => {
    page = await logInThroughLink(stack, context, lead);
    await page.goto(`${stack.baseUrl}/projets/${projectId}`);
    await page.getByRole('link', { name: 'Expérimentation', exact: true }).click();
    await page.waitForURL(url());
    assert.match(await squash(page.locator('h1')), /^Expérimentation — Projet de test/);

    const api = await experiment();
    assert.equal(api.current.version, 1);
    assert.equal(await squash(section(/^Version en cours/).locator('h2')), 'Version en cours : version 1');
    assert.deepEqual(await configuration(), {
      Mode: 'Répartition aléatoire par blocs permutés',
      'Part du groupe test': '50 %',
      'Tailles de bloc': '2 ou 4 (tirées au hasard à chaque bloc, chaque bloc respectant exactement la part)',
      'Facteurs de stratification':
        'public (accompagnement renforcé ou non) × périmètre (un bloc, plusieurs blocs, certification entière)',
      Version: '1',
      Origine: 'Version initiale, créée au premier usage',
      'Enregistrée par': 'le système (aucune personne)',
      'Enregistrée le': formatDayTimeFr(api.current.createdAt),
    });
    // The form shows the current version's values.
    assert.ok(
      await form()
        .getByRole('radio', { name: /^Répartition aléatoire/ })
        .isChecked(),
    );
    assert.equal(await share().inputValue(), '50');
    assert.equal(await blocks().inputValue(), '2, 4');
    assert.equal(await share().getAttribute('aria-describedby'), 'experience-testShare-messages');
    // Counts by stratum, the six strata of public × scope; nothing concealed.
    const counts = section(/^Candidatures réparties/);
    assert.equal(
      await counts.locator('table').first().locator('tbody tr').count(),
      7,
      'six strata and the total',
    );
    const source = await page.locator('main').innerHTML();
    for (const concealed of ['seed', 'graine', 'segment', 'block_index', 'cursor', 'position='])
      assert.ok(!source.includes(concealed), concealed);
    assert.equal(await page.locator('script').count(), 0, 'no script');
    await check('current');
  });

  it('a share the API refuses is shown beside its field in French, the value typed kept, nothing recorded', async () => {
    await share().fill('150');
    await submit(400);
    assert.match(await squash(page.locator('#experience-testShare-messages')), /de 0 à 100/);
    assert.equal(await share().inputValue(), '150');

    // A quarter: a block of 2 cannot hold exactly a quarter of test — the domain's refusal.
    await share().fill('25');
    await submit(400);
    const message = await squash(page.locator('#experience-testShare-messages'));
    assert.match(
      message,
      /Avec une part du groupe test de 0,25, chaque taille de bloc doit être un multiple de 4/,
    );
    assert.equal(await share().inputValue(), '25', 'the value typed is kept');
    assert.equal(await blocks().inputValue(), '2, 4');
    assert.match(await squash(page.locator('h1')), /^Expérimentation/);
    assert.match(await page.title(), /^Erreur : Expérimentation/);
    const summary = page.locator('main .fr-alert--error');
    assert.match(await squash(summary), /Aucune version enregistrée/);
    assert.equal(await summary.locator('a[href="#experience-testShare"]').count(), 1);
    assert.equal((await experiment()).versions.length, 1, 'nothing recorded');
    await check('refused');
  });

  it('a valid change is saved and confirmed, and applies to the candidacy created next', async () => {
    await share().fill('33,33');
    await blocks().fill('3, 6');
    const scope = form().getByRole('checkbox', { name: /^Périmètre/ });
    assert.ok(await scope.isChecked());
    await form()
      .locator(`label[for="${await scope.getAttribute('id')}"]`)
      .click();
    assert.ok(!(await scope.isChecked()));
    await submit(303);
    assert.equal(page.url(), `${url()}?version=2`);
    assert.equal(await squash(page.locator('.fr-alert--success').first()), CONFIRMATION(2));
    assert.equal(await squash(section(/^Version en cours/).locator('h2')), 'Version en cours : version 2');
    const current = await configuration();
    assert.equal(current['Part du groupe test'], '33,33 %');
    assert.match(current['Tailles de bloc']!, /^3 ou 6 /);
    assert.equal(current['Facteurs de stratification'], 'public (accompagnement renforcé ou non)');
    assert.equal(current.Version, '2');
    assert.equal(current.Origine, 'Modification');
    assert.equal(current['Enregistrée par'], lead.name);
    const api = await experiment();
    const history = await rowsOf(section(/^Historique des versions/).locator('table'));
    assert.equal(history.length, 2);
    assert.deepEqual(history[0], [
      '2 en cours',
      'Aléatoire : 33,33 % au groupe test, blocs de 3 ou 6',
      'public',
      'Modification',
      `${lead.name}, le ${formatDayTimeFr(api.current.createdAt)}`,
    ]);
    assert.equal(history[1]![0], '1');
    assert.equal(await share().inputValue(), '33,33', 'the form shows the new version');

    assert.equal(api.current.version, 2);
    assert.ok(Math.abs(api.current.testShare - 1 / 3) < 1e-12, String(api.current.testShare));
    assert.deepEqual(api.current.blockSizes, [3, 6]);
    assert.deepEqual(api.current.stratumFactors, ['public']);
    assert.equal(api.current.createdBy.id, lead.id);
    assert.equal(api.totals.total, 0);

    const id = await createCandidacy();
    const after = await experiment();
    assert.equal(after.current.version, 2);
    assert.equal(after.totals.total, 1, 'the API counts the new candidacy');
    assert.deepEqual(
      after.strata.map((s: Json) => s.stratum),
      ['public=reinforced', 'public=standard'],
      'the strata of version 2',
    );
    const allocation = await allocationOf(id);
    assert.equal(allocation.config_version, 2, 'allocated under the new version');
    assert.ok([3, 6].includes(allocation.block_size!), String(allocation.block_size));
    assert.ok(['public=reinforced', 'public=standard'].includes(allocation.stratum));

    await page.reload();
    const counts = await rowsOf(
      section(/^Candidatures réparties/)
        .locator('table')
        .first(),
    );
    assert.deepEqual(
      counts.map((r) => r[0]),
      ['accompagnement renforcé', 'accompagnement standard', 'Ensemble'],
    );
    assert.deepEqual(counts.at(-1), [
      'Ensemble',
      String(after.totals.test),
      String(after.totals.control),
      '1',
      '0',
    ]);
    // The seed, drawn at the first allocation, is never shown.
    const secret = await stack.db
      .selectFrom('experiment_secrets')
      .select('allocation_seed')
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    assert.ok(!(await page.content()).includes(String(secret.allocation_seed)), 'the seed is never shown');
    await check('saved');
    await screenshot(page, 'console-experiment');
  });

  it('switched off: the next candidacy goes to the arm chosen; an unchanged form records nothing', async () => {
    await tick(form(), 'radio', /^Expérimentation arrêtée/);
    await tick(form(), 'radio', 'Groupe test', true);
    await submit(303);
    assert.equal(await squash(page.locator('.fr-alert--success').first()), CONFIRMATION(3));
    const off = await configuration();
    assert.equal(off.Mode, 'Expérimentation arrêtée');
    assert.equal(off['Groupe de toutes les nouvelles candidatures'], 'Groupe test');
    assert.equal(off['Part du groupe test'], undefined);
    const id = await createCandidacy();
    const candidacy = await stack.http('GET', `/api/candidacies/${id}`, { role: 'advisor' });
    assert.equal(candidacy.status, 200);
    assert.equal(candidacy.body.arm, 'test');
    assert.equal((await allocationOf(id)).config_version, 3);

    await submit(303);
    assert.match(
      await squash(page.locator('main .fr-alert--info, .fr-alert--info').first()),
      /Rien n’a changé : la version 3 reste en vigueur/,
    );
    assert.equal((await experiment()).versions.length, 3, 'nothing recorded');
    await check('off');
  });

  it('a form sent after another version was recorded is refused (409): nothing changed, the values kept', async () => {
    const put = await stack.http('PUT', `/api/projects/${projectId}/experiment`, {
      role: 'project_lead',
      body: { mode: 'randomised' },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.change.version, 4);
    // The page still shows version 3: the lead picks the control arm.
    await tick(form(), 'radio', 'Groupe témoin', true);
    await submit(409);
    assert.match(
      await squash(page.locator('main .fr-alert--error')),
      /La répartition a changé depuis l’ouverture de la page : la version 4 est maintenant en vigueur/,
    );
    assert.ok(await form().getByRole('radio', { name: 'Groupe témoin', exact: true }).isChecked(), 'kept');
    assert.ok(
      await form()
        .getByRole('radio', { name: /^Expérimentation arrêtée/ })
        .isChecked(),
      'kept',
    );
    assert.equal(await squash(section(/^Version en cours/).locator('h2')), 'Version en cours : version 4');
    const api = await experiment();
    assert.equal(api.versions.length, 4);
    assert.equal(api.current.mode, 'randomised');
    await check('conflict');
  });

  it('a form without the session’s CSRF token is refused, nothing recorded', async () => {
    const res = await context.request.post(url(), {
      form: { mode: 'off', arm: 'control', version: '4' },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    assert.match(await res.text(), /Formulaire expiré ou invalide/);
    assert.equal((await experiment()).versions.length, 4);
  });

  it('an advisor gets the console’s 403 page, with no form, and cannot post one', async () => {
    const other = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    try {
      const p = await logInThroughLink(stack, other, advisor);
      const res = await p.goto(url());
      assert.equal(res?.status(), 403);
      const text = ((await p.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(text, /Accès réservé/);
      assert.equal(await p.locator('form#experience').count(), 0);
      assert.doesNotMatch(text, /Enregistrer une nouvelle version|Candidatures réparties/);
      await checkAccessibility(p, 'console experiment: advisor 403');
      await screenshot(p, 'console-experiment-advisor-403');
      // With the advisor's own CSRF token, the POST is refused all the same.
      const csrf = await p.locator('input[name="_csrf"]').first().inputValue();
      const post = await other.request.post(url(), {
        form: { _csrf: csrf, mode: 'off', arm: 'test', version: '4' },
        maxRedirects: 0,
      });
      assert.equal(post.status(), 403);
      assert.equal((await experiment()).versions.length, 4);
    } finally {
      await other.close();
    }
  });
});
