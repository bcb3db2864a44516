/**
 * The worker's own SDK metrics (Prometheus text served by the Temporal Core runtime): mean latencies over
 * a phase, from the `_sum` and `_count` of each histogram before and after it. They tell whether time goes
 * to the worker (task execution) or to the server (polls answered late, completions acknowledged late).
 */
type Sample = Map<string, number>;

export interface WorkerMetrics {
  /** Mean milliseconds over the phase (count in brackets in the keys' companion `counts`). */
  meanMs: Record<string, number>;
  counts: Record<string, number>;
}

const WANTED: [key: string, metric: string, label?: string][] = [
  ['poll activity task (long poll)', 'temporal_long_request_latency', 'PollActivityTaskQueue'],
  ['poll workflow task (long poll)', 'temporal_long_request_latency', 'PollWorkflowTaskQueue'],
  ['RespondActivityTaskCompleted', 'temporal_request_latency', 'RespondActivityTaskCompleted'],
  ['RespondWorkflowTaskCompleted', 'temporal_request_latency', 'RespondWorkflowTaskCompleted'],
  ['activity schedule-to-start', 'temporal_activity_schedule_to_start_latency'],
  ['workflow task schedule-to-start', 'temporal_workflow_task_schedule_to_start_latency'],
  ['workflow task execution (worker)', 'temporal_workflow_task_execution_latency'],
  ['sendEmails execution (worker)', 'temporal_activity_execution_latency', 'sendEmails'],
  ['journal: local activity execution (worker)', 'temporal_local_activity_execution_latency'],
];

export async function scrape(url: string): Promise<Sample | undefined> {
  try {
    const text = await fetch(url).then((r) => r.text());
    const out: Sample = new Map();
    for (const line of text.split('\n')) {
      const m = /^(\w+?)_(sum|count)(\{[^}]*\})?\s+([\d.eE+-]+)$/.exec(line);
      if (!m) continue;
      const [, name, kind, labels = '', value] = m;
      for (const [key, metric, label] of WANTED) {
        if (name !== metric) continue;
        if (label && !labels.includes(`"${label}"`)) continue;
        const k = `${key}|${kind}`;
        out.set(k, (out.get(k) ?? 0) + Number(value));
      }
    }
    return out;
  } catch {
    return undefined;
  }
}

export function phaseMetrics(
  before: Sample | undefined,
  after: Sample | undefined,
): WorkerMetrics | undefined {
  if (!before || !after) return undefined;
  const meanMs: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (const [key] of WANTED) {
    const count = (after.get(`${key}|count`) ?? 0) - (before.get(`${key}|count`) ?? 0);
    const sum = (after.get(`${key}|sum`) ?? 0) - (before.get(`${key}|sum`) ?? 0);
    if (count > 0) {
      meanMs[key] = Math.round((sum / count) * 10) / 10;
      counts[key] = count;
    }
  }
  return { meanMs, counts };
}
