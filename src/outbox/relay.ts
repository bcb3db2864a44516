import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ActivityDeps } from '../activities/deps.js';
import {
  emailLog,
  emailPreparation,
  STALE_CLAIM_SECONDS,
  type EmailRequest,
  type PermanentFailure,
} from '../activities/email.js';
import type { Recipient } from '../activities/email-context.js';
import { emailRetryDelayMs } from '../workflows/email-retry.js';
import { queryState } from '../app/candidacies/run-action.js';
import { TEMPORAL_DEADLINES, withDeadline } from '../app/temporal-deadline.js';
import {
  claimOutbox,
  confirmOutbox,
  dropHeldBeyond,
  heldForCheck,
  retryOutboxLater,
  type ClaimedEmail,
} from '../db/email-outbox.js';
import type { Logger } from '../logger.js';
import { emailFailedSignal } from '../workflows/candidacy/contract.js';

export interface EmailRelayOptions {
  /** E-mails sent at once: an SMTP server that does not answer holds one slot, not the relay. */
  concurrency?: number;
  /** How often the outbox is read when nothing woke the relay (the API's confirmations, other workers). */
  pollMs?: number;
  /** A held e-mail older than this is checked against its workflow (its caller never confirmed it). */
  heldCheckAfterSeconds?: number;
  /** How often held e-mails are looked for, and how long before one is checked again. */
  heldCheckEverySeconds?: number;
}

export type EmailRelayDeps = ActivityDeps & { temporal: Client; logger?: Logger };

/**
 * Sends the outbox's e-mails (src/db/email-outbox.ts) beside the worker, with the e-mail log's
 * exactly-once rules (a claim, a stable Message-ID, the 'sent' mark; `emailLog`): no activity, no
 * workflow task per e-mail. An SMTP or database outage delays e-mails, never a clock: the e-mail
 * goes back to the outbox with the e-mail activity's backoff (`emailRetryDelayMs`). A relay
 * killed mid-send leaves a claim another relay retakes once stale (35 s), sending again with the
 * same Message-ID, as the activity's retry does. An e-mail that can never leave is marked 'failed'
 * and its candidacy told (`emailFailed` signal), which journals it.
 */
export class EmailRelay {
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly heldCheckAfter: number;
  private readonly heldCheckEvery: number;
  private readonly log: ReturnType<typeof emailLog>;
  private readonly preparation: ReturnType<typeof emailPreparation>;
  private readonly inFlight = new Set<Promise<void>>();
  /** The keys this relay has claimed and not yet let go (sent and marked, given back, or failed). */
  private readonly inHand = new Set<string>();
  private stopping = false;
  private woken: (() => void) | null = null;
  private wakeRequested = false;
  private running: Promise<void> | null = null;
  private checking = false;

  constructor(
    private readonly deps: EmailRelayDeps,
    opts: EmailRelayOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 8;
    this.pollMs = opts.pollMs ?? 500;
    this.heldCheckAfter = opts.heldCheckAfterSeconds ?? 60;
    this.heldCheckEvery = opts.heldCheckEverySeconds ?? 30;
    this.log = emailLog(deps);
    this.preparation = emailPreparation(deps);
  }

  /** Something was written to the outbox (the journal activity, in this process): read it now. */
  wake(): void {
    this.wakeRequested = true;
    this.woken?.();
  }

