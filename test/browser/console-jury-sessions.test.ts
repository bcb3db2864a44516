import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO } from '../../src/db/demo-data.js';
import { checkAccessibility, launchBrowser, logInThroughLink, screenshot, tick } from '../support/browser.js';
import { eventually } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { createJuryOrganisation, type JuryOrganisation } from '../support/jury-organisation.js';
import { COMPRESSED, createProjectWithPolicy } from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** Room for the planner's half-day slots over the next weeks; a session can be set a minute ahead. */
const POLICY = {
  ...COMPRESSED,
  juryDeadlineAfterValidationFile: { days: 30 },
  juryEscalationBefore: { days: 1 },
  convocationLeadTime: { seconds: 15 },
  juryReminderBefore: { seconds: 5 },
};

const BC01 = 'RNCP35830BC01';
const BC02 = 'RNCP35830BC02';

/**
 * The jury part of the console, in a real Chromium: the jury organiser logs in, asks the planner
 * for sessions (a bad horizon refused beside its field), reads the optimal proposal and its cost,
 * creates the session (a remote one without its room refused, in French), a member accepts through
 * the e-mailed link's page, the organiser records another's withdrawal (the replacement is invited)
 * and cancels the session; then, on a session held, the project's certifier enters the results grid
 * (an incomplete grid refused beside its fields) and each candidacy gets its result. Each distinct
 * page state passes axe-core and is kept as test-artifacts/browser/console-jury-sessions-<step>.png.
 */
