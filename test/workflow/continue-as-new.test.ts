import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionPayloads } from '../../src/domain/candidacy/actions.js';
import {
  applyAction,
  initialState,
  pendingTimers,
  type ActionRequest,
} from '../../src/domain/candidacy/index.js';
import type { Action } from '../../src/domain/phases.js';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.js';
import { carry } from '../../src/workflows/candidacy/carried.js';
import {
  actionUpdates,
  stateQuery,
  type Actor,
  type CandidacyInput,
  type CandidacyView,
  type CarriedV1,
} from '../../src/workflows/candidacy/contract.js';
import {
  commandsOfTaskAt,
  CONTINUED_AS_NEW,
  emailBatches,
  eventsOfHistory,
  MARKER_RECORDED,
  startInputOf,
  summaryOf,
  TASK_SCHEDULED,
  TASK_STARTED,
  TIMER_FIRED,
  TIMER_STARTED,
  type HistoryEvent,
} from '../replay/history-events.js';
import { eventually } from '../support/fixtures.js';
import { actor, certifier, informPayload, useWorkflowEnv } from '../support/workflow-env.js';

/**
 * Continue-as-new (issue 9, B: a versioned carried state): a candidacy's state, journal, clocks
 * and outbox go on across runs, a run started from a carried state of any version goes on, and
 * every run replays, whatever the interleaving of its last task. With RECORD_HISTORIES=1 the
 * runs are saved as replay fixtures (test/replay/histories/v5-*.json).
 */
const env = useWorkflowEnv();

