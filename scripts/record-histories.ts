/**
 * Records workflow histories for the replay test (test/replay): runs real candidacies on the
 * test stack with a compressed policy and saves each history as JSON. Run it when a workflow
 * change is released on purpose (`npm run record-histories`), and commit the files: the replay
 * test then fails on any change that would break running candidacies (non-determinism).
 *
 * Files are named `<generation>-<scenario>.json`. A new generation is recorded beside the older
 * ones, which stay: they prove that the patches (`patched()` in src/workflows) keep candidacies
 * started by earlier code replayable. Bump GENERATION when the workflow's commands change.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { findTemporalCli } from '../src/devstack/temporal-cli.js';
import { CandidacyDriver } from '../test/support/path.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../test/support/projects.js';
import { startTestStack } from '../test/support/stack.js';

/**
 * v1: journal as an activity; v2: journal as a local activity, e-mails in one activity, runs
 * closed after the Update task; v3: the identification journaled before the handlers are set;
 * v4: rules version 2 (clocks settle before actions, journaled at their instant), the e-mail
 * failures journaled. The workflow tier records this generation's late-action interleavings, one
 * per clock (`v4-late-*`: silence, lapse, abandonment contest, transfer, jury escalation), with
 * `RECORD_HISTORIES=1 node --import tsx --test test/workflow/clocks-race.test.ts`; the jury
 * sessions' `js1-*` come from test/workflow/jury-session.test.ts the same way (v5: the
 * continue-as-new cases of test/workflow/continue-as-new.test.ts); v6: the e-mails written to the
 * outbox with the journal and sent by the relay (`emails-in-journal`), no e-mail activity.
 */
const GENERATION = 'v6';
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/replay/histories');
const stack = await startTestStack();
try {
  const projectId = await createProjectWithPolicy(stack.db, {
    ...COMPRESSED,
    juryDeadlineAfterValidationFile: { seconds: 30 },
    convocationLeadTime: { seconds: 1 },
    juryReminderBefore: { seconds: 1 },
  });
  const cli = await findTemporalCli();
  if (!cli) throw new Error('The temporal CLI is needed to export histories (npm run temporal:cli).');
  // The CLI writes the standard history JSON that Worker.runReplayHistory reads.
  const save = async (name: string, c: CandidacyDriver) => {
    const json = execFileSync(cli, [
      'workflow',
      'show',
      '--workflow-id',
      c.workflowId,
      '--address',
      stack.env.address,
      '--output',
      'json',
    ]);
    writeFileSync(path.join(out, `${GENERATION}-${name}.json`), json);
    console.log(`${name}: ${(JSON.parse(json.toString()) as { events: unknown[] }).events.length} events`);
  };

  // The whole path to a partial result, with an incomplete file on the way.
  const full = await CandidacyDriver.create(stack, { projectId });
  await full.informAndSubmit();
  await full.act('mark-incomplete', { missingItems: ['identity_document'] }, 'certifier');
  await full.act('complete-file');
  await full.act('decide-admissibility', { admissible: true }, 'certifier');
  await full.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
  await full.act(
    'log-coaching-session',
    { date: new Date().toISOString(), durationMinutes: 60, modality: 'remote' },
    'coach',
  );
  await full.act('submit-validation-file', {}, 'coach');
  await full.act(
    'schedule-jury',
    {
      sessionAt: new Date(Date.now() + 2_500).toISOString(),
      modality: 'on_site',
      place: '12 rue de la Paix, Lille',
    },
    'certifier',
  );
  await full.waitPhase('jury_held');
  await full.act(
    'record-jury-result',
    {
      outcome: 'partial',
      blocks: [
        { code: 'RNCP35830BC01', validated: true },
        { code: 'RNCP35830BC02', validated: false },
      ],
    },
    'certifier',
  );
  await stack.temporal.workflow.getHandle(full.workflowId).result();
  await save('full-path-partial-result', full);

  // The silence rule and a lapse, driven by clocks.
  const silent = await CandidacyDriver.create(stack, { projectId });
  await silent.informAndSubmit();
  await silent.waitPhase('admissible');
  await silent.act('withdraw', { reason: 'personal_reasons' });
  await stack.temporal.workflow.getHandle(silent.workflowId).result();
  await save('silence-admissible-then-withdrawn', silent);

  const lapsed = await CandidacyDriver.create(stack, { projectId });
  await lapsed.informAndSubmit();
  await lapsed.act('mark-incomplete', { missingItems: ['cerfa_form'] }, 'certifier');
  await stack.temporal.workflow.getHandle(lapsed.workflowId).result();
  await save('incomplete-file-lapsed', lapsed);
} finally {
  await stack.stop();
}
