import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { encodeWorkflowUpdateStage } from '@temporalio/client/lib/workflow-update-stage.js';
import { ApplicationFailure } from '@temporalio/common';
import type { ActionPayloads } from '../../src/domain/candidacy/actions.js';
import type { TimerKind } from '../../src/domain/candidacy/clocks.js';
import type { Action } from '../../src/domain/phases.js';
import type { Policy } from '../../src/domain/policy.js';
import {
  actionUpdates,
  stateQuery,
  type ActionRefusedDetails,
  type Actor,
  type CandidacyView,
} from '../../src/workflows/candidacy/contract.js';
import {
  eventsOfHistory,
  firedAt,
  pendingTimers,
  summaryOf,
  TASK_STARTED,
  updatesAcceptedInTaskAfter,
  type HistoryEvent,
} from '../replay/history-events.js';
import { eventually } from '../support/fixtures.js';
import { actor, certifier, informPayload, useWorkflowEnv } from '../support/workflow-env.js';

/**
 * Time wins its races (issue 9, A.1): for each clock, the worker is stopped while the clock
 * still runs, its due instant passes with the worker away, the action is sent, then the worker
 * comes back. Temporal then delivers the fired timer and the Update in one workflow task (the
 * Update can reach its handler first): the clock must still take effect first, at its instant,
 * and the action be judged after it.
 *
 * Each case proves it exercised that interleaving, or fails: the clock is the one the
 * workflow sleeps on, its timer has not fired and its due instant is ahead once the worker is
 * stopped; the timer fires while the worker is away; the action is sent after the due instant
 * and is admitted by the server before the worker comes back; the first workflow task after
 * the timer fired starts after that. With RECORD_HISTORIES=1 each run is saved as a replay
 * fixture (test/replay/histories/v4-late-*.json).
 */
const env = useWorkflowEnv();

/** How long each clock runs once started: above what a loaded 2-core machine takes to stop the worker. */
const CLOCK_SECONDS = 10;

/** Every clock starts at the end of the setup and runs CLOCK_SECONDS; the others are far off. */
const policy: Partial<Policy> = {
  admissibilityDecisionDeadline: { seconds: CLOCK_SECONDS },
  // The certifier's warning falls due with the request (journaled before the stop); no second one.
  admissibilityWarningShare: 0,
  admissibilityWarningBefore: { seconds: CLOCK_SECONDS },
  incompleteFileCompletionDelay: { seconds: CLOCK_SECONDS },
  // The reminder falls due with the request for completion (journaled before the stop).
  incompleteFileReminderBefore: { seconds: CLOCK_SECONDS },
  coachingStartDeadline: { hours: 1 },
  abandonmentContestDelay: { seconds: CLOCK_SECONDS },
  transferAcceptanceDelay: { seconds: CLOCK_SECONDS },
  juryDeadlineAfterValidationFile: { seconds: 120 },
  juryEscalationBefore: { seconds: 120 - CLOCK_SECONDS },
  convocationLeadTime: { seconds: 1 },
  juryReminderBefore: { seconds: 1 },
  inactivityReminderStandard: { hours: 1 },
};
const coach: Actor = { userId: certifier.userId, operatorId: 'op-coach' };
const advice2: Actor = { userId: actor.userId, operatorId: 'op-advice-2' };

function act<A extends Action>(
  workflowId: string,
  action: A,
  payload: ActionPayloads[A],
  who: Actor = actor,
  updateId?: string,
): Promise<CandidacyView> {
  return env()
    .env.client.workflow.getHandle(workflowId)
    .executeUpdate(actionUpdates[action], {
      args: [{ payload, actor: who }],
      ...(updateId ? { updateId } : {}),
    });
}

interface Outcome {
  refused?: string;
  details?: ActionRefusedDetails;
  phase?: string;
  /** Neither: the action failed otherwise (the case then fails on it). */
  error?: string;
}

