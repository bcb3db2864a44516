import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { hashToken } from '../../src/app/admin/api-tokens.js';
import { DEMO } from '../../src/db/demo-data.js';
import { createLogger } from '../../src/logger.js';
import { html } from '../../src/web/html.js';
import { renderErrorPage, renderPage } from '../../src/web/layout.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The console's passwordless login over HTTP (no browser): the e-mailed one-time link, the session
 * cookie, CSRF on every form, rate limits, logout, and the separation from the API's tokens.
 */
let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(async () => {
  await stack?.stop();
});

const user = (role: string) => DEMO.users.find((u) => u.role === role)!;
let ipCounter = 0;
/** A client address of its own per scenario (the app trusts X-Forwarded-For from loopback). */
const newIp = () => `203.0.113.${++ipCounter}`;

type Jar = Map<string, string>;

/** A fetch that sends and keeps cookies, from one client address, without following redirects. */
/**
 * Asks for a login link through another API process on the same database, without a mailer (past
 * the rate limits it answers 503): its status, and its answer to `check`.
 */
async function askForLinkOnAnotherProcess(email: string, check?: (res: Response) => Promise<void>) {
  const app = createApp({
    db: stack.db,
    temporal: stack.temporal,
    taskQueue: stack.taskQueue,
    logger: createLogger('silent'),
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = await fetch(`${base}/connexion`);
    const cookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
    const res = await fetch(`${base}/connexion`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await page.text()), email }).toString(),
    });
    await check?.(res);
    return res.status;
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function client(ip = newIp()) {
  const jar: Jar = new Map();
  const request = async (
    method: string,
    path: string,
    opts: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { 'x-forwarded-for': ip, ...opts.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(stack.baseUrl + path, { method, headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: res.status, headers: res.headers, setCookies, text: await res.text() };
  };
  return { jar, ip, request };
}
type Client = ReturnType<typeof client>;

function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  assert.ok(m, 'the page has a form with _csrf');
  return m[1]!;
}

const seen = new Set<string>();
/** The next login e-mail to that address (not one seen before). */
async function nextLoginMail(email: string) {
  const mail = await stack.mail.waitFor(
    (m) => m.to.includes(email) && m.subject.includes('lien de connexion') && !seen.has(m.id),
    10_000,
  );
  seen.add(mail.id);
  const token = /\/connexion\/lien\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  assert.ok(token, 'the e-mail carries the link');
  return { mail, token };
}

async function askForLink(c: Client, email: string) {
  const page = await c.request('GET', '/connexion');
  assert.equal(page.status, 200);
  return c.request('POST', '/connexion', { form: { _csrf: csrfOf(page.text), email } });
}

/** The whole login: returns the client with its session cookie, and the session's CSRF token. */
async function login(role: string, c = client()) {
  const email = user(role).email;
  const asked = await askForLink(c, email);
  assert.equal(asked.status, 200);
  const { token } = await nextLoginMail(email);
  const linkPage = await c.request('GET', `/connexion/lien/${token}`);
  assert.equal(linkPage.status, 200);
  const opened = await c.request('POST', `/connexion/lien/${token}`, {
    form: { _csrf: csrfOf(linkPage.text) },
  });
  assert.equal(opened.status, 303);
  assert.equal(opened.headers.get('location'), '/');
  const home = await c.request('GET', '/');
  assert.equal(home.status, 200);
  return { c, csrf: csrfOf(home.text), home: home.text, token };
}

describe('login by e-mailed link', () => {
  it('e-mails a one-time link in French to an existing user', async () => {
    const c = client();
    const page = await c.request('GET', '/connexion');
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="fr" data-fr-scheme="light">/);
    assert.match(page.text, /<title>Connexion — Parcours VAE<\/title>/);
    assert.match(page.text, /<label class="fr-label" for="email"/);
    assert.ok(c.jar.has('pvae_form'), 'the form cookie is set');
    const sent = await c.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: user('advisor').email.toUpperCase() },
    });
    assert.equal(sent.status, 200);
    assert.match(
      sent.text,
      /Si un compte correspond à cette adresse, un lien de connexion vient d’être envoyé/,
    );
    const { mail, token } = await nextLoginMail(user('advisor').email);
    assert.equal(mail.subject, 'Votre lien de connexion à Parcours VAE');
    assert.match(mail.text, /Bonjour Claire Conseil,/);
    assert.match(mail.text, /valable 15 minutes/);
    assert.match(mail.text, new RegExp(`/connexion/lien/${token}\\b`));
    // Only the hash is stored, with the client's address.
    const row = await stack.db
      .selectFrom('login_links')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirstOrThrow();
    assert.equal(row.user_id, user('advisor').id);
    assert.equal(row.used_at, null);
    assert.equal(row.requested_ip, c.ip);
    const ttl = row.expires_at.getTime() - row.created_at.getTime();
    assert.equal(ttl, 15 * 60_000);
    const raw = await stack.db
      .selectFrom('login_links')
      .select('token_hash')
      .where('token_hash', '=', token)
      .executeTakeFirst();
    assert.equal(raw, undefined, 'the token itself is not stored');
  });

  it('answers an unknown address exactly as a known one, and sends nothing', async () => {
    const count = async () =>
      Number(
        (
          await stack.db
            .selectFrom('login_links')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const unknown = await askForLink(client(), 'personne@inconnu.example');
    const known = await askForLink(client(), user('coach').email);
    assert.equal(unknown.status, 200);
    assert.equal(unknown.text, known.text, 'same page whatever the address');
    await nextLoginMail(user('coach').email);
    assert.equal(await count(), before + 1, 'one link, for the known address only');
    assert.ok(!stack.mail.messages().some((m) => m.to.includes('personne@inconnu.example')));
  });

  it('refuses an invalid address with a French error on the field', async () => {
    const c = client();
    const page = await c.request('GET', '/connexion');
    const res = await c.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: 'pas-une-adresse' },
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /Saisissez une adresse électronique valide/);
    assert.match(res.text, /aria-describedby="email-error"/);
  });

  it('refuses control characters and malformed Unicode in the address with a French 400, never a 500', async () => {
    for (const email of [
      'marc\u0000@demo.fr',
      'marc\u0007@demo.fr',
      'marc\ud800@demo.fr',
      'ma\ufffdrc@demo.fr',
    ]) {
      const c = client();
      const page = await c.request('GET', '/connexion');
      const res = await c.request('POST', '/connexion', { form: { _csrf: csrfOf(page.text), email } });
      assert.equal(res.status, 400, JSON.stringify(email));
      assert.match(
        res.text,
        /Adresse électronique refusée : (Caractère de contrôle interdit|Unicode mal formé|Caractère de remplacement)/,
      );
    }
  });

  it('shows a button on the link page without consuming it; the POST opens the session once', async () => {
    const c = client();
    await askForLink(c, user('certifier').email);
    const { token } = await nextLoginMail(user('certifier').email);
    const first = await c.request('GET', `/connexion/lien/${token}`);
    const again = await c.request('GET', `/connexion/lien/${token}`);
    assert.equal(first.status, 200);
    assert.equal(again.status, 200, 'a mail scanner opening the link does not use it');
    assert.match(again.text, /<button class="fr-btn" type="submit">Se connecter<\/button>/);
    assert.match(again.text, /Marc Certif/);
    assert.equal(again.headers.get('cache-control'), 'no-store');

    const opened = await c.request('POST', `/connexion/lien/${token}`, {
      form: { _csrf: csrfOf(again.text) },
    });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.get('location'), '/');
    const cookie = opened.setCookies.find((s) => s.startsWith('pvae_session='));
    assert.ok(cookie, 'a session cookie');
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=28800/);
    assert.doesNotMatch(cookie, /; Secure/i, 'plain HTTP: not Secure');
    const value = cookie.split(';')[0]!.slice('pvae_session='.length);
    const session = await stack.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('id_hash', '=', hashToken(value))
      .executeTakeFirstOrThrow();
    assert.equal(session.user_id, user('certifier').id);
    assert.equal(session.expires_at.getTime() - session.created_at.getTime(), 8 * 3600_000);

    const home = await c.request('GET', '/');
    assert.equal(home.status, 200);
    assert.match(home.text, /Marc Certif/);
    assert.match(home.text, /<title>Boîte de réception — Parcours VAE<\/title>/);

    // Used: the second POST and the page itself now answer 410, with a way back.
    const other = client();
    const reuse = await other.request('POST', `/connexion/lien/${token}`, {
      form: { _csrf: csrfOf((await other.request('GET', '/connexion')).text) },
    });
    assert.equal(reuse.status, 410);
    assert.match(reuse.text, /Ce lien a expiré ou a déjà servi/);
    assert.ok(!reuse.setCookies.some((s) => s.startsWith('pvae_session=')));
    const page = await c.request('GET', `/connexion/lien/${token}`);
    assert.equal(page.status, 410);
    assert.match(page.text, /href="\/connexion"/);
  });

  it('takes the user back to the page they asked for before the login', async () => {
    const c = client();
    const asked = await c.request('GET', '/projets?x=1');
    assert.equal(asked.status, 303);
    await askForLink(c, user('project_lead').email);
    const { token } = await nextLoginMail(user('project_lead').email);
    const link = await c.request('GET', `/connexion/lien/${token}`);
    const opened = await c.request('POST', `/connexion/lien/${token}`, {
      form: { _csrf: csrfOf(link.text) },
    });
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.get('location'), '/projets?x=1');
  });

  it('marks the session cookie Secure behind an HTTPS proxy', async () => {
    const c = client();
    const headers = { 'x-forwarded-proto': 'https' };
    const page = await c.request('GET', '/connexion', { headers });
    assert.match(
      page.setCookies.find((s) => s.startsWith('pvae_form='))!,
      /; Secure/i,
    );
    await c.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: user('jury_organiser').email },
      headers,
    });
    const { token } = await nextLoginMail(user('jury_organiser').email);
    const link = await c.request('GET', `/connexion/lien/${token}`, { headers });
    const opened = await c.request('POST', `/connexion/lien/${token}`, {
      form: { _csrf: csrfOf(link.text) },
      headers,
    });
    assert.equal(opened.status, 303);
    assert.match(
      opened.setCookies.find((s) => s.startsWith('pvae_session='))!,
      /; Secure/i,
    );
  });

  it('answers 410 for an expired link, and for an unknown one', async () => {
    const c = client();
    await askForLink(c, user('project_lead').email);
    const { token } = await nextLoginMail(user('project_lead').email);
    await stack.db
      .updateTable('login_links')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('token_hash', '=', hashToken(token))
      .execute();
    const page = await c.request('GET', `/connexion/lien/${token}`);
    assert.equal(page.status, 410);
    assert.match(page.text, /<h1>Ce lien a expiré ou a déjà servi<\/h1>/);
    assert.match(page.text, /Demander un nouveau lien/);
    const post = await c.request('POST', `/connexion/lien/${token}`, {
      form: { _csrf: csrfOf((await c.request('GET', '/connexion')).text) },
    });
    assert.equal(post.status, 410);
    assert.equal((await c.request('GET', '/connexion/lien/inconnu')).status, 410);
    assert.equal((await c.request('GET', `/connexion/lien/${'A'.repeat(43)}`)).status, 410);
  });

  it('refuses the login forms without their token, with another cookie, or from another site', async () => {
    const c = client();
    const page = await c.request('GET', '/connexion');
    const email = (n: number) => `csrf-${n}@inconnu.example`;
    const noToken = await c.request('POST', '/connexion', { form: { email: email(1) } });
    assert.equal(noToken.status, 403);
    assert.match(noToken.text, /Formulaire expiré ou invalide/);
    const otherBrowser = client(c.ip);
    const noCookie = await otherBrowser.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: email(2) },
    });
    assert.equal(noCookie.status, 403, 'the token belongs to the browser that got the page');
    const crossSite = await c.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: email(3) },
      headers: { origin: 'https://malveillant.example' },
    });
    assert.equal(crossSite.status, 403);
    const crossFetch = await c.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: email(5) },
      headers: { 'sec-fetch-site': 'cross-site', origin: 'null' },
    });
    assert.equal(crossFetch.status, 403);
    const sameSite = await c.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.text), email: email(4) },
      headers: { origin: stack.baseUrl, 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(sameSite.status, 200);
  });
});

