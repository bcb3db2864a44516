import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO } from '../../src/db/demo-data.js';
import { checkAccessibility, launchBrowser, screenshot } from '../support/browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The console's login in a real Chromium: the demo advisor asks for a link on /connexion, opens the
 * e-mailed link, presses « Se connecter » and lands on the inbox. Each page passes axe-core and is
 * kept as a screenshot.
 */
describe('console login (Chromium)', { timeout: 120_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    browser = await launchBrowser();
    stack = await startTestStack();
    // The pages allow no script (CSP): axe-core is injected with the policy bypassed.
    context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  const h1 = (page: Page) => page.locator('h1').innerText();

  it('logs the demo advisor in through the e-mailed link, onto the inbox', async () => {
    const advisor = DEMO.users.find((u) => u.role === 'advisor')!;
    const page = await context.newPage();

    const login = await page.goto(`${stack.baseUrl}/connexion`);
    assert.equal(login?.status(), 200);
    assert.equal(await h1(page), 'Connexion à Parcours VAE');
    await checkAccessibility(page, 'console login');
    await screenshot(page, 'console-login');

    await page.getByLabel('Adresse électronique').fill(advisor.email);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    await page.waitForURL(/\/connexion$/);
    assert.equal(await h1(page), 'Vérifiez votre messagerie');

    const mail = await stack.mail.waitFor(
      (m) => m.to.includes(advisor.email) && m.subject.includes('lien de connexion'),
      15_000,
    );
    // The link names PUBLIC_URL's host: its path is opened on the test server.
    const path = /\/connexion\/lien\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    assert.ok(path, mail.text);
    const linkPage = await page.goto(stack.baseUrl + path);
    assert.equal(linkPage?.status(), 200);
    assert.equal(await h1(page), 'Se connecter à Parcours VAE');
    await checkAccessibility(page, 'console login link');
    await screenshot(page, 'console-login-link');

    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${stack.baseUrl}/`);
    assert.equal(await h1(page), 'Boîte de réception');
    assert.ok((await page.locator('header').textContent())?.includes(advisor.name));
    await checkAccessibility(page, 'console inbox');
    await screenshot(page, 'console-inbox');
    await page.close();
  });
});
