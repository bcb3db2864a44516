import type { ActivityDeps } from './deps.js';
import { emailActivities } from './email.js';
import { journalActivities } from './journal.js';
import { sessionActivities } from './jury/session-activities.js';

export type { ActivityDeps } from './deps.js';
export type { EmailRequest } from './email.js';
export type { Recipient } from './email-context.js';
export type { TransitionRecord } from './journal.js';

/** Every activity, built from injected dependencies (one instance per worker). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...journalActivities(deps),
    ...emailActivities(deps),
    ...sessionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
