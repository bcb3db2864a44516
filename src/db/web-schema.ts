import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * The console's passwordless login (migration 0011). Only SHA-256 hashes of the secrets sent by
 * e-mail or kept in a cookie are stored, as for API tokens: a copy of the database opens nothing.
 */
export interface LoginLinksTable {
  /** SHA-256 (hex) of the link's token; the token itself is only in the e-mail. */
  token_hash: string;
  user_id: string;
  expires_at: Timestamp;
  /** Set once, when the link opens a session: a link serves one time. */
  used_at: Timestamp | null;
  created_at: CreatedAt;
  /** The address the request came from (behind the loopback proxy, the client's). */
  requested_ip: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WebSessionsTable {
  /** SHA-256 (hex) of the session cookie's value. */
  id_hash: string;
  user_id: string;
  /** The session's CSRF token, carried by every form of the console as `_csrf`. */
  csrf_token: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
  /** Refreshed at most once a minute. */
  last_seen_at: Timestamp;
}

/** The console's rate limits (migration 0014): the count of one key in its current window. */
export interface RateLimitHitsTable {
  /** The limiter's prefix and the client's key (`connexion-ip:203.0.113.7`). */
  key: string;
  hits: number;
  reset_at: Timestamp;
}

export interface WebTables {
  login_links: LoginLinksTable;
  web_sessions: WebSessionsTable;
  rate_limit_hits: RateLimitHitsTable;
}
