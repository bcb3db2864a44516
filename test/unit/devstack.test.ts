import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/devstack/embedded-postgres.js';
import { startMailCapture, type CapturedMessage } from '../../src/devstack/mail-capture.js';
import { getFreePort } from '../../src/devstack/port-probe.js';
import { findTemporalCli } from '../../src/devstack/temporal-cli.js';
import { startTemporalDevServer } from '../../src/devstack/temporal-dev-server.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes.js';

/** A plain SMTP client to the capture, as the dev stack's mailer talks to it. */
function plainSmtpTo(smtpUrl: string) {
  const smtp = new URL(smtpUrl);
  return nodemailer.createTransport({
    host: smtp.hostname,
    port: Number(smtp.port),
    secure: false,
    ignoreTLS: true,
  });
}

/** Captures the modules' log lines; printed as test diagnostics only when useful. */
const quiet = (_msg: string) => {};

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `parcours-vae-${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function timed<T>(t: TestContext, label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  t.diagnostic(`${label}: ${Math.round(performance.now() - started)} ms`);
  return result;
}

describe('mail capture', () => {
  test('captures a real SMTP message, lists it, escapes it in the pages and keeps it across restarts', async (t) => {
    const storeDir = tempDir(t, 'mail');
    let mail = await timed(t, 'mail capture start', () =>
      startMailCapture({ smtpPort: 0, httpPort: 0, storeDir, log: quiet }),
    );
    t.after(() => mail.stop());

    const transport = plainSmtpTo(mail.smtpUrl);
    t.after(() => transport.close());

    const subject = 'Votre parcours VAE — étape « recevabilité » validée';
    await transport.sendMail({
      from: 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
      to: 'Élodie Durand <elodie.durand@example.fr>',
      subject,
      text: 'Bonjour Élodie,\nvotre dossier de recevabilité a été déclaré recevable. À bientôt !',
      html: '<p>Bonjour <b>Élodie</b>,</p><p>votre dossier a été déclaré « recevable ».</p>',
    });

    const received = await mail.waitFor((m) => m.to.includes('elodie.durand@example.fr'), 5000);
    assert.equal(received.subject, subject);
    assert.match(received.text, /Bonjour Élodie,\nvotre dossier de recevabilité a été déclaré recevable/);
    assert.match(received.html ?? '', /<b>Élodie<\/b>/);
    assert.equal(received.from, '"Parcours VAE" <ne-pas-repondre@parcours-vae.local>');
    assert.equal(received.headers.subject, subject);

    const listed = (await (await fetch(new URL('/api/messages', mail.webUrl))).json()) as CapturedMessage[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.subject, subject);
    assert.equal(listed[0]?.text, received.text);
    const one = await fetch(new URL(`/api/messages/${received.id}`, mail.webUrl));
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as CapturedMessage).id, received.id);
    assert.equal((await fetch(new URL('/api/messages/nope', mail.webUrl))).status, 404);

    // A hostile subject and body must come out inert in the pages.
    const evilSubject = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    await transport.sendMail({
      from: 'pirate@example.com',
      to: 'victime@example.fr',
      subject: evilSubject,
      text: 'texte <script>alert(2)</script>',
      html: '<p title="a">HTML "entre guillemets"</p><script>alert(3)</script>',
    });
    const evil = await mail.waitFor((m) => m.to.includes('victime@example.fr'), 5000);
    assert.equal(evil.subject, evilSubject);

    const inbox = await fetch(mail.webUrl);
    assert.equal(inbox.status, 200);
    assert.match(inbox.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const inboxHtml = await inbox.text();
    assert.match(inboxHtml, /Boîte de réception de développement/);
    assert.ok(!inboxHtml.includes('<script>'), 'inbox page must not contain a raw <script>');
    assert.ok(!inboxHtml.includes('<img'), 'inbox page must not contain a raw <img>');
    assert.ok(inboxHtml.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img'));
    // Newest first.
    assert.ok(inboxHtml.indexOf('victime@example.fr') < inboxHtml.indexOf('elodie.durand@example.fr'));

    const page = await fetch(new URL(`/messages/${evil.id}`, mail.webUrl));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const pageHtml = await page.text();
    assert.ok(!pageHtml.includes('<script>'), 'message page must not contain a raw <script>');
    assert.match(
      pageHtml,
      /<iframe sandbox [^>]*srcdoc="&lt;p title=&quot;a&quot;&gt;HTML &quot;entre guillemets&quot;/,
    );
    assert.ok(pageHtml.includes('texte &lt;script&gt;alert(2)&lt;/script&gt;'));

    // Restart on the same store: both messages are still there.
    await mail.stop();
    mail = await startMailCapture({ smtpPort: 0, httpPort: 0, storeDir, log: quiet });
    assert.deepEqual(
      mail.messages().map((m) => m.subject),
      [evilSubject, subject],
    );

    const cleared = await fetch(new URL('/api/messages', mail.webUrl), { method: 'DELETE' });
    assert.equal(cleared.status, 204);
    assert.deepEqual(mail.messages(), []);
    await mail.stop();
    mail = await startMailCapture({ smtpPort: 0, httpPort: 0, storeDir, log: quiet });
    assert.deepEqual(mail.messages(), []);
  });

  test('logs each captured mail by template, candidacy and recipient kind, never by address', async (t) => {
    const lines: string[] = [];
    const mail = await startMailCapture({ smtpPort: 0, httpPort: 0, log: (l) => lines.push(l) });
    t.after(() => mail.stop());
    const transport = plainSmtpTo(mail.smtpUrl);
    t.after(() => transport.close());
    const candidacyId = '7f3c2a1e-5b4d-4c8e-9a0f-1d2e3f4a5b6c';
    // As the e-mail activity sends them (src/activities/email.ts).
    await transport.sendMail({
      from: 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
      to: 'Élodie Durand <elodie.durand@example.fr>',
      subject: 'Bienvenue Élodie Durand',
      text: 'Bonjour Élodie Durand,',
      headers: {
        'X-Parcours-Vae-Template': 'candidate.welcome',
        'X-Parcours-Vae-Candidacy': candidacyId,
        'X-Parcours-Vae-Recipient': 'candidate',
      },
    });
    await transport.sendMail({
      from: 'autre@example.com',
      to: 'x@example.fr, y@example.fr',
      subject: 'Hors appli',
    });
    await mail.waitFor((m) => m.subject === 'Hors appli', 5000);

    const mailLines = lines.filter((l) => !l.includes('capture ready'));
    assert.deepEqual(mailLines, [
      `[mail] candidate.welcome · candidacy ${candidacyId} · to candidate`,
      '[mail] message without Parcours VAE headers (2 recipients)',
    ]);
    for (const line of lines) {
      assert.doesNotMatch(line, /@|Élodie|Durand|Hors appli/, `personal data in the log: ${line}`);
    }
    // The timeout message lists the messages received the same way.
    await assert.rejects(
      mail.waitFor(() => false, 50),
      (err: Error) => {
        assert.match(err.message, /candidate\.welcome · candidacy/);
        assert.doesNotMatch(err.message, /@|Élodie|Durand/);
        return true;
      },
    );
  });

  test('waitFor times out with the list of what was received', async (t) => {
    const mail = await startMailCapture({ smtpPort: 0, httpPort: 0, log: quiet });
    t.after(() => mail.stop());
    await assert.rejects(
      mail.waitFor(() => true, 100),
      /No matching e-mail within 100 ms/,
    );
  });
});

describe('embedded Postgres', () => {
  test('starts, stops and restarts on the same data dir with the data kept', async (t) => {
    const dir = tempDir(t, 'pg'); // mode 0700: the postgres user must still reach it when we are root
    const dataDir = path.join(dir, 'data');
    const port = await getFreePort();

    let server = await timed(t, 'postgres first start (initdb + start)', () =>
      startEmbeddedPostgres({ dataDir, port, log: quiet }),
    );
    t.after(() => server.stop());
    assert.equal(server.url, `postgres://postgres:postgres@127.0.0.1:${port}/parcours_vae`);

    let client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      assert.deepEqual((await client.query('select 1 as one')).rows, [{ one: 1 }]);
      assert.equal((await client.query('show server_encoding')).rows[0].server_encoding, 'UTF8');
      await client.query('create table candidat (nom text)');
      await client.query('insert into candidat values ($1)', ['Élodie Durand']);
    } finally {
      await client.end();
    }
    await timed(t, 'postgres stop', () => server.stop());

    server = await timed(t, 'postgres restart', () => startEmbeddedPostgres({ dataDir, port, log: quiet }));
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      assert.deepEqual((await client.query('select nom from candidat')).rows, [{ nom: 'Élodie Durand' }]);
    } finally {
      await client.end();
    }
    await server.stop();
  });
});

