import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { sql } from 'kysely';
import type { ActivityDeps } from './deps.js';
import { TemplateDataError, type EmailContext } from '../notifications/context.js';
import type { RenderedEmail } from '../notifications/layout.js';
import { isTemplateName, TEMPLATES } from '../notifications/templates.js';
import { loadEmailContext, type Recipient } from './email-context.js';

export interface EmailRequest {
  /** Unique per e-mail: `<workflowId>/<seq>/<template>/<recipient>`; the exactly-once key. */
  key: string;
  candidacyId: string;
  template: string;
  recipient: Recipient;
  data: EmailContext['data'];
}

/**
 * How old a 'sending' claim must be before another attempt retakes it (and sends the e-mail again,
 * with the same Message-ID): only an attempt that died between the SMTP server's acceptance and the
 * 'sent' mark leaves one behind. Longer than the e-mail activity's start-to-close timeout (30 s, in
 * src/workflows/activities-proxy.ts), so a claim this old belongs to an attempt the server has
 * already timed out; and sendEmails takes no new claim once half of that timeout is gone, so a
 * timed-out attempt still running in a live worker would race the retake only if one e-mail took it
 * more than 35 s (the mailer gives up on a silent server after 20 s). Was 40 s; the retry that meets
 * a fresh claim is now told to come back when it goes stale, instead of after the retry backoff.
 */
export const STALE_CLAIM_SECONDS = 35;
const STALE_CLAIM = `${STALE_CLAIM_SECONDS} seconds`;

async function withDbRetries<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** i, 4_000)));
    }
  }
}

