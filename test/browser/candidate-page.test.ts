import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { CANDIDATE_STATUS_LINK, createLinkSigner } from '../../src/signed-links.js';
import { redactCandidatePath } from '../../src/web/candidate/routes.js';
import type { CandidacyView } from '../../src/workflows/candidacy/contract.js';
import { checkAccessibility, launchBrowser, screenshot } from '../support/browser.js';
import { CandidacyDriver } from '../support/path.js';
import { createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';

/** Inactivity reminders every 10 s: the first comes soon, abandonment (after 3) not before 40 s. */
const CADENCE_S = 10;

/**
 * The candidate's status page in a real Chromium, on the real stack: the signed link of their
 * e-mails, their path (phase, next step, blocks), the answer to an inactivity reminder, and the
 * links that must open nothing (another candidacy's, a tampered one, an expired one).
 */
describe('candidate status page (Chromium)', { timeout: 180_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let projectId: string;

  before(async () => {
    // The browser first: no Chromium fails the file at once, before the stack is started.
    browser = await launchBrowser();
    stack = await startTestStack();
    // The pages allow no script (CSP): axe-core is injected with the policy bypassed.
    context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    projectId = await createProjectWithPolicy(stack.db, {
      inactivityReminderStandard: { seconds: CADENCE_S },
      inactivityReminderReinforced: { seconds: CADENCE_S },
    });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  /** The path of the status link an e-mail carries (its host is PUBLIC_URL's, not the test server's). */
  function statusPath(mail: { text: string; html?: string | undefined }): string {
    const url = /Suivre votre parcours : (\S+)/.exec(mail.text)?.[1];
    assert.ok(url, `no status link in:\n${mail.text}`);
    assert.ok(url.startsWith(`${loadConfig().publicUrl}/candidat/`), url);
    assert.ok(mail.html?.includes(`href="${url}"`), 'the link in the HTML part');
    return new URL(url).pathname;
  }

  async function open(page: Page, path: string, expectedStatus: number) {
    const res = await page.goto(stack.baseUrl + path);
    assert.equal(res?.status(), expectedStatus, `GET ${redactCandidatePath(path)}`);
    return page;
  }

  const h1 = (page: Page) => page.locator('h1').innerText();
  /** The main content's text, as written (not as styled: DSFR badges are upper-cased by CSS). */
  const mainText = async (page: Page) =>
    ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ').trim();

  let coaching: CandidacyDriver;

  it('opens the path of a candidacy in coaching from the link of its e-mail', async () => {
    coaching = await CandidacyDriver.create(stack, { projectId });
    await coaching.toCoaching();
    const mail = await coaching.waitCandidateMail(/accompagn/i);
    const page = await open(await context.newPage(), statusPath(mail), 200);
    assert.equal(await h1(page), 'Votre parcours VAE');
    const text = await mainText(page);
    assert.match(text, /Étape actuelle : Accompagnement/);
    assert.match(text, /Prochaine étape : .*accompagnateur/);
    assert.match(text, /Certification « Titre professionnel Assistant de vie aux familles » \(RNCP35830\)/);
    assert.match(text, /Blocs acquis\s+Aucun bloc acquis pour le moment\./);
    assert.match(text, /RNCP35830BC01 — Entretenir le logement et le linge d’un particulier : présenté/);
    assert.match(text, /RNCP35830BC02 — .+ : présenté/);
    assert.match(text, /Début de votre accompagnement : le \d{1,2}(er)? \S+ \d{4} à \d{1,2} h/);
    assert.ok(text.includes(coaching.id), 'the candidacy reference');
    // Nothing personal: neither the candidate's name nor their address.
    assert.doesNotMatch(await page.content(), /Durand|@exemple\.fr/);
    assert.equal(await page.getByRole('button', { name: 'Je poursuis mon parcours' }).count(), 1);
    await checkAccessibility(page, 'candidate status (coaching)');
    await screenshot(page, 'candidate-status-coaching');
    await page.close();
  });

  it('answers an inactivity reminder with « Je poursuis mon parcours »: journaled, clock restarted', async () => {
    const reminder = await coaching.waitCandidateMail(/Relance n° 1/, (CADENCE_S + 15) * 1000);
    const before = await coaching.state();
    assert.equal(before.coaching?.unansweredReminders, 1);
    const nextBefore = reminderDue(before);

    const page = await open(await context.newPage(), statusPath(reminder), 200);
    assert.match(await mainText(page), /Vous avez reçu une relance sans réponse\./);
    await page.getByRole('button', { name: 'Je poursuis mon parcours' }).click();
    await page.waitForURL(/\/poursuivre$/);
    assert.equal(await h1(page), 'Merci, c’est noté');
    assert.match(await mainText(page), /la prochaine relance vous sera envoyée le/);
    await checkAccessibility(page, 'candidate resumed');
    await screenshot(page, 'candidate-resumed');

    const resumed = await coaching.waitEvent('resumed');
    assert.equal(resumed.actor_user_id, null, 'no user: the candidate has no account');
    assert.equal(resumed.actor_operator_id, OPERATORS.coaching, 'under their coaching operator');
    const after = await coaching.state();
    assert.equal(after.phase, 'coaching');
    assert.equal(after.coaching?.unansweredReminders, 0);
    const nextAfter = reminderDue(after);
    assert.ok(
      nextAfter > nextBefore && nextAfter > Date.parse(resumed.occurred_at.toISOString()),
      `next reminder moved from ${new Date(nextBefore).toISOString()} to ${new Date(nextAfter).toISOString()}`,
    );
    // The page now shows no unanswered reminder.
    await page.getByRole('link', { name: 'Revenir à mon parcours' }).click();
    assert.doesNotMatch(await mainText(page), /relance sans réponse/);
    await page.close();

    const timeline = await stack.http('GET', `/api/candidacies/${coaching.id}/timeline`, { role: 'coach' });
    const event = (timeline.body.events as { type: string; actor: unknown }[]).find(
      (e) => e.type === 'resumed',
    );
    assert.deepEqual(event?.actor, {
      userId: null,
      userName: null,
      operatorId: OPERATORS.coaching,
      operatorName: (event?.actor as { operatorName: string }).operatorName,
    });
  });

  it('shows only the candidacy of the link: another candidate’s link opens theirs', async () => {
    const other = await CandidacyDriver.create(stack, { projectId });
    const welcome = await other.waitCandidateMail(/Bienvenue/);
    const page = await open(await context.newPage(), statusPath(welcome), 200);
    const text = await mainText(page);
    assert.ok(text.includes(other.id));
    assert.ok(!text.includes(coaching.id), 'not the first candidacy');
    assert.match(text, /Étape actuelle : Repéré/);
    assert.equal(await page.getByRole('button', { name: 'Je poursuis mon parcours' }).count(), 0);
    await checkAccessibility(page, 'candidate status (identified)');
    await screenshot(page, 'candidate-status-identified');
    await page.close();

    // Its form, posted anyway, resumes nothing: the phase does not allow it.
    const path = statusPath(welcome);
    const res = await fetch(`${stack.baseUrl}${path}/poursuivre`, {
      method: 'POST',
      headers: { origin: stack.baseUrl },
    });
    assert.equal(res.status, 409);
    assert.equal((await other.events()).filter((e) => e.type === 'resumed').length, 0);
  });

  it('refuses a form posted from another site (Origin, or Referer without one)', async () => {
    const path = statusPath(coaching.candidateMails(/Relance n° 1/)[0]!);
    const count = async () => (await coaching.events()).filter((e) => e.type === 'resumed').length;
    const before = await count();
    for (const headers of [
      { origin: 'https://attaquant.exemple' },
      { origin: 'null' },
      { referer: 'https://attaquant.exemple/page' },
      {},
    ] as Record<string, string>[]) {
      const res = await fetch(`${stack.baseUrl}${path}/poursuivre`, { method: 'POST', headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(await res.text(), /Réponse refusée/);
    }
    assert.equal(await count(), before);
  });

  it('answers a tampered link with a 404 page', async () => {
    const mail = coaching.candidateMails(/Relance n° 1/)[0]!;
    const path = statusPath(mail);
    const last = path.at(-1) === 'A' ? 'B' : 'A';
    const page = await open(await context.newPage(), path.slice(0, -1) + last, 404);
    assert.equal(await h1(page), 'Lien invalide');
    assert.doesNotMatch(await mainText(page), new RegExp(coaching.id));
    await checkAccessibility(page, 'candidate link invalid');
    await screenshot(page, 'candidate-link-invalid');
    // Another link's token for the same candidacy (a jury invitation's purpose) opens nothing either.
    const signer = createLinkSigner(loadConfig().linkSecret);
    const foreign = signer.sign('jury-invitation', coaching.id, new Date(Date.now() + 3_600_000));
    await open(page, `/candidat/${foreign}`, 404);
    await open(page, '/candidat/pas-un-jeton', 404);
    await page.close();
  });

  it('answers an expired link with a 410 page', async () => {
    const signer = createLinkSigner(loadConfig().linkSecret);
    const token = signer.sign(CANDIDATE_STATUS_LINK, coaching.id, new Date(Date.now() - 60_000));
    const page = await open(await context.newPage(), `/candidat/${token}`, 410);
    assert.equal(await h1(page), 'Ce lien a expiré');
    assert.match(await mainText(page), /60 jours/);
    assert.doesNotMatch(await mainText(page), new RegExp(coaching.id));
    await checkAccessibility(page, 'candidate link expired');
    await screenshot(page, 'candidate-link-expired');
    await page.close();
    const res = await fetch(`${stack.baseUrl}/candidat/${token}/poursuivre`, {
      method: 'POST',
      headers: { origin: stack.baseUrl },
    });
    assert.equal(res.status, 410);
  });

  it('logs the path of a candidate page without its token', () => {
    assert.equal(redactCandidatePath('/candidat/abc.123.sig'), '/candidat/:token');
    assert.equal(redactCandidatePath('/candidat/abc.123.sig/poursuivre'), '/candidat/:token/poursuivre');
    assert.equal(redactCandidatePath('/api/candidacies'), '/api/candidacies');
  });

  itReplaysEveryWorkflow(() => stack);
});

/** When the next inactivity reminder is due (the workflow's next clock in coaching). */
function reminderDue(view: CandidacyView): number {
  assert.equal(view.nextTimer?.kind, 'inactivity-reminder', JSON.stringify(view.nextTimer));
  return Date.parse(view.nextTimer.dueAt);
}
