import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type HeaderValue, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { hostPort } from './port-probe.js';

export interface CapturedMessage {
  id: string;
  messageId: string | undefined;
  /** The From header as written, e.g. `Parcours VAE <ne-pas-repondre@parcours-vae.local>`. */
  from: string;
  /** Envelope recipients (bare addresses, Bcc included). */
  to: string[];
  subject: string;
  text: string;
  html: string | undefined;
  /** Decoded headers, lower-case names; repeated headers joined with a newline. */
  headers: Record<string, string>;
  /** ISO 8601. */
  receivedAt: string;
}

export interface MailCapture {
  /** smtp://127.0.0.1:<port> (plain SMTP, no TLS, any or no credentials). */
  smtpUrl: string;
  /** The inbox page. */
  webUrl: string;
  /** Newest first. */
  messages(): CapturedMessage[];
  /** Resolves with the first message (already received or coming) that matches. */
  waitFor(predicate: (m: CapturedMessage) => boolean, timeoutMs?: number): Promise<CapturedMessage>;
  clear(): void;
  stop(): Promise<void>;
}

export interface MailCaptureOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 1025; 0 picks a free port. */
  smtpPort?: number;
  /** Default 8025; 0 picks a free port. */
  httpPort?: number;
  /** When set, every message is kept there (`<id>.json` + `<id>.eml`) and reloaded on start. */
  storeDir?: string;
  log?: (msg: string) => void;
}

const MAX_SIZE = 10 * 1024 * 1024;
const ID_PATTERN = /^[a-z0-9-]{1,64}$/;

const defaultLog = (m: string): void => {
  process.stderr.write(m + '\n');
};

