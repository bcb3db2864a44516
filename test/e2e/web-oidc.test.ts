import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { DEFAULT_OIDC_LABEL, DEFAULT_OIDC_SCOPES, type OidcConfig } from '../../src/config.js';
import { DEMO } from '../../src/db/demo-data.js';
import { getFreePort } from '../../src/devstack/port-probe.js';
import { createLogger } from '../../src/logger.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The console's sign-in through OpenID Connect (ProConnect in production) against a real provider
 * (oidc-provider, in this process): the redirect with PKCE, state and nonce, the provider's login
 * and consent pages, the callback's checks, the session it opens — and the French pages when it
 * does not go through (unknown address, cancelled, tampered state, provider down), never a 500.
 */
const CALLBACK = '/connexion/oidc/retour';
const user = (role: string) => DEMO.users.find((u) => u.role === role)!;

/** Accounts at the provider; an account's ID is what its login page is given. */
const ACCOUNTS = {
  claire: { email: user('advisor').email.toUpperCase(), email_verified: true },
  marc: { email: user('certifier').email, email_verified: false },
  inconnu: { email: 'personne.inconnue@exemple.fr', email_verified: true },
  anonyme: {},
};

interface App {
  baseUrl: string;
  server: Server;
}

/** The real app (createApp) on the test stack's database and Temporal, with this OIDC provider. */
async function startApp(stack: TestStack, oidc: (baseUrl: string) => Promise<OidcConfig>): Promise<App> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = createApp({
    db: stack.db,
    temporal: stack.temporal,
    taskQueue: stack.taskQueue,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    publicUrl: baseUrl,
    oidc: await oidc(baseUrl),
  });
  server.on('request', app);
  return { baseUrl, server };
}

const stopServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

function configOf(provider: TestOidcProvider): OidcConfig {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    scopes: DEFAULT_OIDC_SCOPES,
    label: DEFAULT_OIDC_LABEL,
  };
}

let stack: TestStack;
let provider: TestOidcProvider;
let app: App;
before(async () => {
  stack = await startTestStack();
  app = await startApp(stack, async (baseUrl) => {
    provider = await startOidcProvider({ redirectUri: baseUrl + CALLBACK, accounts: ACCOUNTS });
    return configOf(provider);
  });
});
after(async () => {
  await stopServer(app?.server);
  await provider?.stop();
  await stack?.stop();
});

interface StoredCookie {
  value: string;
  path: string;
}

/**
 * A browser without JavaScript: one cookie jar per origin (with cookie paths), redirects followed
 * by hand, every answer's status kept.
 */
function browser() {
  const jars = new Map<string, Map<string, StoredCookie & { name: string }>>();
  const statuses: { url: string; status: number }[] = [];
  const pathMatches = (path: string, cookiePath: string) =>
    path === cookiePath ||
    (path.startsWith(cookiePath) && (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));

  const request = async (method: string, url: string | URL, form?: Record<string, string>) => {
    const u = new URL(url);
    const jar = jars.get(u.host) ?? new Map();
    jars.set(u.host, jar);
    const headers: Record<string, string> = {};
    const cookies = [...jar.values()].filter((c) => pathMatches(u.pathname, c.path));
    if (cookies.length) headers.cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(u, { method, headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const attr = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(key + '='))?.slice(key.length + 1);
      const path = attr('path') ?? u.pathname.replace(/\/[^/]*$/, '/');
      const expires = attr('expires');
      const gone =
        value === '' ||
        attr('max-age') === '0' ||
        (expires !== undefined && Date.parse(expires) < Date.now());
      if (gone) jar.delete(`${name};${path}`);
      else jar.set(`${name};${path}`, { name, value, path });
    }
    statuses.push({ url: `${method} ${u.origin}${u.pathname}`, status: res.status });
    const location = res.headers.get('location');
    return {
      status: res.status,
      headers: res.headers,
      setCookies,
      location: location ? new URL(location, u) : undefined,
      text: await res.text(),
    };
  };
  const cookie = (origin: string, name: string) =>
    [...(jars.get(new URL(origin).host)?.values() ?? [])].find((c) => c.name === name)?.value;
  return { request, cookie, statuses };
}
type Browser = ReturnType<typeof browser>;

function assertNoServerError(b: Browser, allowed: number[] = []) {
  const errors = b.statuses.filter((s) => s.status >= 500 && !allowed.includes(s.status));
  assert.deepEqual(errors, [], 'no 5xx answer');
}

/** The provider's development form on this page: its action and its `prompt` (login or consent). */
function providerForm(page: string, pageUrl: URL) {
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
  const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(action && prompt, 'a login or consent form of the provider');
  return { action: new URL(action.replace(/&amp;/g, '&'), pageUrl), prompt };
}

/**
 * From the login page's button to the provider and through its pages (login as `account`, then
 * consent), until the provider sends the browser back: returns that callback URL, not yet opened.
 * `atLogin` replaces typing the login (e.g. cancelling).
 */
