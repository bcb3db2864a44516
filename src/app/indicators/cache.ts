import type { Kysely } from 'kysely';
import { indicatorsCacheSeconds } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { computeIndicators, type IndicatorQuery, type Indicators } from './compute.js';

/**
 * The indicators of a project, computed at most once per `INDICATORS_CACHE_SECONDS` (default 60)
 * for each period and breakdown, in this process. A whole project of 100,000 candidacies takes a
 * few seconds to compute (scripts/bench/README.md): the dashboard, its CSV and the API's JSON
 * requested one after the other — or by several people at once, who wait for the same computation
 * — then share one result and its `asOf`, so they also agree with each other.
 *
 * Past that age and up to ten times it, a request gets the last result at once while a new one is
 * computed behind it (stale-while-revalidate): only the first request of a project, period and
 * breakdown in ten minutes waits for a computation. Every answer says its `asOf`. A computation
 * that failed is not kept. 0 turns the cache off. Access is checked before, by every caller: the
 * result does not depend on who asks.
 */

const MAX_ENTRIES = 32;
const STALE_FACTOR = 10;

interface Entry {
  computedAt: number;
  value: Promise<Indicators>;
  /** A newer computation under way, while `value` is still served. */
  refreshing: boolean;
}

const entries = new Map<string, Entry>();

export function indicatorsFor(db: Kysely<Database>, q: Omit<IndicatorQuery, 'asOf'>): Promise<Indicators> {
  const ttlMs = indicatorsCacheSeconds() * 1000;
  if (ttlMs === 0) return computeIndicators(db, q);
  const key = JSON.stringify([q.projectId, q.from ?? null, q.to ?? null, q.breakdown ?? null]);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.computedAt < ttlMs) return hit.value;
  if (hit && now - hit.computedAt < STALE_FACTOR * ttlMs) {
    if (!hit.refreshing) {
      hit.refreshing = true;
      const next = computeIndicators(db, q);
      next.then(
        () => entries.set(key, { computedAt: Date.now(), value: next, refreshing: false }),
        () => {
          hit.refreshing = false;
        },
      );
    }
    return hit.value;
  }
  const value = computeIndicators(db, q);
  entries.delete(key);
  entries.set(key, { computedAt: now, value, refreshing: false });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  // Oldest first in a Map: drop the expired, then the oldest beyond the bound.
  for (const [k, e] of entries) {
    if (entries.size <= MAX_ENTRIES && now - e.computedAt < STALE_FACTOR * ttlMs) break;
    entries.delete(k);
  }
  return value;
}
