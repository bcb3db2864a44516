import type { Applied } from './rules.js';

/** Who an e-mail goes to, by role in the candidacy; the workflow maps it to IDs. */
export type Audience = 'candidate' | 'advisor' | 'certifier' | 'coach' | 'lead' | { operatorId: string };

export type EmailData = Record<string, string | number | boolean | string[]>;

export interface EmailIntent {
  template: string;
  to: Audience;
  data: EmailData;
}

/** A change of responsible operator, recorded for the hand-off history. */
export interface Handoff {
  kind: 'phase' | 'transfer';
  role: string;
  fromOperatorId: string;
  toOperatorId: string;
  reason: string;
  status: 'pending' | 'accepted' | 'escalated';
  dueAt?: string;
}

/** One journaled transition: its typed event, its summary and the e-mails it queues. */
export type Transition = Applied & { emails: EmailIntent[] };

/** A refusal of an action: a stable code, a French sentence, and what explains it. */
export interface ActionRefusal {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
