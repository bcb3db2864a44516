import type { temporal } from '@temporalio/proto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

/**
 * A workflow history read as the JSON the replay fixtures hold (`historyToJSON`, or
 * `temporal workflow show --output json`): event types as names, times as ISO strings.
 * Shared by the replay test and the workflow tier, which checks the interleaving a test
 * claims to exercise in the history itself.
 */
export interface HistoryEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  userMetadata?: { summary?: { data?: string } };
  timerStartedEventAttributes?: { timerId: string; startToFireTimeout: string };
  timerFiredEventAttributes?: { timerId: string };
  timerCanceledEventAttributes?: { timerId: string };
  workflowExecutionUpdateAcceptedEventAttributes?: {
    acceptedRequest?: { meta?: { updateId?: string }; input?: { name?: string } };
  };
  workflowExecutionStartedEventAttributes?: {
    input?: { payloads?: { data?: string }[] };
    continuedExecutionRunId?: string;
    originalExecutionRunId?: string;
    firstExecutionRunId?: string;
  };
  workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string };
  activityTaskScheduledEventAttributes?: {
    activityType?: { name?: string };
    input?: { payloads?: { data?: string }[] };
  };
  activityTaskCompletedEventAttributes?: { scheduledEventId?: string };
  markerRecordedEventAttributes?: { markerName?: string };
}

export const TIMER_STARTED = 'EVENT_TYPE_TIMER_STARTED';
export const TIMER_FIRED = 'EVENT_TYPE_TIMER_FIRED';
export const TIMER_CANCELED = 'EVENT_TYPE_TIMER_CANCELED';
export const TASK_STARTED = 'EVENT_TYPE_WORKFLOW_TASK_STARTED';
export const TASK_COMPLETED = 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED';
export const UPDATE_ACCEPTED = 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED';
export const TASK_SCHEDULED = 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED';
export const MARKER_RECORDED = 'EVENT_TYPE_MARKER_RECORDED';
export const CONTINUED_AS_NEW = 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW';

/** The events of a history fetched from the server (`handle.fetchHistory()`). */
export function eventsOfHistory(history: temporal.api.history.v1.IHistory): HistoryEvent[] {
  return eventsOfJson(JSON.parse(historyToJSON(history)));
}

/** The events of a history in its JSON form (a replay fixture). */
export function eventsOfJson(json: unknown): HistoryEvent[] {
  return (json as { events: HistoryEvent[] }).events;
}

/** A timer's summary as the Temporal UI shows it (the decoded JSON string of its payload). */
export function summaryOf(e: HistoryEvent): string | undefined {
  const data = e.userMetadata?.summary?.data;
  return data === undefined
    ? undefined
    : (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as string);
}

/** Timers started and neither fired nor cancelled yet. */
export function pendingTimers(events: HistoryEvent[]): HistoryEvent[] {
  const ended = new Set(
    events
      .map((e) => e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId)
      .filter((id): id is string => id !== undefined),
  );
  return events.filter(
    (e) => e.eventType === TIMER_STARTED && !ended.has(e.timerStartedEventAttributes!.timerId),
  );
}

/** The index of the event that fired timer `timerId`, or -1. */
export function firedAt(events: HistoryEvent[], timerId: string): number {
  return events.findIndex((e) => e.timerFiredEventAttributes?.timerId === timerId);
}

/**
 * The Updates accepted by the first workflow task completed after event `index`: the events
 * between that task's completion and the next task's start (its commands and messages).
 */
export function updatesAcceptedInTaskAfter(
  events: HistoryEvent[],
  index: number,
): { updateId?: string; name?: string }[] {
  const completed = events.findIndex((e, i) => i > index && e.eventType === TASK_COMPLETED);
  if (completed < 0) return [];
  const out: { updateId?: string; name?: string }[] = [];
  for (const e of events.slice(completed + 1)) {
    if (e.eventType === TASK_STARTED || e.eventType === TASK_COMPLETED) break;
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (accepted) out.push({ updateId: accepted.meta?.updateId, name: accepted.input?.name });
  }
  return out;
}

/** A payload of the history's JSON form, decoded (base64 JSON). */
export function decodePayload<T>(p: { data?: string } | undefined): T {
  return JSON.parse(Buffer.from(p?.data ?? '', 'base64').toString('utf8')) as T;
}

/** The run's first argument (the workflow input), decoded. */
export function startInputOf<T>(events: HistoryEvent[]): T {
  return decodePayload<T>(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
}

/** The key of every e-mail each `sendEmails` activity of the run was given, by activity. */
export function emailBatches(events: HistoryEvent[]): { scheduledEventId: string; keys: string[] }[] {
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendEmails')
    .map((e) => ({
      scheduledEventId: e.eventId,
      keys: decodePayload<{ key: string }[]>(
        e.activityTaskScheduledEventAttributes!.input?.payloads?.[0],
      ).map((r) => r.key),
    }));
}

/**
 * The commands of the workflow task started at index `started` (its completion's events, up to
 * the next task or event that is not one of its commands): the workflow's output for that task.
 */
export function commandsOfTaskAt(events: HistoryEvent[], started: number): HistoryEvent[] {
  const completed = events.findIndex((e, i) => i > started && e.eventType === TASK_COMPLETED);
  if (completed < 0) return [];
  const out: HistoryEvent[] = [];
  for (const e of events.slice(completed + 1)) {
    if (!COMMAND_EVENTS.has(e.eventType)) break;
    out.push(e);
  }
  return out;
}

/** The event types a workflow task's commands (and Update answers) write. */
const COMMAND_EVENTS = new Set([
  'EVENT_TYPE_MARKER_RECORDED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_TIMER_CANCELED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
]);
