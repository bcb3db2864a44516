import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO } from '../../src/db/demo-data.js';
import { formatDayTimeFr } from '../../src/domain/paris-time.js';
import { checkAccessibility, launchBrowser, logInThroughLink, screenshot, tick } from '../support/browser.js';
import { eventually } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';

/**
 * The convocation lead time: short, so that the session can be set a minute ahead at most (the
 * console's datetime-local input takes minutes, not seconds).
 */
const LEAD_SECONDS = 2;

/**
 * The compressed path's admissibility clocks (the candidacy gets there through the API in a second),
 * and every later clock out of the way but the convocation lead time: no coaching-start deadline,
 * inactivity reminder, jury escalation or deadline, result reminder or result deadline runs out
 * during the test, and a session closer than the jury reminder's lead time makes the convocation
 * the reminder (src/domain/candidacy/jury.ts).
 */
const POLICY = {
  ...COMPRESSED,
  coachingStartDeadline: { hours: 1 },
  inactivityReminderStandard: { hours: 1 },
  inactivityReminderReinforced: { hours: 1 },
  juryDeadlineAfterValidationFile: { hours: 2 },
  juryEscalationBefore: { hours: 1 },
  convocationLeadTime: { seconds: LEAD_SECONDS },
  juryReminderBefore: { hours: 1 },
  resultReminderAfter: { hours: 1 },
  resultNotificationDeadline: { hours: 2 },
};

/**
 * What a person in Paris types in a datetime-local input for an instant (`2027-03-14T09:30`),
 * written here with Intl rather than with the console's own conversion, which the test checks.
 */
const PARIS_INPUT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const parisInput = (instant: Date) => PARIS_INPUT.format(instant).replace(' ', 'T');
/** An instant to the minute (the input takes minutes). */
const toMinute = (ms: number, round: (x: number) => number) => new Date(round(ms / 60_000) * 60_000);

const BC01 = 'RNCP35830BC01';
const BC02 = 'RNCP35830BC02';
const BLOCKS_CAPTION = 'Blocs de compétences de cette candidature';
const ACQUIRED_CAPTION = 'Blocs déjà acquis par le candidat pour cette certification';

/**
 * The rest of a candidacy's path through the console, in a real Chromium, after admissibility
 * (brought to « Recevable » through the API: test/browser/console-path.test.ts drives that part in
 * the browser): the demo advisor confides the coaching to the coaching operator; the demo coach logs
 * in with the link of the captured e-mail, logs a coaching session and files the validation file;
 * the demo certifier is refused a session already past (the lead time, in French, the form kept),
 * schedules the jury a minute ahead at most (Paris time), waits for the session to be held (the
 * workflow's clock), records a partial result (one block validated, one not); the result page shows
 * the acquired block apart; the advisor opens the follow-up path for the block left (once, however
 * often the button is pressed). Each distinct page state passes axe-core; every step is kept as
 * test-artifacts/browser/console-jury-<step>.png.
 */
