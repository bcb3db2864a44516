import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';

describe('one send per e-mail key, even when the activity fails after the SMTP server accepted it', () => {
  let stack: TestStack;
  const failedOnce = new Set<string>();
  before(async () => {
    stack = await startTestStack({
      faults: {
        // Each e-mail's first attempt fails right after the SMTP server accepted it, as if the
        // worker lost its connection before reporting success: Temporal retries the activity.
        afterEmailSent: (key) => {
          if (failedOnce.has(key)) return;
          failedOnce.add(key);
          throw new Error(`injected failure after sending ${key}`);
        },
      },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  it('retries the failed activities without sending anything twice', async () => {
    const projectId = await createProjectWithPolicy(stack.db, COMPRESSED);
    const c = await CandidacyDriver.create(stack, { projectId });
    await c.informAndSubmit();
    await c.waitPhase('admissible', 20_000);
    const log = await c.waitTemplates([
      'candidate.welcome',
      'candidate.informed',
      'certifier.admissibility_requested',
      'candidate.admissibility_decision',
      'certifier.implicit_decision',
    ]);
    // Let the last e-mails of the batch finish too, then read the log whole.
    const { log: settled } = await c.waitMailSettled();
    log.splice(0, log.length, ...settled);
    assert.ok(failedOnce.size >= log.length, `every e-mail's first attempt failed (${failedOnce.size})`);
    // The retried activity found the e-mail already sent: one attempt each.
    assert.ok(
      log.every((l) => l.status === 'sent' && l.attempts === 1),
      JSON.stringify(log.map((l) => [l.template, l.attempts])),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const captured = stack.mail.messages().filter((m) => m.headers['x-parcours-vae-candidacy'] === c.id);
    assert.equal(captured.length, log.length, 'one captured message per e-mail');
    assert.equal(new Set(captured.map((m) => m.messageId)).size, captured.length);
  });

  itReplaysEveryWorkflow(() => stack);
});
