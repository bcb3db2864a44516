import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEMO } from '../../src/db/demo-data.js';

/** A valid creation body for the demo project; each call gets a unique e-mail address. */
/** An ISO instant `s` seconds from now (a session or a date just ahead). */
export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

export function newCandidacyBody(overrides: Record<string, unknown> = {}) {
  const tag = randomUUID().slice(0, 8);
  return {
    projectId: DEMO.project.id,
    rncpCode: 'RNCP35830',
    targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
    candidate: {
      firstName: 'Élodie',
      lastName: `Durand-${tag}`,
      email: `elodie.durand.${tag}@exemple.fr`,
      phone: '+33 6 12 34 56 78',
      birthYear: 1984,
      qualificationLevel: 'level3',
      jobSituation: 'employed',
    },
    ...overrides,
  };
}

/** Polls until `fn` returns a truthy value (visibility and e-mail delivery are asynchronous). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/**
 * A clock that fired at the right time, as journal timestamps show it: never early (100 ms for
 * rounding), and late by at most what a loaded 2-core machine adds to a workflow task (3 s).
 */
export function assertOnTime(actualMs: number, expectedMs: number, what: string): void {
  // assert.fail, not assert.ok: a failure must print the measured figure (an npm test run showed
  // assert.ok's generated "falsy value" message instead of this one).
  if (actualMs < expectedMs - 100 || actualMs >= expectedMs + 3_000)
    assert.fail(`${what}: ${actualMs} ms, expected ${expectedMs} ms (never early, at most 3 s late)`);
}
