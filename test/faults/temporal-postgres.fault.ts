import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAllCompleted, sleep, startPaths, useFaultStack } from './paths.js';

const N = Math.min(Number(process.env.FAULTS_CANDIDACIES ?? 200), 50);
const DOWN_MS = Number(process.env.FAULTS_TEMPORAL_DOWN_MS ?? 10_000);

/**
 * The production persistence: Temporal server 1.29.1 on PostgreSQL (scripts/temporal-postgres) as its
 * own process, stopped mid-path twice — SIGTERM, then kill -9 — and restarted on the same databases.
 * The worker is left running through both outages: it must reconnect by itself.
 */
describe('fault suite: the Temporal server on PostgreSQL stopped and restarted; every workflow resumes', () => {
  const { stack, project } = useFaultStack({ temporal: 'postgres' });

  it(`SIGTERM, then kill -9 of the Temporal server on PostgreSQL mid-path: all ${N} candidacies complete, e-mails once, journals whole`, async () => {
    const ids = await startPaths(stack, project.id, N);
    const outages: string[] = [];
    for (const how of ['SIGTERM', 'kill -9'] as const) {
      await sleep(2_000);
      const t0 = Date.now();
      if (how === 'SIGTERM') await stack.stopTemporal();
      else await stack.killTemporal();
      const stoppedIn = Date.now() - t0;
      await sleep(DOWN_MS);
      await stack.startTemporal();
      const down = Date.now() - t0;
      outages.push(`${how}: stopped in ${stoppedIn} ms, down ${(down / 1000).toFixed(1)} s`);
    }
    assert.ok(stack.worker && stack.worker.exitCode === null, 'the worker kept running');
    const { emails, sentTwice } = await assertAllCompleted(stack, ids, 120_000);
    console.log(
      `Temporal on PostgreSQL restarted twice (${outages.join('; ')}): ${ids.length}/${N} completed, ` +
        `${emails} e-mails, ${sentTwice} sent twice`,
    );
  });
});
