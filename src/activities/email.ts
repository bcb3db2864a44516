import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
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

/** A stable Message-ID: a receiving system can also deduplicate on it. */
function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@parcours-vae>`;
}

export function emailActivities(deps: ActivityDeps) {
  const { db, mailer, mailFrom } = deps;
  return {
    /**
     * Sends one e-mail exactly once per key. The e-mail log row is locked while sending, so
     * a concurrent retry waits and then sees it sent; a retry after a crash resends only if
     * the SMTP server never accepted the message.
     */
    async sendEmail(req: EmailRequest): Promise<{ status: 'sent' | 'already-sent' }> {
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

      return db.transaction().execute(async (trx) => {
        await trx
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
        const row = await trx
          .selectFrom('email_log')
          .select(['status'])
          .where('idempotency_key', '=', req.key)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (row.status === 'sent') return { status: 'already-sent' as const };

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
        await trx
          .updateTable('email_log')
          .set((eb) => ({
            status: 'sent',
            message_id: messageId,
            sent_at: new Date(),
            attempts: eb('attempts', '+', 1),
          }))
          .where('idempotency_key', '=', req.key)
          .execute();
        return { status: 'sent' as const };
      });
    },
  };
}
