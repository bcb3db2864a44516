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

/** One journaled transition: its event type, payload (IDs, codes, dates) and e-mails. */
export interface Transition {
  type: string;
  payload: Record<string, unknown>;
  emails: EmailIntent[];
  /** Set when the transition hands the candidacy over (or asks to). */
  handoff?: Handoff;
  /** Counts toward the reminders shown in the state and indicators. */
  reminder?: boolean;
  /** French one-liner for the Temporal UI (activity summary). */
  summary: string;
}

/** A refusal of an action: a stable code and a French sentence. */
export interface ActionRefusal {
  code: string;
  message: string;
}
