/**
 * The one backoff of a failed send (an SMTP server down or refusing for now), whichever sends it:
 * the e-mail activity's retry policy (older runs, src/workflows/activities-proxy.ts) and the outbox
 * relay (src/outbox/relay.ts). Plain values, beside the workflows that import them.
 */
export const EMAIL_RETRY = { initialMs: 2_000, coefficient: 2, maximumMs: 30_000 } as const;

/** How long after its `attempts`-th failed try an e-mail is tried again. */
export function emailRetryDelayMs(attempts: number): number {
  const { initialMs, coefficient, maximumMs } = EMAIL_RETRY;
  return Math.min(initialMs * coefficient ** Math.max(attempts - 1, 0), maximumMs);
}