describe('Temporal dev server', () => {
  test('registers the search attributes and restarts on the same db file', async (t) => {
    const cli = await findTemporalCli({ allowGoInstall: false, log: quiet });
    if (!cli) {
      t.skip('no local Temporal CLI: run `npm run temporal:cli` first');
      return;
    }
    const dir = tempDir(t, 'temporal');
    const dbFile = path.join(dir, 'temporal.db');
    const port = await getFreePort();
    const uiPort = await getFreePort();

    const expected = Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type]));
    const checkSearchAttributes = async (address: string) => {
      const connection = await Connection.connect({ address });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({
          namespace: 'default',
        });
        const types: Record<string, number> = { KEYWORD: 2, BOOL: 5, DATETIME: 6 }; // IndexedValueType
        for (const [name, type] of Object.entries(expected)) {
          assert.equal(customAttributes?.[name], types[type], `search attribute ${name}`);
        }
      } finally {
        await connection.close();
      }
    };

    for (const round of ['first start', 'restart on the same db file']) {
      const server = await timed(t, `temporal ${round}`, () =>
        startTemporalDevServer({ dbFile, port, uiPort, log: quiet }),
      );
      t.after(() => server.stop());
      assert.equal(server.address, `127.0.0.1:${port}`);
      assert.equal(server.uiUrl, `http://127.0.0.1:${uiPort}`);
      await checkSearchAttributes(server.address);
      if (round === 'first start') {
        await assert.rejects(
          startTemporalDevServer({ port, uiPort: await getFreePort(), log: quiet }),
          /A Temporal server is already running on 127\.0\.0\.1:\d+/,
        );
      }
      await timed(t, 'temporal stop', () => server.stop());
    }
  });

  test('an invalid TEMPORAL_CLI_PATH is a clear error', async () => {
    await assert.rejects(
      findTemporalCli({ env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal' }, log: quiet }),
      /TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not an executable file/,
    );
  });
});