/** A stable Message-ID: a receiving system can also deduplicate on it. */
function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@parcours-vae>`;
}

export interface EmailSent {
  status: 'sent' | 'already-sent';
  /** False when the SMTP server accepted it but the e-mail log could not be updated yet. */
  recorded: boolean;
  messageId?: string;
}

/** Why an e-mail can never be sent: retrying cannot change it. */
export type EmailFailureCode = 'unknown_template' | 'unknown_recipient' | 'invalid_template_data';

/** An e-mail given up for good: its log row is 'failed' with the same code and reason. */
export interface EmailFailed {
  key: string;
  template: string;
  code: EmailFailureCode;
  /** French, for the project lead; no personal data (no address, no name). */
  reason: string;
}

/**
 * What one `sendEmails` call did. `done` and `failed` together are always a prefix of the requests,
 * in order (each request is in one of them at most); the call may stop early (see there).
 */
export interface EmailsSent {
  done: Array<EmailSent & { key: string }>;
  failed: EmailFailed[];
}

/** The ApplicationFailure type `sendEmail` throws for each permanent failure (kept for old histories). */
const FAILURE_TYPES: Record<EmailFailureCode, string> = {
  unknown_template: 'InvalidTemplate',
  unknown_recipient: 'UnknownRecipient',
  invalid_template_data: 'InvalidTemplateData',
};

export interface PermanentFailure {
  code: EmailFailureCode;
  /** English, for logs and the workflow history (sendEmail's ApplicationFailure). */
  message: string;
  /** French, for the e-mail log and the project lead. */
  reason: string;
}

type Prepared =
  { ok: true; address: string; rendered: RenderedEmail } | { ok: false; failure: PermanentFailure };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Template names and data fields come from the workflow's code; anything else is not quoted. */
const CODE_NAME = /^[A-Za-z0-9_.]{1,80}$/;

function quoted(name: string): string {
  return CODE_NAME.test(name) ? `« ${name} »` : '(nom invalide)';
}

const NOT_SENT = 'L’e-mail n’a pas été envoyé et ne sera pas réessayé.';

function missingRecipient(recipient: Recipient, candidacyFound: boolean): string {
  if (!candidacyFound) return 'la candidature n’existe pas (ou plus) dans la base';
  switch (recipient.kind) {
    case 'candidate':
      return 'le candidat de la candidature n’existe pas (ou plus) dans la base';
    case 'operator':
      // An organisation's id, not a person's: the lead can find which one.
      return `l’organisme destinataire${UUID.test(recipient.operatorId) ? ` ${recipient.operatorId}` : ''} n’existe pas (ou plus) dans la base`;
    case 'user':
      return 'l’utilisateur destinataire n’existe pas (ou plus) dans la base';
    case 'jury_member':
      return 'le membre de jury destinataire n’existe pas (ou plus) dans la base';
  }
}

/** The attempt's local deadline for taking new e-mails: half its start-to-close timeout. */
function claimDeadline(): number | undefined {
  let timeoutMs: number | undefined;
  try {
    timeoutMs = Context.current().info.startToCloseTimeoutMs;
  } catch {
    return undefined; // called outside an activity (tests, tools): no deadline
  }
  return timeoutMs ? Date.now() + timeoutMs / 2 : undefined;
}

function asFailure(code: EmailFailureCode, reason: string): PermanentFailure {
  return { code, reason, message: reason };
}

/** What the e-mail log needs of an e-mail: its key, template, recipient kind, candidacy or session. */
export interface LoggedEmail {
  key: string;
  template: string;
  recipient: { kind: string };
  /** Null for the e-mails of a jury session (members, organiser). */
  candidacyId: string | null;
  sessionId?: string;
}

/**
 * The exactly-once log of e-mails (claim, send with a stable Message-ID, mark sent), shared by the
 * candidacy's e-mails and the jury sessions'.
 */
export function emailLog(deps: ActivityDeps) {
  const { db, mailer, mailFrom } = deps;
  /** `address`: for the outbox's rows, whose address is known only once rendered (the claim had none). */
  const markSent = (key: string, messageId: string, address?: string) =>
    db
      .updateTable('email_log')
      .set({
        status: 'sent',
        message_id: messageId,
        sent_at: new Date(),
        ...(address ? { to_address: address } : {}),
      })
      .where('idempotency_key', '=', key)
      .execute();

  /**
   * Claims the e-mail in its own committed transaction: one attempt at a time. Returns what the
   * log already says when it is not to be sent; throws a retryable EmailInFlight while a fresh
   * claim of another attempt holds it, due back when that claim goes stale.
   */
  async function claim(
    req: LoggedEmail,
    address: string,
  ): Promise<'claimed' | 'sent' | { failed: PermanentFailure }> {
    await db
      .insertInto('email_log')
      .values({
        idempotency_key: req.key,
        candidacy_id: req.candidacyId,
        session_id: req.sessionId ?? null,
        template: req.template,
        recipient_kind: req.recipient.kind,
        to_address: address,
        status: 'pending',
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
    const claimed = await db
      .updateTable('email_log')
      .set((eb) => ({ status: 'sending', claimed_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1) }))
      .where('idempotency_key', '=', req.key)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          // A claim older than the activity's timeout belongs to an attempt that died.
          eb.and([
            eb('status', '=', 'sending'),
            eb('claimed_at', '<', sql<Date>`now() - ${STALE_CLAIM}::interval`),
          ]),
        ]),
      )
      .returning('attempts')
      .executeTakeFirst();
    if (claimed) return 'claimed';
    const row = await db
      .selectFrom('email_log')
      .select([
        'status',
        'failure_code',
        'failure_reason',
        sql<number | null>`extract(epoch from (claimed_at + ${STALE_CLAIM}::interval - now())) * 1000`.as(
          'stale_in_ms',
        ),
      ])
      .where('idempotency_key', '=', req.key)
      .executeTakeFirstOrThrow();
    if (row.status === 'sent') return 'sent';
    if (row.status === 'failed') {
      const code = (row.failure_code ?? 'invalid_template_data') as EmailFailureCode;
      return { failed: asFailure(code, row.failure_reason ?? NOT_SENT) };
    }
    // Another attempt is sending right now (or died doing so): retry once its claim is stale,
    // rather than after the retry policy's backoff, which may overshoot by many seconds.
    const staleInMs = Number(row.stale_in_ms ?? 0);
    throw ApplicationFailure.create({
      message: `E-mail ${req.key} is being sent by another attempt`,
      type: 'EmailInFlight',
      nonRetryable: false,
      nextRetryDelay: Math.min(Math.max(Math.ceil(staleInMs) + 500, 1_000), STALE_CLAIM_SECONDS * 1_000),
    });
  }

  /** Sends a claimed e-mail with a stable Message-ID, then records it as sent. */
  async function deliver(req: LoggedEmail, address: string, rendered: RenderedEmail): Promise<EmailSent> {
    const messageId = messageIdFor(req.key);
    await mailer.send({
      messageId,
      from: mailFrom,
      to: address,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: {
        'X-Parcours-Vae-Template': req.template,
        ...(req.candidacyId ? { 'X-Parcours-Vae-Candidacy': req.candidacyId } : {}),
        ...(req.sessionId ? { 'X-Parcours-Vae-Session': req.sessionId } : {}),
        // The kind only (candidate, operator, user, jury_member): logs may show it, never the address.
        'X-Parcours-Vae-Recipient': req.recipient.kind,
      },
    });

    // If the database does not answer now, the activity still succeeds: the workflow then
    // records it with recordEmailSent, retried until the database is back, instead of retrying
    // this activity, which would send the e-mail again.
    let recorded = true;
    try {
      await withDbRetries(() => markSent(req.key, messageId, address), 3);
    } catch {
      recorded = false;
    }
    deps.faults?.afterEmailSent?.(req.key);
    return { status: 'sent', recorded, messageId };
  }

  return { markSent, claim, deliver };
}

/**
 * What every e-mail goes through before its send, whoever sends it (the e-mail activities, the
 * outbox relay): its template, recipient and rendering, and the 'failed' mark when it can never leave.
 */
export function emailPreparation(deps: ActivityDeps) {
  const { db } = deps;
  /** Template, recipient and rendering: a permanent failure is returned, never retried. */
  async function prepare(req: EmailRequest): Promise<Prepared> {
    if (!isTemplateName(req.template)) {
      return {
        ok: false,
        failure: {
          code: 'unknown_template',
          message: `Unknown e-mail template ${req.template}`,
          reason: `Modèle d’e-mail inconnu : ${quoted(req.template)}. ${NOT_SENT}`,
        },
      };
    }
    const ctx = await loadEmailContext(db, req.candidacyId, req.recipient, req.data, {
      links: deps.links,
      now: deps.clock?.(),
    });
    if (!ctx) {
      const candidacy = UUID.test(req.candidacyId)
        ? await db.selectFrom('candidacies').select('id').where('id', '=', req.candidacyId).executeTakeFirst()
        : undefined;
      return {
        ok: false,
        failure: {
          code: 'unknown_recipient',
          message: `No recipient for ${req.recipient.kind} on candidacy ${req.candidacyId}`,
          reason: `Destinataire introuvable : ${missingRecipient(req.recipient, candidacy !== undefined)}. ${NOT_SENT}`,
        },
      };
    }
    try {
      return { ok: true, address: ctx.address, rendered: TEMPLATES[req.template](ctx.context) };
    } catch (err) {
      // Invalid template data is a programming error: retrying cannot fix it. The reason names
      // the field, never its value.
      const fields = err instanceof TemplateDataError ? err.fields : [];
      return {
        ok: false,
        failure: {
          code: 'invalid_template_data',
          message: (err as Error).message,
          reason:
            fields.length === 0
              ? `Le modèle ${quoted(req.template)} n’a pas pu être produit avec les données fournies. ${NOT_SENT}`
              : fields.length === 1
                ? `Données invalides pour le modèle ${quoted(req.template)} : le champ ${quoted(fields[0]!)} est absent ou mal formé. ${NOT_SENT}`
                : `Données invalides pour le modèle ${quoted(req.template)} : les champs ${fields.map(quoted).join(', ')} sont absents, mal formés ou incohérents. ${NOT_SENT}`,
        },
      };
    }
  }

  /**
   * Marks the e-mail 'failed' (inserting its row if need be), unless it was sent already: a
   * recipient deleted after the send does not undo it. The failure row has no address.
   */
  async function recordFailure(req: EmailRequest, failure: PermanentFailure): Promise<'failed' | 'sent'> {
    const row = await db
      .insertInto('email_log')
      .values({
        idempotency_key: req.key,
        // The candidacy may be missing too (foreign key): then the row belongs to none.
        candidacy_id: UUID.test(req.candidacyId)
          ? sql<string | null>`(select id from candidacies where id = ${req.candidacyId}::uuid)`
          : null,
        template: req.template,
        recipient_kind: req.recipient.kind,
        to_address: null,
        status: 'failed',
        failure_code: failure.code,
        failure_reason: failure.reason,
        failed_at: sql<Date>`now()`,
      })
      .onConflict((oc) =>
        oc
          .column('idempotency_key')
          .doUpdateSet((eb) => ({
            status: 'failed',
            failure_code: eb.ref('excluded.failure_code'),
            failure_reason: eb.ref('excluded.failure_reason'),
            failed_at: sql<Date>`coalesce(email_log.failed_at, excluded.failed_at)`,
          }))
          .where('email_log.status', '<>', 'sent'),
      )
      .returning('status')
      .executeTakeFirst();
    return row ? 'failed' : 'sent';
  }

  return { prepare, recordFailure };
}

export function emailActivities(deps: ActivityDeps) {
  const { markSent, claim, deliver } = emailLog(deps);
  const { prepare, recordFailure } = emailPreparation(deps);

  const activities = {
    /**
     * Sends one e-mail once per key, but for one window (below): an attempt claims the log row
     * ('sending'), sends, then marks it 'sent'; any retry after that finds it sent and does nothing,
     * and a database outage after the send is absorbed by recordEmailSent. The one window left is a
     * worker killed in the milliseconds between the SMTP server's acceptance and that mark: once the
     * claim is stale the e-mail is sent again (the log's `attempts` then exceeds 1) with the same
     * Message-ID, which mail systems use to drop the duplicate.
     *
     * The single-e-mail activity of older histories: a permanent failure throws a non-retryable
     * ApplicationFailure (InvalidTemplate, UnknownRecipient, InvalidTemplateData), as it always did.
     */
    async sendEmail(req: EmailRequest): Promise<EmailSent> {
      const prepared = await prepare(req);
      if (!prepared.ok) {
        throw ApplicationFailure.nonRetryable(prepared.failure.message, FAILURE_TYPES[prepared.failure.code]);
      }
      const claimed = await claim(req, prepared.address);
      if (claimed === 'sent') return { status: 'already-sent', recorded: true };
      if (claimed !== 'claimed') {
        throw ApplicationFailure.nonRetryable(claimed.failed.message, FAILURE_TYPES[claimed.failed.code]);
      }
      return deliver(req, prepared.address, prepared.rendered);
    },

    /**
     * The e-mails waiting in the outbox in one activity (one task and one workflow task fewer
     * per e-mail), each with sendEmail's exactly-once rules, one after the other.
     *
     * A permanent failure (unknown template, recipient missing from the database, invalid
     * template data) never fails the call: the e-mail's log row is marked 'failed' with a code
     * and a French reason, the e-mail is reported in `failed`, and the next one goes on; the
     * project lead lists them (GET /api/projects/:id/email-failures).
     *
     * On a retryable failure with nothing handled yet, the call fails and Temporal retries it
     * with its backoff. Once some e-mails are handled it returns them instead: the workflow drops
     * them from the outbox (recording any the log missed) and sends the rest in a fresh call, so
     * one failing e-mail neither delays the others nor makes a retry meet a sent-but-unrecorded
     * one again. It also returns early, before taking a new e-mail, once half of the attempt's
     * start-to-close timeout is gone: a batch never runs into the timeout, whatever its size.
     */
    async sendEmails(reqs: EmailRequest[]): Promise<EmailsSent> {
      const result: EmailsSent = { done: [], failed: [] };
      const deadline = claimDeadline();
      for (const req of reqs) {
        const handled = result.done.length + result.failed.length;
        if (handled > 0 && deadline !== undefined && Date.now() >= deadline) break;
        try {
          const prepared = await prepare(req);
          if (!prepared.ok) {
            if ((await recordFailure(req, prepared.failure)) === 'sent') {
              result.done.push({ key: req.key, status: 'already-sent', recorded: true });
            } else {
              result.failed.push({ key: req.key, template: req.template, ...pick(prepared.failure) });
            }
            continue;
          }
          const claimed = await claim(req, prepared.address);
          if (claimed === 'sent') {
            result.done.push({ key: req.key, status: 'already-sent', recorded: true });
          } else if (claimed === 'claimed') {
            result.done.push({ key: req.key, ...(await deliver(req, prepared.address, prepared.rendered)) });
          } else {
            result.failed.push({ key: req.key, template: req.template, ...pick(claimed.failed) });
          }
        } catch (err) {
          if (handled === 0) throw err;
          break;
        }
      }
      return result;
    },

    /** Records an e-mail the SMTP server accepted while the database was unavailable. */
    async recordEmailSent(input: { key: string; messageId: string }): Promise<void> {
      await markSent(input.key, input.messageId);
    },
  };
  return activities;
}

function pick(failure: PermanentFailure): Pick<EmailFailed, 'code' | 'reason'> {
  return { code: failure.code, reason: failure.reason };
}