describe('rate limits on asking for a link', () => {
  it('allows 3 requests per address in 15 minutes, then answers a French 429 page', async () => {
    const email = 'limite@inconnu.example';
    for (let i = 0; i < 3; i++) assert.equal((await askForLink(client(), email)).status, 200);
    const limited = await askForLink(client(), email.toUpperCase());
    assert.equal(limited.status, 429);
    assert.match(limited.text, /Trop de demandes de connexion/);
    assert.match(limited.text, /<html lang="fr"/);
    assert.equal((await askForLink(client(), 'autre@inconnu.example')).status, 200);
  });

  it('shares the counters between API processes (PostgreSQL): another process refuses the 4th', async () => {
    const email = 'partage@inconnu.example';
    for (let i = 0; i < 3; i++) assert.equal((await askForLink(client(), email)).status, 200);
    // A second API process on the same database (no mailer: past the limits it would answer 503).
    assert.equal(await askForLinkOnAnotherProcess(email), 429);
  });

  it('allows 10 requests per client address in 15 minutes', async () => {
    const c = client();
    for (let i = 0; i < 10; i++) {
      assert.equal((await askForLink(c, `ip-${i}@inconnu.example`)).status, 200, `request ${i + 1}`);
    }
    assert.equal((await askForLink(c, 'ip-10@inconnu.example')).status, 429);
    assert.equal((await askForLink(client(), 'ip-10@inconnu.example')).status, 200, 'another address');
  });
});

