import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { historyText } from '../support/history-text.js';
import { eventsOfJson, TIMER_FIRED, updatesAcceptedInTaskAfter } from './history-events.js';

const dir = new URL('./histories/', import.meta.url);
const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, dir), 'utf8'));

/**
 * Each clock against an action sent after it ran out, with the worker away across its due
 * instant (issue 9, A.1; recorded by test/workflow/clocks-race.test.ts). A refused action
 * leaves no trace in history; the accepted one (jury escalation) is in it.
 */
const LATE_ACTIONS = [
  'v4-late-decision-after-silence',
  'v4-late-completion-after-lapse',
  'v4-late-contest-after-abandonment',
  'v4-late-acceptance-after-transfer-escalation',
  'v4-late-scheduling-after-jury-escalation',
];

/** Personal data as the test stacks write it (test/support/fixtures.ts): none may be in a history. */
const PERSONAL = [
  { what: 'an e-mail address', re: /[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}/i },
  { what: 'a phone number', re: /(\+33|\b0)\s?[1-9]([\s.-]?\d{2}){4}\b/ },
  { what: 'a candidate name', re: /Élodie|Durand/ },
];

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
  it('has a history of each clock against an action sent after it ran out (issue 9, A.1)', () => {
    for (const name of LATE_ACTIONS) {
      assert.ok(files.includes(`${name}.json`), `no ${name} history`);
      const events = eventsOfJson(read(`${name}.json`));
      assert.ok(
        events.some((e) => e.eventType === TIMER_FIRED),
        `${name}: no timer fired`,
      );
    }
    // The late scheduling is accepted in the task that saw the escalation's timer fire.
    const jury = eventsOfJson(read('v4-late-scheduling-after-jury-escalation.json'));
    assert.ok(
      jury.some(
        (e, i) =>
          e.eventType === TIMER_FIRED &&
          updatesAcceptedInTaskAfter(jury, i).some((u) => u.name === 'schedule-jury'),
      ),
      'no schedule-jury accepted in the task after a timer fired',
    );
  });
  it('holds no personal data in any history (payloads decoded)', () => {
    for (const file of files) {
      const text = historyText(read(file));
      // The payloads are read: every history carries the certification's code in them.
      assert.ok(/RNCP\d+/.test(text), `${file}: payloads decoded`);
      for (const { what, re } of PERSONAL) {
        const found = re.exec(text);
        assert.equal(found, null, `${file} holds ${what}: ${found?.[0]}`);
      }
    }
  });
  for (const file of files) {
    it(`replays ${file}`, async () => {
      await Worker.runReplayHistory({ workflowBundle, replayName: file }, read(file));
    });
  }
});
