import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import * as journalIndicators from '../../src/db/migrations/0008_journal_indicators.js';
import { ACTION_BODIES } from '../../src/api/candidacies/action-schemas.js';
import { DEMO } from '../../src/db/demo-data.js';
import { ACTIONS, allowedActions, type Action, type Phase } from '../../src/domain/phases.js';
import type { CandidacyView } from '../../src/workflows/candidacy/contract.js';
import type { candidacy } from '../../src/workflows/candidacy/workflow.js';
import { ACTION_SAMPLES, actingRole } from '../support/action-samples.js';
import { eventually, assertOnTime, inSeconds } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow, withoutWorker } from '../support/stack.js';

const PROBLEM_JSON = /^application\/problem\+json\b/;
const TARGETED = ['RNCP35830BC01', 'RNCP35830BC02'];

const toAdmissible = (c: CandidacyDriver) => c.toAdmissible();
const toCoaching = (c: CandidacyDriver) => c.toCoaching();
const toValidationFile = (c: CandidacyDriver) => c.toValidationFile();
const holdJury = (c: CandidacyDriver, seconds?: number) => c.holdJury(seconds);

/** Update events in the workflow's history (one run: nothing here continues as new). */
async function updateEventCounts(stack: TestStack, workflowId: string) {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    admitted: events.filter((e) => e.workflowExecutionUpdateAdmittedEventAttributes).length,
    accepted: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
    rejected: events.filter((e) => e.workflowExecutionUpdateRejectedEventAttributes).length,
    completed: events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).length,
  };
}

/** Posts an action's sample body as the demo user who would perform it on this candidacy now. */
async function post(c: CandidacyDriver, action: Action, live: CandidacyView) {
  return c.refused(action, ACTION_SAMPLES[action], actingRole(action, live));
}

const ACCESS_REFUSALS = ['operator_not_in_charge', 'candidacy_not_visible'];

/**
 * Where no demo user's operator can hold the position an action needs (no transfer pending to
 * accept, no coach assigned yet to log a session), access rules may answer 403 before the
 * phase rule answers 409: both refuse, and both must write nothing.
 */
function nobodyInPosition(action: Action, live: CandidacyView, coachAssigned: boolean): boolean {
  return (
    (action === 'accept-transfer' && live.transfer === null) ||
    (action === 'log-coaching-session' && !coachAssigned)
  );
}