const coach: Actor = { userId: certifier.userId, operatorId: 'op-coach' };
const advice2: Actor = { userId: actor.userId, operatorId: 'op-advice-2' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function act<A extends Action>(
  workflowId: string,
  action: A,
  payload: ActionPayloads[A],
  who: Actor = actor,
): Promise<CandidacyView> {
  return env()
    .env.client.workflow.getHandle(workflowId)
    .executeUpdate(actionUpdates[action], { args: [{ payload, actor: who }] });
}

const handleOf = (workflowId: string, runId?: string) =>
  env().env.client.workflow.getHandle(workflowId, runId);
const historyOf = async (workflowId: string, runId?: string) =>
  eventsOfHistory(await handleOf(workflowId, runId).fetchHistory());
const journaled = (candidacyId: string, type: string) =>
  env()
    .eventsOf(candidacyId)
    .filter((e) => e.type === type);
async function waitJournaled(candidacyId: string, type: string, timeoutMs = 20_000) {
  return eventually(async () => journaled(candidacyId, type)[0], timeoutMs, type);
}

interface Run {
  runId: string;
  events: HistoryEvent[];
  input: CandidacyInput;
}

/** Every run of a workflow, first to last, followed through their continue-as-new events. */
async function chainOf(workflowId: string): Promise<Run[]> {
  const last = await historyOf(workflowId);
  let runId: string | undefined = last[0]!.workflowExecutionStartedEventAttributes!.firstExecutionRunId!;
  const runs: Run[] = [];
  while (runId) {
    const events = await historyOf(workflowId, runId);
    runs.push({ runId, events, input: startInputOf<CandidacyInput>(events) });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return runs;
}

/** The task that issued a run's continue-as-new: its start and its commands. */
function closingTaskOf(events: HistoryEvent[]): { started: number; commands: HistoryEvent[] } {
  const can = events.findIndex((e) => e.eventType === CONTINUED_AS_NEW);
  assert.ok(can > 0, 'the run continued as new');
  const started = events.findLastIndex((e, i) => i < can && e.eventType === TASK_STARTED);
  return { started, commands: commandsOfTaskAt(events, started) };
}

/**
 * The run closes in a task of its own: started by its closing timer, with no timer started and
 * no journal write beside the continue-as-new (what a replay once found there: a clock's timer).
 * An e-mail activity may be scheduled there (an earlier one's result came with that task).
 */
function assertClosedInATaskOfItsOwn(events: HistoryEvent[], name: string): void {
  const { started, commands } = closingTaskOf(events);
  assert.deepEqual(
    commands.map((e) => e.eventType).filter((type) => type !== 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED'),
    [CONTINUED_AS_NEW],
    `${name}: the closing task starts no timer and writes no journal`,
  );
  const fired = events.findLastIndex((e, i) => i < started && e.eventType === TIMER_FIRED);
  const timerId = events[fired]?.timerFiredEventAttributes?.timerId;
  const timer = events.find((e) => e.timerStartedEventAttributes?.timerId === timerId);
  assert.ok(timer, `${name}: a timer fired before the closing task`);
  assert.equal(summaryOf(timer), 'Clôture dans une tâche à part', `${name}: the closing timer`);
}

/** Whether each run of the chain replays with the current code (a failure names the run). */
async function assertReplays(workflowId: string, runs: Run[]): Promise<void> {
  for (const [i, r] of runs.entries()) {
    await env()
      .replay(workflowId, r.runId)
      .catch((err: Error) => assert.fail(`run ${i + 1} does not replay: ${err.message}`));
  }
}

const initial: CandidacyInput['initial'] = {
  rncpCode: 'RNCP35830',
  targetBlocks: ['RNCP35830BC01'],
  wholeCertification: false,
  certifierOperatorId: 'op-certifier',
  silenceRule: 'admissible',
  adviceOperatorId: 'op-advice',
  reinforced: false,
};

/**
 * A state built by the domain's own rules at `now`: admissible (the certifier said yes), a
 * transfer to another advice operator pending. Its clocks: the transfer's acceptance delay, then
 * the coaching start.
 */
function admissibleWithTransferPending(policy: Policy, now: Date) {
  let s = initialState(initial);
  const steps: [Action, unknown, Actor][] = [
    ['record-information', informPayload, actor],
    ['submit-admissibility', {}, actor],
    ['decide-admissibility', { admissible: true, reasons: [] }, certifier],
    ['request-transfer', { toOperatorId: advice2.operatorId, reason: 'déménagement' }, actor],
  ];
  for (const [action, payload, who] of steps) {
    s = applyAction(s, { action, payload, actor: who } as ActionRequest, policy, now).state;
  }
  // identified, informed, requested, decided, transfer requested: five transitions journaled.
  s.seq = 5;
  return s;
}

describe('continue-as-new: the whole state goes on, every run replays', () => {
  it('continues as new at each step of a path of actions and clocks, and keeps phase, journal, deadlines and e-mails', async (t) => {
    const w = env();
    // Each wake-up after a run's first task is past 10 events: every action or clock closes its run.
    const { workflowId, candidacyId } = await w.start(
      {
        admissibilityDecisionDeadline: { seconds: 12 },
        admissibilityWarningShare: 0.5,
        admissibilityWarningBefore: { seconds: 1 },
        incompleteFileCompletionDelay: { seconds: 20 },
        incompleteFileReminderBefore: { seconds: 18 },
      },
      { maxHistoryEvents: 10 },
    );
    /** An action, then the run after the one it reached (each action closes its run). */
    const closingItsRun = async (step: () => Promise<unknown>) => {
      const n = (await chainOf(workflowId)).length;
      await step();
      await eventually(async () => (await chainOf(workflowId)).length > n, 15_000, `run ${n + 1}`);
    };
    let release = () => {};
    try {
      await waitJournaled(candidacyId, 'identified');
      await closingItsRun(() => act(workflowId, 'record-information', informPayload));
      // The SMTP server stops answering: the next e-mails wait in the outbox, across the
      // continue-as-new that follows, and the runs go on without them.
      w.emailsHeld = new Promise<void>((r) => (release = r));
      await closingItsRun(() => act(workflowId, 'submit-admissibility', {}));
      await closingItsRun(() => act(workflowId, 'mark-incomplete', { missingItems: ['cv'] }, certifier));
      release();
      await waitJournaled(candidacyId, 'incomplete_file_reminder_sent');
      const completed = await act(workflowId, 'complete-file', {});
      const decisionDue = completed.deadlines.find((d) => d.name === 'admissibility-decision')?.dueAt;
      assert.ok(decisionDue, JSON.stringify(completed.deadlines));
      const decided = await waitJournaled(candidacyId, 'admissibility_decided');
      const admissible = await handleOf(workflowId).query(stateQuery);
      assert.equal(admissible.phase, 'admissible');
      await act(workflowId, 'withdraw', { reason: 'fin' });
      const result = await handleOf(workflowId).result();
      assert.equal(result.phase, 'withdrawn');

      const runs = await chainOf(workflowId);
      t.diagnostic(`${runs.length} runs`);
      assert.ok(runs.length >= 3, `continued as new ${runs.length - 1} times`);

      // The journal: one transition per number, none lost or written twice across the runs.
      const events = w.eventsOf(candidacyId);
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
        'journal without gap or duplicate',
      );
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'identified',
          'informed',
          'admissibility_requested',
          'admissibility_incomplete',
          'incomplete_file_reminder_sent',
          'admissibility_file_completed',
          'admissibility_warning_sent',
          'admissibility_warning_sent',
          'admissibility_decided',
          'withdrawn',
        ],
      );
      // Each run starts from the state the previous one carried: version 2, the next number, and
      // the phase its last transition led to.
      const firstSeqOf = runs.map((r) => (r.input.carried?.state.seq ?? 0) + 1);
      for (const [i, r] of runs.entries()) {
        if (i === 0) {
          assert.equal(r.input.carried, undefined);
          continue;
        }
        assert.equal(r.input.carried?.version, 2, `run ${i + 1}: carried state version`);
        const last = events[r.input.carried!.state.seq - 1]!;
        assert.equal(r.input.carried!.state.phase, last.readModel.phase, `run ${i + 1}: phase carried`);
        assert.ok(firstSeqOf[i]! >= firstSeqOf[i - 1]!, `run ${i + 1}: numbers go on`);
        assertClosedInATaskOfItsOwn(runs[i - 1]!.events, `run ${i}`);
      }
      const runOfSeq = (seq: number) => firstSeqOf.findLastIndex((first) => first <= seq);

      // A deadline set before a continue-as-new runs out after it, at its instant.
      const fileCompleted = events.find((e) => e.type === 'admissibility_file_completed')!;
      assert.ok(runOfSeq(decided.seq) > runOfSeq(fileCompleted.seq), 'the decision clock crossed a run');
      assert.equal(decided.occurredAt, decisionDue, 'the silence rule decided at the deadline set before');
      assert.equal((decided.payload as { implicit?: boolean }).implicit, true);

      // The e-mails leave with the journal (the outbox in PostgreSQL, src/db/email-outbox.ts): no
      // run carries any, no e-mail activity runs, and every e-mail of every journaled transition is
      // sent once, those the SMTP server held while runs closed too.
      for (const [i, r] of runs.slice(1).entries()) {
        assert.deepEqual(r.input.carried!.outbox, [], `run ${i + 2} carries no e-mail`);
      }
      assert.equal(runs.flatMap((r) => emailBatches(r.events)).length, 0, 'no e-mail activity');
      const journaledEmails = events.flatMap((e) => e.outbox?.emails ?? []);
      assert.ok(journaledEmails.length >= events.length, `${journaledEmails.length} e-mails journaled`);
      const sentTimes = (key: string) => w.sent.filter((e) => e.key === key).length;
      await eventually(
        async () => (journaledEmails.every((e) => sentTimes(e.key) > 0) ? true : undefined),
        10_000,
        'every journaled e-mail sent',
      );
      for (const e of journaledEmails) assert.equal(sentTimes(e.key), 1, `${e.key} sent once`);
      assert.ok(
        w.sent.some((e) => e.template === 'candidate.withdrawn'),
        'the last run sent its own e-mails',
      );

      await assertReplays(workflowId, runs);
      if (process.env.RECORD_HISTORIES) {
        await w.saveHistory(workflowId, 'v5-continued-as-new-run1', runs[0]!.runId);
        await w.saveHistory(workflowId, 'v5-continued-as-new-run2', runs[1]!.runId);
      }
    } finally {
      release();
      w.emailsHeld = undefined;
    }
  });

  it('goes on from a carried state written before it had a version (V1)', async () => {
    const w = env();
    const policy = {
      ...DEFAULT_POLICY,
      transferAcceptanceDelay: { seconds: 3 },
      coachingStartDeadline: { hours: 1 },
    };
    const state = admissibleWithTransferPending(policy, new Date());
    const transferDue = pendingTimers(state, policy)[0]!;
    assert.equal(transferDue.kind, 'transfer-timeout');
    // A V2 state minus its version, as runs before the version wrote it (no optional field of
    // later versions), with an e-mail its run had not sent yet; and an input of that time, without
    // a rules version.
    const { version, ...v1 } = carry(state, []);
    assert.equal(version, 2);
    delete v1.state.admissibility?.implicit;
    const pending = {
      key: `carried-from-v1/${state.seq}/operator.transfer_requested/${advice2.operatorId}`,
      candidacyId: 'carried',
      template: 'operator.transfer_requested',
      recipient: { kind: 'operator' as const, operatorId: advice2.operatorId },
      data: { toOperatorId: advice2.operatorId, dueAt: transferDue.dueAt },
    };
    const carried: CarriedV1 = { ...v1, outbox: [pending] };
    const { workflowId, candidacyId } = await w.start(policy, {
      carried,
      rulesVersion: undefined,
      maxHistoryEvents: 10,
    });

    const first = await handleOf(workflowId).query(stateQuery);
    assert.equal(first.phase, 'admissible');
    assert.equal(first.rulesVersion, 1);
    assert.equal(first.seq, 5);
    assert.ok(first.transfer, 'the transfer is still pending');
    // The clock carried in the old state runs out at its instant, numbered after the old journal.
    const escalated = await waitJournaled(candidacyId, 'transfer_escalated');
    assert.equal(escalated.seq, 6);
    // Rules version 1 journals a clock when it is applied, not at its due instant.
    const lateMs = Date.parse(escalated.occurredAt) - Date.parse(transferDue.dueAt);
    assert.ok(lateMs >= 0 && lateMs < 10_000, `applied ${lateMs} ms after its due instant`);
    // Its e-mail is sent, once.
    await eventually(async () => w.sent.some((e) => e.key === pending.key), 10_000, 'the carried e-mail');
    const assigned = await act(workflowId, 'assign-coach', { coachOperatorId: coach.operatorId });
    assert.equal(assigned.phase, 'coaching');
    assert.equal(assigned.transfer, null);
    await act(workflowId, 'withdraw', { reason: 'fin' });
    assert.equal((await handleOf(workflowId).result()).phase, 'withdrawn');
    assert.equal(w.sent.filter((e) => e.key === pending.key).length, 1);

    const runs = await chainOf(workflowId);
    assert.ok(runs.length >= 2, 'the V1 run continued as new');
    assert.equal(runs[0]!.input.carried?.version, undefined);
    // It carries its state on in today's version.
    for (const r of runs.slice(1)) assert.equal(r.input.carried?.version, 2);
    assert.deepEqual(
      w.eventsOf(candidacyId).map((e) => [e.seq, e.type]),
      [
        [6, 'transfer_escalated'],
        [7, 'coach_assigned'],
        [8, 'withdrawn'],
      ],
    );
    await assertReplays(workflowId, runs);
    if (process.env.RECORD_HISTORIES) await w.saveHistory(workflowId, 'v5-carried-v1', runs[0]!.runId);
  });

  it('replays a run whose journal write was answered in a task of its own, after a query (the flake)', async (t) => {
    // The flake: a query reaching the worker with the task in which a clock fired. The worker
    // answers it while the journal's local activity runs, so it closes that task early (the
    // journal's marker among its commands) and gives the workflow the write's result in a new
    // task: a later time and a longer history. A replay finds the marker in the first task and
    // resolves the write there. Whatever the loop read after that write (the history length
    // against maxHistoryEvents, the time against the next clock) differed: the run continued as
    // new live, its replay started the next clock's timer instead.
    const w = env();
    const policy = {
      ...DEFAULT_POLICY,
      transferAcceptanceDelay: { seconds: 10 },
      coachingStartDeadline: { hours: 1 },
    };
    const carried = () => carry(admissibleWithTransferPending(policy, new Date()), []);
    const sleeping = async (workflowId: string) => {
      await eventually(
        async () => (await historyOf(workflowId)).some((e) => e.eventType === TIMER_STARTED),
        10_000,
        'the first task',
      );
      return (await historyOf(workflowId)).length;
    };
    // The first task of such a run writes the same events each time: measured on a first run.
    const probe = await w.start(policy, { carried: carried() });
    const before = await sleeping(probe.workflowId);
    await handleOf(probe.workflowId).terminate('probe');
    // The task that will see the clock fire starts at `before + 3` (fired, scheduled, started),
    // or 2 later if the server moved it off the stopped worker's sticky queue. Past that, only in
    // the task the worker opens to give the journal's result.
    const maxHistoryEvents = before + 5;
    const { workflowId, candidacyId } = await w.start(policy, { carried: carried(), maxHistoryEvents });
    const length = await sleeping(workflowId);
    assert.equal(length, before, 'the first task wrote what it wrote on the probe');
    const runId = (await handleOf(workflowId).describe()).runId;

    // The escalation's e-mail must not come back while that run closes (the server would refuse
    // the closing, and the retried task, replayed from the start, would hide the difference).
    let release = () => {};
    w.emailsHeld = new Promise<void>((r) => (release = r));
    try {
      await w.stopWorker();
      await eventually(
        async () => (await historyOf(workflowId)).some((e) => e.eventType === TIMER_FIRED),
        20_000,
        'the transfer clock fired with the worker away',
      );
      // The query waits for the worker, and reaches it with the task that saw the clock fire.
      const query = handleOf(workflowId).query(stateQuery);
      await sleep(1_500);
      await w.startWorker();
      await query;
      await waitJournaled(candidacyId, 'transfer_escalated');
      // Until the task that got the journal's result has completed (the next clock, or the end).
      await eventually(async () => {
        const events = await historyOf(workflowId, runId);
        const fired = events.findIndex((e) => e.eventType === TIMER_FIRED);
        return events.some((e, i) => i > fired && [TIMER_STARTED, CONTINUED_AS_NEW].includes(e.eventType));
      }, 10_000);
    } finally {
      release();
      w.emailsHeld = undefined;
    }
    // An action then wakes the loop: that run is over its threshold now, it continues as new.
    const assigned = await act(workflowId, 'assign-coach', { coachOperatorId: coach.operatorId });
    assert.equal(assigned.phase, 'coaching');
    const runs = await eventually(async () => {
      const chain = await chainOf(workflowId);
      return chain.length >= 2 ? chain : undefined;
    }, 20_000);
    const events = runs[0]!.events;
    assert.equal(runs[0]!.runId, runId);

    // The interleaving, as the history shows it: the task that saw the clock fire wrote the
    // journal's marker, and the next task was opened right after its commands, with no event
    // of its own (the worker's, to hand the write's result over).
    const fired = events.findIndex((e) => e.eventType === TIMER_FIRED);
    const seen = events.findIndex((e, i) => i > fired && e.eventType === TASK_STARTED);
    const commands = commandsOfTaskAt(events, seen);
    assert.ok(
      commands.some((e) => e.eventType === MARKER_RECORDED),
      'the journal write completed in the task that saw the clock fire',
    );
    const next = events.indexOf(commands.at(-1)!) + 1;
    assert.equal(events[next]?.eventType, TASK_SCHEDULED, 'a task opened right after, by the worker');
    assert.equal(events[next + 1]?.eventType, TASK_STARTED);
    const [firstTask, resultTask] = [Number(events[seen]!.eventId), Number(events[next + 1]!.eventId)];
    t.diagnostic(
      `clock seen in task ${firstTask}, journal's result in task ${resultTask}, threshold ${maxHistoryEvents}`,
    );
    assert.ok(
      firstTask <= maxHistoryEvents && resultTask > maxHistoryEvents,
      'the threshold lies between the two tasks',
    );
    // Each run replays (before the fix, the first did not: « Timer machine does not handle this
    // event: … WorkflowExecutionContinuedAsNew »).
    await assertReplays(workflowId, runs);
    // The run did not continue as new in the task that got the result: it decided on what it
    // read as the clock fired, slept on the next clock, and closed later, in a task of its own.
    assert.deepEqual(
      commandsOfTaskAt(events, next + 1).map((e) => e.eventType),
      [TIMER_STARTED],
      'the next clock started',
    );
    assertClosedInATaskOfItsOwn(events, 'run 1');
    assert.deepEqual(
      w.eventsOf(candidacyId).map((e) => [e.seq, e.type]),
      [
        [6, 'transfer_escalated'],
        [7, 'coach_assigned'],
      ],
    );
    await act(workflowId, 'withdraw', { reason: 'fin' });
    await handleOf(workflowId).result();
    if (process.env.RECORD_HISTORIES)
      await w.saveHistory(workflowId, 'v5-continued-as-new-after-query', runId);
  });
});
