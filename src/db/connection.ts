import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// Return bigint (int8) as string and timestamptz as Date; numeric counts are cast in SQL.
export interface DbOptions {
  url: string;
  maxConnections?: number;
  applicationName?: string;
}

export function createDb({
  url,
  maxConnections = 10,
  applicationName = 'parcours-vae',
}: DbOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    application_name: applicationName,
    // Fail fast when Postgres is down instead of hanging a request.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
  });
  // A lost connection must never crash the process (worker or API): the query in flight fails
  // and is retried (activities) or answered 503 (API). The pool listens on idle clients only;
  // a client checked out when PostgreSQL goes away emits 'error' on itself, and an 'error'
  // event without a listener is an uncaught exception (the fault suite saw the worker exit 1).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
