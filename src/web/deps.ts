import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Mailer } from '../activities/mailer.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { LinkSigner } from '../signed-links.js';
import type { OidcClient } from './auth/oidc-client.js';

/** What the console (server-rendered pages under `/`) is built from; createApp passes it. */
export interface WebDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Sends the login links. Without it, asking for one answers a 503 page. */
  mailer?: Mailer;
  /** The sender of the console's e-mails (MAIL_FROM). */
  mailFrom?: string;
  /** Base of the links written in e-mails (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Signs the login forms' tokens (and the other signed links: LINK_SECRET). */
  linkSigner: LinkSigner;
  /** As in ApiDeps: deadline of a Temporal call made for a request. */
  rpcTimeoutMs?: number;
  /** The Temporal Web UI (TEMPORAL_UI_URL; the dev server's in `npm run dev`): administrators' links. */
  temporalUiUrl?: string | undefined;
  /** As in ApiDeps: continue-as-new threshold for new candidacies. */
  maxHistoryEvents?: number;
  /** Sign-in through an OpenID Connect provider (OIDC_*): a button on the login page. */
  oidc?: OidcClient | undefined;
}
