import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { sql } from 'kysely';
import type { ActivityDeps } from './deps.js';
import type { EmailContext } from '../notifications/context.js';
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
 * Longer than the e-mail activity's start-to-close timeout (30 s): a claim this old belongs to
 * an attempt the server has already timed out, so retaking it cannot race a live attempt.
 */
const STALE_CLAIM = '40 seconds';

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

/** What one `sendEmails` call did, in the order of the requests; it may stop early (see there). */
export interface EmailsSent {
  done: Array<EmailSent & { key: string }>;
}

function isNonRetryable(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.nonRetryable === true;
}

export function emailActivities(deps: ActivityDeps) {
  const { db, mailer, mailFrom } = deps;
  const markSent = (key: string, messageId: string) =>
    db
      .updateTable('email_log')
      .set({ status: 'sent', message_id: messageId, sent_at: new Date() })
      .where('idempotency_key', '=', key)
      .execute();
  const activities = {
    /**
     * Sends one e-mail exactly once per key: an attempt claims the log row ('sending'), sends,
     * then marks it 'sent'; any retry after that finds it sent and does nothing, and a database
     * outage after the send is absorbed by recordEmailSent. The one gap left is a worker killed
     * in the milliseconds between the SMTP server's acceptance and that mark: once the claim is
     * stale the e-mail is sent again (the log's `attempts` then exceeds 1) with the same
     * Message-ID, which mail systems use to drop the duplicate.
     */
    async sendEmail(req: EmailRequest): Promise<EmailSent> {
      if (!isTemplateName(req.template)) {
        throw ApplicationFailure.nonRetryable(`Unknown e-mail template ${req.template}`, 'InvalidTemplate');
      }
      const ctx = await loadEmailContext(db, req.candidacyId, req.recipient, req.data);
      if (!ctx) {
        throw ApplicationFailure.nonRetryable(
          `No recipient for ${req.recipient.kind} on candidacy ${req.candidacyId}`,
          'UnknownRecipient',
        );
      }
      let rendered;
      try {
        rendered = TEMPLATES[req.template](ctx.context);
      } catch (err) {
        // Invalid template data is a programming error: retrying cannot fix it.
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidTemplateData');
      }

      // 1. Claim the e-mail in its own committed transaction: one attempt at a time.
      await db
        .insertInto('email_log')
        .values({
          idempotency_key: req.key,
          candidacy_id: req.candidacyId,
          template: req.template,
          recipient_kind: req.recipient.kind,
          to_address: ctx.address,
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
      if (!claimed) {
        const row = await db
          .selectFrom('email_log')
          .select('status')
          .where('idempotency_key', '=', req.key)
          .executeTakeFirstOrThrow();
        if (row.status === 'sent') return { status: 'already-sent', recorded: true };
        // Another attempt is sending right now: retry later, it will then be 'sent'.
        throw ApplicationFailure.retryable(
          `E-mail ${req.key} is being sent by another attempt`,
          'EmailInFlight',
        );
      }

      // 2. Send, with a stable Message-ID.
      const messageId = messageIdFor(req.key);
      await mailer.send({
        messageId,
        from: mailFrom,
        to: ctx.address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: { 'X-Parcours-Vae-Template': req.template, 'X-Parcours-Vae-Candidacy': req.candidacyId },
      });

      // 3. Record it as sent. If the database does not answer now, the activity still succeeds:
      // the workflow then records it with recordEmailSent, retried until the database is back,
      // instead of retrying this activity, which would send the e-mail again.
      let recorded = true;
      try {
        await withDbRetries(() => markSent(req.key, messageId), 3);
      } catch {
        recorded = false;
      }
      deps.faults?.afterEmailSent?.(req.key);
      return { status: 'sent', recorded, messageId };
    },

    /**
     * The e-mails waiting in the outbox in one activity (one task and one workflow task fewer
     * per e-mail), each with sendEmail's exactly-once rules, one after the other. On a retryable
     * failure with nothing done yet, the call fails and Temporal retries it with its backoff.
     * Once some e-mails went out it returns them instead: the workflow drops them from the
     * outbox (recording any the log missed) and sends the rest in a fresh call, so one failing
     * e-mail neither delays the others nor makes a retry meet a sent-but-unrecorded one again.
     */
    async sendEmails(reqs: EmailRequest[]): Promise<EmailsSent> {
      const done: EmailsSent['done'] = [];
      for (const req of reqs) {
        try {
          done.push({ key: req.key, ...(await activities.sendEmail(req)) });
        } catch (err) {
          if (isNonRetryable(err) || done.length === 0) throw err;
          return { done };
        }
      }
      return { done };
    },

    /** Records an e-mail the SMTP server accepted while the database was unavailable. */
    async recordEmailSent(input: { key: string; messageId: string }): Promise<void> {
      await markSent(input.key, input.messageId);
    },
  };
  return activities;
}
