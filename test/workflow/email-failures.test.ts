import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionUpdates, stateQuery } from '../../src/workflows/candidacy/contract.js';
import { eventually } from '../support/fixtures.js';
import { actor, informPayload, useWorkflowEnv } from '../support/workflow-env.js';

/**
 * An e-mail that can never be sent must not stop the candidacy (issue 9, A.8): it is journaled
 * as failed with its reason, dropped from the outbox, and the path and its clocks go on.
 */
const env = useWorkflowEnv();

describe('an e-mail that fails for good is journaled and the path goes on', () => {
  // From `emails-in-journal` on, the outbox relay tells the candidacy (the stub's `emailFailed`
  // signal); the e-mail activities of older runs are replayed by test/replay.
  for (const behaviour of ['fail-permanently'] as const) {
    it('told by the outbox relay: journaled once each, clocks keep running', async () => {
      // Every e-mail to the certifier fails; the candidate's go out.
      env().emailBehaviour = (e) => (e.template.startsWith('certifier.') ? behaviour : 'send');
      const { workflowId, candidacyId } = await env().start({
        admissibilityDecisionDeadline: { seconds: 3 },
      });
      const handle = env().env.client.workflow.getHandle(workflowId);
      await handle.executeUpdate(actionUpdates['record-information'], {
        args: [{ payload: informPayload, actor }],
      });
      await handle.executeUpdate(actionUpdates['submit-admissibility'], { args: [{ payload: {}, actor }] });
      // The silence rule still decides at its deadline: the clocks did not stop.
      const view = await eventually(
        async () => {
          const s = await handle.query(stateQuery);
          return s.phase === 'admissible' && s.pendingEmails === 0 ? s : undefined;
        },
        20_000,
        'the implicit decision, every e-mail handled',
      );
      assert.equal(view.phase, 'admissible');
      // One email_failed event per e-mail to the certifier, once each.
      const toCertifier = () =>
        env()
          .eventsOf(candidacyId)
          .flatMap((e) => e.outbox?.emails ?? [])
          .filter((e) => e.template.startsWith('certifier.'));
      const failed = await eventually(
        async () => {
          const events = env()
            .eventsOf(candidacyId)
            .filter((e) => e.type === 'email_failed');
          return events.length === toCertifier().length ? events : undefined;
        },
        10_000,
        'every failure journaled',
      );
      assert.ok(failed.length >= 2, `failed: ${failed.length}`);
      for (const f of failed) {
        const p = f.payload as { template: string; recipientKind: string; code: string };
        assert.match(p.template, /^certifier\./);
        assert.equal(p.recipientKind, 'operator');
        assert.equal(p.code, 'unknown_recipient');
      }
      const toCandidate = env().sent.filter(
        (e) => e.candidacyId === candidacyId && e.recipient.kind === 'candidate',
      );
      assert.ok(toCandidate.some((e) => e.template === 'candidate.admissibility_decision'));
      // No certifier e-mail was ever counted as sent.
      assert.ok(
        !env().sent.some((e) => e.candidacyId === candidacyId && e.template.startsWith('certifier.')),
      );
      env().emailBehaviour = () => 'send';
    });
  }
});
