import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { TEMPORAL_DEADLINES, withDeadline } from '../app/temporal-deadline.js';

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 200) };
  }
}

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: Postgres and Temporal answer). */
export function healthRoutes(deps: { db: Kysely<Database>; temporal: Client }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      check(() => sql`select 1`.execute(deps.db)),
      check(() =>
        withDeadline(deps.temporal, TEMPORAL_DEADLINES.readinessMs, () =>
          deps.temporal.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    const ready = postgres.ok && temporal.ok;
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, temporal } });
  });
  return router;
}