describe('the session', () => {
  it('shows the navigation of the role, one h1, the logout form with the CSRF token', async () => {
    const { home, csrf } = await login('advisor');
    assert.match(home, /<main id="contenu" role="main" tabindex="-1">/);
    assert.equal(home.match(/<h1[\s>]/g)?.length, 1);
    assert.match(home, /href="\/candidatures\/nouvelle"/);
    assert.doesNotMatch(home, /href="\/jury"/);
    assert.doesNotMatch(home, /href="\/projets"/);
    assert.match(home, /<a\s+class="fr-nav__link"\s+href="\/"\s+aria-current="page"/);
    assert.match(
      home,
      new RegExp(
        `<form method="post" action="/deconnexion"[^>]*>\\s*<input type="hidden" name="_csrf" value="${csrf}"`,
      ),
    );
    assert.match(home, /href="\/dsfr\/dsfr\.min\.css\?v=1\.14\.2"/);
    assert.doesNotMatch(home, /<script/);
    const lead = await login('project_lead');
    assert.match(lead.home, /href="\/projets"/);
    assert.doesNotMatch(lead.home, /href="\/candidatures\/nouvelle"/);
  });

  it('refuses a POST without the session’s CSRF token or with a wrong one (403)', async () => {
    const { c, csrf } = await login('coach');
    const none = await c.request('POST', '/candidatures', { form: { a: 'b' } });
    assert.equal(none.status, 403);
    assert.match(none.text, /Formulaire expiré ou invalide/);
    const wrong = await c.request('POST', '/deconnexion', { form: { _csrf: csrf.slice(0, -2) + 'xx' } });
    assert.equal(wrong.status, 403);
    assert.match(wrong.text, /Formulaire expiré ou invalide/);
    assert.equal((await c.request('GET', '/')).status, 200, 'still signed in');
    const right = await c.request('POST', '/candidatures', { form: { _csrf: csrf } });
    assert.equal(right.status, 404, 'past the CSRF check, to the pages (none answers that POST here)');
    assert.match(right.text, /Page introuvable/);
  });

  it('logs out: the session is deleted, the cookie cleared, the old cookie opens nothing', async () => {
    const { c, csrf } = await login('administrator');
    const cookie = c.jar.get('pvae_session')!;
    const out = await c.request('POST', '/deconnexion', { form: { _csrf: csrf } });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('location') ?? '', /^\/connexion/);
    assert.ok(
      out.setCookies.some((s) => /^pvae_session=;/.test(s)),
      'the cookie is cleared',
    );
    const row = await stack.db
      .selectFrom('web_sessions')
      .select('id_hash')
      .where('id_hash', '=', hashToken(cookie))
      .executeTakeFirst();
    assert.equal(row, undefined);
    const replay = client();
    replay.jar.set('pvae_session', cookie);
    const home = await replay.request('GET', '/');
    assert.equal(home.status, 303);
    assert.equal(home.headers.get('location'), '/connexion');
    const page = await c.request('GET', out.headers.get('location')!);
    assert.match(page.text, /Vous êtes déconnecté/);
  });

  it('treats an expired session as logged out', async () => {
    const { c } = await login('certifier');
    const cookie = c.jar.get('pvae_session')!;
    await stack.db
      .updateTable('web_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id_hash', '=', hashToken(cookie))
      .execute();
    const home = await c.request('GET', '/');
    assert.equal(home.status, 303);
    assert.equal(home.headers.get('location'), '/connexion');
    assert.ok(!c.jar.has('pvae_session'), 'the stale cookie is cleared');
    const post = await c.request('POST', '/candidatures', { form: { _csrf: 'x' } });
    assert.equal(post.status, 403);
    assert.match(post.text, /Session expirée/);
  });

  it('keeps the API and the console apart: a token opens no page, a session cookie no API route', async () => {
    const byToken = await fetch(`${stack.baseUrl}/`, {
      headers: { authorization: `Bearer ${stack.tokens.advisor}` },
      redirect: 'manual',
    });
    assert.equal(byToken.status, 303);
    assert.equal(byToken.headers.get('location'), '/connexion');
    const { c } = await login('jury_organiser');
    const api = await c.request('GET', '/api/inbox');
    assert.equal(api.status, 401);
    assert.match(api.headers.get('content-type') ?? '', /application\/problem\+json/);
    const apiAlone = await stack.http('GET', '/api/inbox', { role: 'advisor' });
    assert.equal(apiAlone.status, 200, 'the API still answers its tokens');
    const unknownApi = await stack.http('GET', '/api/nulle-part', { role: 'advisor' });
    assert.equal(unknownApi.status, 404);
    assert.equal(unknownApi.body.code, 'route_not_found');
  });

  it('updates last_seen_at at most once a minute', async () => {
    const { c } = await login('coach');
    const hash = hashToken(c.jar.get('pvae_session')!);
    const seenAt = async () =>
      (
        await stack.db
          .selectFrom('web_sessions')
          .select('last_seen_at')
          .where('id_hash', '=', hash)
          .executeTakeFirstOrThrow()
      ).last_seen_at.getTime();
    const first = await seenAt();
    await c.request('GET', '/');
    assert.equal(await seenAt(), first, 'not rewritten within the minute');
    await stack.db
      .updateTable('web_sessions')
      .set({ last_seen_at: new Date(Date.now() - 120_000) })
      .where('id_hash', '=', hash)
      .execute();
    await c.request('GET', '/');
    assert.ok((await seenAt()) > Date.now() - 10_000, 'refreshed after a minute');
  });
});

