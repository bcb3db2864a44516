import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { historyText } from '../support/history-text.js';
import type { CandidacyInput } from '../../src/workflows/candidacy/contract.js';
import {
  commandsOfTaskAt,
  CONTINUED_AS_NEW,
  eventsOfJson,
  MARKER_RECORDED,
  startInputOf,
  TASK_SCHEDULED,
  TASK_STARTED,
  TIMER_FIRED,
  updatesAcceptedInTaskAfter,
} from './history-events.js';

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

/**
 * Continue-as-new (issue 9, B; recorded by test/workflow/continue-as-new.test.ts): both runs of a
 * chain (the second started from the state the first carried), a run started from a carried
 * state written before it had a version (V1), and the interleaving of the flake: a journal write
 * whose result reached the workflow in a task of its own, the worker's, after a query.
 */
const CONTINUED = {
  run1: 'v5-continued-as-new-run1',
  run2: 'v5-continued-as-new-run2',
  carriedV1: 'v5-carried-v1',
  afterQuery: 'v5-continued-as-new-after-query',
};

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
    // v1–v6: candidacies; js1: jury sessions.
    for (const generation of ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'js1']) {
      assert.ok(
        files.some((f) => f.startsWith(`${generation}-`)),
        `no ${generation} history`,
      );
    }
  });
  it('has v6 paths whose e-mails left from the outbox: no activity task at all', () => {
    for (const name of files.filter((f) => f.startsWith('v6-'))) {
      const events = eventsOfJson(read(name));
      assert.ok(events.length > 0, name);
      assert.ok(!events.some((e) => /ACTIVITY_TASK/.test(e.eventType)), `${name}: an activity ran`);
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
  it('has histories across continue-as-new, from a versioned and an unversioned carried state (issue 9, B)', () => {
    for (const name of Object.values(CONTINUED))
      assert.ok(files.includes(`${name}.json`), `no ${name} history`);
    const run1 = eventsOfJson(read(`${CONTINUED.run1}.json`));
    const run2 = eventsOfJson(read(`${CONTINUED.run2}.json`));
    assert.equal(run1.at(-1)?.eventType, CONTINUED_AS_NEW, 'run 1 continued as new');
    assert.equal(startInputOf<CandidacyInput>(run1).carried, undefined, 'run 1 started afresh');
    const run1Id = run1[0]!.workflowExecutionStartedEventAttributes!.originalExecutionRunId;
    assert.equal(
      run2[0]!.workflowExecutionStartedEventAttributes!.continuedExecutionRunId,
      run1Id,
      'run 2 continues run 1',
    );
    assert.equal(startInputOf<CandidacyInput>(run2).carried?.version, 2, 'run 2 read a version 2 state');
    assert.equal(run2.at(-1)?.eventType, CONTINUED_AS_NEW, 'run 2 continued as new');
    const v1 = eventsOfJson(read(`${CONTINUED.carriedV1}.json`));
    const v1Input = startInputOf<CandidacyInput>(v1);
    assert.ok(v1Input.carried, 'started from a carried state');
    assert.equal(v1Input.carried.version, undefined, 'without a version');
    assert.equal(v1.at(-1)?.eventType, CONTINUED_AS_NEW);
    // The flake's interleaving: the task that saw a clock fire wrote the journal's marker, and
    // the worker opened the next task right after its commands, to hand the write's result over.
    const q = eventsOfJson(read(`${CONTINUED.afterQuery}.json`));
    const fired = q.findIndex((e) => e.eventType === TIMER_FIRED);
    const seen = q.findIndex((e, i) => i > fired && e.eventType === TASK_STARTED);
    const commands = commandsOfTaskAt(q, seen);
    assert.ok(
      commands.some((e) => e.eventType === MARKER_RECORDED),
      'the journal written in that task',
    );
    assert.equal(q[q.indexOf(commands.at(-1)!) + 1]?.eventType, TASK_SCHEDULED, 'a task of its own next');
    assert.equal(q.at(-1)?.eventType, CONTINUED_AS_NEW);
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
