import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOnTime, eventually } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** Admissible by the certifier's decision, coach assigned: the candidate is now writing. */
async function toCoaching(
  c: CandidacyDriver,
  profile = { qualificationLevel: 'level5', jobSituation: 'employed' },
) {
  await c.informAndSubmit({ profile });
  await c.act('decide-admissibility', { admissible: true }, 'certifier');
  return c.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
}

describe('coaching and jury: reminders, abandonment, convocation, result', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it('reminds an inactive candidate more often when coaching is reinforced', async () => {
    const projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      inactivityReminderStandard: { seconds: 4 },
      inactivityReminderReinforced: { seconds: 2 },
    });
    const standard = await CandidacyDriver.create(stack, { projectId });
    const reinforced = await CandidacyDriver.create(stack, { projectId });
    const s = await toCoaching(standard, { qualificationLevel: 'level5', jobSituation: 'employed' });
    const r = await toCoaching(reinforced, { qualificationLevel: 'none', jobSituation: 'employed' });
    assert.equal(s.reinforced, false);
    assert.equal(r.reinforced, true);
    assert.equal(s.phase, 'coaching');
    assert.deepEqual(s.waitingOn, { kind: 'candidate' });

    const interval = async (c: CandidacyDriver) => {
      const reminder = await c.waitEvent('inactivity_reminder_sent', 15_000);
      const assigned = (await c.events()).find((e) => e.type === 'coach_assigned')!;
      return reminder.occurred_at.getTime() - assigned.occurred_at.getTime();
    };
    const [std, rnf] = await Promise.all([interval(standard), interval(reinforced)]);
    assertOnTime(std, 4_000, 'standard reminder cadence');
    assertOnTime(rnf, 2_000, 'reinforced reminder cadence');
    assert.ok(rnf < std, `reinforced ${rnf} ms sooner than standard ${std} ms`);
    await reinforced.waitTemplates(['candidate.inactivity_reminder', 'coach.inactivity_reminder']);
    const mail = await reinforced.waitCandidateMail(/relance|activité|nouvelles/i);
    assert.ok(mail.text.includes('1'));
  });

  it('proposes abandonment after 3 unanswered reminders; contesting within the window resumes the path', async () => {
    const projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      inactivityReminderStandard: { seconds: 1 },
      inactivityReminderReinforced: { seconds: 1 },
      abandonmentContestDelay: { seconds: 30 },
    });
    const c = await CandidacyDriver.create(stack, { projectId });
    await toCoaching(c);
    const proposed = await c.waitPhase('abandonment_proposed', 15_000);
    assert.equal(proposed.remindersSent, 3);
    assert.ok(proposed.deadlines.some((d) => d.name === 'abandonment-contest'));
    const reminders = (await c.events()).filter((e) => e.type === 'inactivity_reminder_sent');
    assert.deepEqual(
      reminders.map((e) => (e.payload as { reminderNumber: number }).reminderNumber),
      [1, 2, 3],
    );
    await c.waitTemplates(['candidate.abandonment_proposed', 'coach.abandonment_proposed']);

    const resumed = await c.act('contest-abandonment');
    assert.equal(resumed.phase, 'coaching');
    assert.equal(resumed.coaching?.unansweredReminders, 0);
    await c.waitTemplates(['candidate.abandonment_contested']);
    // The clocks start again from the contest.
    const again = await c.waitEvent('abandonment_contested');
    assert.ok(again);
  });

  it('abandons the candidacy when the contest window closes, and the workflow completes', async () => {
    const projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      inactivityReminderStandard: { seconds: 1 },
      inactivityReminderReinforced: { seconds: 1 },
      abandonmentContestDelay: { seconds: 2 },
    });
    const c = await CandidacyDriver.create(stack, { projectId });
    await toCoaching(c);
    const result = await stack.temporal.workflow.getHandle(c.workflowId).result();
    assert.equal(result.phase, 'abandoned');
    await c.waitTemplates(['candidate.abandoned', 'coach.abandoned']);
    const row = await stack.db
      .selectFrom('candidacies')
      .selectAll()
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.phase, 'abandoned');
    assert.equal(row.waiting_on, 'nobody');
    const late = await c.refused('contest-abandonment');
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'candidacy_closed');
  });

  it('runs the jury clocks: escalation, convocation lead time, reminder, certifier reminder, partial result, follow-up', async () => {
    const projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      juryDeadlineAfterValidationFile: { seconds: 8 },
      juryEscalationBefore: { seconds: 6 },
      convocationLeadTime: { seconds: 2 },
      juryReminderBefore: { seconds: 2 },
      resultReminderAfter: { seconds: 1 },
    });
    const c = await CandidacyDriver.create(stack, { projectId });
    await toCoaching(c);
    await c.act(
      'log-coaching-session',
      { date: new Date().toISOString(), durationMinutes: 90, modality: 'remote' },
      'coach',
    );
    const submitted = await c.act('submit-validation-file', {}, 'coach');
    assert.equal(submitted.phase, 'validation_file_submitted');
    assert.deepEqual(submitted.waitingOn, {
      kind: 'operator',
      operatorId: OPERATORS.certifier,
      role: 'certifier',
    });
    assert.ok(submitted.deadlines.some((d) => d.name === 'jury-deadline'));

    await c.waitEvent('jury_escalated', 10_000);
    await c.waitTemplates([
      'certifier.jury_escalation',
      'certifier.validation_file_submitted',
      'candidate.validation_file_received',
    ]);

    const tooSoon = await c.refused(
      'schedule-jury',
      { sessionAt: inSeconds(0.5), modality: 'remote', place: 'https://visio.exemple.fr/salle-12' },
      'certifier',
    );
    assert.equal(tooSoon.status, 409);
    assert.equal(tooSoon.body.code, 'convocation_lead_time');

    const scheduled = await c.act(
      'schedule-jury',
      { sessionAt: inSeconds(4.5), modality: 'remote', place: 'https://visio.exemple.fr/salle-12' },
      'certifier',
    );
    assert.equal(scheduled.phase, 'jury_scheduled');
    const convocation = await c.waitCandidateMail(/convocation/i);
    assert.match(convocation.text, /visio\.exemple\.fr\/salle-12/);

    await c.waitEvent('jury_reminder_sent', 10_000);
    const early = await c.refused('record-jury-result', { outcome: 'full', blocks: [] }, 'certifier');
    assert.equal(early.status, 409);

    await c.waitPhase('jury_held', 10_000);
    await c.waitEvent('result_reminder_sent', 10_000);
    await c.waitTemplates([
      'candidate.jury_convocation',
      'candidate.jury_reminder',
      'certifier.result_reminder',
    ]);

    const inconsistent = await c.refused(
      'record-jury-result',
      {
        outcome: 'full',
        blocks: [
          { code: 'RNCP35830BC01', validated: true },
          { code: 'RNCP35830BC02', validated: false },
        ],
      },
      'certifier',
    );
    assert.equal(inconsistent.status, 409);
    assert.equal(inconsistent.body.code, 'inconsistent_result');

    const result = await c.act(
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
    assert.equal(result.phase, 'result');
    assert.deepEqual(result.blocks, [
      { code: 'RNCP35830BC01', status: 'validated' },
      { code: 'RNCP35830BC02', status: 'not_validated' },
    ]);
    const resultMail = await c.waitCandidateMail(/résultat|validation partielle/i);
    assert.match(resultMail.text, /RNCP35830BC01/);
    assert.match(resultMail.text, /RNCP35830BC02/);

    const followUp = await stack.http('POST', `/api/candidacies/${c.id}/follow-up`);
    assert.equal(followUp.status, 201, JSON.stringify(followUp.body));
    assert.deepEqual(followUp.body.targetBlocks, ['RNCP35830BC02']);
    assert.equal(followUp.body.parentCandidacyId, c.id);
    assert.equal(followUp.body.candidate.email, c.email);
    const again = await stack.http('POST', `/api/candidacies/${c.id}/follow-up`);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, followUp.body.id);
  });

  it('applies an action retried with the same Idempotency-Key once, and answers the retry like the first time', async () => {
    const c = await CandidacyDriver.create(stack, {
      projectId: await createProjectWithPolicy(stack.db, COMPRESSED),
    });
    await c.act('record-information', {
      eligibilityChecked: true,
      rncpCode: 'RNCP35830',
      targetBlocks: ['RNCP35830BC01'],
      profile: { qualificationLevel: 'level5', jobSituation: 'employed' },
    });
    const post = (action: string, key: string, body: unknown = {}, role = 'advisor') =>
      stack.http('POST', `/api/candidacies/${c.id}/${action}`, {
        body,
        role,
        headers: { 'idempotency-key': key },
      });
    // A Postgres-checked action: the retry comes after the phase moved on, and still gets its 200.
    const submitted = await post('submit-admissibility', 'submit-0001');
    const submittedAgain = await post('submit-admissibility', 'submit-0001');
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submittedAgain.status, 200, JSON.stringify(submittedAgain.body));
    assert.deepEqual(submittedAgain.body, submitted.body);
    // Without the key, the same action is refused: the phase has moved on.
    assert.equal((await c.refused('submit-admissibility')).status, 409);

    await c.act('decide-admissibility', { admissible: true }, 'certifier');
    await c.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
    const session = { date: new Date().toISOString(), durationMinutes: 90, modality: 'remote' };
    const first = await post('log-coaching-session', 'session-0001', session, 'coach');
    const retry = await post('log-coaching-session', 'session-0001', session, 'coach');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(retry.body, first.body);
    assert.equal((await c.state()).coaching?.sessions, 1, 'the retried session is counted once');
    // Another key is another session.
    const second = await post('log-coaching-session', 'session-0002', session, 'coach');
    assert.equal(second.status, 200);
    assert.equal((await c.state()).coaching?.sessions, 2);
    const journal = (await c.events()).filter((e) => e.type === 'coaching_session_logged');
    assert.equal(journal.length, 2);
    // A malformed key is a 400 that writes nothing.
    const bad = await post('log-coaching-session', 'short', session, 'coach');
    assert.equal(bad.status, 400);
    assert.equal((await c.state()).coaching?.sessions, 2);
  });

  it('sends one message per e-mail key (no worker killed here): one captured message per e-mail log row', async () => {
    // The relay sends beside the workflows: wait until nothing is left in the outbox (a fixed pause
    // failed on a loaded machine), then compare the log with what the SMTP capture received.
    const rows = await eventually(
      async () => {
        const all = await stack.db
          .selectFrom('email_log')
          .select(['idempotency_key', 'candidacy_id', 'status'])
          .execute();
        return all.every((r) => r.status === 'sent') && stack.mail.messages().length >= all.length
          ? all
          : undefined;
      },
      20_000,
      'every logged e-mail sent and captured',
    );
    assert.ok(rows.length > 20);
    const messageIds = stack.mail.messages().map((m) => m.messageId);
    assert.equal(new Set(messageIds).size, messageIds.length, 'no message sent twice');
    assert.equal(messageIds.length, rows.length);
  });

  itReplaysEveryWorkflow(() => stack);
});
