import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/**
 * Activity stubs with per-activity timeouts and retries. Postgres and SMTP outages can last,
 * so retries are unbounded with a capped backoff; permanent errors are non-retryable
 * ApplicationFailures thrown by the activities themselves.
 */
export const journal = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  // Capped at a few seconds: after a database outage every path resumes within ~10 s.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

export const mail = proxyActivities<Activities>({
  // Shorter than the e-mail claim's staleness (src/activities/email.ts) by design.
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
