import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Action } from '../../src/domain/phases.js';
import type { Policy } from '../../src/domain/policy.js';
import { actionUpdates, stateQuery, type Actor } from '../../src/workflows/candidacy/contract.js';
import { eventually } from '../support/fixtures.js';
import { actor, certifier, informPayload, useWorkflowEnv } from '../support/workflow-env.js';

/**
 * Time wins its races (issue 9, A.1): for each clock, the worker is stopped before its due
 * instant, the action arrives after it, then the worker comes back. Temporal then delivers the
 * timer and the Update in one activation, the Update first: the clock must still take effect
 * first, at its instant, and the action be judged after it.
 */
const env = useWorkflowEnv();

async function act(workflowId: string, action: Action, payload: unknown, who: Actor = actor) {
  const handle = env().env.client.workflow.getHandle(workflowId);
  return handle.executeUpdate(actionUpdates[action] as never, { args: [{ payload, actor: who }] } as never);
}

/** An action's outcome: the refusal's code and details, or the phase it led to. */
async function outcome(
  p: Promise<unknown>,
): Promise<{ refused?: string; details?: Record<string, unknown>; phase?: string }> {
  try {
    const view = (await p) as { phase: string };
    return { phase: view.phase };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      return {
        refused: (err.cause.details?.[0] as { code: string }).code,
        details: err.cause.details?.[0] as never,
      };
    }
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const phaseOf = (workflowId: string) => env().env.client.workflow.getHandle(workflowId).query(stateQuery);

describe('a clock that ran out while the worker was away takes effect before the action that arrived after it', () => {
  const policy: Partial<Policy> = {
    admissibilityDecisionDeadline: { seconds: 6 },
    admissibilityWarningShare: 0.5,
    admissibilityWarningBefore: { seconds: 1 },
    incompleteFileCompletionDelay: { seconds: 4 },
    incompleteFileReminderBefore: { seconds: 1 },
    coachingStartDeadline: { hours: 1 },
    abandonmentContestDelay: { seconds: 4 },
    transferAcceptanceDelay: { seconds: 4 },
    juryDeadlineAfterValidationFile: { seconds: 60 },
    juryEscalationBefore: { seconds: 56 },
    convocationLeadTime: { seconds: 1 },
    juryReminderBefore: { seconds: 1 },
    inactivityReminderStandard: { hours: 1 },
  };

  it('silence rule, incomplete-file lapse, abandonment contest, transfer acceptance and jury escalation', async () => {
    // Five candidacies, each just before one of its clocks.
    const silence = await env().start(policy);
    await act(silence.workflowId, 'record-information', informPayload);
    await act(silence.workflowId, 'submit-admissibility', {});

    const lapse = await env().start(policy);
    await act(lapse.workflowId, 'record-information', informPayload);
    await act(lapse.workflowId, 'submit-admissibility', {});
    await act(lapse.workflowId, 'mark-incomplete', { missingItems: ['cv'] }, certifier);

    const transfer = await env().start(policy);
    await act(transfer.workflowId, 'request-transfer', {
      toOperatorId: 'op-advice-2',
      reason: 'déménagement',
    });

    const abandonment = await env().start({
      ...policy,
      admissibilityDecisionDeadline: { months: 2 },
      coachingStartDeadline: { seconds: 3 },
    });
    await act(abandonment.workflowId, 'record-information', informPayload);
    await act(abandonment.workflowId, 'submit-admissibility', {});
    await act(abandonment.workflowId, 'decide-admissibility', { admissible: true, reasons: [] }, certifier);
    await eventually(
      async () =>
        (await phaseOf(abandonment.workflowId)).phase === 'abandonment_proposed' ? true : undefined,
      20_000,
      'abandonment proposed',
    );

    const jury = await env().start({ ...policy, admissibilityDecisionDeadline: { months: 2 } });
    await act(jury.workflowId, 'record-information', informPayload);
    await act(jury.workflowId, 'submit-admissibility', {});
    await act(jury.workflowId, 'decide-admissibility', { admissible: true, reasons: [] }, certifier);
    await act(jury.workflowId, 'assign-coach', { coachOperatorId: 'op-coach' });
    await act(
      jury.workflowId,
      'log-coaching-session',
      { date: new Date().toISOString(), durationMinutes: 60, modality: 'remote' },
      { userId: certifier.userId, operatorId: 'op-coach' },
    );
    await act(
      jury.workflowId,
      'submit-validation-file',
      {},
      { userId: certifier.userId, operatorId: 'op-coach' },
    );

    // The worker goes away before every one of those clocks is due, and comes back after.
    await env().stopWorker();
    await sleep(7_000);
    const late = {
      silence: outcome(
        act(
          silence.workflowId,
          'decide-admissibility',
          { admissible: false, reasons: ['incomplet'] },
          certifier,
        ),
      ),
      lapse: outcome(act(lapse.workflowId, 'complete-file', {})),
      transfer: outcome(
        act(transfer.workflowId, 'accept-transfer', {}, { userId: actor.userId, operatorId: 'op-advice-2' }),
      ),
      abandonment: outcome(act(abandonment.workflowId, 'contest-abandonment', {})),
      jury: outcome(
        act(
          jury.workflowId,
          'schedule-jury',
          {
            sessionAt: new Date(Date.now() + 30_000).toISOString(),
            modality: 'remote',
            place: 'salle virtuelle',
          },
          certifier,
        ),
      ),
    };
    await sleep(1_000);
    await env().startWorker();

    // Silence: the implicit admissibility stands; the late rejection is refused with its date.
    const s = await late.silence;
    assert.equal(s.refused, 'implicit_decision_taken', JSON.stringify(s));
    const decided = env()
      .eventsOf(silence.candidacyId)
      .filter((e) => e.type === 'admissibility_decided');
    assert.equal(decided.length, 1);
    assert.equal((decided[0]!.payload as { implicit: boolean }).implicit, true);
    assert.equal((s.details!.implicitDecision as { decidedAt: string }).decidedAt, decided[0]!.occurredAt);
    const submittedAt = Date.parse(
      env()
        .eventsOf(silence.candidacyId)
        .find((e) => e.type === 'admissibility_requested')!.occurredAt,
    );
    // Journaled at its instant (6 s after the request), not when the worker came back (8 s).
    assert.ok(
      Math.abs(Date.parse(decided[0]!.occurredAt) - submittedAt - 6_000) < 50,
      decided[0]!.occurredAt,
    );
    assert.equal(s.details!.phase, 'admissible');
    assert.equal((await phaseOf(silence.workflowId)).phase, 'admissible');

    // Incomplete file: the request lapsed at its delay; completing it after is refused.
    const l = await late.lapse;
    assert.equal(l.refused, 'request_lapsed', JSON.stringify(l));
    assert.ok(
      env()
        .eventsOf(lapse.candidacyId)
        .some((e) => e.type === 'admissibility_request_lapsed'),
    );
    assert.ok(
      !env()
        .eventsOf(lapse.candidacyId)
        .some((e) => e.type === 'admissibility_file_completed'),
    );

    // Transfer: escalated at its delay; the late acceptance is refused and names the clock.
    const t = await late.transfer;
    assert.equal(t.refused, 'action_not_allowed', JSON.stringify(t));
    assert.deepEqual(
      (t.details!.clocksDue as { type: string }[]).map((c) => c.type),
      ['transfer_escalated'],
    );
    assert.ok(
      !env()
        .eventsOf(transfer.candidacyId)
        .some((e) => e.type === 'transfer_accepted'),
    );

    // Abandonment: the contest window closed first; the candidacy is abandoned.
    const a = await late.abandonment;
    assert.equal(a.refused, 'candidacy_closed', JSON.stringify(a));
    assert.ok(
      env()
        .eventsOf(abandonment.candidacyId)
        .some((e) => e.type === 'abandoned'),
    );
    assert.ok(
      !env()
        .eventsOf(abandonment.candidacyId)
        .some((e) => e.type === 'abandonment_contested'),
    );

    // Jury: the escalation fell due first and is journaled before the (allowed) scheduling.
    const j = await late.jury;
    assert.equal(j.phase, 'jury_scheduled', JSON.stringify(j));
    const types = env()
      .eventsOf(jury.candidacyId)
      .map((e) => e.type);
    assert.ok(
      types.indexOf('jury_escalated') >= 0 &&
        types.indexOf('jury_escalated') < types.indexOf('jury_scheduled'),
      types.join(', '),
    );

    if (process.env.RECORD_HISTORIES) {
      await env()
        .env.client.workflow.getHandle(silence.workflowId)
        .executeUpdate(actionUpdates.withdraw, { args: [{ payload: { reason: 'fin' }, actor }] });
      await eventually(
        async () =>
          (await env().env.client.workflow.getHandle(silence.workflowId).describe()).status.name ===
          'COMPLETED'
            ? true
            : undefined,
        20_000,
        'completion',
      );
      await env().saveHistory(silence.workflowId, 'v4-late-decision-after-silence');
      await env().saveHistory(lapse.workflowId, 'v4-late-completion-after-lapse');
    }
  });
});