describe('assets and pages without a session', () => {
  it('serves the DSFR from node_modules with a long cache, and only what the layout uses', async () => {
    const css = await fetch(`${stack.baseUrl}/dsfr/dsfr.min.css?v=1.14.2`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.match(css.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    const font = await fetch(`${stack.baseUrl}/dsfr/fonts/Marianne-Regular.woff2`);
    assert.equal(font.status, 200);
    assert.match(font.headers.get('cache-control') ?? '', /max-age=2592000/);
    assert.equal((await fetch(`${stack.baseUrl}/dsfr/utility/icons/icons.min.css`)).status, 200);
    assert.equal((await fetch(`${stack.baseUrl}/dsfr/icons/system/logout-box-r-line.svg`)).status, 200);
    assert.equal((await fetch(`${stack.baseUrl}/dsfr/dsfr.module.min.js`)).status, 404, 'no JavaScript');
    const escape = await fetch(`${stack.baseUrl}/dsfr/fonts/..%2f..%2fpackage.json`, { redirect: 'manual' });
    assert.ok([403, 404].includes(escape.status), `outside the folders: ${escape.status}`);
  });

  it('redirects a page to the login, and refuses a form, when not signed in', async () => {
    const page = await fetch(`${stack.baseUrl}/candidatures?phase=identified`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/connexion');
    // The page asked for is where the login leads back (a path of this site only).
    assert.match(
      page.headers.get('set-cookie') ?? '',
      /pvae_retour=%2Fcandidatures%3Fphase%3Didentified;.*HttpOnly/i,
    );
    const foreign = await fetch(`${stack.baseUrl}//evil.example/x`, { redirect: 'manual' });
    assert.doesNotMatch(foreign.headers.get('set-cookie') ?? '', /pvae_retour/);
    const form = await fetch(`${stack.baseUrl}/candidatures`, { method: 'POST', redirect: 'manual' });
    assert.equal(form.status, 403);
    assert.match(await form.text(), /Session expirée/);
  });

  it('answers a 503 page when no mailer is configured', async () => {
    const status = await askForLinkOnAnotherProcess(user('advisor').email, async (res) => {
      assert.match(await res.text(), /Connexion momentanément indisponible/);
    });
    assert.equal(status, 503);
  });
});

describe('the layout', () => {
  const page = (role: string, current?: string) =>
    renderPage({
      title: 'Essai',
      user: { name: 'Zoé <b>Test</b>', role },
      csrf: 'jeton-csrf',
      current,
      main: html`<h1>Essai</h1>`,
      breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Jurys', href: '/jury' }, { label: 'Session' }],
      flash: { kind: 'success', text: 'Enregistré.' },
    });

  it('gives each role its menu and marks the current entry', () => {
    const jury = page('jury_organiser', '/jury/sessions/1');
    assert.match(jury, /<a\s+class="fr-nav__link"\s+href="\/jury"\s+aria-current="page"/);
    assert.doesNotMatch(jury, /href="\/candidatures\/nouvelle"/);
    assert.doesNotMatch(jury, /href="\/projets"/);
    const advisor = page('advisor', '/candidatures/nouvelle');
    assert.match(advisor, /href="\/candidatures\/nouvelle"\s+aria-current="page"/);
    assert.match(
      advisor,
      /<a\s+class="fr-nav__link"\s+href="\/candidatures"\s*>/,
      'the parent entry is not marked',
    );
    assert.match(page('administrator'), /href="\/projets"/);
    assert.match(page('outreach_agent'), /href="\/candidatures\/nouvelle"/);
  });

  it('writes a whole DSFR page: landmarks, skip links, breadcrumb, flash, escaped values', () => {
    const p = page('coach', '/');
    assert.match(p, /^<!doctype html>\s*<html lang="fr" data-fr-scheme="light">/);
    assert.match(p, /<title>Essai — Parcours VAE<\/title>/);
    assert.match(p, /<header role="banner" class="fr-header">/);
    assert.match(p, /<footer class="fr-footer" role="contentinfo" id="pied-de-page">/);
    assert.match(p, /<a class="fr-link" href="#contenu">Contenu<\/a>/);
    assert.match(p, /<p class="fr-logo">République<br \/>française<\/p>/);
    assert.match(p, /<p class="fr-header__service-title">Parcours VAE<\/p>/);
    assert.equal(p.match(/<h1[\s>]/g)?.length, 1, 'only the h1 of the main');
    assert.match(p, /<a class="fr-breadcrumb__link" aria-current="page">Session<\/a>/);
    assert.match(p, /<div class="fr-alert fr-alert--success fr-alert--sm fr-mb-4w" role="status">/);
    assert.match(p, /Zoé &lt;b&gt;Test&lt;\/b&gt;/);
    assert.doesNotMatch(p, /<b>Test/);
    assert.match(p, /name="_csrf" value="jeton-csrf"/);
  });

  it('writes error pages with their status and a way back', () => {
    const p = renderErrorPage(404, 'Page introuvable', 'Rien ici.');
    assert.match(p, /<h1>Page introuvable<\/h1>/);
    assert.match(p, /Erreur 404/);
    assert.match(p, /href="\/">Retour à l’accueil<\/a>/);
    assert.doesNotMatch(p, /fr-nav/, 'no menu without a user');
  });
});