async function toProvider(
  b: Browser,
  base: string,
  account: string,
  atLogin?: (form: { action: URL }) => Promise<URL>,
): Promise<URL> {
  const start = await b.request('GET', `${base}/connexion/oidc`);
  assert.equal(start.status, 303);
  let next = start.location!;
  for (let hop = 0; hop < 20; hop++) {
    if (next.origin === base && next.pathname === CALLBACK) return next;
    const res = await b.request('GET', next);
    if (res.status >= 300 && res.status < 400) {
      next = res.location!;
      continue;
    }
    assert.equal(res.status, 200, `the provider's page ${next.pathname}`);
    const form = providerForm(res.text, next);
    if (form.prompt === 'login' && atLogin) {
      next = await atLogin(form);
      continue;
    }
    const fields: Record<string, string> =
      form.prompt === 'login'
        ? { prompt: 'login', login: account, password: 'peu-importe' }
        : { prompt: form.prompt };
    const submitted = await b.request('POST', form.action, fields);
    assert.ok(submitted.status >= 300 && submitted.status < 400, `the ${form.prompt} form redirects`);
    next = submitted.location!;
  }
  assert.fail('too many redirects');
}

describe('sign-in through OpenID Connect', () => {
  it('shows the provider button above the e-mail form, only when configured', async () => {
    const b = browser();
    const page = await b.request('GET', `${app.baseUrl}/connexion`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<a class="fr-btn" href="\/connexion\/oidc">Se connecter avec ProConnect<\/a>/);
    assert.ok(
      page.text.indexOf('/connexion/oidc') < page.text.indexOf('<form method="post" action="/connexion">'),
    );
    assert.match(page.text, /<p class="fr-hr-or">ou<\/p>/);

    const without = await b.request('GET', `${stack.baseUrl}/connexion`);
    assert.equal(without.status, 200);
    assert.doesNotMatch(without.text, /connexion\/oidc/);
    const route = await b.request('GET', `${stack.baseUrl}/connexion/oidc`);
    // No OIDC route: like any unknown path, signed out, it leads to the login page.
    assert.equal(route.status, 303, 'no OIDC route when it is not configured');
    assert.equal(route.location?.pathname, '/connexion');
    assertNoServerError(b);
  });

  it('signs a known user in: PKCE, state and nonce, then the session of an e-mailed link', async () => {
    const b = browser();
    const start = await b.request('GET', `${app.baseUrl}/connexion/oidc`);
    assert.equal(start.status, 303);
    const auth = start.location!;
    assert.equal(auth.origin, provider.issuer);
    assert.equal(auth.searchParams.get('client_id'), provider.clientId);
    assert.equal(auth.searchParams.get('response_type'), 'code');
    assert.equal(auth.searchParams.get('redirect_uri'), app.baseUrl + CALLBACK);
    assert.equal(auth.searchParams.get('scope'), 'openid email given_name usual_name');
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.match(auth.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(auth.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(auth.searchParams.get('nonce') ?? '', /^[A-Za-z0-9_-]{43}$/);
    const stateCookie = start.setCookies.find((c) => c.startsWith('pvae_oidc='));
    assert.ok(stateCookie, 'the sign-in under way is kept in a cookie');
    assert.match(stateCookie, /; Path=\/connexion\/oidc/);
    assert.match(stateCookie, /; Max-Age=600/);
    assert.match(stateCookie, /; HttpOnly/i);
    assert.match(stateCookie, /; SameSite=Lax/i);
    assert.ok(
      !stateCookie.includes(auth.searchParams.get('code_challenge')!),
      'the verifier, not the challenge',
    );

    const callback = await toProvider(b, app.baseUrl, 'claire');
    assert.ok(callback.searchParams.get('code'), 'the provider sends a code back');
    const back = await b.request('GET', callback);
    assert.equal(back.status, 303, back.text);
    assert.equal(back.location?.href, `${app.baseUrl}/`);
    assert.equal(back.headers.get('cache-control'), 'no-store');
    const session = back.setCookies.find((c) => c.startsWith('pvae_session='));
    assert.ok(session, 'a session cookie');
    assert.match(session, /; HttpOnly/i);
    assert.match(session, /; SameSite=Lax/i);
    assert.match(session, /; Max-Age=28800/);
    assert.equal(b.cookie(app.baseUrl, 'pvae_oidc'), undefined, 'the sign-in cookie is spent');

    const home = await b.request('GET', `${app.baseUrl}/`);
    assert.equal(home.status, 200);
    assert.match(home.text, /<title>Boîte de réception — Parcours VAE<\/title>/);
    assert.match(home.text, new RegExp(user('advisor').name));
    const sessions = await stack.db
      .selectFrom('web_sessions')
      .select('user_id')
      .where('user_id', '=', user('advisor').id)
      .execute();
    assert.ok(sessions.length >= 1, 'a web session of the advisor');

    // The same callback again (replayed, or Back): the sign-in is spent, nothing opens.
    const replay = await browser().request('GET', callback);
    assert.equal(replay.status, 400);
    assertNoServerError(b);
  });

  it('refuses an address without an account with a French 403 page', async () => {
    const b = browser();
    const res = await b.request('GET', await toProvider(b, app.baseUrl, 'inconnu'));
    assert.equal(res.status, 403);
    assert.match(res.text, /<html lang="fr"/);
    assert.match(res.text, /Aucun compte pour cette adresse/);
    assert.match(
      res.text,
      /Aucun compte Parcours VAE n’est associé à l’adresse personne\.inconnue@exemple\.fr/,
    );
    assert.match(res.text, /Contactez l’administrateur/);
    assert.match(res.text, /href="\/connexion"/);
    assert.ok(!res.setCookies.some((c) => c.startsWith('pvae_session=')), 'no session');
    const home = await b.request('GET', `${app.baseUrl}/`);
    assert.equal(home.status, 303, 'still signed out');
    assertNoServerError(b);
  });

  it('refuses an address the provider says is not verified, and an answer without an address', async () => {
    const b = browser();
    const unverified = await b.request('GET', await toProvider(b, app.baseUrl, 'marc'));
    assert.equal(unverified.status, 403);
    assert.match(unverified.text, /Adresse électronique non vérifiée/);
    const c = browser();
    const none = await c.request('GET', await toProvider(c, app.baseUrl, 'anonyme'));
    assert.equal(none.status, 403);
    assert.match(none.text, /Adresse électronique manquante/);
    assertNoServerError(b);
    assertNoServerError(c);
  });

  it('refuses a tampered state, and a callback from another browser, with a French 400 page', async () => {
    const b = browser();
    const callback = await toProvider(b, app.baseUrl, 'claire');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'x'.repeat(43));
    const res = await b.request('GET', tampered);
    assert.equal(res.status, 400);
    assert.match(res.text, /La connexion n’a pas abouti/);
    assert.match(res.text, /Recommencez depuis la page de connexion/);
    assert.ok(!res.setCookies.some((c) => c.startsWith('pvae_session=')), 'no session');
    // The genuine answer after a tampered one: the sign-in was spent by the first.
    const genuine = await b.request('GET', callback);
    assert.equal(genuine.status, 400);

    // Another browser (login CSRF: someone else's code pushed to this browser): no sign-in under way.
    const other = browser();
    const pushed = await other.request('GET', await toProvider(browser(), app.baseUrl, 'claire'));
    assert.equal(pushed.status, 400);
    assert.match(pushed.text, /ouverte dans un autre navigateur/);
    // A forged sign-in cookie is no better.
    const forged = await fetch(callback, {
      headers: { cookie: `pvae_oidc=${'a'.repeat(43)}.${'b'.repeat(43)}.${'c'.repeat(43)}.x.1.y` },
      redirect: 'manual',
    });
    assert.equal(forged.status, 400);
    assertNoServerError(b);
    assertNoServerError(other);
  });

  it('says in French that the sign-in was cancelled when the provider answers access_denied', async () => {
    const b = browser();
    const callback = await toProvider(b, app.baseUrl, 'claire', async (form) => {
      const aborted = await b.request('GET', `${form.action.href}/abort`);
      assert.ok(aborted.location, 'the provider redirects after the abort');
      return aborted.location;
    });
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    const res = await b.request('GET', callback);
    assert.equal(res.status, 403);
    assert.match(res.text, /Connexion annulée/);
    assert.match(res.text, /href="\/connexion"/);
    assertNoServerError(b);
  });

  it('starts without the provider, and answers a French 503 page while it is down', async () => {
    const closedPort = await getFreePort();
    const down = await startApp(stack, async () => ({
      ...configOf(provider),
      issuer: `http://127.0.0.1:${closedPort}`,
    }));
    try {
      const b = browser();
      const page = await b.request('GET', `${down.baseUrl}/connexion`);
      assert.equal(page.status, 200, 'the console starts and shows its login page');
      assert.match(page.text, /Se connecter avec ProConnect/);
      const start = await b.request('GET', `${down.baseUrl}/connexion/oidc`);
      assert.equal(start.status, 503);
      assert.match(start.text, /Connexion momentanément indisponible/);
      assert.match(start.text, /Le service d’identification ne répond pas/);
      assert.equal(b.cookie(down.baseUrl, 'pvae_oidc'), undefined);
      assertNoServerError(b, [503]);
    } finally {
      await stopServer(down.server);
    }
  });

  it('answers a French 503 page when the provider stops between the redirect and the callback', async () => {
    let flaky: TestOidcProvider | undefined;
    const other = await startApp(stack, async (baseUrl) => {
      flaky = await startOidcProvider({ redirectUri: baseUrl + CALLBACK, accounts: ACCOUNTS });
      return configOf(flaky);
    });
    try {
      const b = browser();
      const callback = await toProvider(b, other.baseUrl, 'claire');
      await flaky!.stop();
      const res = await b.request('GET', callback);
      assert.equal(res.status, 503);
      assert.match(res.text, /Connexion momentanément indisponible/);
      assertNoServerError(b, [503]);
    } finally {
      await stopServer(other.server);
      await flaky?.stop();
    }
  });
});
