import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EmailRequest, Recipient } from '../../activities/index.js';
import type { EmailFailed } from '../../activities/email.js';
import {
  activeDeadlines,
  applyAction,
  applyTimer,
  clocksSettleBeforeActions,
  initialState,
  judgeAction,
  nextRunningDeadline,
  pendingTimers,
  rulesVersionOf,
  targetScope,
  validateAction,
  waitingOn,
  type ActionRequest,
  type Audience,
  type CandidacyState,
  type Handoff,
  type JournalEvent,
  type Transition,
} from '../../domain/candidacy/index.js';
import type { UpdateDefinition } from '@temporalio/common';
import {
  ACTIONS,
  allowedActions,
  isTerminal,
  PHASE_LABELS_FR,
  type Action,
  type Phase,
} from '../../domain/phases.js';
import { waitingOnKey } from '../../domain/roles.js';
import { journal, localJournal, mail } from '../activities-proxy.js';
import { carry, readCarried } from './carried.js';
import {
  ACTION_REFUSED,
  actionUpdates,
  emailFailedSignal,
  stateQuery,
  type ActionArgs,
  type ActionRefusedDetails,
  type Actor,
  type CandidacyInput,
  type CandidacyView,
  type EmailFailedNotice,
} from './contract.js';
import { publish } from './publish.js';

/** Patch ID (workflow versioning): the journal moved from an activity to a local activity. */
const JOURNAL_IN_LOCAL_ACTIVITY = 'journal-in-local-activity';
/** Patch ID: the e-mails waiting in the outbox leave in one activity, not one each. */
const EMAILS_IN_ONE_ACTIVITY = 'emails-in-one-activity';
/** Patch ID: a run never closes in the workflow task that answered an Update. */
const CLOSE_AFTER_UPDATE_TASK = 'close-after-update-task';
/** Patch ID: the first transition (identified) takes its number before any action can. */
const IDENTIFIED_BEFORE_ACTIONS = 'identified-before-actions';
/**
 * Patch ID: the clock loop decides (continue as new or not, which clock is due) on what it read
 * in the activation that woke it, never after a journal write; a run closes in a task of its own.
 */
const DECIDE_AT_WAKE_UP = 'decide-at-wake-up';
/**
 * Patch ID: a transition's e-mails are written to the outbox in its journal event's transaction
 * and sent by the worker's relay (src/outbox/relay.ts): no e-mail activity, no workflow task to
 * take its result. The workflow's own outbox stays for the e-mails older runs carried over.
 */
const EMAILS_IN_JOURNAL = 'emails-in-journal';

/**
 * One candidacy, from identification to the jury's result: a long-lived workflow whose
 * state, clocks and next step live in Temporal for the months the path lasts.
 *
 * The rules live in src/domain/candidacy (pure): this function only runs them. Human actions
 * are Updates whose validators refuse illegal transitions; clocks are computed from the state
 * and slept on one at a time; e-mails are written to the outbox with the journal and sent by
 * the worker's relay (older runs: a workflow outbox, sent beside the clocks and carried across
 * continue-as-new).
 */
