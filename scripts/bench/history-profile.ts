import type { Client } from '@temporalio/client';
import { latencyStats, type LatencyStats } from './load.js';

/**
 * Where the time of a candidacy goes on the Temporal side, read from workflow histories: how long
 * workflow and activity tasks wait to be picked up (schedule-to-start) and run (start-to-close), and how
 * long an Update takes from the workflow task that carries it to its completion.
 */
export interface HistoryProfile {
  workflows: number;
  eventsPerWorkflow: LatencyStats;
  workflowTask: { scheduleToStart: LatencyStats; startToComplete: LatencyStats };
  activities: Record<string, { scheduleToStart: LatencyStats; startToClose: LatencyStats }>;
  /** From the workflow task that delivered the Update to UPDATE_COMPLETED (server-side Update time). */
  update: LatencyStats;
}

interface Ev {
  eventId?: { toString(): string } | number | null;
  eventTime?: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null;
  workflowTaskScheduledEventAttributes?: unknown;
  workflowTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  workflowTaskCompletedEventAttributes?: { scheduledEventId?: unknown; startedEventId?: unknown } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  workflowExecutionUpdateAcceptedEventAttributes?: { protocolInstanceId?: string | null } | null;
  workflowExecutionUpdateCompletedEventAttributes?: { meta?: { updateId?: string | null } | null } | null;
}

const id = (x: unknown) => String(x ?? '');
const ms = (e: Ev) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

export async function profileHistories(client: Client, workflowIds: string[]): Promise<HistoryProfile> {
  const wftS2S: number[] = [];
  const wftS2C: number[] = [];
  const acts = new Map<string, { s2s: number[]; s2c: number[] }>();
  const updates: number[] = [];
  const lengths: number[] = [];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const events = (history.events ?? []) as Ev[];
    lengths.push(events.length);
    const byId = new Map(events.map((e) => [id(e.eventId), e]));
    const activityType = new Map<string, string>();
    const activityStart = new Map<string, number>();
    let lastWftScheduled: number | undefined;
    const updateStart = new Map<string, number>();
    for (const e of events) {
      const t = ms(e);
      if (e.workflowTaskScheduledEventAttributes) lastWftScheduled = t;
      const ws = e.workflowTaskStartedEventAttributes;
      if (ws) {
        const scheduled = byId.get(id(ws.scheduledEventId));
        if (scheduled) wftS2S.push(t - ms(scheduled));
      }
      const wc = e.workflowTaskCompletedEventAttributes;
      if (wc) {
        const started = byId.get(id(wc.startedEventId));
        if (started) wftS2C.push(t - ms(started));
      }
      const as = e.activityTaskScheduledEventAttributes;
      if (as) activityType.set(id(e.eventId), as.activityType?.name ?? '?');
      const ast = e.activityTaskStartedEventAttributes;
      if (ast) {
        const sid = id(ast.scheduledEventId);
        const scheduled = byId.get(sid);
        activityStart.set(sid, t);
        if (scheduled) entry(acts, activityType.get(sid) ?? '?').s2s.push(t - ms(scheduled));
      }
      const ac = e.activityTaskCompletedEventAttributes;
      if (ac) {
        const sid = id(ac.scheduledEventId);
        const started = activityStart.get(sid);
        if (started !== undefined) entry(acts, activityType.get(sid) ?? '?').s2c.push(t - started);
      }
      const ua = e.workflowExecutionUpdateAcceptedEventAttributes;
      if (ua && lastWftScheduled !== undefined)
        updateStart.set(ua.protocolInstanceId ?? '', lastWftScheduled);
      const uc = e.workflowExecutionUpdateCompletedEventAttributes;
      if (uc) {
        const start = updateStart.get(uc.meta?.updateId ?? '');
        if (start !== undefined) updates.push(t - start);
      }
    }
  }
  return {
    workflows: workflowIds.length,
    eventsPerWorkflow: latencyStats(lengths),
    workflowTask: { scheduleToStart: latencyStats(wftS2S), startToComplete: latencyStats(wftS2C) },
    activities: Object.fromEntries(
      [...acts].map(([name, v]) => [
        name,
        { scheduleToStart: latencyStats(v.s2s), startToClose: latencyStats(v.s2c) },
      ]),
    ),
    update: latencyStats(updates),
  };
}

function entry(map: Map<string, { s2s: number[]; s2c: number[] }>, name: string) {
  let e = map.get(name);
  if (!e) map.set(name, (e = { s2s: [], s2c: [] }));
  return e;
}
