import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';

const dir = new URL('./histories/', import.meta.url);
const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

/**
 * Replays recorded histories (scripts/record-histories.ts, test/workflow) against today's
 * workflow code: a change that would break a running candidacy (non-determinism) fails here.
 * The workflow code is bundled once for every history.
 */
describe('workflow histories replay with the current code', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  let workflowBundle: WorkflowBundle;
  before(async () => {
    workflowBundle = await bundleWorkflowCode({
      workflowsPath,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
  });
  it('has recorded histories to replay, of every generation', () => {
    assert.ok(files.length >= 3, `only ${files.length} histories`);
    // v1–v4: candidacies; js1: jury sessions.
    for (const generation of ['v1', 'v2', 'v3', 'v4', 'js1']) {
      assert.ok(
        files.some((f) => f.startsWith(`${generation}-`)),
        `no ${generation} history`,
      );
    }
  });
  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
      await Worker.runReplayHistory({ workflowBundle, replayName: file }, history);
    });
  }
});