export async function startMailCapture(opts: MailCaptureOptions = {}): Promise<MailCapture> {
  const log = opts.log ?? defaultLog;
  const host = opts.host ?? '127.0.0.1';
  const storeDir = opts.storeDir;
  const started = Date.now();

  // Oldest first internally; views reverse it.
  let store: CapturedMessage[] = storeDir ? await loadStore(storeDir, log) : [];
  const waiters = new Set<(m: CapturedMessage) => void>();

  const add = async (message: CapturedMessage, raw: Buffer) => {
    if (storeDir) {
      // Written before the SMTP reply, so an accepted message survives a restart.
      await writeFile(join(storeDir, `${message.id}.eml`), raw);
      await writeFile(join(storeDir, `${message.id}.json`), JSON.stringify(message, null, 2));
    }
    store.push(message);
    log(`[mail] ${describeMessage(message)}`);
    for (const waiter of [...waiters]) waiter(message);
  };

  // File deletions run in the background; stop() waits for them.
  const pendingDeletes = new Set<Promise<unknown>>();
  const clear = () => {
    const removed = store;
    store = [];
    if (!storeDir) return;
    for (const m of removed) {
      for (const file of [`${m.id}.json`, `${m.id}.eml`]) {
        const p = rm(join(storeDir, file), { force: true }).catch((err: Error) =>
          log(`[mail] could not delete ${file}: ${err.message}`),
        );
        pendingDeletes.add(p);
        void p.finally(() => pendingDeletes.delete(p));
      }
    }
  };
  const newestFirst = () => [...store].reverse();
  const byId = (id: string) => store.find((m) => m.id === id);

  const smtp = new SMTPServer({
    logger: false, // also silences its warning about the built-in TLS certificate, unused here
    banner: 'parcours-vae mail capture',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: MAX_SIZE,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' }); // any credentials will do
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', (err) => callback(err));
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          const err = Object.assign(new Error(`Message exceeds the ${MAX_SIZE} bytes limit`), {
            responseCode: 552,
          });
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => add(toCapturedMessage(parsed, session), raw))
          .then(
            () => callback(),
            (err: Error) => {
              log(`[mail] could not store a message: ${err.message}`);
              callback(err);
            },
          );
      });
    },
  });

  const http = createServer((req, res) => {
    try {
      handleHttp(req, res, { newestFirst, byId, clear });
    } catch (err) {
      log(`[mail] HTTP error: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Erreur interne');
      else res.destroy();
    }
  });

  const closeSmtp = () => new Promise<void>((resolve) => smtp.close(() => resolve()));
  const closeHttp = () =>
    new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });

  let smtpPort: number;
  let httpPort: number;
  try {
    smtpPort = await listen(smtp.server, smtp, opts.smtpPort ?? 1025, host, 'SMTP');
    try {
      httpPort = await listen(http, http, opts.httpPort ?? 8025, host, 'HTTP');
    } catch (err) {
      await closeSmtp();
      throw err;
    }
  } catch (err) {
    throw new Error(`Mail capture did not start: ${(err as Error).message}`);
  }

  // Without a listener, an error on one client connection would crash the whole process.
  smtp.on('error', (err) => log(`[mail] SMTP: ${err.message}`));

  const smtpUrl = `smtp://${hostPort(host, smtpPort)}`;
  const webUrl = `http://${hostPort(host, httpPort)}/`;
  log(`[mail] capture ready: SMTP ${smtpUrl}, inbox ${webUrl} in ${Date.now() - started} ms`);

  let stopped: Promise<void> | undefined;
  return {
    smtpUrl,
    webUrl,
    messages: newestFirst,
    clear,
    waitFor(predicate, timeoutMs = 10_000) {
      const existing = store.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = (m: CapturedMessage) => {
          if (!predicate(m)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = newestFirst()
            .slice(0, 10)
            .map((m) => `  ${describeMessage(m)}`)
            .join('\n');
          reject(
            new Error(
              `No matching e-mail within ${timeoutMs} ms. Received (newest first):\n${seen || '  none'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop() {
      return (stopped ??= Promise.all([closeSmtp(), closeHttp(), Promise.allSettled(pendingDeletes)]).then(
        () => undefined,
      ));
    },
  };
}

/**
 * A captured message in one line for the console: its template, candidacy and recipient kind (the
 * X-Parcours-Vae-* headers the e-mail activity sets), never an address, a name or the subject, which
 * may carry personal data. A message without those headers (not sent by the application) is counted.
 */
export function describeMessage(m: CapturedMessage): string {
  const template = m.headers['x-parcours-vae-template'];
  const candidacy = m.headers['x-parcours-vae-candidacy'];
  const recipient = m.headers['x-parcours-vae-recipient'];
  if (!template && !candidacy) {
    return `message without Parcours VAE headers (${m.to.length} recipient${m.to.length === 1 ? '' : 's'})`;
  }
  return `${template ?? '(no template)'} · candidacy ${candidacy ?? '(none)'} · to ${recipient ?? '(unknown kind)'}`;
}

/** Listens and resolves with the actual port; `errors` is where the server reports listen errors. */
function listen(
  server: NetServer,
  errors: EventEmitter,
  port: number,
  host: string,
  what: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`${what} port ${port} on ${host} is already in use (a previous \`npm run dev\`?)`)
          : err,
      );
    };
    const onListening = () => {
      errors.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    errors.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function loadStore(dir: string, log: (m: string) => void): Promise<CapturedMessage[]> {
  await mkdir(dir, { recursive: true });
  const messages: CapturedMessage[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const m = JSON.parse(await readFile(join(dir, name), 'utf8')) as CapturedMessage;
      if (typeof m.id === 'string' && ID_PATTERN.test(m.id) && typeof m.receivedAt === 'string')
        messages.push(m);
    } catch (err) {
      log(`[mail] ignoring unreadable ${name}: ${(err as Error).message}`);
    }
  }
  return messages.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
}

function toCapturedMessage(parsed: ParsedMail, session: SMTPServerSession): CapturedMessage {
  const now = new Date();
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return {
    // Time first, so that ids sort like arrival order.
    id: `${now.getTime().toString(36)}-${randomBytes(4).toString('hex')}`,
    messageId: parsed.messageId,
    from: parsed.from?.text || envelopeFrom,
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || undefined,
    headers: headersOf(parsed),
    receivedAt: now.toISOString(),
  };
}

function headersOf(parsed: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (key in out) continue; // repeated header: parsed.headers already holds every value
    const value = parsed.headers.get(key);
    out[key] = value === undefined ? rawValue(line) : headerToString(value) || rawValue(line);
  }
  return out;
}

function headerToString(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v: HeaderValue) => headerToString(v)).join('\n');
  if ('text' in value && typeof value.text === 'string') return value.text; // address header
  if ('value' in value && typeof value.value === 'string') {
    const params = Object.entries(('params' in value ? value.params : {}) as Record<string, string>).map(
      ([k, v]) => `; ${k}=${v}`,
    );
    return value.value + params.join('');
  }
  return ''; // e.g. List-* headers: the raw line is used instead
}

function rawValue(line: string): string {
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------------------
// HTTP: the inbox pages and a small JSON API.

interface Inbox {
  newestFirst(): CapturedMessage[];
  byId(id: string): CapturedMessage | undefined;
  clear(): void;
}

// Pages never run scripts; the HTML part of a mail is shown in a sandboxed srcdoc iframe, which inherits
// this policy: inline styles and embedded (data:) images only, nothing fetched from elsewhere.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

function handleHttp(req: IncomingMessage, res: ServerResponse, inbox: Inbox): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path === '/api/messages') {
    if (method === 'GET') return sendJson(res, 200, inbox.newestFirst());
    if (method === 'DELETE') {
      inbox.clear();
      res.writeHead(204).end();
      return;
    }
    return sendJson(res, 405, { error: 'method not allowed' });
  }
  const apiMatch = /^\/api\/messages\/([^/]+)$/.exec(path);
  if (apiMatch && method === 'GET') {
    const m = inbox.byId(apiMatch[1] ?? '');
    return m ? sendJson(res, 200, m) : sendJson(res, 404, { error: 'not found' });
  }
  if (path === '/' && method === 'GET') return sendPage(res, 200, inboxPage(inbox.newestFirst()));
  if (path === '/clear' && method === 'POST') {
    inbox.clear();
    res.writeHead(303, { location: '/' }).end();
    return;
  }
  const pageMatch = /^\/messages\/([^/]+)$/.exec(path);
  if (pageMatch && method === 'GET') {
    const m = inbox.byId(pageMatch[1] ?? '');
    if (m) return sendPage(res, 200, messagePage(m));
  }
  sendPage(
    res,
    404,
    layout('Introuvable', '<p>Cette page ou ce message n’existe pas.</p><p><a href="/">Retour</a></p>'),
  );
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-frame-options', 'DENY');
  send(res, status, 'text/html; charset=utf-8', html);
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function formatDate(iso: string): string {
  return new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' });
}

function layout(title: string, body: string, extraHead = ''): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${extraHead}<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1e1e1e; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f3f3f3; }
a { color: #000091; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 1rem; }
iframe { width: 100%; height: 36rem; border: 1px solid #ccc; background: #fff; }
.muted { color: #666; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function inboxPage(messages: CapturedMessage[]): string {
  const rows = messages
    .map(
      (m) => `<tr>
<td>${escapeHtml(formatDate(m.receivedAt))}</td>
<td>${escapeHtml(m.to.join(', '))}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(sans objet)')}</a></td>
</tr>`,
    )
    .join('\n');
  const body = `<h1>Boîte de réception de développement</h1>
<p class="muted">Les e-mails envoyés par l’application sont capturés ici ; aucun n’est réellement distribué.
La page se rafraîchit toutes les 5 secondes.</p>
<form method="post" action="/clear"><button type="submit">Tout supprimer</button></form>
${
  messages.length === 0
    ? '<p>Aucun message pour le moment.</p>'
    : `<table>
<thead><tr><th>Reçu le</th><th>Destinataires</th><th>Objet</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
}`;
  return layout('Boîte de réception de développement', body, '<meta http-equiv="refresh" content="5">\n');
}

function messagePage(m: CapturedMessage): string {
  const headerRows = Object.entries(m.headers)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v).replace(/\n/g, '<br>')}</td></tr>`)
    .join('\n');
  const body = `<p><a href="/">← Boîte de réception</a> · <a href="/api/messages/${encodeURIComponent(m.id)}">JSON</a></p>
<h1>${escapeHtml(m.subject || '(sans objet)')}</h1>
<table>
<tr><th>Reçu le</th><td>${escapeHtml(formatDate(m.receivedAt))}</td></tr>
<tr><th>De</th><td>${escapeHtml(m.from)}</td></tr>
<tr><th>Destinataires</th><td>${escapeHtml(m.to.join(', '))}</td></tr>
</table>
<h2>Version HTML</h2>
${
  m.html === undefined
    ? '<p class="muted">Pas de partie HTML.</p>'
    : `<iframe sandbox title="Version HTML du message" srcdoc="${escapeHtml(m.html)}"></iframe>`
}
<h2>Version texte</h2>
<pre>${escapeHtml(m.text)}</pre>
<h2>En-têtes</h2>
<table>
${headerRows}
</table>`;
  return layout(m.subject || '(sans objet)', body);
}