describe('console: jury planner, sessions, results grid (Chromium)', { timeout: 240_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let projectId: string;
  let organiserCtx: BrowserContext;
  let certifierCtx: BrowserContext;
  let organiserPage: Page;
  let org: JuryOrganisation;
  const organiser = { name: 'Odile Organisatrice', email: `odile.${randomUUID().slice(0, 8)}@exemple.fr` };
  const marc = DEMO.users.find((u) => u.role === 'certifier')!;
  const members = () => org.members;
  const invitationPath = (email: string, sessionId: string) => org.invitationPath(email, sessionId);
  let c1: CandidacyDriver;
  let c2: CandidacyDriver;

  before(async () => {
    browser = await launchBrowser();
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, POLICY);
    org = await createJuryOrganisation(stack, projectId);
    await stack.db
      .insertInto('users')
      .values({
        id: randomUUID(),
        operator_id: org.operatorId,
        role: 'jury_organiser',
        display_name: organiser.name,
        email: organiser.email,
      })
      .execute();
    await org.addMember('a', { profile: 'professional', gender: 'F', feeCents: 12_000 });
    await org.addMember('b', { profile: 'trainer', gender: 'M', feeCents: 9_000 });
    await org.addMember('c', { profile: 'trainer', gender: 'M', feeCents: 15_000 });
    c1 = await CandidacyDriver.create(stack, { projectId });
    c2 = await CandidacyDriver.create(stack, { projectId });
    await c1.toValidationFile();
    await c2.toValidationFile();
    const newContext = async () => {
      const context = await browser.newContext({
        bypassCSP: true,
        locale: 'fr-FR',
        timezoneId: 'Europe/Paris',
      });
      context.setDefaultTimeout(15_000);
      return context;
    };
    [organiserCtx, certifierCtx] = await Promise.all([newContext(), newContext()]);
  });
  after(async () => {
    for (const c of [organiserCtx, certifierCtx]) await c?.close();
    await browser?.close();
    await stack?.stop();
  });

  const squash = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const mainText = (page: Page) => squash(page.locator('main'));
  const success = (page: Page) => squash(page.locator('main .fr-alert--success[role="status"]'));
  const fieldError = (page: Page, label: RegExp) =>
    squash(
      page
        .locator('.fr-input-group, .fr-select-group')
        .filter({ has: page.getByLabel(label) })
        .locator('.fr-message--error'),
    );

  /** The cells of a table's row, each as written, by the table's caption and a text of the row. */
  const rowCells = async (page: Page, caption: string, hasText: string) =>
    (
      await page
        .getByRole('region', { name: caption, exact: true })
        .locator('tbody tr')
        .filter({ hasText })
        .locator('th, td')
        .allTextContents()
    ).map((t) => t.replace(/\s+/g, ' ').trim());
  const MEMBERS = 'Membres invités et leur réponse';

  async function check(page: Page, step: string) {
    await checkAccessibility(page, `console jury sessions: ${step}`);
    await screenshot(page, `console-jury-sessions-${step}`);
  }

  /**
   * Submits a form and returns the status of its POST's answer (303 when done); a status other than
   * `expected` fails with the page's errors.
   */
  async function submit(page: Page, button: Locator, expected?: number): Promise<number> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      button.click(),
    ]);
    await page.waitForLoadState();
    if (expected !== undefined && response.status() !== expected) {
      const errors = (await page.locator('main .fr-alert, main .fr-message--error').allTextContents()).join(
        ' | ',
      );
      assert.fail(`${response.status()} (expected ${expected}): ${errors}`);
    }
    return response.status();
  }

  it('the organiser plans, reads the proposal, creates the session; a member accepts, another withdraws, the session is cancelled', async () => {
    organiserPage = await logInThroughLink(stack, organiserCtx, organiser);
    const page = organiserPage;
    await page.getByRole('link', { name: 'Jurys' }).first().click();
    await page.waitForURL(`${stack.baseUrl}/jury`);
    assert.match(await mainText(page), /Membres du vivier : 3/);
    await check(page, 'home');

    // A place in a département that does not exist: refused beside its field, in French, the form kept.
    const form = page.locator('#planifier');
    await form.getByLabel('Nom du lieu').first().fill('Salle de Lyon');
    await form
      .getByLabel(/^Département/)
      .first()
      .fill('99');
    assert.equal(await submit(page, form.getByRole('button', { name: 'Proposer des sessions' })), 400);
    assert.match(await fieldError(page, /^Département/), /doit être un code de département/);
    assert.equal(
      await page.locator('#planifier').getByLabel('Nom du lieu').first().inputValue(),
      'Salle de Lyon',
    );
    await check(page, 'plan-refused');

    // Remote only, over two weeks.
    await page.locator('#planifier').getByLabel('Nom du lieu').first().fill('');
    await page
      .locator('#planifier')
      .getByLabel(/^Département/)
      .first()
      .fill('');
    await page
      .locator('#planifier')
      .getByLabel(/^Horizon de planification/)
      .fill('14');
    await submit(
      page,
      page.locator('#planifier').getByRole('button', { name: 'Proposer des sessions' }),
      303,
    );
    assert.match(page.url(), /\/jury\/propositions\/[0-9a-f-]{36}$/);
    const proposal = await mainText(page);
    // The optimum: one remote session, the two cheapest members who keep the rules (A and B).
    assert.match(proposal, /Sessions proposées : 1/);
    assert.match(proposal, /Candidats en attente de jury : 2, dont 2 placés/);
    assert.match(
      proposal,
      /Membres : Membre A \(président\), Membre B|Membres : Membre B, Membre A \(président\)/,
    );
    assert.match(proposal, /Coût : 210,00\s€/);
    assert.match(proposal, /Chaque candidat en attente est placé/);
    await check(page, 'proposal');

    // Remote without its room (no JURY_ROOM_URL_TEMPLATE in the tests): refused, said in French.
    const create = page.getByRole('button', { name: /^Créer la session s\d+ et inviter ses membres$/ });
    assert.equal(await submit(page, create), 400);
    assert.match(await mainText(page), /Une session à distance a besoin du lien de sa salle virtuelle/);
    await check(page, 'create-refused');
    await page.getByLabel(/^Lien de la salle virtuelle/).fill('https://visio.exemple.fr/salle-jury-console');
    assert.equal(await submit(page, page.getByRole('button', { name: /^Créer la session/ })), 303);
    assert.match(page.url(), /\/jury\/sessions\/[0-9a-f-]{36}\?ok=creation$/);
    const sessionId = /sessions\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    assert.equal(await success(page), 'Session créée : ses membres sont invités par courriel.');
    assert.match(await mainText(page), /Salle virtuelle : https:\/\/visio\.exemple\.fr\/salle-jury-console/);
    await check(page, 'session-composing');

    // Member A accepts through the link of their e-mail, in a browser (the GET answers nothing).
    const member = await organiserCtx.browser()!.newContext({ bypassCSP: true, locale: 'fr-FR' });
    const invitation = await member.newPage();
    await invitation.goto(stack.baseUrl + (await invitationPath(members().a!.email, sessionId)));
    await checkAccessibility(invitation, 'console jury sessions: invitation');
    await screenshot(invitation, 'console-jury-sessions-invitation');
    await invitation.getByRole('button', { name: 'J’accepte de siéger' }).click();
    await invitation.waitForLoadState();
    assert.equal(await invitation.locator('h1').innerText(), 'Merci, votre participation est enregistrée');
    await checkAccessibility(invitation, 'console jury sessions: invitation accepted');
    await member.close();

    await eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/jury/sessions/${sessionId}`);
        return (await rowCells(page, MEMBERS, 'Membre A'))[1] === 'Accepté';
      },
      15_000,
      'member A accepted, on the session page',
    );

    // B withdraws: C, the only other member qualified and free, is invited.
    const withdraw = page.getByRole('button', { name: 'Enregistrer le désistement de Membre B' });
    assert.equal(await submit(page, withdraw), 303);
    assert.equal(await success(page), 'Désistement enregistré : le meilleur remplaçant possible est invité.');
    await invitationPath(members().c!.email, sessionId);
    await eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/jury/sessions/${sessionId}`);
        return (
          (await rowCells(page, MEMBERS, 'Membre B'))[1] === 'Retiré' &&
          (await rowCells(page, MEMBERS, 'Membre C'))[1] === 'Invité'
        );
      },
      15_000,
      'B withdrawn and C invited, on the session page',
    );
    await check(page, 'session-replacement');

    assert.equal(await submit(page, page.getByRole('button', { name: 'Annuler la session' })), 303);
    assert.equal(
      await success(page),
      'Session annulée : ses candidatures reviennent en attente de jury, leurs délais intacts.',
    );
    assert.match(await mainText(page), /Statut : Session annulée/);
    for (const c of [c1, c2]) {
      await eventually(
        async () => (await c.state()).phase === 'validation_file_submitted',
        15_000,
        'released',
      );
    }
  });

  it('the certifier enters the results grid of a held session; each candidacy gets its result', async () => {
    // A session a minute ahead, composed through the API and the members' links.
    const startsAt = new Date(Date.now() + 45_000);
    const created = await stack.http('POST', '/api/jury/sessions', {
      token: org.token,
      body: {
        projectId,
        session: {
          rncpCode: 'RNCP35830',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 60_000).toISOString(),
          modality: 'remote',
          candidacyIds: [c1.id, c2.id],
          memberIds: [members().a!.id, members().b!.id],
          presidentId: members().a!.id,
        },
        roomUrl: 'https://visio.exemple.fr/salle-jury-grille',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sessionId = created.body.id as string;
    for (const key of ['a', 'b']) {
      const path = await invitationPath(members()[key]!.email, sessionId);
      assert.equal((await fetch(`${stack.baseUrl}${path}/accept`, { method: 'POST' })).status, 200);
    }

    const page = await logInThroughLink(stack, certifierCtx, marc);
    await page.getByRole('link', { name: 'Jurys' }).first().click();
    await page.waitForURL(`${stack.baseUrl}/jury`);
    // A certifier sees the sessions of the projects they certify, not the pool nor the planner.
    assert.ok((await page.locator(`main a[href="/jury/sessions/${sessionId}"]`).count()) === 1);
    assert.equal(await page.locator('#planifier').count(), 0);
    assert.doesNotMatch(await mainText(page), /Vivier de jurés/);
    await check(page, 'certifier-home');

    // Held at its start (the session's clock): the grid appears.
    await eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/jury/sessions/${sessionId}`);
        return (await page.locator('#grille').count()) === 1;
      },
      90_000,
      'the session held, its grid shown',
    );
    await check(page, 'grid');

    // Nothing chosen: refused, each outcome's error beside its select.
    assert.equal(
      await submit(page, page.getByRole('button', { name: 'Enregistrer la grille des résultats' })),
      400,
    );
    assert.equal(await page.locator('#grille .fr-select-group--error').count(), 2);
    await check(page, 'grid-refused');

    const grid = page.locator('#grille');
    const fieldsetOf = (id: string) =>
      grid.locator('fieldset').filter({ hasText: `Candidature n° ${id.slice(0, 8)}` });
    await fieldsetOf(c1.id).getByLabel('Résultat du jury').selectOption({ label: 'Validation partielle' });
    await tick(fieldsetOf(c1.id), 'checkbox', `Bloc ${BC01} validé`, true);
    await fieldsetOf(c2.id).getByLabel('Résultat du jury').selectOption({ label: 'Validation totale' });
    await tick(fieldsetOf(c2.id), 'checkbox', `Bloc ${BC01} validé`, true);
    await tick(fieldsetOf(c2.id), 'checkbox', `Bloc ${BC02} validé`, true);
    assert.equal(
      await submit(page, page.getByRole('button', { name: 'Enregistrer la grille des résultats' })),
      303,
    );
    assert.equal(await success(page), 'Grille enregistrée : chaque candidature a reçu son résultat.');
    await eventually(
      async () => {
        const s1 = await c1.state();
        const s2 = await c2.state();
        return s1.phase === 'result' && s2.phase === 'result';
      },
      20_000,
      'both candidacies in result',
    );
    await page.goto(`${stack.baseUrl}/jury/sessions/${sessionId}`);
    const cells = (id: string) =>
      rowCells(page, 'Candidatures de la session', `Candidature n° ${id.slice(0, 8)}`);
    assert.deepEqual(await cells(c1.id), [
      `Candidature n° ${c1.id.slice(0, 8)}`,
      'Résultat enregistré',
      'Validation partielle',
      BC01,
    ]);
    assert.deepEqual(await cells(c2.id), [
      `Candidature n° ${c2.id.slice(0, 8)}`,
      'Résultat enregistré',
      'Validation totale',
      `${BC01}, ${BC02}`,
    ]);
    const text = await mainText(page);
    assert.match(text, /Statut : Résultats transmis, session close/);
    // 120 € + 90 € for two candidates examined and three blocks validated.
    assert.match(text, /Total : 210,00\s€/);
    assert.match(text, /Par candidat examiné : 105,00\s€/);
    assert.match(text, /Par bloc validé : 70,00\s€/);
    await check(page, 'results');

    // The organiser of another operator does not see it; an advisor has no jury page.
    const other = await stack.http('GET', `/api/jury/sessions/${sessionId}`, { role: 'advisor' });
    assert.ok(other.status === 403 || other.status === 404, String(other.status));
  });
});
