import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { EMAIL_RETRY } from './email-retry.js';
import type { Activities } from '../activities/index.js';

/**
 * Activity stubs with per-activity timeouts and retries. Postgres and SMTP outages can last,
 * so retries are unbounded with a capped backoff; permanent errors are non-retryable
 * ApplicationFailures thrown by the activities themselves.
 */
const JOURNAL_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds' };

export const journal = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  // Capped at a few seconds: after a database outage every path resumes within ~10 s.
  retry: JOURNAL_RETRY,
});

/**
 * The journal as a local activity: it runs in the worker inside the workflow task, so an Update
 * answers after one workflow task instead of waiting for an activity task's round trip through
 * the server (about half the latency under load). Retries stay in the worker (the backoff never
 * reaches the local retry threshold) and the activity is idempotent, so a worker that dies
 * mid-write only makes the next one write it again.
 */
export const localJournal = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: JOURNAL_RETRY,
});

export const mail = proxyActivities<Activities>({
  // Shorter than the e-mail claim's staleness (src/activities/email.ts) by design.
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: EMAIL_RETRY.initialMs,
    backoffCoefficient: EMAIL_RETRY.coefficient,
    maximumInterval: EMAIL_RETRY.maximumMs,
  },
});