describe('console path: coaching, jury, partial result, follow-up (Chromium)', { timeout: 180_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let projectId: string;
  let driver: CandidacyDriver;
  let advisorCtx: BrowserContext;
  let coachCtx: BrowserContext;
  let certifierCtx: BrowserContext;
  let advisor: Page;
  let coach: Page;
  let certifier: Page;
  let sessionAt: Date;
  const suffix = randomUUID().slice(0, 6);
  const candidate = { firstName: 'Yasmine', lastName: `Jury${suffix}` };
  const place = `https://visio.exemple.fr/salle-jury-${suffix}`;
  const byRole = (role: string) => DEMO.users.find((u) => u.role === role)!;
  const [claire, marc, nadia] = [byRole('advisor'), byRole('certifier'), byRole('coach')];
  const coachingOperator = DEMO.operators.find((o) => o.id === OPERATORS.coaching)!;

  before(async () => {
    // The browser first: no Chromium fails the file at once, before the stack is started.
    browser = await launchBrowser();
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, POLICY);
    driver = await CandidacyDriver.create(stack, {
      projectId,
      candidate: {
        firstName: candidate.firstName,
        lastName: candidate.lastName,
        email: `yasmine.jury-${suffix}@exemple.fr`,
        phone: '+33 6 98 76 54 32',
        birthYear: 1979,
        qualificationLevel: 'level4',
        jobSituation: 'employed',
      },
    });
    const admissible = await driver.toAdmissible();
    assert.equal(admissible.phase, 'admissible');
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
    [advisorCtx, coachCtx, certifierCtx] = await Promise.all([newContext(), newContext(), newContext()]);
  });
  after(async () => {
    for (const c of [advisorCtx, coachCtx, certifierCtx]) await c?.close();
    await browser?.close();
    await stack?.stop();
  });

  const h1 = (page: Page) => page.locator('h1').innerText();
  /** The text as written (not as styled: DSFR badges are upper-cased by CSS), spaces squashed. */
  const squash = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const mainText = (page: Page) => squash(page.locator('main'));
  /** The phase badge of the candidacy page (« Phase : <badge> »). */
  const phase = (page: Page) =>
    squash(page.locator('main p').filter({ hasText: 'Phase :' }).locator('.fr-badge').first());
  /** The success alert an action's redirect shows. */
  const success = (page: Page) => squash(page.locator('main .fr-alert--success[role="status"]'));
  const candidacyUrl = (id = driver.id) => `${stack.baseUrl}/candidatures/${id}`;
  /** The body rows of a table, by its caption (its scrolling region is named after it). */
  const blockRows = (page: Page, caption: string) =>
    page.locator('main').getByRole('region', { name: caption, exact: true }).locator('tbody tr');
  /** A table row's cells, each as written. */
  const cells = async (row: Locator) =>
    (await row.locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

  async function check(page: Page, step: string) {
    await checkAccessibility(page, `console jury: ${step}`);
    await screenshot(page, `console-jury-${step}`);
  }

  /** /connexion, the e-mail read from the capture, the link's page, « Se connecter »: the inbox. */
  const logIn = (context: BrowserContext, user: { name: string; email: string }) =>
    logInThroughLink(stack, context, user);

  /**
   * Submits an action's form on the candidacy page and waits for its redirect (« ?ok=<action> »);
   * a form sent back (its errors, a refusal) fails with what the page says.
   */
  async function act(page: Page, action: string, button: string, fill?: (form: Locator) => Promise<void>) {
    const form = page.locator(`#form-${action}`);
    await fill?.(form);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/actions/${action}`)),
      form.getByRole('button', { name: button }).click(),
    ]);
    if (response.status() !== 303) {
      await page.waitForLoadState();
      const alerts = await squash(page.locator('main .fr-alert'));
      assert.fail(`${action}: ${response.status()}, not recorded: ${alerts}`);
    }
    await page.waitForURL(`${candidacyUrl()}?ok=${action}`);
  }

  /** The inbox, reloaded until the candidacy's row is there with `badge` as its phase. */
  async function fromInbox(page: Page, badge: string) {
    const row = await eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/`);
        const r = page
          .locator('main table tr')
          .filter({ has: page.locator(`a[href="/candidatures/${driver.id}"]`) });
        return (await r.count()) === 1 && (await squash(r.locator('.fr-badge').first())) === badge && r;
      },
      15_000,
      `the candidacy « ${badge} » in the inbox`,
    );
    await row.locator(`a[href="/candidatures/${driver.id}"]`).click();
    await page.waitForURL(candidacyUrl());
  }

  it('the advisor confides the coaching to the coaching operator: « Accompagnement »', async () => {
    advisor = await logIn(advisorCtx, claire);
    await fromInbox(advisor, 'Recevable');
    assert.equal(await h1(advisor), `${candidate.firstName} ${candidate.lastName}`);
    assert.equal(await phase(advisor), 'Recevable');
    await check(advisor, 'advisor-admissible');

    await act(advisor, 'assign-coach', 'Confier l’accompagnement', (form) =>
      tick(form, 'radio', coachingOperator.name, true),
    );
    assert.equal(await success(advisor), 'Action enregistrée : Confier l’accompagnement à un opérateur.');
    assert.equal(await phase(advisor), 'Accompagnement');
    assert.match(await mainText(advisor), /Qui doit agir : Le candidat/);
    await screenshot(advisor, 'console-jury-coach-assigned');
  });

  it('the coach logs in, logs a coaching session, files the validation file', async () => {
    coach = await logIn(coachCtx, nadia);
    // Waiting on the candidate, not on the coach: not in their inbox, in their list.
    await eventually(
      async () => {
        await coach.goto(`${stack.baseUrl}/candidatures`);
        return (await coach.locator(`main a[href="/candidatures/${driver.id}"]`).count()) === 1;
      },
      15_000,
      'the candidacy in the coach’s list',
    );
    await coach.locator(`main a[href="/candidatures/${driver.id}"]`).click();
    await coach.waitForURL(candidacyUrl());
    assert.equal(await h1(coach), `${candidate.firstName} ${candidate.lastName}`);
    assert.equal(await phase(coach), 'Accompagnement');
    assert.ok(await coach.locator('#form-log-coaching-session').isVisible());
    await check(coach, 'coach-candidacy');

    // Two hours ago, Paris time, to the minute (the form reads it in Paris, whatever the server's zone).
    const held = toMinute(Date.now() - 2 * 3600_000, Math.floor);
    await act(coach, 'log-coaching-session', 'Enregistrer la séance', async (form) => {
      await form.getByLabel(/^Date et heure de la séance/).fill(parisInput(held));
      await form.getByLabel(/^Durée de la séance, en minutes/).fill('90');
      await tick(form, 'radio', 'À distance (visioconférence)', true);
    });
    assert.equal(await success(coach), 'Action enregistrée : Saisir une séance d’accompagnement.');
    assert.equal(await phase(coach), 'Accompagnement');
    const timeline = await squash(coach.locator('section[aria-labelledby="historique-titre"]'));
    assert.ok(timeline.includes('Séance d’accompagnement saisie'), timeline);
    assert.ok(timeline.includes('Durée (minutes) : 90'), timeline);
    assert.ok(timeline.includes(`Date : ${formatDayTimeFr(held)}`), timeline);
    const logged = await driver.waitEvent('coaching_session_logged');
    assert.deepEqual(logged.payload, {
      date: held.toISOString(),
      durationMinutes: 90,
      modality: 'remote',
      sessionNumber: 1,
    });
    await screenshot(coach, 'console-jury-session-logged');

    await act(coach, 'submit-validation-file', 'Déposer le dossier de validation');
    assert.equal(await success(coach), 'Action enregistrée : Déposer le dossier de validation.');
    assert.equal(await phase(coach), 'Dossier de validation déposé');
    assert.match(await mainText(coach), /Qui doit agir : Certificateur — Ministère du Travail/);
    await screenshot(coach, 'console-jury-validation-file');
  });

  it('the certifier schedules the jury a short time ahead (Paris time): « Jury programmé »', async (t) => {
    certifier = await logIn(certifierCtx, marc);
    await fromInbox(certifier, 'Dossier de validation déposé');
    assert.equal(await phase(certifier), 'Dossier de validation déposé');
    assert.match(await mainText(certifier), /Qui doit agir : Votre organisme .* — À vous d’agir/);
    assert.ok(await certifier.locator('#form-schedule-jury').isVisible());
    await check(certifier, 'schedule-form');

    // A session already past: the convocation lead time's refusal, in French, the form kept.
    const past = toMinute(Date.now() - 60_000, Math.floor);
    const form = certifier.locator('#form-schedule-jury');
    await form.getByLabel(/^Date et heure de la session de jury/).fill(parisInput(past));
    await tick(form, 'radio', 'À distance (visioconférence)', true);
    await form.getByLabel(/^Lieu de la session/).fill(place);
    const [refused] = await Promise.all([
      certifier.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith('/actions/schedule-jury'),
      ),
      form.getByRole('button', { name: 'Programmer la session' }).click(),
    ]);
    assert.equal(refused.status(), 409);
    await certifier.locator('main .fr-alert--error').first().waitFor();
    const refusal = await squash(certifier.locator('main .fr-alert--error').first());
    assert.match(
      refusal,
      /^Action refusée : Programmer \(ou déplacer\) la session de jury La session doit être fixée au moins .+ après la convocation \(au plus tôt le .+\)\. Phase actuelle : Dossier de validation déposé\.$/,
    );
    assert.equal(await phase(certifier), 'Dossier de validation déposé');
    assert.equal(
      await form.getByLabel(/^Date et heure de la session de jury/).inputValue(),
      parisInput(past),
    );
    assert.equal(await form.getByLabel(/^Lieu de la session/).inputValue(), place);
    await check(certifier, 'schedule-refused');

    // The next whole minute at least the lead time and a margin ahead: the input takes minutes.
    sessionAt = toMinute(Date.now() + (LEAD_SECONDS + 6) * 1000, Math.ceil);
    await act(certifier, 'schedule-jury', 'Programmer la session', async (f) => {
      await f.getByLabel(/^Date et heure de la session de jury/).fill(parisInput(sessionAt));
      await tick(f, 'radio', 'À distance (visioconférence)', true);
      await f.getByLabel(/^Lieu de la session/).fill(place);
    });
    assert.equal(
      await success(certifier),
      'Action enregistrée : Programmer (ou déplacer) la session de jury.',
    );
    assert.equal(await phase(certifier), 'Jury programmé');
    const clocks = await squash(certifier.locator('section[aria-labelledby="delais-titre"]'));
    assert.ok(clocks.includes(formatDayTimeFr(sessionAt)), `the session's time in Paris: ${clocks}`);
    // The form now offers to move it: prefilled with the session, read back in Paris time.
    assert.equal(
      await certifier
        .locator('#form-schedule-jury')
        .getByLabel(/^Date et heure de la session de jury/)
        .inputValue(),
      parisInput(sessionAt),
    );
    const live = await driver.state();
    assert.deepEqual(
      { at: live.jurySession?.at, modality: live.jurySession?.modality, place: live.jurySession?.place },
      { at: sessionAt.toISOString(), modality: 'remote', place },
    );
    const convocation = await driver.waitCandidateMail(/convocation/i);
    assert.ok(convocation.text.includes(place), convocation.text);
    await screenshot(certifier, 'console-jury-scheduled');
    t.diagnostic(
      `session at ${sessionAt.toISOString()}, in ${Math.round((sessionAt.getTime() - Date.now()) / 1000)} s`,
    );
  });

  it('once the session is past, « Jury tenu » on its own; the certifier enters a partial result', async () => {
    await eventually(
      async () => {
        await certifier.goto(candidacyUrl());
        return (await phase(certifier)) === 'Jury tenu';
      },
      Math.max(0, sessionAt.getTime() - Date.now()) + 20_000,
      'the candidacy « Jury tenu »',
    );
    const form = certifier.locator('#form-record-jury-result');
    assert.ok(await form.isVisible());
    // One row per block presented, each with its « Bloc validé » box, none ticked.
    for (const code of [BC01, BC02]) {
      const row = form.getByRole('group', { name: new RegExp(`^${code} — `) });
      assert.equal(await row.getByRole('checkbox', { name: 'Bloc validé' }).isChecked(), false, code);
    }
    await check(certifier, 'result-form');

    await act(certifier, 'record-jury-result', 'Enregistrer le résultat', async (f) => {
      await f.getByLabel(/^Résultat du jury/).selectOption({ label: 'Validation partielle' });
      await tick(f.getByRole('group', { name: new RegExp(`^${BC01} — `) }), 'checkbox', 'Bloc validé', true);
      assert.equal(
        await f
          .getByRole('group', { name: new RegExp(`^${BC02} — `) })
          .getByRole('checkbox', { name: 'Bloc validé' })
          .isChecked(),
        false,
      );
    });
    assert.equal(await success(certifier), 'Action enregistrée : Saisir le résultat du jury.');
    assert.equal(await phase(certifier), 'Résultat notifié');

    // The blocks of this candidacy: one validated, one not.
    const blocks = blockRows(certifier, BLOCKS_CAPTION);
    assert.equal(await blocks.count(), 2);
    const [first, second] = [await cells(blocks.nth(0)), await cells(blocks.nth(1))];
    assert.deepEqual([first[0], first[2]], [BC01, 'Validé'], first.join(' | '));
    assert.deepEqual([second[0], second[2]], [BC02, 'Non validé'], second.join(' | '));
    // Apart: the blocks the candidate has acquired — this jury's one, not the other.
    const acquired = blockRows(certifier, ACQUIRED_CAPTION);
    assert.equal(await acquired.count(), 1);
    const own = await cells(acquired.first());
    assert.deepEqual([own[0], own[3]], [BC01, 'Celle-ci'], own.join(' | '));
    const timeline = await squash(certifier.locator('section[aria-labelledby="historique-titre"]'));
    for (const event of ['Session de jury programmée', 'Session de jury tenue', 'Résultat du jury saisi']) {
      assert.ok(timeline.includes(event), `timeline: ${event}`);
    }
    // Opening the follow-up is the advice operator's: not offered to the certifier.
    assert.equal(
      await certifier.getByRole('button', { name: 'Ouvrir le parcours complémentaire' }).count(),
      0,
    );
    const live = await driver.state();
    assert.deepEqual(live.blocks, [
      { code: BC01, status: 'validated' },
      { code: BC02, status: 'not_validated' },
    ]);
    await check(certifier, 'result');
  });

  it('the advisor opens the follow-up path for the block left', async () => {
    await advisor.goto(candidacyUrl());
    assert.equal(await phase(advisor), 'Résultat notifié');
    const section = advisor.locator('#action-follow-up');
    assert.equal(
      await squash(section.locator('h3')),
      'Ouvrir un parcours complémentaire pour les blocs non validés',
    );
    await check(advisor, 'advisor-result');
    await Promise.all([
      advisor.waitForURL(/\/candidatures\/[0-9a-f-]{36}\?ok=creation$/),
      section.getByRole('button', { name: 'Ouvrir le parcours complémentaire' }).click(),
    ]);
    const followUpId = /\/candidatures\/([0-9a-f-]{36})\?/.exec(advisor.url())![1]!;
    assert.notEqual(followUpId, driver.id);
    assert.equal(await success(advisor), 'Candidature créée : son parcours a démarré.');
    assert.equal(await h1(advisor), `${candidate.firstName} ${candidate.lastName}`);
    assert.equal(await phase(advisor), 'Repéré');
    const origin = advisor.locator('main p').filter({ hasText: 'Parcours complémentaire de' });
    assert.equal(await origin.locator('a').getAttribute('href'), `/candidatures/${driver.id}`);
    // It targets the block left; the acquired one is shown apart, with the jury's candidacy.
    const blocks = blockRows(advisor, BLOCKS_CAPTION);
    assert.equal(await blocks.count(), 1);
    const left = await cells(blocks.first());
    assert.deepEqual([left[0], left[2]], [BC02, 'Visé'], left.join(' | '));
    const acquired = blockRows(advisor, ACQUIRED_CAPTION);
    assert.equal(await acquired.count(), 1);
    assert.equal((await cells(acquired.first()))[0], BC01);
    assert.equal(
      await acquired
        .first()
        .getByRole('link', { name: 'Candidature du jury qui l’a validé' })
        .getAttribute('href'),
      `/candidatures/${driver.id}`,
    );
    const row = await stack.db
      .selectFrom('candidacies')
      .select(['parent_candidacy_id', 'target_blocks', 'project_id', 'candidate_id'])
      .where('id', '=', followUpId)
      .executeTakeFirstOrThrow();
    const parent = await stack.db
      .selectFrom('candidacies')
      .select('candidate_id')
      .where('id', '=', driver.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      parent_candidacy_id: driver.id,
      target_blocks: [BC02],
      project_id: projectId,
      candidate_id: parent.candidate_id,
    });
    await check(advisor, 'follow-up');

    // Sent again (a second click, a reload of the form's page): the same follow-up, not another.
    await advisor.goto(candidacyUrl());
    await Promise.all([
      advisor.waitForURL(`${candidacyUrl(followUpId)}?ok=creation`),
      advisor.getByRole('button', { name: 'Ouvrir le parcours complémentaire' }).click(),
    ]);
    const children = await stack.db
      .selectFrom('candidacies')
      .select('id')
      .where('parent_candidacy_id', '=', driver.id)
      .execute();
    assert.deepEqual(children, [{ id: followUpId }]);
  });

  itReplaysEveryWorkflow(() => stack);
});
