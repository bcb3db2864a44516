import type { RequestHandler } from 'express';
import { sql, type Kysely } from 'kysely';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { UNSENT_STATUSES, unsentEmailCounts } from '../db/email-outbox.js';
import type { Database } from '../db/schema.js';
import { TERMINAL_PHASES } from '../domain/phases.js';
import type { Logger } from '../logger.js';
import { actionRegistry } from './action-metrics.js';
import { routeTemplate } from './route-template.js';

/**
 * The API's Prometheus metrics (prom-client), one registry per app: request durations by
 * method, route template and status; the e-mails of the outbox and the clocks overdue, counted
 * in PostgreSQL at scrape time; the process's default metrics; and the actions' counters
 * (src/observability/action-metrics.ts).
 */
export interface ApiMetrics {
  /** Times each request (its `finish`, or `close` when the client left first: status 499). */
  middleware: RequestHandler;
  contentType: string;
  /** The exposition text. */
  metrics(): Promise<string>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createApiMetrics(deps: { db: Kysely<Database>; logger: Logger }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'vae_http_request_duration_seconds',
    help: 'HTTP requests of the API and the console, by method, route template (never the URL) and status.',
    labelNames: ['method', 'route', 'status'] as const,
    // Up to the Update deadline (30 s): an action that waits on a busy worker is still seen.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const { db, logger } = deps;
  new Gauge({
    name: 'vae_outbox_emails',
    help: 'E-mails of the e-mail log by status at scrape time: held wait for their action to be confirmed, pending and sending are waiting in the outbox, failed were given up for good.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      try {
        const rows = await unsentEmailCounts(db).execute();
        for (const status of UNSENT_STATUSES) {
          this.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
        }
      } catch (err) {
        // No figure rather than a stale one; the scrape still answers.
        this.reset();
        logger.warn({ err: (err as Error).message }, 'metrics: e-mail log count failed');
      }
    },
  });

  new Gauge({
    name: 'vae_clocks_overdue',
    help: 'Open candidacies whose next deadline (read model) is past at scrape time: a clock that no worker has served yet.',
    registers: [registry],
    async collect() {
      try {
        const row = await db
          .selectFrom('candidacies')
          .select(sql<string>`count(*)`.as('n'))
          .where('started', '=', true)
          .where('next_deadline', '<', sql<Date>`now()`)
          .where('phase', 'not in', [...TERMINAL_PHASES])
          .executeTakeFirstOrThrow();
        this.set(Number(row.n));
      } catch (err) {
        this.reset();
        logger.warn({ err: (err as Error).message }, 'metrics: overdue clocks count failed');
      }
    },
  });

  const merged = Registry.merge([registry, actionRegistry]);
  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      duration.observe(
        {
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          route: routeTemplate(req),
          status: res.writableFinished ? String(res.statusCode) : '499',
        },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
  return { middleware, contentType: merged.contentType, metrics: () => merged.metrics() };
}
