import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { DEMO } from '../../src/db/demo-data.js';
import { hashToken } from '../../src/web/auth/secrets.js';
import { JOB_SITUATION_LABELS, qualificationLevelLabel } from '../../src/web/pages/labels.js';
import { checkAccessibility, launchBrowser, logInThroughLink, screenshot, tick } from '../support/browser.js';
import { eventually } from '../support/fixtures.js';
import { createProjectWithPolicy, OPERATORS, SECOND_ADVICE_OPERATOR } from '../support/projects.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';

/**
 * A candidacy's admissibility path through the console, in a real Chromium, as its users do it:
 * the demo advisor logs in with the link of the captured e-mail, creates a candidacy through the
 * form, records the information and files the admissibility request; the demo certifier (their own
 * browser context, their own session) declares the file incomplete, the advisor completes it, the
 * certifier decides « Recevable »; the advisor's inbox shows it in its new phase, and the candidate's
 * e-mail opens the status page at that phase. Around it: a form without its CSRF token (403),
 * another operator's advisor (404, listed nowhere), an expired login link (410). Every distinct
 * page passes axe-core and is kept as test-artifacts/browser/console-path-<step>.png.
 */
describe('console path: creation to admissibility (Chromium)', { timeout: 150_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let projectId: string;
  let advisorCtx: BrowserContext;
  let certifierCtx: BrowserContext;
  let foreignCtx: BrowserContext;
  let anonymousCtx: BrowserContext;
  let advisor: Page;
  let certifier: Page;
  let candidacyId: string;
  const suffix = randomUUID().slice(0, 6);
  const candidate = {
    firstName: 'Inès',
    lastName: `Parcours${suffix}`,
    email: `ines.parcours-${suffix}@exemple.fr`,
  };
  const foreignUser = {
    id: randomUUID(),
    name: 'Bruno Autreconseil',
    email: `bruno.autreconseil-${suffix}@demo.parcours-vae.local`,
  };
  const byRole = (role: string) => DEMO.users.find((u) => u.role === role)!;
  const [claire, marc, nadia] = [byRole('advisor'), byRole('certifier'), byRole('coach')];

  before(async () => {
    // The browser first: no Chromium fails the file at once, before the stack is started.
    browser = await launchBrowser();
    stack = await startTestStack();
    // A project like the demo one (default clocks: none runs out during the test) where a second
    // advice operator works too: its advisor is in the project, not in the candidacy.
    projectId = await createProjectWithPolicy(stack.db, {});
    await stack.db
      .insertInto('users')
      .values({
        id: foreignUser.id,
        operator_id: SECOND_ADVICE_OPERATOR,
        role: 'advisor',
        display_name: foreignUser.name,
        email: foreignUser.email,
      })
      .execute();
    // One context per person: each has its own session cookie. The pages allow no script (CSP):
    // axe-core is injected with the policy bypassed.
    const newContext = async () => {
      const context = await browser.newContext({
        bypassCSP: true,
        locale: 'fr-FR',
        timezoneId: 'Europe/Paris',
      });
      // A step that cannot happen fails in seconds, not after Playwright's 30 s.
      context.setDefaultTimeout(10_000);
      return context;
    };
    [advisorCtx, certifierCtx, foreignCtx, anonymousCtx] = await Promise.all([
      newContext(),
      newContext(),
      newContext(),
      newContext(),
    ]);
  });
  after(async () => {
    for (const c of [advisorCtx, certifierCtx, foreignCtx, anonymousCtx]) await c?.close();
    await browser?.close();
    await stack?.stop();
  });

  const h1 = (page: Page) => page.locator('h1').innerText();
  /** The main content's text, as written (not as styled: DSFR badges are upper-cased by CSS). */
  const mainText = async (page: Page) =>
    ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const squash = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  /** The phase badge of the candidacy page (« Phase : <badge> »). */
  const phase = (page: Page) =>
    squash(page.locator('main p').filter({ hasText: 'Phase :' }).locator('.fr-badge').first());
  /** The success alert an action's redirect shows. */
  const success = (page: Page) => squash(page.locator('main .fr-alert--success[role="status"]'));
  const candidacyUrl = () => `${stack.baseUrl}/candidatures/${candidacyId}`;

  async function check(page: Page, step: string) {
    await checkAccessibility(page, `console path: ${step}`);
    await screenshot(page, `console-path-${step}`);
  }

  /** /connexion, the e-mail read from the capture, the link's page, « Se connecter »: the inbox. */
  const logIn = (
    context: BrowserContext,
    user: { name: string; email: string },
    opts: { check?: boolean } = {},
  ) => logInThroughLink(stack, context, user, opts.check ? (page, step) => check(page, step) : undefined);

  /** The path of the login link e-mailed to `email` (its host is PUBLIC_URL's, not the test server's). */
  async function loginLinkPath(email: string): Promise<string> {
    const mail = await stack.mail.waitFor(
      (m) => m.to.includes(email) && m.subject.includes('lien de connexion'),
      15_000,
    );
    const path = /\/connexion\/lien\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
    assert.ok(path, mail.text);
    return path;
  }

  /** Submits an action's form on the candidacy page and waits for its redirect (« ?ok=<action> »). */
  async function act(page: Page, action: string, button: string, fill?: (form: Locator) => Promise<void>) {
    const form = page.locator(`#form-${action}`);
    await fill?.(form);
    await Promise.all([
      page.waitForURL(
        (url) => url.pathname === `/candidatures/${candidacyId}` && url.search === `?ok=${action}`,
      ),
      form.getByRole('button', { name: button }).click(),
    ]);
    assert.match(await success(page), /^Action enregistrée : /);
  }

  /** The inbox, reloaded until `ready` holds (the candidacies' rows follow the workflow). */
  async function inboxUntil(page: Page, ready: (row: Locator) => Promise<boolean>, what: string) {
    return eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/`);
        const row = page
          .locator('main table tr')
          .filter({ has: page.locator(`a[href="/candidatures/${candidacyId}"]`) });
        return (await ready(row)) && row;
      },
      15_000,
      what,
    );
  }

  it('logs the advisor in with the link read from the captured e-mail', async () => {
    advisor = await logIn(advisorCtx, claire, { check: true });
    await check(advisor, 'inbox-before');
  });

  it('creates a candidacy through the form: its page, phase « Repéré »', async () => {
    await advisor
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Nouvelle candidature' })
      .click();
    await advisor.waitForURL(/\/candidatures\/nouvelle$/);
    assert.equal(await h1(advisor), 'Nouvelle candidature');
    await check(advisor, 'new-candidacy');

    const form = advisor.locator('#creation');
    const projectName = `Projet de test ${projectId.slice(0, 8)}`;
    await tick(form, 'radio', projectName);
    await form.getByLabel('Prénom').fill(candidate.firstName);
    await form.getByLabel('Nom', { exact: true }).fill(candidate.lastName);
    await form.getByLabel(/^Adresse électronique/).fill(candidate.email);
    await form.getByLabel(/^Téléphone/).fill('06 12 34 56 78');
    await form.getByLabel(/^Année de naissance/).fill('1988');
    await form
      .getByLabel(/^Niveau de qualification/)
      .selectOption({ label: qualificationLevelLabel('level3') });
    await form.getByLabel(/^Situation d’emploi/).selectOption({ label: JOB_SITUATION_LABELS.employed });
    await tick(form, 'radio', /^RNCP35830 — /);
    await tick(form, 'checkbox', /^RNCP35830BC01 — /);
    await tick(form, 'checkbox', /^RNCP35830BC02 — /);
    await Promise.all([
      advisor.waitForURL(/\/candidatures\/[0-9a-f-]{36}\?ok=creation$/),
      form.getByRole('button', { name: 'Créer la candidature' }).click(),
    ]);
    candidacyId = /\/candidatures\/([0-9a-f-]{36})\?/.exec(advisor.url())![1]!;

    assert.equal(await h1(advisor), `${candidate.firstName} ${candidate.lastName}`);
    assert.equal(await success(advisor), 'Candidature créée : son parcours a démarré.');
    assert.equal(await phase(advisor), 'Repéré');
    const row = await stack.db
      .selectFrom('candidacies')
      .select(['project_id', 'operator_id', 'target_blocks'])
      .where('id', '=', candidacyId)
      .executeTakeFirstOrThrow();
    assert.equal(row.project_id, projectId);
    assert.equal(row.operator_id, OPERATORS.advice, 'the advisor’s operator, not the other one');
    assert.deepEqual(row.target_blocks, ['RNCP35830BC01', 'RNCP35830BC02']);
    await check(advisor, 'candidacy-identified');
  });

  it('refuses a form sent without its CSRF token: the 403 page, nothing recorded', async () => {
    const form = advisor.locator('#form-record-information');
    await tick(form, 'checkbox', /^J’atteste avoir vérifié l’éligibilité/);
    const removed = await advisor.evaluate(() => {
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(s: string): { remove(): void }[] };
      };
      const inputs = document.querySelectorAll('#form-record-information input[name="_csrf"]');
      for (const input of inputs) input.remove();
      return inputs.length;
    });
    assert.equal(removed, 1);
    const [response] = await Promise.all([
      advisor.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith('/actions/record-information'),
      ),
      form.getByRole('button', { name: 'Enregistrer l’information et le conseil' }).click(),
    ]);
    assert.equal(response.status(), 403);
    await advisor.locator('h1', { hasText: 'Formulaire expiré ou invalide' }).waitFor();
    assert.match(await mainText(advisor), /Erreur 403 .* rien n’a été enregistré/);
    await check(advisor, 'csrf-403');

    await advisor.goto(candidacyUrl());
    assert.equal(await phase(advisor), 'Repéré');
    assert.doesNotMatch(await mainText(advisor), /Information et conseil enregistrés/);
  });

  it('records the information, then files the admissibility request', async () => {
    await act(advisor, 'record-information', 'Enregistrer l’information et le conseil', (form) =>
      tick(form, 'checkbox', /^J’atteste avoir vérifié l’éligibilité/),
    );
    assert.equal(await phase(advisor), 'Informé et conseillé');
    await screenshot(advisor, 'console-path-informed');

    await act(advisor, 'submit-admissibility', 'Déposer la demande de recevabilité');
    assert.equal(await phase(advisor), 'Recevabilité demandée');
    assert.match(await mainText(advisor), /Qui doit agir : Certificateur — Ministère du Travail/);
    await screenshot(advisor, 'console-path-admissibility-requested');
  });

  it('the certifier logs in, finds it in their inbox and declares the file incomplete', async () => {
    certifier = await logIn(certifierCtx, marc);
    // The inbox lists where the caller's operator must act: the certifier's, now.
    const row = await inboxUntil(
      certifier,
      async (r) =>
        (await r.count()) === 1 && (await squash(r.locator('.fr-badge').first())) === 'Recevabilité demandée',
      'the candidacy in the certifier’s inbox',
    );
    await screenshot(certifier, 'console-path-certifier-inbox');
    await row.locator(`a[href="/candidatures/${candidacyId}"]`).click();
    await certifier.waitForURL(candidacyUrl());
    assert.equal(await phase(certifier), 'Recevabilité demandée');
    assert.match(await mainText(certifier), /Qui doit agir : Votre organisme .* — À vous d’agir/);

    await act(certifier, 'mark-incomplete', 'Déclarer le dossier incomplet', (form) =>
      tick(form, 'checkbox', 'Copie d’une pièce d’identité en cours de validité'),
    );
    assert.equal(await phase(certifier), 'Dossier de recevabilité incomplet');
    assert.match(await mainText(certifier), /Pièces manquantes : Copie d’une pièce d’identité/);
    await check(certifier, 'incomplete');
  });

  it('the advisor completes the file, the certifier decides « Recevable »', async () => {
    await advisor.goto(candidacyUrl());
    assert.equal(await phase(advisor), 'Dossier de recevabilité incomplet');
    await act(advisor, 'complete-file', 'Signaler le dossier complété');
    assert.equal(await phase(advisor), 'Recevabilité demandée');
    await screenshot(advisor, 'console-path-completed');

    await certifier.goto(candidacyUrl());
    assert.equal(await phase(certifier), 'Recevabilité demandée');
    await act(certifier, 'decide-admissibility', 'Enregistrer la décision', (form) =>
      tick(form, 'radio', 'Recevable', true),
    );
    assert.equal(await phase(certifier), 'Recevable');
    await screenshot(certifier, 'console-path-decided');
  });

  it('the advisor’s inbox shows the change; the candidacy page its clocks and timeline', async () => {
    // Waiting on the advisor's operator again (the coach to assign): in their inbox, « Recevable ».
    const row = await inboxUntil(
      advisor,
      async (r) => (await r.count()) === 1 && (await squash(r.locator('.fr-badge').first())) === 'Recevable',
      'the candidacy « Recevable » in the advisor’s inbox',
    );
    const rowText = await squash(row);
    assert.ok(
      rowText.includes(`${candidate.firstName} ${candidate.lastName}`) && rowText.includes('RNCP35830'),
      rowText,
    );
    await check(advisor, 'inbox');
    // And no longer in the certifier's: nothing waits on them.
    await inboxUntil(
      certifier,
      async (r) => (await r.count()) === 0,
      'the candidacy gone from the certifier’s inbox',
    );

    await row.locator(`a[href="/candidatures/${candidacyId}"]`).click();
    await advisor.waitForURL(candidacyUrl());
    assert.equal(await phase(advisor), 'Recevable');
    const clocks = advisor.locator('section[aria-labelledby="delais-titre"] tbody tr');
    assert.ok((await clocks.count()) >= 1, 'a clock runs');
    assert.match(await squash(clocks.first()), /\d{4}/, 'with its due date');
    const timeline = await squash(advisor.locator('section[aria-labelledby="historique-titre"]'));
    for (const event of [
      'Candidature créée (candidat repéré)',
      'Information et conseil enregistrés',
      'Demande de recevabilité déposée',
      'Dossier de recevabilité déclaré incomplet',
      'Dossier de recevabilité complété',
      'Décision de recevabilité',
    ]) {
      assert.ok(timeline.includes(event), `timeline: ${event}`);
    }
    assert.match(timeline, /Marc Certif \(Certificateur — Ministère du Travail\)/);
    await check(advisor, 'candidacy');
  });

  it('the candidate’s e-mail carries their /candidat/ link: the status page at « Recevable »', async () => {
    const mail = await stack.mail.waitFor(
      (m) => m.to.includes(candidate.email) && m.subject === 'Votre demande de VAE est recevable',
      20_000,
    );
    const url = /Suivre votre parcours : (\S+)/.exec(mail.text)?.[1];
    assert.ok(url, `no status link in:\n${mail.text}`);
    assert.ok(url.startsWith(`${loadConfig().publicUrl}/candidat/`), url);
    const page = await anonymousCtx.newPage();
    const res = await page.goto(stack.baseUrl + new URL(url).pathname);
    assert.equal(res?.status(), 200);
    assert.equal(await h1(page), 'Votre parcours VAE');
    const text = await mainText(page);
    assert.match(text, /Étape actuelle : Recevable/);
    assert.ok(text.includes(candidacyId));
    await check(page, 'candidate-status');
    await page.close();
  });

  it('another operator’s advisor is not shown the candidacy: 404 page, listed nowhere', async () => {
    const page = await logIn(foreignCtx, foreignUser);
    const content = async () => page.content();
    assert.ok(!(await content()).includes(candidacyId), 'not in their inbox');
    await page
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Candidatures' })
      .click();
    await page.waitForURL(/\/candidatures$/);
    assert.equal(await h1(page), 'Candidatures');
    assert.ok(!(await content()).includes(candidacyId), 'not in their list');
    assert.ok(!(await content()).includes(candidate.lastName));

    const res = await page.goto(candidacyUrl());
    assert.equal(res?.status(), 404);
    assert.equal(await h1(page), 'Page introuvable');
    assert.match(
      await mainText(page),
      /Cette candidature n’existe pas, ou votre organisme n’y a pas accès\./,
    );
    assert.ok(!(await content()).includes(candidate.lastName));
    await check(page, '404');
    // Its forms neither: posted with this session's own token, the same 404.
    const csrf = await page.locator('form.pvae-logout input[name="_csrf"]').first().getAttribute('value');
    assert.ok(csrf);
    const post = await page.request.post(`${candidacyUrl()}/actions/withdraw`, {
      form: { _csrf: csrf, reason: 'personal_reasons' },
      maxRedirects: 0,
    });
    assert.equal(post.status(), 404);
    await page.close();
  });

  it('an expired login link opens a clear page (410)', async () => {
    const page = await anonymousCtx.newPage();
    await page.goto(`${stack.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill(nadia.email);
    await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
    await page.locator('h1', { hasText: 'Vérifiez votre messagerie' }).waitFor();
    const path = await loginLinkPath(nadia.email);
    const token = path.split('/').pop()!;
    const updated = await stack.db
      .updateTable('login_links')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    assert.equal(updated.numUpdatedRows, 1n);

    const res = await page.goto(stack.baseUrl + path);
    assert.equal(res?.status(), 410);
    assert.equal(await h1(page), 'Ce lien a expiré ou a déjà servi');
    assert.match(await mainText(page), /valable 15 minutes et ne sert qu’une fois/);
    assert.equal(
      await page.getByRole('link', { name: 'Demander un nouveau lien' }).getAttribute('href'),
      '/connexion',
    );
    await check(page, 'link-expired');
    await page.close();
  });

  itReplaysEveryWorkflow(() => stack);
});
