import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../../src/app/candidacies/run-action.js';
import { Refusal } from '../../src/app/refusal.js';
import { DEMO } from '../../src/db/demo-data.js';
import { formatDayTimeFr } from '../../src/domain/paris-time.js';
import { NextDeadline } from '../../src/workflows/search-attributes.js';
import { assertOnTime } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';

describe('admissibility: the certifier’s clock, the silence rule, incomplete files', () => {
  let stack: TestStack;
  let projectId: string;
  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, COMPRESSED);
  });
  after(async () => {
    await stack?.stop();
  });

  it('a decision sent after the deadline while the worker was away answers 409 with the implicit decision and its date', async () => {
    const c = await CandidacyDriver.create(stack, { projectId });
    await c.informAndSubmit();
    // The worker goes away before the 4 s deadline; the certifier's rejection arrives after it.
    stack.worker.shutdown();
    await stack.workerRun;
    await new Promise((r) => setTimeout(r, 5_000));
    const late = c.refused(
      'decide-admissibility',
      { admissible: false, reasons: ['file_not_compliant'] },
      'certifier',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.restartWorker();
    const res = await late;
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.code, 'implicit_decision_taken');
    assert.equal(res.body.phase, 'admissible');
    const decided = await c.waitEvent('admissibility_decided');
    assert.equal((decided.payload as { implicit: boolean }).implicit, true);
    assert.deepEqual(res.body.implicitDecision, {
      admissible: true,
      decidedAt: new Date(decided.occurred_at).toISOString(),
    });
    // The French sentence gives the date as people in Paris read it.
    assert.ok(res.body.detail.includes(formatDayTimeFr(decided.occurred_at)), res.body.detail);
    assert.equal((await c.events()).filter((e) => e.type === 'admissibility_decided').length, 1);
  });

  it('an action the workflow does not answer in time says its outcome is unknown (never a blind 503)', async () => {
    const c = await CandidacyDriver.create(stack, { projectId });
    await c.informAndSubmit();
    stack.worker.shutdown();
    await stack.workerRun;
    try {
      await assert.rejects(
        runAction(
          stack,
          c.workflowId,
          'mark-incomplete',
          { missingItems: ['identity_document'] },
          { userId: DEMO.users.find((u) => u.role === 'certifier')!.id, operatorId: OPERATORS.certifier },
          undefined,
          1_500,
        ),
        (err: unknown) =>
          err instanceof Refusal &&
          err.kind === 'unavailable' &&
          err.code === 'action_outcome_unknown' &&
          /Idempotency-Key/.test(err.message),
      );
    } finally {
      await stack.restartWorker();
    }
  });

  it('silence of the certifier means admissible: implicit decision journaled and told to everyone', async () => {
    const c = await CandidacyDriver.create(stack, { projectId });
    const submitted = await c.informAndSubmit();
    assert.equal(submitted.phase, 'admissibility_requested');
    assert.deepEqual(submitted.waitingOn, {
      kind: 'operator',
      operatorId: OPERATORS.certifier,
      role: 'certifier',
    });
    assert.ok(submitted.deadlines.some((d) => d.name === 'admissibility-decision'));

    const s = await c.waitPhase('admissible');
    assert.deepEqual(s.waitingOn, { kind: 'operator', operatorId: OPERATORS.advice, role: 'advice' });
    const decided = await c.waitEvent('admissibility_decided');
    assert.equal(decided.actor_user_id, null, 'decided by the clock, not a person');
    assert.deepEqual(decided.payload, {
      admissible: true,
      implicit: true,
      timer: 'admissibility-deadline',
      dueAt: (decided.payload as { dueAt: string }).dueAt,
    });
    const warned = (await c.events()).filter((e) => e.type === 'admissibility_warning_sent');
    assert.equal(warned.length, 2, 'warned at the share and before the end');

    const log = await c.waitTemplates([
      'candidate.admissibility_decision',
      'advisor.admissibility_decision',
      'certifier.implicit_decision',
      'certifier.admissibility_warning',
    ]);
    assert.ok(log.every((l) => l.status === 'sent'));
    const mail = await c.waitCandidateMail(/recevab/i);
    assert.match(mail.text, /recevable/);
    const row = await stack.db
      .selectFrom('candidacies')
      .selectAll()
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.phase, 'admissible');
    assert.equal(row.waiting_on, `advice:${OPERATORS.advice}`);
  });

  it('silence means rejection for a certification with that rule', async () => {
    const c = await CandidacyDriver.create(stack, {
      projectId,
      rncpCode: 'RNCP34147',
      targetBlocks: ['RNCP34147BC01'],
    });
    await c.informAndSubmit({ rncpCode: 'RNCP34147', targetBlocks: ['RNCP34147BC01'] });
    await c.waitPhase('not_admissible');
    const decided = await c.waitEvent('admissibility_decided');
    assert.equal((decided.payload as { admissible: boolean }).admissible, false);
    assert.equal((decided.payload as { implicit: boolean }).implicit, true);
    const handle = stack.temporal.workflow.getHandle(c.workflowId);
    const result = await handle.result();
    assert.equal(result.phase, 'not_admissible', 'the workflow completes on a terminal phase');
  });

  it('suspends the clock while the file is incomplete and resumes it with the time left', async () => {
    const projectSlow = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      admissibilityDecisionDeadline: { seconds: 6 },
      incompleteFileCompletionDelay: { seconds: 60 },
      incompleteFileReminderBefore: { seconds: 1 },
    });
    const c = await CandidacyDriver.create(stack, { projectId: projectSlow });
    await c.informAndSubmit();
    await new Promise((r) => setTimeout(r, 1_000));
    const incomplete = await c.act(
      'mark-incomplete',
      { missingItems: ['identity_document', 'proof_of_experience'] },
      'certifier',
    );
    assert.equal(incomplete.phase, 'admissibility_incomplete');
    assert.deepEqual(incomplete.waitingOn, { kind: 'candidate' });
    const suspended = incomplete.deadlines.find((d) => d.name === 'admissibility-decision');
    assert.equal(suspended?.suspended, true);
    await c.waitCandidateMail(/incomplet/i);

    // Only running clocks date the candidacy: the completion delay (60 s), not the suspended
    // decision (which would read as overdue in 5 s) — in the read model, NextDeadline and the details.
    const completionDue = Date.parse(
      incomplete.deadlines.find((d) => d.name !== 'admissibility-decision' && !d.suspended)!.dueAt!,
    );
    assert.ok(completionDue - Date.now() > 40_000, `completion delay ${completionDue - Date.now()} ms ahead`);
    const row = await stack.db
      .selectFrom('candidacies')
      .select('next_deadline')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.next_deadline?.getTime(), completionDue);
    const attrs = (await stack.temporal.workflow.getHandle(c.workflowId).describe()).typedSearchAttributes;
    assert.equal(attrs.get(NextDeadline)?.getTime(), completionDue);
    const metadata = await stack.temporal.workflow
      .getHandle(c.workflowId)
      .query<{ currentDetails: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails, /Décision de recevabilité \(délai suspendu\) : reste \d+ s/);
    assert.match(metadata.currentDetails, /\*\*Prochaine échéance\*\* : Complétude du dossier : /);

    // Longer than the whole deadline: no decision while suspended.
    await new Promise((r) => setTimeout(r, 7_000));
    assert.equal((await c.state()).phase, 'admissibility_incomplete');

    const completed = await c.act('complete-file');
    assert.equal(completed.phase, 'admissibility_requested');
    const decided = await c.waitEvent('admissibility_decided', 15_000);
    const events = await c.events();
    const pausedAt = events.find((e) => e.type === 'admissibility_incomplete')!.occurred_at.getTime();
    const submittedAt = events.find((e) => e.type === 'admissibility_requested')!.occurred_at.getTime();
    const resumedAt = events.find((e) => e.type === 'admissibility_file_completed')!.occurred_at.getTime();
    const left = 6_000 - (pausedAt - submittedAt);
    const waited = decided.occurred_at.getTime() - resumedAt;
    assertOnTime(waited, left, `decision after resuming with ${left} ms left`);
  });

  it('lets an incomplete request lapse after a reminder, with a clear e-mail', async () => {
    const c = await CandidacyDriver.create(stack, { projectId });
    await c.informAndSubmit();
    await c.act('mark-incomplete', { missingItems: ['cerfa_form'] }, 'certifier');
    await c.waitPhase('admissibility_lapsed');
    const types = (await c.events()).map((e) => e.type);
    assert.ok(types.indexOf('incomplete_file_reminder_sent') < types.indexOf('admissibility_request_lapsed'));
    await c.waitTemplates([
      'candidate.file_incomplete',
      'advisor.file_incomplete',
      'candidate.file_incomplete_reminder',
      'candidate.request_lapsed',
      'advisor.request_lapsed',
    ]);
    const lapsed = await c.waitCandidateMail(/caduque|expir|clos/i);
    assert.ok(lapsed.text.length > 100);
  });

  it('refuses an action out of phase with 409, the phase and the allowed actions, writing nothing', async () => {
    const c = await CandidacyDriver.create(stack, { projectId });
    const res = await c.refused('decide-admissibility', { admissible: true }, 'certifier');
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'action_not_allowed');
    assert.equal(res.body.phase, 'identified');
    assert.deepEqual(res.body.allowedActions, [
      'record-information',
      'withdraw',
      'request-transfer',
      'archive',
    ]);
    const history = await stack.temporal.workflow.getHandle(c.workflowId).fetchHistory();
    const updates = (history.events ?? []).filter(
      (e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateCompletedEventAttributes,
    );
    assert.equal(updates.length, 0, 'a rejected Update leaves no trace in history');
    assert.equal((await c.events()).length, 1);
  });

  it('enforces the yearly limit on whole-certification requests, not on skill blocks (R. 6412-3)', async () => {
    const first = await CandidacyDriver.create(stack, { projectId });
    await first.informAndSubmit({ targetBlocks: 'all' });
    // Same person (same e-mail), same certification, same year.
    const second = await CandidacyDriver.create(stack, { projectId });
    await stack.db
      .updateTable('candidates')
      .set({ email: first.email })
      .where(
        'id',
        '=',
        (
          await stack.db
            .selectFrom('candidacies')
            .select('candidate_id')
            .where('id', '=', second.id)
            .executeTakeFirstOrThrow()
        ).candidate_id,
      )
      .execute();
    await second.act('record-information', {
      eligibilityChecked: true,
      rncpCode: 'RNCP35830',
      targetBlocks: 'all',
      profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
    });
    const refused = await second.refused('submit-admissibility');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'yearly_limit_certification');
    assert.match(refused.body.detail, /R\. 6412-3/);
    // On skill blocks the limit does not apply.
    await second.act('record-information', {
      eligibilityChecked: true,
      rncpCode: 'RNCP35830',
      targetBlocks: ['RNCP35830BC03'],
      profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
    });
    const ok = await second.act('submit-admissibility');
    assert.equal(ok.phase, 'admissibility_requested');
  });

  itReplaysEveryWorkflow(() => stack);
});