  /** Runs until `stop()`; the e-mails in flight then finish (the mailer gives up after 20 s). */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    let nextHeldCheck = Date.now() + this.heldCheckEvery * 1000;
    while (!this.stopping) {
      this.wakeRequested = false;
      const free = this.concurrency - this.inFlight.size;
      let claimed: ClaimedEmail[] = [];
      try {
        if (free > 0) claimed = await claimOutbox(this.deps.db, free, STALE_CLAIM_SECONDS, [...this.inHand]);
        if (Date.now() >= nextHeldCheck && !this.checking) {
          nextHeldCheck = Date.now() + this.heldCheckEvery * 1000;
          this.track(this.checkHeld());
        }
        failures = 0;
      } catch (err) {
        failures += 1;
        this.deps.logger?.warn(
          { error: errorKind(err), failures },
          'e-mail relay: outbox unreachable, retrying',
        );
        await this.idle(Math.min(250 * 2 ** failures, 5_000));
        continue;
      }
      for (const email of claimed) {
        this.inHand.add(email.key);
        this.track(this.send(email).finally(() => this.inHand.delete(email.key)));
      }
      // Full: more may be waiting, read again as soon as a slot frees (a send that ends wakes).
      if (claimed.length > 0 && claimed.length === free) {
        if (this.inFlight.size >= this.concurrency) await this.idle(this.pollMs);
        continue;
      }
      await this.idle(this.pollMs);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /** Waits `ms`, or less if woken (or woken while the outbox was being read). */
  private async idle(ms: number): Promise<void> {
    if (this.wakeRequested || this.stopping) return;
    const controller = new AbortController();
    await Promise.race([
      sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined),
      new Promise<void>((resolve) => (this.woken = resolve)),
    ]);
    controller.abort();
    this.woken = null;
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err: unknown) =>
        this.deps.logger?.error({ error: errorKind(err) }, 'e-mail relay: unexpected failure'),
      )
      .finally(() => {
        this.inFlight.delete(tracked);
        this.wake();
      });
    this.inFlight.add(tracked);
  }

  private async send(email: ClaimedEmail): Promise<void> {
    const req: EmailRequest = {
      key: email.key,
      candidacyId: email.candidacyId,
      template: email.template,
      recipient: email.request.recipient as Recipient,
      data: email.request.data as EmailRequest['data'],
    };
    const retryLater = async (err: unknown) => {
      const delayMs = emailRetryDelayMs(email.attempts);
      this.deps.logger?.warn(
        { error: errorKind(err), template: email.template, attempts: email.attempts, retryInMs: delayMs },
        'e-mail relay: send failed, retrying later',
      );
      // If this fails too, the claim goes stale and is retaken: the e-mail was not sent.
      await retryOutboxLater(this.deps.db, email.key, delayMs).catch(() => undefined);
    };
    let prepared: Awaited<ReturnType<typeof this.preparation.prepare>>;
    try {
      prepared = await this.preparation.prepare(req);
    } catch (err) {
      return retryLater(err);
    }
    if (!prepared.ok) return this.fail(req, email, prepared.failure);
    let sent: Awaited<ReturnType<typeof this.log.deliver>>;
    try {
      sent = await this.log.deliver(req, prepared.address, prepared.rendered);
    } catch (err) {
      return retryLater(err);
    }
    // Accepted by the SMTP server but not yet marked: keep marking it, never send it again.
    for (let i = 1; !sent.recorded && sent.messageId; i++) {
      try {
        await this.log.markSent(req.key, sent.messageId, prepared.address);
        return;
      } catch {
        if (this.stopping && i > 3) return; // the claim goes stale: sent again with its Message-ID
        await sleep(Math.min(250 * 2 ** i, 5_000));
      }
    }
  }

  /** Marked 'failed' (unless sent meanwhile), then journaled by its candidacy. */
  private async fail(req: EmailRequest, email: ClaimedEmail, failure: PermanentFailure): Promise<void> {
    if ((await this.preparation.recordFailure(req, failure)) === 'sent') return;
    const notice = {
      key: req.key,
      template: req.template,
      recipientKind: req.recipient.kind,
      code: failure.code,
      reason: failure.reason,
    };
    for (let i = 1; ; i++) {
      try {
        await this.deps.temporal.workflow
          .getHandle(email.request.workflowId)
          .signal(emailFailedSignal, notice);
        return;
      } catch (err) {
        // A closed candidacy journals nothing more: the e-mail log keeps the failure and its reason.
        if (err instanceof WorkflowNotFoundError) return;
        if (i >= 6 || this.stopping) {
          this.deps.logger?.warn(
            { error: errorKind(err), template: req.template },
            'e-mail relay: failure not journaled',
          );
          return;
        }
        await sleep(Math.min(500 * 2 ** i, 10_000));
      }
    }
  }

  /** Held e-mails whose Update's caller never confirmed them: the workflow says how far it is. */
  private async checkHeld(): Promise<void> {
    this.checking = true;
    try {
      const held = await heldForCheck(this.deps.db, this.heldCheckAfter, this.heldCheckEvery * 10);
      for (const h of held) {
        if (this.stopping) return;
        try {
          const view = await queryState(this.deps.temporal, h.workflowId, TEMPORAL_DEADLINES.decisionQueryMs);
          await confirmOutbox(this.deps.db, h.candidacyId, view.seq);
          if (h.seq > view.seq && (await this.closed(h.workflowId))) {
            // The workflow ended below them (terminated after a lost task): they can never be
            // confirmed. Its number is read again now that it is closed: the run may have journaled
            // a last action (a withdrawal) between the first query and its end.
            const final = await queryState(
              this.deps.temporal,
              h.workflowId,
              TEMPORAL_DEADLINES.decisionQueryMs,
            );
            await confirmOutbox(this.deps.db, h.candidacyId, final.seq);
            const dropped = await dropHeldBeyond(this.deps.db, h.candidacyId, final.seq);
            this.deps.logger?.info(
              { workflowId: h.workflowId, seq: final.seq, dropped },
              'e-mail relay: held e-mails beyond the last event of a closed workflow dropped',
            );
          }
        } catch (err) {
          this.deps.logger?.warn(
            { error: errorKind(err) },
            'e-mail relay: held e-mails not checked, will retry',
          );
        }
      }
    } finally {
      this.checking = false;
    }
  }

  /** The workflow's latest run has ended (a run that continued as new is followed to the next). */
  private async closed(workflowId: string): Promise<boolean> {
    const { temporal } = this.deps;
    const run = await withDeadline(temporal, TEMPORAL_DEADLINES.decisionQueryMs, () =>
      temporal.workflow.getHandle(workflowId).describe(),
    );
    return run.status.name !== 'RUNNING';
  }
}

/**
 * What a log line may say of an error: its code or class, never its message, which an SMTP server
 * or the database may fill with an address (« 550 <x@y.fr>: recipient rejected »).
 */
function errorKind(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | null;
  if (e && typeof e.code === 'string') return e.code;
  return e && typeof e.name === 'string' ? e.name : typeof err;
}
