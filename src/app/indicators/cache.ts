import type { Kysely } from 'kysely';
import { indicatorsCacheSeconds } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { computeIndicators, type IndicatorQuery, type Indicators } from './compute.js';

/**
 * The indicators of a project, computed at most once per `INDICATORS_CACHE_SECONDS` (default 60)
 * for each period and breakdown, in this process. A whole project of 100,000 candidacies takes a
 * few seconds to compute (scripts/bench/README.md): the dashboard, its CSV and the API's JSON
 * requested one after the other — or by several people at once, who wait for the same computation
 * — then share one result and its `asOf`, so they also agree with each other. A computation that
 * failed is not kept. 0 turns the cache off. Access is checked before, by every caller: the
 * result does not depend on who asks.
 */

const MAX_ENTRIES = 32;

interface Entry {
  expiresAt: number;
  value: Promise<Indicators>;
}

const entries = new Map<string, Entry>();

export function indicatorsFor(db: Kysely<Database>, q: Omit<IndicatorQuery, 'asOf'>): Promise<Indicators> {
  const ttlMs = indicatorsCacheSeconds() * 1000;
  if (ttlMs === 0) return computeIndicators(db, q);
  const key = JSON.stringify([q.projectId, q.from ?? null, q.to ?? null, q.breakdown ?? null]);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expiresAt > now) return hit.value;
  const value = computeIndicators(db, q);
  entries.delete(key);
  entries.set(key, { expiresAt: now + ttlMs, value });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  // Oldest first in a Map: drop the expired, then the oldest beyond the bound.
  for (const [k, e] of entries) {
    if (entries.size <= MAX_ENTRIES && e.expiresAt > now) break;
    entries.delete(k);
  }
  return value;
}
