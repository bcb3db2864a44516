import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { TestStack } from './stack.js';

/** Where Debian's chromium package puts its binary (and older releases' name). */
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The browser tests' Chromium: the system's (Debian's `chromium`, installed by .ci/run), driven by
 * playwright-core, which never downloads a browser of its own. No browser found is a failure, not a
 * skip: a browser test that cannot run must not pass. CHROMIUM_PATH, when set, must exist.
 */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file.`);
    return configured;
  }
  const found = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium for the browser tests: looked for ${SYSTEM_CHROMIUM.join(', ')}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Chromium's sandbox refuses to run as root (CI runs as root).
    args: [...(asRoot ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
  });
}

const require = createRequire(import.meta.url);
const AXE_SCRIPT = require.resolve('axe-core/axe.min.js');

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core in the page (WCAG 2.0 A and AA, WCAG 2.1 AA) and fails on any serious or critical
 * violation, listing each rule with the elements at fault. The page's context must bypass its
 * Content-Security-Policy (`bypassCSP: true`): the pages allow no script, axe is one.
 */
export async function checkAccessibility(page: Page, name: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    // Runs in the page: its globals, not Node's (the project's types have no DOM).
    const { axe, document } = globalThis as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<unknown> };
      document: unknown;
    };
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    })) as { violations: AxeViolation[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  });
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (blocking.length) {
    const list = blocking
      .map(
        (v) =>
          `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
          v.nodes
            .slice(0, 5)
            .map((n) => `    ${JSON.stringify(n.target)} ${n.html.slice(0, 160)}`)
            .join('\n'),
      )
      .join('\n');
    throw new Error(`${name}: ${blocking.length} serious or critical accessibility violation(s):\n${list}`);
  }
  return violations;
}

const ARTIFACTS = path.resolve(fileURLToPath(new URL('../../test-artifacts/browser/', import.meta.url)));

/** A full-page screenshot kept as a test artefact: test-artifacts/browser/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Ticks a DSFR radio or checkbox as a user does: by clicking its label (the input itself is drawn
 * under it), then checks it is ticked.
 */
export async function tick(scope: Locator, role: 'radio' | 'checkbox', name: string | RegExp, exact = false) {
  const input = scope.getByRole(role, { name, exact });
  const id = await input.getAttribute('id');
  assert.ok(id, `${role} ${String(name)}`);
  await scope.locator(`label[for="${id}"]`).click();
  assert.ok(await input.isChecked(), `${role} ${String(name)} ticked`);
}

const h1Of = async (page: Page) => (await page.locator('h1').first().textContent())?.trim();

/**
 * Logs in as a user does: /connexion, the e-mail read from the mail capture, the link's page,
 * « Se connecter », the inbox. `onPage` is told of the login page and of the link's page
 * (accessibility checks, screenshots).
 */
export async function logInThroughLink(
  stack: Pick<TestStack, 'baseUrl' | 'mail'>,
  context: BrowserContext,
  user: { name: string; email: string },
  onPage?: (page: Page, step: 'login' | 'login-link') => Promise<void>,
): Promise<Page> {
  const page = await context.newPage();
  const login = await page.goto(`${stack.baseUrl}/connexion`);
  assert.equal(login?.status(), 200);
  assert.equal(await h1Of(page), 'Connexion à Parcours VAE');
  await onPage?.(page, 'login');
  await page.getByLabel('Adresse électronique').fill(user.email);
  await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
  await page.locator('h1', { hasText: 'Vérifiez votre messagerie' }).waitFor();
  // The link's host is PUBLIC_URL's, not the test server's: its path is opened here.
  const mail = await stack.mail.waitFor(
    (m) => m.to.includes(user.email) && m.subject.includes('lien de connexion'),
    15_000,
  );
  const path = /\/connexion\/lien\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
  assert.ok(path, mail.text);
  const linkPage = await page.goto(stack.baseUrl + path);
  assert.equal(linkPage?.status(), 200);
  assert.equal(await h1Of(page), 'Se connecter à Parcours VAE');
  await onPage?.(page, 'login-link');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${stack.baseUrl}/`);
  assert.equal(await h1Of(page), 'Boîte de réception');
  assert.ok((await page.locator('header').textContent())?.includes(user.name));
  return page;
}
