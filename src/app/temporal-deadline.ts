import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';

/**
 * Every Temporal call the API and the console make has a deadline (issue 9, part B): a workflow
 * whose worker is away, or a Temporal server that does not answer, fails the call on time — 503 at
 * the API — instead of holding the request. These are the defaults of each kind of call.
 */
export const TEMPORAL_DEADLINES = {
  /** An Update: the workflow's answer to an action (src/app/candidacies/run-action.ts, jury sessions). */
  updateMs: 30_000,
  /** A Query of a workflow's live state (shown beside the read model; null when it does not answer). */
  queryMs: 5_000,
  /**
   * A Query or a describe a decision rests on (an action's preparation, the e-mail relay's check of
   * held e-mails): no read model stands in for its answer, so it may wait longer than a display's.
   */
  decisionQueryMs: 10_000,
  /** A workflow start. */
  startMs: 10_000,
  /** GET /readyz's look at the Temporal frontend: a probe answers fast or says not ready. */
  readinessMs: 3_000,
} as const;

/** Runs one Temporal client call bounded by `timeoutMs` (gRPC DEADLINE_EXCEEDED past it). */
export function withDeadline<T>(temporal: Client, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, call);
}

/**
 * The call ran out of time or was cancelled: gRPC DEADLINE_EXCEEDED (4) or CANCELLED (1), on the
 * error or its causes, which the SDK reports for an Update as WorkflowUpdateRPCTimeoutOrCancelledError.
 * For an Update, its outcome is unknown: a worker may still apply it.
 */
export function isDeadlineExceeded(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e.code === 4 || e.code === 1) return true;
    e = e.cause as typeof e;
  }
  return false;
}
