import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSmtpMailer, type Mailer } from '../../src/activities/mailer.js';
import { writeOutbox, confirmOutbox, type OutboxWrite } from '../../src/db/email-outbox.js';
import { EmailRelay } from '../../src/outbox/relay.js';
import { eventually } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy } from '../support/projects.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';

/**
 * The transactional outbox (issue 13): a candidacy's e-mails are written with its journal events
 * and sent by the worker's relay, with the e-mail log's exactly-once rules. An action's e-mails
 * wait until its Update is known to be in the history; what a lost workflow task wrote is never
 * sent; an SMTP outage delays e-mails without losing or doubling one; an e-mail that can never
 * leave is marked failed and journaled by its candidacy.
 */
describe('the e-mail outbox and its relay', () => {
  let stack: TestStack;
  let projectId: string;
  let c: CandidacyDriver;
  /** The candidacy's last journaled number once its first e-mails are settled. */
  let settledSeq: number;
  const relays: EmailRelay[] = [];
  const mailers: Mailer[] = [];

  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, COMPRESSED);
    c = await CandidacyDriver.create(stack, { projectId });
  });
  after(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    for (const m of mailers) m.close();
    await stack?.stop();
  });

  const row = (key: string) =>
    stack.db.selectFrom('email_log').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  /** A journal-like outbox write of e-mails to the candidate of `of` (the test's candidacy by default). */
  const write = (
    seq: number,
    task: number,
    confirmed: boolean,
    keys: string[],
    recipient?: object,
    of: CandidacyDriver = c,
  ) =>
    stack.db.transaction().execute((trx) =>
      writeOutbox(trx, {
        candidacyId: of.id,
        workflowId: of.workflowId,
        seq,
        task,
        confirmed,
        emails: keys.map((key) => ({
          key,
          template: 'candidate.welcome',
          recipient: (recipient ?? { kind: 'candidate' }) as OutboxWrite['emails'][number]['recipient'],
          data: {},
        })),
      }),
    );
  /** A second relay that checks held e-mails at once, every second. */
  const startHeldChecker = () => {
    const mailer = createSmtpMailer(`${stack.mail.smtpUrl}?ignoreTLS=true`);
    mailers.push(mailer);
    const relay = new EmailRelay(
      { db: stack.db, mailer, mailFrom: 'test <t@parcours-vae.local>', temporal: stack.temporal },
      { heldCheckAfterSeconds: 0, heldCheckEverySeconds: 1 },
    );
    relays.push(relay);
    void relay.run();
    return relay;
  };
  const sentKeys = async () =>
    new Set((await c.emailLog()).filter((r) => r.status === 'sent').map((r) => r.idempotency_key as string));

  it('sends a path’s e-mails from the journal, once each, without an e-mail activity', async () => {
    await c.informAndSubmit();
    await c.waitPhase('admissible', 20_000);
    await c.waitTemplates([
      'candidate.welcome',
      'candidate.informed',
      'certifier.admissibility_requested',
      'candidate.admissibility_decision',
    ]);
    const { log, captured } = await c.waitMailSettled();
    assert.ok(
      log.every((r) => r.request !== null && r.seq !== null && r.attempts === 1),
      JSON.stringify(log.map((r) => [r.template, r.seq, r.attempts])),
    );
    assert.equal(captured.length, log.length, 'one captured message per logged e-mail');
    assert.equal(new Set(captured.map((m) => m.messageId)).size, captured.length);
    // No activity task at all: the journal is a local activity, the e-mails leave from the outbox.
    const history = await stack.temporal.workflow.getHandle(c.workflowId).fetchHistory();
    const activities = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    assert.equal(activities.length, 0, 'no activity scheduled');
    settledSeq = (await c.events()).at(-1)!.seq;
  });

  it('holds an action’s e-mails until confirmed, and drops those of a lost attempt', async () => {
    // Far past the candidacy's own numbers, so its clocks never write there meanwhile.
    const seq = settledSeq + 1_000;
    const lost = `${c.workflowId}/${seq}/lost/${randomUUID()}`;
    const kept = `${c.workflowId}/${seq}/kept/${randomUUID()}`;
    // An attempt of a workflow task wrote an action's e-mail, then the task was lost.
    await write(seq, 10_000, false, [lost]);
    assert.equal((await row(lost))?.status, 'held');
    // Its retry decided otherwise under the same number: the lost attempt's e-mail is dropped.
    await write(seq, 10_000, false, [kept]);
    assert.equal(await row(lost), undefined, 'the lost attempt’s e-mail is gone');
    assert.equal((await row(kept))?.status, 'held');
    // Nothing held leaves on its own.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await row(kept))?.status, 'held');
    // An Update answered with an earlier number confirms nothing of it; one at its number does.
    assert.equal(await confirmOutbox(stack.db, c.id, seq - 1), 0);
    assert.equal(await confirmOutbox(stack.db, c.id, seq), 1);
    await eventually(
      async () => ((await sentKeys()).has(kept) ? true : undefined),
      10_000,
      'kept e-mail sent',
    );
    assert.ok(!(await sentKeys()).has(lost));
  });

  it('releases held e-mails with a later task’s event, not with one of the same task', async () => {
    const seq = settledSeq + 2_000;
    const first = `${c.workflowId}/${seq}/first/${randomUUID()}`;
    const sameTask = `${c.workflowId}/${seq + 1}/same-task/${randomUUID()}`;
    await write(seq, 20_000, false, [first]);
    // A second Update in the same workflow task: not yet saved, so the first stays held.
    await write(seq + 1, 20_000, false, [sameTask]);
    assert.equal((await row(first))?.status, 'held');
    // A later task's event (its numbers were written again since any lost attempt): both released.
    await write(seq + 2, 20_001, true, []);
    await eventually(
      async () => {
        const sent = await sentKeys();
        return sent.has(first) && sent.has(sameTask) ? true : undefined;
      },
      10_000,
      'released',
    );
  });

  it('checks e-mails held too long against their workflow: past it, sent; beyond it, kept', async () => {
    const seq = settledSeq; // the workflow is at least there
    const decided = `${c.workflowId}/${seq}/decided/${randomUUID()}`;
    const beyond = `${c.workflowId}/${seq + 3_000}/beyond/${randomUUID()}`;
    await write(seq, 30_000, false, [decided]);
    await write(seq + 3_000, 30_000, false, [beyond]);
    const relay = startHeldChecker();
    await eventually(async () => ((await sentKeys()).has(decided) ? true : undefined), 15_000, 'checked');
    assert.equal((await row(beyond))?.status, 'held');
    await relay.stop();
  });

  it('drops the held e-mails a terminated workflow never reached, and sends those it did', async () => {
    const t = await CandidacyDriver.create(stack, { projectId });
    await eventually(async () => ((await t.events()).length > 0 ? true : undefined), 10_000, 'journaled');
    const last = (await t.events()).at(-1)!.seq;
    // A task's attempt wrote an action's e-mail beyond the last event, was lost, and then an
    // administrator terminated the workflow: nothing will ever confirm or replace that e-mail.
    await stack.temporal.workflow.getHandle(t.workflowId).terminate('test: terminated after a lost task');
    const reached = `${t.workflowId}/${last}/reached/${randomUUID()}`;
    const never = `${t.workflowId}/${last + 1}/never/${randomUUID()}`;
    await write(last, 40_000, false, [reached], undefined, t);
    await write(last + 1, 40_000, false, [never], undefined, t);
    const relay = startHeldChecker();
    await eventually(async () => ((await row(never)) === undefined ? true : undefined), 15_000, 'dropped');
    await eventually(
      async () => ((await row(reached))?.status === 'sent' ? true : undefined),
      15_000,
      'the e-mail of its last event sent',
    );
    await relay.stop();
  });

  it('marks an e-mail that can never leave failed, and its candidacy journals it', async () => {
    const seq = settledSeq + 4_000;
    const key = `${c.workflowId}/${seq}/nobody/${randomUUID()}`;
    await write(seq, 40_000, true, [key], { kind: 'operator', operatorId: randomUUID() });
    const failed = await eventually(
      async () => {
        const r = await row(key);
        return r?.status === 'failed' ? r : undefined;
      },
      10_000,
      'marked failed',
    );
    assert.equal(failed.failure_code, 'unknown_recipient');
    assert.equal(failed.to_address, null);
    const event = await eventually(
      async () =>
        (await c.events()).find(
          (e) =>
            e.type === 'email_failed' && (e.payload as { reason?: string }).reason === failed.failure_reason,
        ),
      10_000,
      'email_failed journaled',
    );
    assert.equal((event.payload as { code: string }).code, 'unknown_recipient');
  });

  it('waits out an SMTP outage: retried with a backoff, sent once when the server is back', async () => {
    // Only this test's relay runs, with a mailer that fails its first two sends.
    stack.worker.shutdown();
    await stack.workerRun;
    try {
      const real = createSmtpMailer(`${stack.mail.smtpUrl}?ignoreTLS=true`);
      mailers.push(real);
      let failures = 0;
      const flaky: Mailer = {
        async send(m) {
          if (failures < 2) {
            failures += 1;
            throw new Error('connect ECONNREFUSED (injected)');
          }
          return real.send(m);
        },
        close: () => real.close(),
      };
      const relay = new EmailRelay({
        db: stack.db,
        mailer: flaky,
        mailFrom: 'test <t@parcours-vae.local>',
        temporal: stack.temporal,
      });
      relays.push(relay);
      void relay.run();
      const seq = settledSeq + 5_000;
      const key = `${c.workflowId}/${seq}/outage/${randomUUID()}`;
      await write(seq, 50_000, true, [key]);
      const retried = await eventually(
        async () => {
          const r = await row(key);
          return r?.status === 'pending' && r.attempts >= 1 && r.next_attempt_at ? r : undefined;
        },
        10_000,
        'given back with a retry instant',
      );
      assert.equal(retried.claimed_at, null, 'the claim is given back');
      const sent = await eventually(
        async () => {
          const r = await row(key);
          return r?.status === 'sent' ? r : undefined;
        },
        20_000,
        'sent after the outage',
      );
      assert.equal(sent.attempts, 3, 'two failed attempts, then the send');
      assert.equal(failures, 2);
      const captured = stack.mail.messages().filter((m) => m.messageId === sent.message_id);
      assert.equal(captured.length, 1, 'sent once');
      await relay.stop();
    } finally {
      await stack.restartWorker();
    }
  });

  itReplaysEveryWorkflow(() => stack);
});
