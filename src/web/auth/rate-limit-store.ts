import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * An express-rate-limit store in PostgreSQL: the count and the end of the window of each key in
 * one row, incremented by a single upsert (atomic, whatever the number of API processes); a window
 * that has ended starts again at 1. Rows of windows ended more than an hour ago are purged when a
 * new window starts.
 */
export class PostgresRateLimitStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;

  constructor(
    private readonly db: Kysely<Database>,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private keyOf(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db
      .selectFrom('rate_limit_hits')
      .select(['hits', 'reset_at'])
      .where('key', '=', this.keyOf(key))
      .where('reset_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row ? { totalHits: row.hits, resetTime: row.reset_at } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const window = sql`make_interval(secs => ${this.windowMs / 1000})`;
    const row = await this.db
      .insertInto('rate_limit_hits')
      .values({ key: this.keyOf(key), hits: 1, reset_at: sql<Date>`now() + ${window}` })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql<number>`case when rate_limit_hits.reset_at <= now() then 1 else rate_limit_hits.hits + 1 end`,
          reset_at: sql<Date>`case when rate_limit_hits.reset_at <= now() then now() + ${window} else rate_limit_hits.reset_at end`,
        }),
      )
      .returning(['hits', 'reset_at'])
      .executeTakeFirstOrThrow();
    if (row.hits === 1) {
      await this.db
        .deleteFrom('rate_limit_hits')
        .where('reset_at', '<', sql<Date>`now() - interval '1 hour'`)
        .execute();
    }
    return { totalHits: row.hits, resetTime: row.reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limit_hits')
      .set({ hits: sql<number>`greatest(hits - 1, 0)` })
      .where('key', '=', this.keyOf(key))
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limit_hits').where('key', '=', this.keyOf(key)).execute();
  }
}
