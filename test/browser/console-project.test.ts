import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO } from '../../src/db/demo-data.js';
import { checkAccessibility, launchBrowser, logInThroughLink, screenshot, tick } from '../support/browser.js';
import { createProjectWithPolicy } from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The project lead's part of the console, in a real Chromium: the projects they lead, a project's
 * page (policy beside the legal defaults, operators, users, certifications), and the policy
 * changed through its form — a value out of bounds refused beside its parameter in French and
 * nothing saved, then a new decision deadline saved and recorded for new candidacies, then back to
 * the legal value. Each page state passes axe-core; screenshots in test-artifacts/browser/.
 */
describe('console: a project lead’s project and its policy (Chromium)', { timeout: 120_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let projectId: string;
  const lead = DEMO.users.find((u) => u.role === 'project_lead')!;

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

  const squash = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const policyFieldset = (label: RegExp) =>
    page.locator('main form fieldset').filter({ has: page.locator('legend', { hasText: label }) });
  const DEADLINE = /Délai de décision du certificateur sur la recevabilité/;

  async function check(step: string) {
    await checkAccessibility(page, `console project: ${step}`);
    await screenshot(page, `console-project-${step}`);
  }

  async function submit(expected: number) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Enregistrer la politique' }).click(),
    ]);
    await page.waitForLoadState();
    if (response.status() !== expected) {
      const shown = (await page.locator('main .fr-alert, main .fr-message--error').allTextContents()).join(
        ' | ',
      );
      assert.fail(`${response.status()} (expected ${expected}): ${shown}`);
    }
  }

  const storedOverrides = async () =>
    (
      (
        await stack.db
          .selectFrom('projects')
          .select('policy')
          .where('id', '=', projectId)
          .executeTakeFirstOrThrow()
      ).policy as { overrides?: Record<string, unknown> }
    ).overrides ?? {};

  it('shows the projects the lead leads and a project’s page', async () => {
    page = await logInThroughLink(stack, context, lead);
    await page.getByRole('link', { name: 'Projets' }).first().click();
    await page.waitForURL(`${stack.baseUrl}/projets`);
    await check('projects');
    await page.locator(`main a[href="/projets/${projectId}"]`).click();
    await page.waitForURL(`${stack.baseUrl}/projets/${projectId}`);
    const text = await squash(page.locator('main'));
    assert.match(text, /Politique du projet/);
    assert.match(
      text,
      /Délai de décision du certificateur sur la recevabilité|délai de décision du certificateur/i,
    );
    await check('project');
  });

  it('changes the policy through its form: out of bounds refused, then saved and recorded, then back to the legal value', async () => {
    await page.getByRole('link', { name: 'Modifier la politique' }).click();
    await page.waitForURL(`${stack.baseUrl}/projets/${projectId}/politique`);
    await check('policy-form');

    // 500 months: beyond the 10 years a policy allows, refused beside its parameter, nothing saved.
    await policyFieldset(DEADLINE).getByLabel('Nouvelle durée').fill('500');
    await policyFieldset(DEADLINE).getByLabel('Unité').selectOption({ label: 'mois' });
    await submit(400);
    assert.match(await squash(policyFieldset(DEADLINE).locator('.fr-message--error')), /\S/);
    assert.equal(await policyFieldset(DEADLINE).getByLabel('Nouvelle durée').inputValue(), '500');
    assert.deepEqual(await storedOverrides(), {});
    await check('policy-refused');

    await policyFieldset(DEADLINE).getByLabel('Nouvelle durée').fill('45');
    await policyFieldset(DEADLINE).getByLabel('Unité').selectOption({ label: 'jours' });
    await submit(303);
    assert.equal(
      await squash(page.locator('main .fr-alert--success, .fr-alert--success').first()),
      'Politique enregistrée : elle s’applique aux nouvelles candidatures.',
    );
    assert.deepEqual(await storedOverrides(), { admissibilityDecisionDeadline: { days: 45 } });
    assert.match(await squash(policyFieldset(DEADLINE).locator('legend')), /Valeur du projet : 45 jours/);
    const change = await stack.db
      .selectFrom('policy_changes')
      .select(['changed_by', 'changed_keys'])
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(change, { changed_by: lead.id, changed_keys: ['admissibilityDecisionDeadline'] });
    await check('policy-saved');

    // Back to the legal value.
    await tick(policyFieldset(DEADLINE), 'checkbox', 'Revenir à la valeur légale', true);
    await submit(303);
    assert.deepEqual(await storedOverrides(), {});
    assert.match(
      await squash(policyFieldset(DEADLINE).locator('legend')),
      /Valeur du projet : la valeur légale/,
    );
  });

  it('another project lead’s project is not theirs: a 403 page, nothing shown', async () => {
    const other = await createProjectWithPolicy(stack.db, {});
    await stack.db.updateTable('projects').set({ lead_user_id: null }).where('id', '=', other).execute();
    const res = await page.goto(`${stack.baseUrl}/projets/${other}/politique`);
    assert.ok(res?.status() === 403 || res?.status() === 404, String(res?.status()));
    assert.doesNotMatch(await squash(page.locator('main')), /Enregistrer la politique/);
  });
});
