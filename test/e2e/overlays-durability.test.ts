import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { createDb } from '../../src/db/connection.js';
import { DEMO } from '../../src/db/demo-data.js';
import { createLogger } from '../../src/logger.js';
import { eventually, newCandidacyBody } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import {
  COMPRESSED,
  createProjectWithPolicy,
  createUserWithToken,
  OPERATORS,
  SECOND_ADVICE_OPERATOR,
} from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';
import { formatDayTimeFr } from '../../src/domain/paris-time.js';
import {
  commandsOfTaskAt,
  CONTINUED_AS_NEW,
  eventsOfHistory,
  MARKER_RECORDED,
  TASK_STARTED,
  TIMER_STARTED,
} from '../replay/history-events.js';

describe('overlays and durability: withdrawal, transfers, search attributes, continue-as-new, restarts', () => {
  let stack: TestStack;
  let projectId: string;
  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      transferAcceptanceDelay: { seconds: 3 },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  it('records a withdrawal at any step and closes the workflow', async () => {
    const c = await CandidacyDriver.create(stack, { projectId });
    await c.informAndSubmit();
    const res = await c.act('withdraw', { reason: 'new_job' });
    assert.equal(res.phase, 'withdrawn');
    assert.deepEqual(res.allowedActions, []);
    assert.equal((await stack.temporal.workflow.getHandle(c.workflowId).result()).phase, 'withdrawn');
    await c.waitTemplates(['candidate.withdrawn', 'operator.withdrawn']);
  });

  it('hands a candidacy over when the receiving operator accepts, and escalates to the lead when it does not', async () => {
    const receiverToken = await createUserWithToken(stack.db, SECOND_ADVICE_OPERATOR, 'advisor');
    const accepted = await CandidacyDriver.create(stack, { projectId });
    const requested = await accepted.act('request-transfer', {
      toOperatorId: SECOND_ADVICE_OPERATOR,
      reason: 'geography',
    });
    assert.deepEqual(requested.waitingOn, {
      kind: 'operator',
      operatorId: SECOND_ADVICE_OPERATOR,
      role: 'advice',
    });
    assert.ok(requested.allowedActions.includes('accept-transfer'));
    const wrongTaker = await accepted.refused('accept-transfer');
    assert.equal(wrongTaker.status, 403, 'only the receiving operator accepts');
    assert.equal(wrongTaker.body.code, 'operator_not_in_charge');
    const ok = await stack.http('POST', `/api/candidacies/${accepted.id}/accept-transfer`, {
      token: receiverToken,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.responsibleOperatorId, SECOND_ADVICE_OPERATOR);
    assert.equal(ok.body.transfer, null);
    await accepted.waitTemplates([
      'operator.transfer_requested',
      'operator.transfer_accepted',
      'candidate.transfer_accepted',
    ]);

    const ignored = await CandidacyDriver.create(stack, { projectId });
    await ignored.act('request-transfer', { toOperatorId: SECOND_ADVICE_OPERATOR, reason: 'capacity' });
    await ignored.waitEvent('transfer_escalated', 10_000);
    const s = await ignored.state();
    assert.equal(s.transfer, null);
    assert.equal(s.responsibleOperatorId, OPERATORS.advice, 'the candidacy stays where it was');
    await ignored.waitTemplates(['lead.transfer_escalated']);
    const lead = DEMO.users.find((u) => u.role === 'project_lead')!;
    await stack.mail.waitFor((m) => m.to.includes(lead.email) && /transfert/i.test(m.subject));

    const badRole = await ignored.refused('request-transfer', {
      toOperatorId: OPERATORS.certifier,
      reason: 'capacity',
    });
    assert.equal(badRole.status, 400);
  });

  it('keeps search attributes current: an administrator finds what waits on a certifier this week', async () => {
    const slow = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      admissibilityDecisionDeadline: { days: 3 },
    });
    const c = await CandidacyDriver.create(stack, { projectId: slow });
    await c.informAndSubmit();
    const weekEnd = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const query = `WaitingOn = "certifier:${OPERATORS.certifier}" AND NextDeadline < "${weekEnd}" AND VaeStage = "admissibility_requested" AND ProjectId = "${slow}"`;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.temporal.workflow.list({ query })) ids.push(wf.workflowId);
        return ids.includes(c.workflowId) ? ids : undefined;
      },
      15_000,
      'the candidacy in visibility',
    );
    assert.deepEqual(found, [c.workflowId]);
    const description = await stack.temporal.workflow.getHandle(c.workflowId).describe();
    const attrs = description.typedSearchAttributes;
    assert.ok(attrs);
    // The administrators' window: French current details saying what the candidacy waits for
    // (the Web UI reads them through the built-in metadata query).
    const metadata = await stack.temporal.workflow
      .getHandle(c.workflowId)
      .query<{ currentDetails: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails, /\*\*Phase\*\* : Recevabilité demandée/);
    assert.match(metadata.currentDetails, /En attente de\*\* : certificateur — opérateur /);
    // The date as people in Paris read it, one paragraph per line (markdown).
    const due = (await c.state()).deadlines.find((d) => d.name === 'admissibility-decision')!;
    assert.ok(
      metadata.currentDetails.includes(
        `**Prochaine échéance** : Décision de recevabilité : ${formatDayTimeFr(due.dueAt!)}\n\n`,
      ),
      metadata.currentDetails,
    );
    // The static summary holds facts that never change: no count of targeted blocks.
    assert.doesNotMatch((await description.staticSummary()) ?? '', /bloc/);
    const timers = await eventually(
      async () => {
        const history = await stack.temporal.workflow.getHandle(c.workflowId).fetchHistory();
        const found = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
        return found.length ? found : undefined;
      },
      10_000,
      'a running clock',
    );
    assert.ok(
      timers.every((t) => t.userMetadata?.summary),
      `timers carry a summary: ${JSON.stringify(timers)}`,
    );
  });

  it('continues as new with the whole state, without losing a clock or re-sending an e-mail', async () => {
    const server = createServer(
      createApp({
        db: stack.db,
        temporal: stack.temporal,
        taskQueue: stack.taskQueue,
        logger: createLogger('silent'),
        maxHistoryEvents: 30,
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const body = newCandidacyBody({ projectId });
      const res = await fetch(`${url}/api/candidacies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.tokens.advisor}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 201);
      const c = new CandidacyDriver(stack, ((await res.json()) as { id: string }).id, body.candidate.email);
      await c.informAndSubmit();
      await c.act('mark-incomplete', { missingItems: ['identity_document'] }, 'certifier');
      await c.act('complete-file');
      await c.act('mark-incomplete', { missingItems: ['cerfa_form'] }, 'certifier');
      await c.act('complete-file');
      const s = await c.waitPhase('admissible', 15_000);
      assert.equal(s.phase, 'admissible');
      const handle = stack.temporal.workflow.getHandle(c.workflowId);
      const runs = await eventually(
        async () => {
          const ids: string[] = [];
          for await (const wf of stack.temporal.workflow.list({ query: `WorkflowId = "${c.workflowId}"` }))
            ids.push(wf.runId);
          return ids.length >= 2 ? ids : undefined;
        },
        10_000,
        'several runs after continue-as-new',
      );
      assert.ok(runs.length >= 2);
      // Each run that continued as new did it in a task of its own: no clock's timer started and no
      // journal written beside it (a replay once found a timer there: the decision had been made on
      // the history length read after a journal write, which a query moves to another task).
      for (const runId of runs) {
        const events = eventsOfHistory(
          await stack.temporal.workflow.getHandle(c.workflowId, runId).fetchHistory(),
        );
        if (events.at(-1)?.eventType !== CONTINUED_AS_NEW) continue;
        const closing = commandsOfTaskAt(
          events,
          events.findLastIndex((e) => e.eventType === TASK_STARTED),
        );
        const beside = closing
          .map((e) => e.eventType)
          .filter((t) => t === TIMER_STARTED || t === MARKER_RECORDED);
        assert.deepEqual(beside, [], `run ${runId}: the continue-as-new's task`);
      }
      const current = await handle.describe();
      assert.equal(current.status.name, 'RUNNING');
      const events = await c.events();
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
        'journal without gap or duplicate',
      );
      await c.waitTemplates(['candidate.admissibility_decision']);
      const { log, captured } = await c.waitMailSettled();
      const keys = log.map((l) => l.idempotency_key);
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(captured.length, log.length, 'one message per logged e-mail');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('survives a worker restart mid-path: clocks fire, e-mails go out once, the journal has no gap', async () => {
    const drivers = await Promise.all(
      Array.from({ length: 5 }, () => CandidacyDriver.create(stack, { projectId })),
    );
    for (const d of drivers) await d.informAndSubmit();
    // Stop the worker while the 4-second admissibility clocks run, restart one later.
    stack.worker.shutdown();
    await stack.workerRun;
    await new Promise((r) => setTimeout(r, 5_000));
    await stack.restartWorker();
    for (const d of drivers) {
      await d.waitPhase('admissible', 20_000);
      const events = await d.events();
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
      );
      // An e-mail activity task handed to the stopping worker (eagerly, or in a poll answered as
      // it stopped) is lost with it: the server gives it to the new worker once its 30 s
      // start-to-close timeout has run out. E-mails may wait that long after a restart, not more.
      await d.waitTemplates(['candidate.admissibility_decision', 'certifier.implicit_decision'], 60_000);
      const { log, captured } = await d.waitMailSettled(60_000);
      assert.equal(captured.length, log.length, 'one message per logged e-mail');
    }
  });

  it('journals the identification first when an action reaches the workflow in its first task', async () => {
    // Under load (or with the worker down) the first action, sent right after creation, reaches
    // the workflow together with its start: both are handled in the same first workflow task.
    stack.worker.shutdown();
    await stack.workerRun;
    const d = await CandidacyDriver.create(stack, { projectId });
    const informed = d.act('record-information', {
      eligibilityChecked: true,
      rncpCode: 'RNCP35830',
      targetBlocks: ['RNCP35830BC01'],
      profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.restartWorker();
    assert.equal((await informed).phase, 'informed');
    await d.waitEvent('informed');
    const events = await d.events();
    assert.deepEqual(
      events.map((e) => [e.seq, e.type]),
      [
        [1, 'identified'],
        [2, 'informed'],
      ],
    );
    await d.waitTemplates(['candidate.welcome']);
    // The case under test: the Update was accepted in the run's first workflow task.
    const history = (await stack.temporal.workflow.getHandle(d.workflowId).fetchHistory()).events ?? [];
    const accepted = history.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const tasksBefore = history.slice(0, accepted).filter((e) => e.workflowTaskCompletedEventAttributes);
    assert.equal(tasksBefore.length, 1, 'the action was handled in the first workflow task');
  });

  it('survives a PostgreSQL connection lost inside a transaction: it fails, the process lives on', async () => {
    // What a PostgreSQL restart does to a client checked out of the pool between two statements
    // of a transaction (the journal's, the API's): the client emits 'error' on itself.
    const db = createDb({ url: stack.databaseUrl, applicationName: 'parcours-vae-lost-connection' });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.prependListener('uncaughtException', onUncaught);
    try {
      const failed = await db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await sql`select pg_terminate_backend(pid) from pg_stat_activity
            where application_name = 'parcours-vae-lost-connection'`.execute(stack.db);
          await new Promise((r) => setTimeout(r, 500));
          await sql`select 1`.execute(trx);
        })
        .then(
          () => null,
          (err: Error) => err,
        );
      assert.ok(failed, 'the transaction fails');
      assert.deepEqual(uncaught, [], 'no uncaught error event');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      assert.equal(rows[0]!.one, 1, 'the pool serves again');
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      await db.destroy();
    }
  });

  itReplaysEveryWorkflow(() => stack);
});