/** An action's outcome: the refusal's code and details, or the phase it led to. Never rejects. */
async function outcome(p: Promise<CandidacyView>): Promise<Outcome> {
  try {
    return { phase: (await p).phase };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as ActionRefusedDetails;
      return { refused: details.code, details };
    }
    return { error: String(err) };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const viewOf = (workflowId: string) => env().env.client.workflow.getHandle(workflowId).query(stateQuery);
const historyOf = async (workflowId: string) =>
  eventsOfHistory(await env().env.client.workflow.getHandle(workflowId).fetchHistory());
const journaled = (candidacyId: string, type: string) =>
  env()
    .eventsOf(candidacyId)
    .find((e) => e.type === type);
async function waitJournaled(candidacyId: string, type: string): Promise<void> {
  await eventually(async () => journaled(candidacyId, type) !== undefined, 20_000, type);
}

/** Whether the server has admitted Update `updateId` (it will go with the workflow's next task). */
async function admitted(workflowId: string, updateId: string): Promise<boolean> {
  const { client } = env().env;
  try {
    const res = await client.connection.withDeadline(Date.now() + 2_000, () =>
      client.workflowService.pollWorkflowExecutionUpdate({
        namespace: client.options.namespace,
        updateRef: { workflowExecution: { workflowId }, updateId },
        identity: 'clocks-race test',
        waitPolicy: { lifecycleStage: encodeWorkflowUpdateStage('ADMITTED') },
      }),
    );
    return (res.stage ?? 0) >= encodeWorkflowUpdateStage('ADMITTED')!;
  } catch {
    return false;
  }
}

type CaseName = 'silence' | 'lapse' | 'abandonment' | 'transfer' | 'jury';

interface Case {
  /** The clock that must win, and the journal event it writes. */
  clock: TimerKind;
  clockEvent: string;
  policy?: Partial<Policy>;
  /** The actions before the clock (it is not running yet). */
  prepare(workflowId: string, candidacyId: string): Promise<void>;
  /** Starts the clock, and waits for the clocks of that state due at once (journaled before the stop). */
  arm(workflowId: string, candidacyId: string): Promise<void>;
  /** The action sent once the clock has run out. */
  late(workflowId: string, updateId: string): Promise<CandidacyView>;
  /** The replay fixture of the run. */
  history: string;
  /** Ends a run that is still open, so that its history is complete. */
  close?: (workflowId: string) => Promise<unknown>;
}

const withdraw = (workflowId: string) => act(workflowId, 'withdraw', { reason: 'fin' });

const CASES: Record<CaseName, Case> = {
  silence: {
    clock: 'admissibility-deadline',
    clockEvent: 'admissibility_decided',
    async prepare(id) {
      await act(id, 'record-information', informPayload);
    },
    async arm(id, candidacyId) {
      await act(id, 'submit-admissibility', {});
      await waitJournaled(candidacyId, 'admissibility_warning_sent');
    },
    late: (id, updateId) =>
      act(id, 'decide-admissibility', { admissible: false, reasons: ['incomplet'] }, certifier, updateId),
    history: 'v4-late-decision-after-silence',
    close: withdraw,
  },
  lapse: {
    clock: 'incomplete-lapse',
    clockEvent: 'admissibility_request_lapsed',
    policy: { admissibilityDecisionDeadline: { months: 2 } },
    async prepare(id) {
      await act(id, 'record-information', informPayload);
      await act(id, 'submit-admissibility', {});
    },
    async arm(id, candidacyId) {
      await act(id, 'mark-incomplete', { missingItems: ['cv'] }, certifier);
      await waitJournaled(candidacyId, 'incomplete_file_reminder_sent');
    },
    late: (id, updateId) => act(id, 'complete-file', {}, actor, updateId),
    history: 'v4-late-completion-after-lapse',
  },
  abandonment: {
    clock: 'abandonment-contest-deadline',
    clockEvent: 'abandoned',
    // The coaching-start clock proposes the abandonment 1 s after admissibility: the contest
    // window starts then.
    policy: { admissibilityDecisionDeadline: { months: 2 }, coachingStartDeadline: { seconds: 1 } },
    async prepare(id) {
      await act(id, 'record-information', informPayload);
      await act(id, 'submit-admissibility', {});
    },
    async arm(id, candidacyId) {
      await act(id, 'decide-admissibility', { admissible: true, reasons: [] }, certifier);
      await waitJournaled(candidacyId, 'abandonment_proposed');
    },
    late: (id, updateId) => act(id, 'contest-abandonment', {}, actor, updateId),
    history: 'v4-late-contest-after-abandonment',
  },
  transfer: {
    clock: 'transfer-timeout',
    clockEvent: 'transfer_escalated',
    async prepare() {},
    async arm(id) {
      await act(id, 'request-transfer', { toOperatorId: advice2.operatorId, reason: 'déménagement' });
    },
    late: (id, updateId) => act(id, 'accept-transfer', {}, advice2, updateId),
    history: 'v4-late-acceptance-after-transfer-escalation',
    close: withdraw,
  },
  jury: {
    clock: 'jury-escalation',
    clockEvent: 'jury_escalated',
    policy: { admissibilityDecisionDeadline: { months: 2 } },
    async prepare(id) {
      await act(id, 'record-information', informPayload);
      await act(id, 'submit-admissibility', {});
      await act(id, 'decide-admissibility', { admissible: true, reasons: [] }, certifier);
      await act(id, 'assign-coach', { coachOperatorId: coach.operatorId });
      await act(
        id,
        'log-coaching-session',
        { date: new Date().toISOString(), durationMinutes: 60, modality: 'remote' },
        coach,
      );
    },
    async arm(id) {
      await act(id, 'submit-validation-file', {}, coach);
    },
    late: (id, updateId) =>
      act(
        id,
        'schedule-jury',
        {
          sessionAt: new Date(Date.now() + 30_000).toISOString(),
          modality: 'remote',
          place: 'salle virtuelle',
        },
        certifier,
        updateId,
      ),
    history: 'v4-late-scheduling-after-jury-escalation',
    close: withdraw,
  },
};

/** What one case saw, from the setup to the action's outcome. */
interface Race {
  workflowId: string;
  candidacyId: string;
  /** The clock the workflow slept on just before the stop (the query's `nextTimer`). */
  next: CandidacyView['nextTimer'];
  dueAt: number;
  /** Once the worker was stopped. */
  atStop: {
    clockJournaled: boolean;
    pending: HistoryEvent[];
    msLeft: number;
  };
  /** The timer fired while the worker was away (its event time), or undefined. */
  timerFiredAt?: number;
  updateId: string;
  sentAt: number;
  admittedBeforeRestart: boolean;
  outcome: Outcome;
  /** The history once the action was answered. */
  events: HistoryEvent[];
}

describe('a clock that ran out while the worker was away takes effect before the action that arrived after it', () => {
  const races = {} as Record<CaseName, Race>;
  let restartAt = 0;
  const names = Object.keys(CASES) as CaseName[];

  before(async () => {
    // Five candidacies, each brought to the step before its clock, then every clock started
    // at once, at the end of the setup.
    const started = await Promise.all(
      names.map(async (name) => {
        const c = CASES[name];
        const { workflowId, candidacyId } = await env().start({ ...policy, ...c.policy });
        await c.prepare(workflowId, candidacyId);
        return { name, workflowId, candidacyId };
      }),
    );
    await Promise.all(started.map((s) => CASES[s.name].arm(s.workflowId, s.candidacyId)));
    const next = await Promise.all(started.map(async (s) => (await viewOf(s.workflowId)).nextTimer));

    // The worker goes away while every clock still runs.
    await env().stopWorker();
    const atStop = await Promise.all(
      started.map(async (s, i) => {
        const clockJournaled = journaled(s.candidacyId, CASES[s.name].clockEvent) !== undefined;
        const pending = pendingTimers(await historyOf(s.workflowId));
        // Read after the history: the due instant is still ahead once everything was checked.
        const msLeft = Date.parse(next[i]?.dueAt ?? '') - Date.now();
        return { clockJournaled, pending, msLeft };
      }),
    );

    // Each timer fires on the server while the worker is away.
    const timerFiredAt = await Promise.all(
      started.map(async (s, i) => {
        // Only for a clock still running at the stop (any other case fails, see below).
        const timerId = atStop[i]!.pending[0]?.timerStartedEventAttributes?.timerId;
        if (next[i]?.kind !== CASES[s.name].clock || timerId === undefined) return undefined;
        await sleep(Math.min(Date.parse(next[i]!.dueAt) - Date.now(), CLOCK_SECONDS * 1000));
        return eventually(
          async () => {
            const events = await historyOf(s.workflowId);
            const at = firedAt(events, timerId);
            return at >= 0 ? Date.parse(events[at]!.eventTime) : undefined;
          },
          20_000,
          `${s.name}: timer fired`,
        ).catch(() => undefined);
      }),
    );

    // Then the actions, each admitted by the server before the worker comes back.
    const sent = started.map((s) => {
      const updateId = randomUUID();
      const sentAt = Date.now();
      return { updateId, sentAt, outcome: outcome(CASES[s.name].late(s.workflowId, updateId)) };
    });
    const admittedBeforeRestart = await Promise.all(
      started.map((s, i) =>
        eventually(() => admitted(s.workflowId, sent[i]!.updateId), 10_000, `${s.name}: admitted`).catch(
          () => false,
        ),
      ),
    );
    restartAt = Date.now();
    await env().startWorker();

    for (const [i, s] of started.entries()) {
      races[s.name] = {
        workflowId: s.workflowId,
        candidacyId: s.candidacyId,
        next: next[i]!,
        dueAt: Date.parse(next[i]?.dueAt ?? ''),
        atStop: atStop[i]!,
        timerFiredAt: timerFiredAt[i],
        updateId: sent[i]!.updateId,
        sentAt: sent[i]!.sentAt,
        admittedBeforeRestart: admittedBeforeRestart[i]!,
        outcome: await sent[i]!.outcome,
        events: await historyOf(s.workflowId),
      };
    }
  });

  /**
   * Fails unless this case exercised the race (see the file's comment); prints its margins.
   */
  function assertRaceExercised(name: CaseName, t?: { diagnostic(message: string): void }): Race {
    const r = races[name];
    const c = CASES[name];
    assert.equal(r.next?.kind, c.clock, `${name}: the workflow sleeps on ${c.clock} before the stop`);
    assert.equal(r.atStop.clockJournaled, false, `${name}: the clock took effect before the worker stopped`);
    assert.equal(r.atStop.pending.length, 1, `${name}: one timer pending at the stop`);
    assert.equal(
      summaryOf(r.atStop.pending[0]!),
      r.next!.summary,
      `${name}: the pending timer is the clock's`,
    );
    if (!(r.atStop.msLeft > 0)) {
      assert.fail(
        `${name}: the due instant had passed ${-r.atStop.msLeft} ms before the worker was stopped (setup too slow for a ${CLOCK_SECONDS} s clock)`,
      );
    }
    assert.ok(r.timerFiredAt !== undefined, `${name}: the timer fired while the worker was away`);
    assert.ok(r.timerFiredAt >= r.dueAt, `${name}: the timer fired at or after its due instant`);
    assert.ok(r.sentAt > r.dueAt, `${name}: the action was sent after the due instant`);
    assert.ok(r.admittedBeforeRestart, `${name}: the action was admitted before the worker came back`);
    // The task that saw the timer fire (and the action with it) ran on the restarted worker.
    const fired = firedAt(r.events, r.atStop.pending[0]!.timerStartedEventAttributes!.timerId);
    const task = r.events.find((e, i) => i > fired && e.eventType === TASK_STARTED);
    assert.ok(task && Date.parse(task.eventTime) >= restartAt, `${name}: no task ran before the restart`);
    // The clock is journaled at its own instant, not when the worker came back.
    assert.equal(
      journaled(r.candidacyId, c.clockEvent)?.occurredAt,
      r.next!.dueAt,
      `${name}: at its instant`,
    );
    t?.diagnostic(
      `${c.clock}: worker stopped ${r.atStop.msLeft} ms before the due instant, timer fired ` +
        `${r.timerFiredAt - r.dueAt} ms after it, action sent ${r.sentAt - r.dueAt} ms after it, ` +
        `worker back ${restartAt - r.dueAt} ms after it`,
    );
    return r;
  }

  it('silence rule: the implicit admissibility stands, the late rejection is refused with its date', async (t) => {
    const r = assertRaceExercised('silence', t);
    assert.equal(r.outcome.refused, 'implicit_decision_taken', JSON.stringify(r.outcome));
    const decided = env()
      .eventsOf(r.candidacyId)
      .filter((e) => e.type === 'admissibility_decided');
    assert.equal(decided.length, 1);
    assert.equal((decided[0]!.payload as { implicit: boolean }).implicit, true);
    const implicitDecision = r.outcome.details!.implicitDecision as { decidedAt: string };
    assert.equal(implicitDecision.decidedAt, decided[0]!.occurredAt);
    // Journaled at its instant: the deadline after the request, not when the worker came back.
    const requested = journaled(r.candidacyId, 'admissibility_requested')!;
    assert.equal(Date.parse(decided[0]!.occurredAt) - Date.parse(requested.occurredAt), CLOCK_SECONDS * 1000);
    assert.equal(r.outcome.details!.phase, 'admissible');
    assert.equal((await viewOf(r.workflowId)).phase, 'admissible');
  });

  it('incomplete-file lapse: the request lapsed at its delay, completing it after is refused', (t) => {
    const r = assertRaceExercised('lapse', t);
    assert.equal(r.outcome.refused, 'request_lapsed', JSON.stringify(r.outcome));
    assert.equal(journaled(r.candidacyId, 'admissibility_file_completed'), undefined);
  });

  it('abandonment contest window: the candidacy is abandoned, the late contest is refused', (t) => {
    const r = assertRaceExercised('abandonment', t);
    assert.equal(r.outcome.refused, 'candidacy_closed', JSON.stringify(r.outcome));
    assert.equal(journaled(r.candidacyId, 'abandonment_contested'), undefined);
  });

  it('transfer acceptance: escalated at its delay, the late acceptance is refused and names the clock', (t) => {
    const r = assertRaceExercised('transfer', t);
    assert.equal(r.outcome.refused, 'action_not_allowed', JSON.stringify(r.outcome));
    assert.deepEqual(
      (r.outcome.details!.clocksDue as { type: string }[]).map((c) => c.type),
      ['transfer_escalated'],
    );
    assert.equal(journaled(r.candidacyId, 'transfer_accepted'), undefined);
  });

  it('jury deadline escalation: journaled first, then the late scheduling, accepted in the same task', (t) => {
    const r = assertRaceExercised('jury', t);
    assert.equal(r.outcome.phase, 'jury_scheduled', JSON.stringify(r.outcome));
    const events = env().eventsOf(r.candidacyId);
    const escalated = events.findIndex((e) => e.type === 'jury_escalated');
    const scheduled = events.findIndex((e) => e.type === 'jury_scheduled');
    assert.ok(escalated >= 0 && escalated < scheduled, events.map((e) => e.type).join(', '));
    assert.ok(events[scheduled]!.occurredAt > events[escalated]!.occurredAt);
    // The accepted Update is in the history, in the task that saw the escalation's timer fire.
    const fired = firedAt(r.events, r.atStop.pending[0]!.timerStartedEventAttributes!.timerId);
    assert.deepEqual(updatesAcceptedInTaskAfter(r.events, fired), [
      { updateId: r.updateId, name: 'schedule-jury' },
    ]);
  });

  it('records each interleaving as a replay history', { skip: !process.env.RECORD_HISTORIES }, async () => {
    for (const name of names) {
      const r = assertRaceExercised(name);
      const handle = env().env.client.workflow.getHandle(r.workflowId);
      await CASES[name].close?.(r.workflowId);
      await eventually(
        async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined),
        20_000,
        `${name}: completion`,
      );
      await env().saveHistory(r.workflowId, CASES[name].history);
    }
  });
});
