import { Counter, Registry } from 'prom-client';
import { Refusal } from '../app/refusal.js';
import { ACTIONS } from '../domain/phases.js';

/**
 * Actions of the path, counted where they are performed (src/app/candidacies/perform-action.ts),
 * whoever asks (the API or the console): accepted, refused with the refusal's code, or failed
 * (an unexpected error: a 500). Served by the API's GET /metrics.
 */
export const actionRegistry = new Registry();

const accepted = new Counter({
  name: 'vae_actions_accepted_total',
  help: 'Actions of the path accepted (the workflow applied the Update), by action.',
  labelNames: ['action'] as const,
  registers: [actionRegistry],
});

const refused = new Counter({
  name: 'vae_actions_refused_total',
  help: 'Actions refused, by action and refusal code (e.g. action_not_allowed, candidacy_closed, validation_failed; action_outcome_unknown: the Update did not answer in time).',
  labelNames: ['action', 'code'] as const,
  registers: [actionRegistry],
});

const failed = new Counter({
  name: 'vae_actions_failed_total',
  help: 'Actions that failed with an unexpected error (answered 500), by action.',
  labelNames: ['action'] as const,
  registers: [actionRegistry],
});

// Every action's series exists from the start, so that rate() sees the first one.
for (const action of ACTIONS) {
  accepted.inc({ action }, 0);
  failed.inc({ action }, 0);
}

/** Runs one action and counts its outcome; the result or the error passes through unchanged. */
export async function observeAction<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    accepted.inc({ action });
    return result;
  } catch (err) {
    if (err instanceof Refusal) refused.inc({ action, code: err.code });
    else failed.inc({ action });
    throw err;
  }
}