export async function candidacy(
  input: CandidacyInput,
): Promise<{ phase: Phase; blocks: CandidacyState['blocks'] }> {
  const { policy } = input;
  const workflowId = workflowInfo().workflowId;
  /**
   * Every patch is asked once, here, in the run's first activation. `patched()` looks for its
   * marker in the workflow task being replayed; asked later (after a local activity, in a
   * coroutine), the task it lands in depends on timing, and a replay on another worker then
   * fails with a non-determinism error. Runs started before a change replay with it off.
   */
  const versions = {
    journalInLocalActivity: patched(JOURNAL_IN_LOCAL_ACTIVITY),
    emailsInOneActivity: patched(EMAILS_IN_ONE_ACTIVITY),
    closeAfterUpdateTask: patched(CLOSE_AFTER_UPDATE_TASK),
    identifiedBeforeActions: patched(IDENTIFIED_BEFORE_ACTIONS),
    decideAtWakeUp: patched(DECIDE_AT_WAKE_UP),
    emailsInJournal: patched(EMAILS_IN_JOURNAL),
  };
  const rulesVersion = rulesVersionOf(input);
  /** Version 2 on: clocks already due take effect, at their instant, before any action. */
  const settleFirst = clocksSettleBeforeActions(rulesVersion);
  const carried = readCarried(input.carried);
  let state: CandidacyState = carried?.state ?? initialState(input.initial);
  const outbox: EmailRequest[] = carried?.outbox ?? [];
  /** Bumped on every change so the clock loop recomputes its next timer. */
  let changes = 0;
  /**
   * What the clock loop decides on: the workflow's time, the history length and the server's
   * suggestion to continue as new. They belong to the activation they are read in, and an
   * activation that only resolves a local activity (the journal) does not replay in the same
   * workflow task: a query answered while the journal was writing makes the worker close the
   * task early and give the workflow the result in a new one (later time, longer history), while
   * a replay finds the result in the first task's commands and resolves it there. So, from
   * `decide-at-wake-up` on, they are read only in the activation that woke the loop (a fired
   * timer, or a change made by an Update or an activity's result: events of the history, alike on
   * replay), here in the run's first activation, and kept across the journal writes that follow.
   */
  const readTick = () => {
    const info = workflowInfo();
    return {
      now: Date.now(),
      historyLength: info.historyLength,
      continueAsNewSuggested: info.continueAsNewSuggested,
    };
  };
  let tick = readTick();

  const view = (): CandidacyView => {
    return {
      candidacyId: input.candidacyId,
      phase: state.phase,
      phaseLabel: PHASE_LABELS_FR[state.phase],
      waitingOn: waitingOn(state),
      responsibleOperatorId: state.responsibleOperatorId,
      responsibleRole: state.responsibleRole,
      deadlines: activeDeadlines(state, policy),
      nextTimer: pendingTimers(state, policy)[0] ?? null,
      allowedActions: isTerminal(state.phase)
        ? []
        : allowedActions(state.phase, { transferPending: state.transfer !== null }),
      rncpCode: state.rncpCode,
      blocks: state.blocks,
      remindersSent: state.remindersSent,
      reinforced: state.reinforced,
      arm: input.arm,
      rulesVersion,
      coaching: state.coaching && {
        sessions: state.coaching.sessions,
        minutes: state.coaching.minutes,
        startedAt: state.coaching.startedAt,
        unansweredReminders: state.coaching.unansweredReminders,
      },
      jurySession: state.jury?.session
        ? {
            at: state.jury.session.at,
            modality: state.jury.session.modality,
            place: state.jury.session.place,
          }
        : null,
      transfer: state.transfer,
      result: state.result,
      pendingEmails: outbox.length,
      seq: state.seq,
    };
  };

  function recipientOf(to: Audience): Recipient | null {
    if (typeof to === 'object') return { kind: 'operator', operatorId: to.operatorId };
    switch (to) {
      case 'candidate':
        return { kind: 'candidate' };
      case 'advisor':
        return { kind: 'operator', operatorId: state.adviceOperatorId };
      case 'certifier':
        return { kind: 'operator', operatorId: state.certifierOperatorId };
      case 'coach':
        return state.coachOperatorId ? { kind: 'operator', operatorId: state.coachOperatorId } : null;
      case 'lead':
        return input.projectLeadUserId ? { kind: 'user', userId: input.projectLeadUserId } : null;
    }
  }

  /** The last journal write queued (see commit). */
  let journalTail: Promise<unknown> = Promise.resolve();

  /**
   * Records a transition: takes the next sequence number, queues its e-mails (keys derived
   * from the workflow ID and that number, so never sent twice), refreshes search attributes
   * and the UI details at once, then journals it and updates the read model.
   */
  async function commit(
    transition: Transition,
    actor: Actor | null,
    before: CandidacyState,
    /** When it took effect: a clock's due instant (version 2 on), otherwise now. */
    occurredAt: string = new Date().toISOString(),
    /**
     * Its e-mails may leave before this workflow task is saved: true for the transitions any
     * later attempt of the task decides alike (clocks, identification; src/db/email-outbox.ts).
     */
    emailsConfirmed = false,
  ): Promise<void> {
    state.seq += 1;
    const seq = state.seq;
    if (transition.reminder) state.remindersSent += 1;
    const emails: EmailRequest[] = [];
    for (const email of transition.emails) {
      const recipient = recipientOf(email.to);
      if (!recipient) continue;
      const who = recipient.kind === 'candidate' ? 'candidate' : Object.values(recipient)[1];
      emails.push({
        key: `${workflowId}/${seq}/${email.template}/${who}`,
        candidacyId: input.candidacyId,
        template: email.template,
        recipient,
        data: email.data,
      });
    }
    if (!versions.emailsInJournal) outbox.push(...emails);
    changes += 1;
    const deadlines = activeDeadlines(state, policy);
    publish({ projectId: input.projectId, arm: input.arm }, state, deadlines);
    const record = {
      candidacyId: input.candidacyId,
      seq,
      ...journalEventOf(transition),
      actorUserId: actor?.userId ?? null,
      actorOperatorId: actor?.operatorId ?? null,
      occurredAt,
      readModel: {
        phase: state.phase,
        waitingOn: waitingOnKey(waitingOn(state)),
        operatorId: state.responsibleOperatorId,
        nextDeadline: nextRunningDeadline(deadlines)?.dueAt ?? null,
        reinforced: state.reinforced,
        arm: input.arm,
        scope: targetScope(state),
        adviceOperatorId: state.adviceOperatorId,
        certifierOperatorId: state.certifierOperatorId,
        coachOperatorId: state.coachOperatorId,
        transferTo: state.transfer
          ? { operatorId: state.transfer.toOperatorId, role: state.transfer.role }
          : null,
      },
      handoff: transition.handoff ?? phaseHandoff(before, state, transition.type),
      ...(versions.emailsInJournal
        ? {
            outbox: {
              workflowId,
              emails: emails.map(({ key, template, recipient, data }) => ({
                key,
                template,
                recipient,
                data,
              })),
              confirmed: emailsConfirmed,
              task: workflowInfo().historyLength,
            },
          }
        : {}),
    };
    const options = { summary: `Journal : ${transition.summary}` };
    // Candidacies started before the journal became a local activity replay with the activity.
    if (!versions.journalInLocalActivity) {
      await journal.recordTransition.executeWithOptions(options, [record]);
      return;
    }
    // One journal write at a time, in sequence order. Two local activities in flight at once
    // (an Update and a clock in the same task) resolve in completion order when first run but
    // in scheduling order on replay, which would resume the coroutines in another order.
    const write = journalTail.then(() => localJournal.recordTransition.executeWithOptions(options, [record]));
    journalTail = write.catch(() => undefined);
    await write;
  }

  /**
   * Applies every clock due at `now`, each at its own due instant, and queues their journal
   * writes (in order). Synchronous up to the returned promise, so that no other handler can
   * change the state between the clocks and the action that follows them.
   */
  function settleDueClocks(now: Date): Promise<void>[] {
    const writes: Promise<void>[] = [];
    for (;;) {
      const next = pendingTimers(state, policy)[0];
      if (!next || Date.parse(next.dueAt) > now.getTime()) return writes;
      const before = state;
      const fired = applyTimer(state, next, policy, new Date(next.dueAt));
      state = fired.state;
      // A clock's transition is the same in any attempt of this task: its e-mails may leave now.
      writes.push(commit(fired.transition, null, before, next.dueAt, true));
    }
  }

  /**
   * The e-mail sender runs beside the clock loop, so an SMTP outage delays e-mails but never
   * a legal clock. An e-mail leaves the outbox only once sent (its key makes a resend a no-op).
   */
  let sending = false;
  /** After a permanent failure thrown for a batch, e-mails leave one by one to find the culprit. */
  let oneByOne = false;

  /**
   * An e-mail that can never leave (unknown recipient, invalid template or data): journaled
   * as failed with its reason, dropped from the outbox, and the path goes on.
   */
  function journalFailed(failed: EmailFailed[], batch: EmailRequest[]): Promise<void>[] {
    const writes: Promise<void>[] = [];
    for (const f of failed) {
      const email = batch.find((e) => e.key === f.key);
      if (!email) continue;
      writes.push(commit(emailFailedTransition({ ...f, recipientKind: email.recipient.kind }), null, state));
    }
    return writes;
  }

  function permanentFailureOf(err: unknown): ApplicationFailure | null {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    return cause instanceof ApplicationFailure && cause.nonRetryable ? cause : null;
  }

  async function sender(): Promise<void> {
    for (;;) {
      await condition(() => outbox.length > 0);
      sending = true;
      const batch = outbox.slice(0, oneByOne ? 1 : 20);
      if (versions.emailsInOneActivity) {
        const templates = [...new Set(batch.map((e) => e.template))].join(', ');
        let result: Awaited<ReturnType<typeof mail.sendEmails>>;
        try {
          result = await mail.sendEmails.executeWithOptions({ summary: `E-mails : ${templates}` }, [batch]);
        } catch (err) {
          // Thrown by an older activity version: never let it stop the clocks.
          const permanent = permanentFailureOf(err);
          if (!permanent) throw err;
          if (batch.length > 1) {
            oneByOne = true;
          } else {
            const dropped = outbox.splice(0, 1);
            const failure: EmailFailed = {
              key: dropped[0]!.key,
              template: dropped[0]!.template,
              code: permanent.type === 'UnknownRecipient' ? 'unknown_recipient' : 'invalid_template_data',
              reason: 'Envoi impossible (erreur définitive).',
            };
            await Promise.all(journalFailed([failure], dropped));
          }
          sending = false;
          continue;
        }
        const { done } = result;
        // Sent while the e-mail log was unreachable: record them, never send them again.
        for (const sent of done) {
          if (sent.recorded || !sent.messageId) continue;
          await journal.recordEmailSent.executeWithOptions({ summary: 'Journal : e-mail envoyé' }, [
            { key: sent.key, messageId: sent.messageId },
          ]);
        }
        // Sent and failed e-mails are, together, the first ones of the batch, in order.
        const failed = result.failed ?? [];
        const processed = outbox.splice(0, done.length + failed.length);
        if (failed.length) await Promise.all(journalFailed(failed, processed));
        if (oneByOne && done.length > 0) oneByOne = false;
        sending = false;
        continue;
      }
      await Promise.all(
        batch.map(async (email) => {
          const sent = await mail.sendEmail.executeWithOptions({ summary: `E-mail ${email.template}` }, [
            email,
          ]);
          if (!sent.recorded && sent.messageId) {
            await journal.recordEmailSent.executeWithOptions(
              { summary: `Journal : e-mail ${email.template} envoyé` },
              [{ key: email.key, messageId: sent.messageId }],
            );
          }
        }),
      );
      outbox.splice(0, batch.length);
      sending = false;
    }
  }

  setHandler(stateQuery, view);

  /** Outbox e-mails the relay gave up for good, journaled once each (a relay may tell twice). */
  const failedKeys = new Set<string>();
  setHandler(emailFailedSignal, async (notice) => {
    if (failedKeys.has(notice.key)) return;
    failedKeys.add(notice.key);
    await commit(emailFailedTransition(notice), null, state);
  });

  /**
   * The workflow task that answers an Update must not also close the run: if that task failed
   * (an e-mail activity completing meanwhile makes the server refuse the closing command), the
   * server would fail the Update too (temporalio/temporal#6375). `historyLength` identifies the
   * task in which the last Update was answered; a 1 ms timer moves the closing to the next one.
   */
  let answeredInTask = -1;
  /** Updates answered so far (`decide-at-wake-up` on). */
  let answers = 0;
  async function settleHandlers(): Promise<void> {
    await condition(allHandlersFinished);
    if (!versions.closeAfterUpdateTask) return;
    if (versions.decideAtWakeUp) {
      // `historyLength` read after a journal write is not the same on replay (see readTick): the
      // run always closes in a task started by a timer of its own, decided as that timer fires,
      // before any local activity of that task resolves, when no Update was answered since it
      // started. No other timer starts in that task: the clock loop is parked here.
      for (;;) {
        const seen = answers;
        await condition(() => false, 1, { summary: 'Clôture dans une tâche à part' });
        if (answers === seen && allHandlersFinished()) return;
        await condition(allHandlersFinished);
      }
    }
    while (answeredInTask === workflowInfo().historyLength) {
      await condition(() => false, 1, { summary: 'Clôture après la réponse à une action' });
      await condition(allHandlersFinished);
    }
  }

  const identify = () =>
    commit(
      {
        type: 'identified',
        payload: {
          rncpCode: state.rncpCode,
          targetBlocks: state.targetBlocks,
          arm: input.arm,
          reinforced: state.reinforced,
        },
        emails: [{ template: 'candidate.welcome', to: 'candidate', data: {} }],
        summary: 'Candidature repérée',
      },
      input.createdBy,
      state,
      undefined,
      // Decided by the input alone, in the run's first task.
      true,
    );
  /**
   * An action sent right after creation can reach the run in its first workflow task, and
   * `setHandler` runs such a buffered Update at once: the identification must take sequence
   * number 1 (and queue the welcome e-mail) before the handlers are set, or the action would
   * take it and the identification would never be journaled.
   */
  const identifying = versions.identifiedBeforeActions && state.seq === 0 ? identify() : undefined;

  for (const action of ACTIONS) registerAction(action);

  /** One Update per action: the validator judges, the handler applies (both typed by the domain). */
  function registerAction(action: Action): void {
    const request = (args: ActionArgs<ActionRequest['payload']>) =>
      ({ action, payload: args.payload, actor: args.actor }) as ActionRequest;
    // The table's entry for A, seen with the request's payload type the domain then narrows.
    const definition = actionUpdates[action] as UpdateDefinition<
      CandidacyView,
      [ActionArgs<ActionRequest['payload']>]
    >;
    setHandler(
      definition,
      async (args) => {
        const now = new Date();
        const before = state;
        if (!settleFirst) {
          // Rules version 1, exactly as it first ran (the order of awaits is part of replay).
          const applied = applyAction(state, request(args), policy, now);
          state = applied.state;
          await commit(applied.transition, args.actor, before);
        } else {
          // Clocks already due take effect first, at their instant (the validator judged the
          // state after them). Everything up to the journal writes is synchronous (commit
          // queues its write before its first await), so no other handler can slip in
          // between the clocks and the action.
          const writes = settleDueClocks(now);
          const from = state;
          const applied = applyAction(state, request(args), policy, now);
          state = applied.state;
          writes.push(commit(applied.transition, args.actor, from));
          await Promise.all(writes);
        }
        answeredInTask = workflowInfo().historyLength;
        answers += 1;
        return view();
      },
      {
        validator: (args) => {
          const now = new Date();
          const { refusal, settled } = settleFirst
            ? judgeAction(state, request(args), policy, now)
            : { refusal: validateAction(state, request(args), policy, now), settled: state };
          if (!refusal) return;
          const details: ActionRefusedDetails = {
            ...refusal.details,
            code: refusal.code,
            phase: settled.phase,
            allowedActions: isTerminal(settled.phase)
              ? []
              : allowedActions(settled.phase, { transferPending: settled.transfer !== null }),
          };
          throw ApplicationFailure.create({
            type: ACTION_REFUSED,
            message: refusal.message,
            nonRetryable: true,
            details: [details],
          });
        },
      },
    );
  }

  if (identifying) {
    await identifying;
  } else if (state.seq === 0 && !versions.identifiedBeforeActions) {
    // Runs started before the patch: identified after the handlers, as they first ran.
    await identify();
  } else {
    publish({ projectId: input.projectId, arm: input.arm }, state, activeDeadlines(state, policy));
  }

  void sender();

  // The clock loop: sleep until the next clock or the next change, apply what fell due.
  for (;;) {
    if (isTerminal(state.phase)) {
      // Done once every handler has answered and every e-mail has left.
      await condition(() => allHandlersFinished() && outbox.length === 0 && !sending);
      await settleHandlers();
      break;
    }
    // Before `decide-at-wake-up`, read here, even right after a journal write.
    const at = versions.decideAtWakeUp ? tick : readTick();
    if (at.continueAsNewSuggested || (input.maxHistoryEvents && at.historyLength > input.maxHistoryEvents)) {
      // Unsent e-mails are carried over; one in flight now is sent again harmlessly (same key).
      await settleHandlers();
      await continueAsNew<typeof candidacy>({ ...input, carried: carry(state, outbox) });
    }
    const next = pendingTimers(state, policy)[0];
    const seen = changes;
    const woken = () => changes !== seen;
    if (!next) {
      await condition(woken);
      tick = readTick();
      continue;
    }
    const waitMs = Date.parse(next.dueAt) - at.now;
    if (waitMs > 0) {
      const changed = await condition(woken, waitMs, { summary: next.summary });
      tick = readTick();
      if (changed) continue;
    }
    const now = versions.decideAtWakeUp ? new Date(tick.now) : new Date();
    if (settleFirst) {
      // Recomputed from the state: an action in the same activation may have settled it already.
      await Promise.all(settleDueClocks(now));
      continue;
    }
    const before = state;
    const fired = applyTimer(state, next, policy, now);
    state = fired.state;
    await commit(fired.transition, null, before);
  }
  return { phase: state.phase, blocks: state.blocks };
}

/** An e-mail given up for good, as the journal records it (no address, a French reason). */
function emailFailedTransition(f: EmailFailedNotice): Transition {
  return {
    type: 'email_failed',
    payload: { template: f.template, recipientKind: f.recipientKind, code: f.code, reason: f.reason },
    summary: `E-mail impossible à envoyer : ${f.template}`,
    emails: [],
  };
}

/** The journal event of a transition (its type and payload travel together). */
function journalEventOf(t: Transition): JournalEvent {
  return { type: t.type, payload: t.payload } as JournalEvent;
}

/** A change of responsible operator along the path (advice → certifier → coaching …). */
function phaseHandoff(before: CandidacyState, after: CandidacyState, reason: string): Handoff | undefined {
  if (before.responsibleOperatorId === after.responsibleOperatorId) return undefined;
  return {
    kind: 'phase',
    role: after.responsibleRole,
    fromOperatorId: before.responsibleOperatorId,
    toOperatorId: after.responsibleOperatorId,
    reason,
    status: 'accepted',
  };
}
