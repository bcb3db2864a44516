import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Mailer } from './mailer.js';

/** What activities need from the outside world, injected so tests can use real or fake parts. */
export interface ActivityDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  mailFrom: string;
  clock?: () => Date;
  /** Fault injection for the durability tests (e.g. fail an activity after its e-mail left). */
  faults?: { afterEmailSent?: (key: string) => void };
}
