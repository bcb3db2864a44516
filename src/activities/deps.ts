import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { LinkSigner } from '../signed-links.js';
import type { Database } from '../db/schema.js';
import type { Mailer } from './mailer.js';

/** What activities need from the outside world, injected so tests can use real or fake parts. */
export interface ActivityDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  mailFrom: string;
  clock?: () => Date;
  /** For the jury sessions' activities, which act on candidacies through their Updates. */
  temporal?: Client;
  /**
   * Signs the links sent to people without an account (jury invitations, the candidate's status page
   * in each of their e-mails), and the public URL they point to.
   */
  links?: { signer: LinkSigner; publicUrl: string };
  /** Told when the journal wrote e-mails to the outbox, so the relay in this process sends them at once. */
  outboxWritten?: () => void;
  /** Fault injection for the durability tests (e.g. fail an activity after its e-mail left). */
  faults?: { afterEmailSent?: (key: string) => void };
}