describe('rules matrix: refusals out of phase, clocks of coaching and jury, jury outcomes', () => {
  let stack: TestStack;
  let compressed: string;
  before(async () => {
    stack = await startTestStack();
    compressed = await createProjectWithPolicy(stack.db, COMPRESSED);
  });
  after(async () => {
    await stack?.stop();
  });

  it('has a valid sample body for each of the 17 actions', () => {
    assert.equal(ACTIONS.length, 17);
    for (const action of ACTIONS) {
      const parsed = ACTION_BODIES[action].safeParse(ACTION_SAMPLES[action]);
      assert.ok(parsed.success, `${action}: ${parsed.error?.message}`);
    }
  });

  describe('every action a phase does not allow is refused with 409, writing nothing', () => {
    type Subject = { label: string; phase: Phase; transferPending: boolean; c: CandidacyDriver };
    const subjects: Subject[] = [];

    before(async () => {
      // Clocks long enough that nothing fires while the matrix runs; sessions may be 1 s ahead.
      const slow = { admissibilityDecisionDeadline: { days: 30 }, convocationLeadTime: { seconds: 1 } };
      const projectId = await createProjectWithPolicy(stack.db, {
        ...slow,
        juryReminderBefore: { seconds: 1 },
      });
      const notStarting = await createProjectWithPolicy(stack.db, {
        ...slow,
        coachingStartDeadline: { seconds: 1 },
      });
      const build = async (
        label: string,
        phase: Phase,
        steps: (c: CandidacyDriver) => Promise<unknown>,
        project = projectId,
      ) => {
        const c = await CandidacyDriver.create(stack, { projectId: project });
        await steps(c);
        const s = await c.waitPhase(phase, 10_000);
        subjects.push({ label, phase, transferPending: s.transfer !== null, c });
      };
      await Promise.all([
        build('identified', 'identified', async () => undefined),
        build('informed', 'informed', (c) =>
          c.act('record-information', ACTION_SAMPLES['record-information']),
        ),
        build('admissibility_requested', 'admissibility_requested', (c) => c.informAndSubmit()),
        build('admissibility_incomplete', 'admissibility_incomplete', async (c) => {
          await c.informAndSubmit();
          await c.act('mark-incomplete', ACTION_SAMPLES['mark-incomplete'], 'certifier');
        }),
        build('admissible', 'admissible', toAdmissible),
        build('admissible, transfer pending', 'admissible', async (c) => {
          await toAdmissible(c);
          await c.act('request-transfer', ACTION_SAMPLES['request-transfer']);
        }),
        build('coaching', 'coaching', toCoaching),
        build('abandonment_proposed', 'abandonment_proposed', toAdmissible, notStarting),
        build('validation_file_submitted', 'validation_file_submitted', toValidationFile),
        build('jury_scheduled', 'jury_scheduled', async (c) => {
          await toValidationFile(c);
          await c.act('schedule-jury', ACTION_SAMPLES['schedule-jury'], 'certifier');
        }),
        build('jury_held', 'jury_held', async (c) => {
          await toValidationFile(c);
          await holdJury(c);
        }),
      ]);
    });

    it('answers 409 action_not_allowed with the phase and the live allowed actions; no Update in history, no journal row', async (t) => {
      const mismatches: string[] = [];
      const accessFirst: string[] = [];
      await Promise.all(
        subjects.map(async ({ label, phase, transferPending, c }) => {
          const live = await c.state();
          assert.equal(live.phase, phase, label);
          assert.deepEqual(live.allowedActions, allowedActions(phase, { transferPending }), label);
          assert.equal(transferPending, label.includes('transfer'), label);
          const disallowed = ACTIONS.filter((a) => !live.allowedActions.includes(a));
          const updatesBefore = await updateEventCounts(stack, c.workflowId);
          const journalBefore = (await c.events()).length;
          const coachAssigned = (await c.events()).some((e) => e.type === 'coach_assigned');
          assert.ok(
            updatesBefore.accepted > 0 || phase === 'identified',
            `${label}: setup went through Updates`,
          );

          for (const action of disallowed) {
            const res = await post(c, action, live);
            const got = {
              status: res.status,
              contentType: PROBLEM_JSON.test(res.headers.get('content-type') ?? ''),
              code: res.body?.code,
              phase: res.body?.phase,
              allowedActions: res.body?.allowedActions,
            };
            const want = {
              status: 409,
              contentType: true,
              code: 'action_not_allowed',
              phase,
              allowedActions: live.allowedActions,
            };
            try {
              assert.deepEqual(got, want);
            } catch {
              const line = `${label} / ${action}: got ${JSON.stringify(got)} (${res.body?.detail})`;
              // Everything must be a phase refusal, but where nobody holds the position the
              // action needs (the access check answers first).
              if (
                nobodyInPosition(action, live, coachAssigned) &&
                res.status === 403 &&
                ACCESS_REFUSALS.includes(res.body?.code)
              )
                accessFirst.push(`${action} (${res.body.code})`);
              else mismatches.push(line);
            }
          }

          const after = await c.state();
          assert.equal(after.phase, phase, `${label}: phase unchanged`);
          assert.equal(after.seq, live.seq, `${label}: no transition`);
          assert.deepEqual(
            await updateEventCounts(stack, c.workflowId),
            updatesBefore,
            `${label}: a refused Update leaves no Admitted/Accepted/Rejected/Completed event`,
          );
          assert.equal((await c.events()).length, journalBefore, `${label}: journal did not grow`);
        }),
      );
      const counts = new Map<string, number>();
      for (const key of accessFirst) counts.set(key, (counts.get(key) ?? 0) + 1);
      const summary = [...counts].map(([key, n]) => `${key} ×${n}`).join(', ');
      t.diagnostic(`refused by access rules before the phase: ${summary || 'none'}`);
      assert.deepEqual(
        mismatches,
        [],
        `refusals that are not a plain phase refusal:\n${mismatches.join('\n')}`,
      );
    });

    it('refuses request-transfer out of phase by the phase, before checking the target operator’s role', async () => {
      // Where the responsible operator is a certifier (or a coach), the advice operator of the
      // sample is the wrong role for a transfer: the phase alone should answer, not the role.
      const outOfPhase = subjects.filter(
        (s) => !allowedActions(s.phase, { transferPending: s.transferPending }).includes('request-transfer'),
      );
      assert.ok(outOfPhase.length >= 6);
      const got = await Promise.all(
        outOfPhase.map(async ({ label, c }) => {
          const res = await post(c, 'request-transfer', await c.state());
          return { label, status: res.status, code: res.body?.code };
        }),
      );
      assert.deepEqual(
        got,
        outOfPhase.map(({ label }) => ({ label, status: 409, code: 'action_not_allowed' })),
      );
    });
  });

  it('refuses submit-admissibility out of phase by the phase, before the yearly limit', async () => {
    // The same person, the whole certification: the first candidacy has submitted this year,
    // the second is only identified (submit-admissibility is not allowed there).
    const first = await CandidacyDriver.create(stack, { projectId: compressed });
    await first.informAndSubmit({ targetBlocks: 'all' });
    const second = await CandidacyDriver.create(stack, {
      projectId: compressed,
      targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02', 'RNCP35830BC03'],
    });
    const { candidate_id } = await stack.db
      .selectFrom('candidacies')
      .select('candidate_id')
      .where('id', '=', second.id)
      .executeTakeFirstOrThrow();
    await stack.db
      .updateTable('candidates')
      .set({ email: first.email })
      .where('id', '=', candidate_id)
      .execute();
    const live = await second.state();
    assert.equal(live.phase, 'identified');
    assert.ok(!live.allowedActions.includes('submit-admissibility'));
    const res = await second.refused('submit-admissibility');
    assert.equal(res.status, 409);
    assert.deepEqual(
      { code: res.body.code, phase: res.body.phase },
      { code: 'action_not_allowed', phase: 'identified' },
      res.body.detail,
    );
  });

  it('answers 409 candidacy_closed to every action once a withdrawn candidacy’s workflow has completed', async () => {
    const c = await CandidacyDriver.create(stack, { projectId: compressed });
    await c.act('record-information', ACTION_SAMPLES['record-information']);
    const withdrawn = await c.act('withdraw', { reason: 'new_job' });
    assert.equal(withdrawn.phase, 'withdrawn');
    const result = await stack.temporal.workflow.getHandle(c.workflowId).result();
    assert.equal(result.phase, 'withdrawn');
    const journal = (await c.events()).length;
    for (const action of ACTIONS) {
      const res = await post(c, action, withdrawn);
      // Nobody can accept a transfer that does not exist or log a session without a coach.
      if (nobodyInPosition(action, withdrawn, false) && res.status === 403) {
        assert.ok(ACCESS_REFUSALS.includes(res.body.code), `${action}: ${res.body.code}`);
        continue;
      }
      assert.equal(res.status, 409, `${action}: ${JSON.stringify(res.body)}`);
      assert.match(res.headers.get('content-type') ?? '', PROBLEM_JSON);
      assert.equal(res.body.code, 'candidacy_closed', action);
      assert.deepEqual(res.body.allowedActions, [], action);
    }
    assert.equal((await c.events()).length, journal);
  });

  it('proposes abandonment when coaching has not started by the deadline (coaching-start-deadline)', async () => {
    const projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      coachingStartDeadline: { seconds: 3 },
      abandonmentContestDelay: { seconds: 30 },
    });
    // One left admissible, one with a coach assigned but no session logged: both clocks run
    // from the admissibility decision.
    const admissible = await CandidacyDriver.create(stack, { projectId });
    const assigned = await CandidacyDriver.create(stack, { projectId });
    await Promise.all([toAdmissible(admissible), toCoaching(assigned)]);
    assert.equal((await assigned.state()).phase, 'coaching');

    for (const [c, operatorTemplate] of [
      [admissible, 'advisor.abandonment_proposed'],
      [assigned, 'coach.abandonment_proposed'],
    ] as const) {
      const proposed = await c.waitPhase('abandonment_proposed', 10_000);
      assert.ok(proposed.deadlines.some((d) => d.name === 'abandonment-contest'));
      assert.deepEqual(proposed.allowedActions, ['contest-abandonment', 'withdraw', 'archive']);
      const event = await c.waitEvent('abandonment_proposed');
      assert.equal(event.actor_user_id, null, 'proposed by the clock');
      const payload = event.payload as { reason: string; timer: string };
      assert.equal(payload.reason, 'coaching_not_started');
      assert.equal(payload.timer, 'coaching-start-deadline');
      const events = await c.events();
      const decidedAt = events.find((e) => e.type === 'admissibility_decided')!.occurred_at.getTime();
      const waited = event.occurred_at.getTime() - decidedAt;
      assertOnTime(waited, 3_000, 'abandonment proposed after admissibility');
      assert.ok(!events.some((e) => e.type === 'inactivity_reminder_sent'));
      const log = await c.waitTemplates(['candidate.abandonment_proposed', operatorTemplate]);
      assert.ok(log.some((l) => l.template === 'candidate.abandonment_proposed' && l.to_address === c.email));
    }
  });

  it('escalates then records a missed jury deadline to the certifier and the project lead; the jury can still be scheduled', async () => {
    const projectId = await createProjectWithPolicy(stack.db, {
      ...COMPRESSED,
      juryDeadlineAfterValidationFile: { seconds: 4 },
      juryEscalationBefore: { seconds: 2 },
    });
    const c = await CandidacyDriver.create(stack, { projectId });
    const submitted = await toValidationFile(c);
    assert.equal(submitted.phase, 'validation_file_submitted');

    const missed = await c.waitEvent('jury_deadline_missed', 10_000);
    assert.equal(missed.actor_user_id, null);
    assert.equal((missed.payload as { timer: string }).timer, 'jury-deadline');
    const events = await c.events();
    const types = events.map((e) => e.type);
    assert.ok(types.includes('jury_escalated'));
    assert.ok(types.indexOf('jury_escalated') < types.indexOf('jury_deadline_missed'), types.join(', '));
    const fileAt = events.find((e) => e.type === 'validation_file_submitted')!.occurred_at.getTime();
    const escalatedAt = events.find((e) => e.type === 'jury_escalated')!.occurred_at.getTime();
    assertOnTime(escalatedAt - fileAt, 2_000, 'escalation after the validation file');
    assertOnTime(
      missed.occurred_at.getTime() - fileAt,
      4_000,
      'jury deadline missed after the validation file',
    );

    const lead = DEMO.users[4]!;
    assert.equal(lead.role, 'project_lead');
    const log = await c.waitTemplates(['certifier.jury_deadline_missed', 'lead.jury_deadline_missed']);
    assert.equal(log.find((l) => l.template === 'lead.jury_deadline_missed')!.to_address, lead.email);
    const leadMail = await stack.mail.waitFor(
      (m) =>
        m.to.includes(lead.email) &&
        m.headers['x-parcours-vae-template'] === 'lead.jury_deadline_missed' &&
        m.headers['x-parcours-vae-candidacy'] === c.id,
    );
    assert.ok(leadMail.text.length > 50);

    const s = await c.state();
    assert.equal(s.phase, 'validation_file_submitted', 'a missed deadline does not close the path');
    assert.ok(s.allowedActions.includes('schedule-jury'));
    const scheduled = await c.act(
      'schedule-jury',
      { sessionAt: inSeconds(60), modality: 'on_site', place: 'Centre d’examen, salle B' },
      'certifier',
    );
    assert.equal(scheduled.phase, 'jury_scheduled');
    const after = (await c.events()).map((e) => e.type);
    assert.equal(after.at(-1), 'jury_scheduled');
    assert.equal(after.filter((t) => t === 'jury_deadline_missed').length, 1, 'missed once');
    assert.equal(after.filter((t) => t === 'jury_escalated').length, 1, 'escalated once');
  });

  it('an excused candidate goes back to scheduling; an absent one gets a result and the workflow completes', async () => {
    const c = await CandidacyDriver.create(stack, { projectId: compressed });
    await toValidationFile(c);
    await holdJury(c);

    const excused = await c.act('record-jury-result', { outcome: 'excused', blocks: [] }, 'certifier');
    assert.equal(excused.phase, 'validation_file_submitted');
    assert.deepEqual(excused.waitingOn, {
      kind: 'operator',
      operatorId: OPERATORS.certifier,
      role: 'certifier',
    });
    assert.equal(excused.jurySession, null);
    assert.equal(excused.result, null, 'no result yet: the candidate will be heard again');
    assert.ok(excused.blocks.every((b) => b.status === 'targeted'));
    assert.ok(excused.allowedActions.includes('schedule-jury'));
    assert.ok(!excused.allowedActions.includes('record-jury-result'));
    const excusedEvent = (await c.events()).at(-1)!;
    assert.equal(excusedEvent.type, 'jury_result_recorded');
    // The journal's catalogue: every result says what was validated and what remains.
    assert.deepEqual(excusedEvent.payload, {
      outcome: 'excused',
      validatedBlocks: [],
      remainingBlocks: excused.blocks.map((b) => b.code).sort(),
    });
    // The indicator columns, read without opening the payload.
    assert.equal(excusedEvent.phase_after, 'validation_file_submitted');
    assert.equal(excusedEvent.waiting_on_after, `certifier:${excused.responsibleOperatorId}`);
    assert.ok(['test', 'control'].includes(excusedEvent.arm ?? ''));
    assert.equal(excusedEvent.scope, excused.blocks.length === 1 ? 'one_block' : 'several_blocks');

    // A second session: a new convocation, journaled as a session scheduled (the first one was
    // held, the candidate excused), not as a session moved.
    await holdJury(c);
    const absent = await c.act('record-jury-result', { outcome: 'absent', blocks: [] }, 'certifier');
    assert.equal(absent.phase, 'result');
    assert.equal(absent.result?.outcome, 'absent');
    const done = await stack.temporal.workflow.getHandle(c.workflowId).result();
    assert.equal(done.phase, 'result');

    const jury = (await c.events())
      .map((e) => e.type)
      .filter((t) => t.startsWith('jury_') && t !== 'jury_reminder_sent' && t !== 'jury_escalated');
    assert.deepEqual(jury, [
      'jury_scheduled',
      'jury_held',
      'jury_result_recorded',
      'jury_scheduled',
      'jury_held',
      'jury_result_recorded',
    ]);

    const log = await eventually(
      async () => {
        const rows = (await c.emailLog()).filter((l) => l.status === 'sent');
        const results = rows.filter((l) => l.template === 'candidate.result');
        const convocations = rows.filter((l) => l.template === 'candidate.jury_convocation');
        return results.length >= 2 && convocations.length >= 2 ? rows : undefined;
      },
      10_000,
      'two result and two convocation e-mails',
    );
    const results = log.filter((l) => l.template === 'candidate.result');
    assert.equal(results.length, 2, 'one result e-mail per outcome');
    assert.equal(new Set(results.map((r) => r.idempotency_key)).size, 2);
    assert.ok(results.every((r) => r.to_address === c.email));
    const mails = c
      .candidateMails()
      .filter((m) => m.headers['x-parcours-vae-template'] === 'candidate.result');
    assert.equal(mails.length, 2);
    assert.equal(new Set(mails.map((m) => m.messageId)).size, 2);
    assert.ok(
      mails.some((m) => /absence/i.test(m.subject)),
      mails.map((m) => m.subject).join(' | '),
    );
  });

  it('a full validation: every targeted block validated, and no follow-up path to open', async () => {
    const c = await CandidacyDriver.create(stack, { projectId: compressed });
    await toValidationFile(c);
    await holdJury(c);
    const result = await c.act(
      'record-jury-result',
      { outcome: 'full', blocks: TARGETED.map((code) => ({ code, validated: true })) },
      'certifier',
    );
    assert.equal(result.phase, 'result');
    assert.equal(result.result?.outcome, 'full');
    assert.deepEqual(
      result.blocks,
      TARGETED.map((code) => ({ code, status: 'validated' })),
    );
    const done = await stack.temporal.workflow.getHandle<typeof candidacy>(c.workflowId).result();
    assert.ok(done.blocks.every((b) => b.status === 'validated'));
    const recorded = await c.waitEvent('jury_result_recorded');
    assert.deepEqual(recorded.payload, { outcome: 'full', validatedBlocks: TARGETED, remainingBlocks: [] });

    const followUp = await stack.http('POST', `/api/candidacies/${c.id}/follow-up`);
    assert.equal(followUp.status, 409, JSON.stringify(followUp.body));
    assert.match(followUp.headers.get('content-type') ?? '', PROBLEM_JSON);
    assert.equal(followUp.body.code, 'no_partial_result');
    const children = await stack.db
      .selectFrom('candidacies')
      .select('id')
      .where('parent_candidacy_id', '=', c.id)
      .execute();
    assert.equal(children.length, 0);
  });

  it('backfills the journal’s indicator columns of older rows as the live code writes them', async () => {
    const snapshot = () =>
      sql<{ id: string; phase_after: string; arm: string; last_waiting: string | null }>`
        select e.id, e.phase_after, e.arm,
               case when e.seq = c.last_seq then e.waiting_on_after end as last_waiting
        from candidacy_events e join candidacies c on c.id = e.candidacy_id
        order by e.id`.execute(stack.db);
    // Without a worker: a clock journaled between the two snapshots would add a row, and its write
    // would fail while the columns are gone.
    const [live, after] = await withoutWorker(stack, async () => {
      const live = await snapshot();
      const untyped = stack.db as unknown as Kysely<unknown>;
      await journalIndicators.down(untyped);
      await journalIndicators.up(untyped);
      return [live, await snapshot()];
    });
    assert.ok(live.rows.length > 100, `${live.rows.length} events`);
    assert.ok(live.rows.every((r) => r.phase_after && r.arm));
    // Phase after each event and arm: exact; who must act: exact for each candidacy's last event.
    assert.deepEqual(after.rows, live.rows);
  });

  itReplaysEveryWorkflow(() => stack);
});
