import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';

const dir = new URL('./histories/', import.meta.url);
const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

/**
 * Replays recorded histories (scripts/record-histories.ts) against today's workflow code:
 * a change that would break a running candidacy (non-determinism) fails here.
 */
describe('workflow histories replay with the current code', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('has recorded histories to replay', () => {
    assert.ok(files.length >= 3, `only ${files.length} histories`);
  });
  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      await Worker.runReplayHistory({ workflowsPath, replayName: file }, history);
    });
  }
});
