import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import * as candidateRecords from '../../src/db/migrations/0005_candidate_records.js';
import { parisYear } from '../../src/domain/paris-time.js';
import { newCandidacyBody } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { COMPRESSED, createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow, withoutWorker } from '../support/stack.js';

const PROFILE = { qualificationLevel: 'level4', jobSituation: 'employed' };
/** Two certifications with a single block each, added to the test project: four in all. */
const EXTRA_CERTIFICATIONS = ['RNCP90001', 'RNCP90002'];

function information(rncpCode: string, targetBlocks: string[] | 'all') {
  return { eligibilityChecked: true, rncpCode, targetBlocks, profile: PROFILE };
}

describe('the candidate across candidacies: yearly limit (R. 6412-3) and acquired blocks', () => {
  let stack: TestStack;
  let projectId: string;

  /** A creation request for the person with this e-mail (creation makes a new candidate row each time). */
  function creationBy(email: string, targetBlocks?: string[]) {
    const body = newCandidacyBody({ projectId, ...(targetBlocks ? { targetBlocks } : {}) });
    return stack.http('POST', '/api/candidacies', {
      body: { ...body, candidate: { ...body.candidate, email } },
    });
  }

  /** A candidacy of the person with this e-mail. */
  async function candidacyOf(email: string, targetBlocks?: string[]) {
    const res = await creationBy(email, targetBlocks);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return new CandidacyDriver(stack, res.body.id, email);
  }

  async function reservations(email: string) {
    return stack.db
      .selectFrom('admissibility_requests')
      .selectAll()
      .where('candidate_key', '=', email.toLowerCase())
      .orderBy('created_at')
      .execute();
  }

  const email = () => `camille.${randomUUID().slice(0, 8)}@exemple.fr`;

  before(async () => {
    stack = await startTestStack();
    projectId = await createProjectWithPolicy(stack.db, COMPRESSED);
    for (const rncpCode of EXTRA_CERTIFICATIONS) {
      await stack.db
        .insertInto('certifications')
        .values({
          rncp_code: rncpCode,
          title: `Certification de test ${rncpCode}`,
          certifier_operator_id: OPERATORS.certifier,
          silence_rule: 'admissible',
        })
        .execute();
      await stack.db
        .insertInto('skill_blocks')
        .values({ rncp_code: rncpCode, block_code: `${rncpCode}BC01`, title: 'Bloc unique' })
        .execute();
      await stack.db
        .insertInto('project_certifications')
        .values({ project_id: projectId, rncp_code: rncpCode })
        .execute();
    }
  });
  after(async () => {
    await stack?.stop();
  });

  it('accepts only one of two simultaneous whole-certification requests of the same person', async () => {
    const address = email();
    // The same person: the e-mail is compared without case.
    const first = await candidacyOf(address);
    const second = await candidacyOf(address.toUpperCase());
    await first.act('record-information', information('RNCP35830', 'all'));
    await second.act('record-information', information('RNCP35830', 'all'));
    const answers = await Promise.all([first, second].map((c) => c.refused('submit-admissibility')));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409], JSON.stringify(answers.map((a) => a.body)));
    const refused = answers.find((a) => a.status === 409)!;
    assert.equal(refused.body.code, 'yearly_limit_certification');
    assert.match(refused.body.detail, /R\. 6412-3/);
    assert.equal(refused.body.phase, 'informed');
    const kept = await reservations(address);
    assert.equal(kept.length, 1, 'only the accepted request is reserved');
    const accepted = answers[0]!.status === 200 ? first : second;
    assert.equal(kept[0]!.candidacy_id, accepted.id);
    assert.equal(kept[0]!.whole_certification, true);
    assert.equal(kept[0]!.year, parisYear(new Date()));
    // The refused candidacy is left as it was.
    const loser = accepted === first ? second : first;
    assert.equal((await loser.state()).phase, 'informed');
    assert.equal((await loser.events()).filter((e) => e.type === 'admissibility_requested').length, 0);
  });

  it('accepts at most 3 of 4 simultaneous requests on different whole certifications', async () => {
    const address = email();
    const codes = ['RNCP35830', 'RNCP34147', ...EXTRA_CERTIFICATIONS];
    const candidacies = [];
    for (const rncpCode of codes) {
      const c = await candidacyOf(address);
      await c.act('record-information', information(rncpCode, 'all'));
      candidacies.push(c);
    }
    const answers = await Promise.all(candidacies.map((c) => c.refused('submit-admissibility')));
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    assert.equal(accepted.length, 3, JSON.stringify(answers.map((a) => a.body)));
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.status, 409);
    assert.equal(refused[0]!.body.code, 'yearly_limit_certifications');
    assert.equal((await reservations(address)).length, 3);
  });

  it('never limits requests on skill blocks, even simultaneous ones, even past the limit', async () => {
    const address = email();
    const whole = await candidacyOf(address);
    await whole.informAndSubmit({ targetBlocks: 'all', profile: PROFILE });
    const blocks = [];
    for (let i = 0; i < 3; i++) {
      const c = await candidacyOf(address);
      await c.act('record-information', information('RNCP35830', ['RNCP35830BC01']));
      blocks.push(c);
    }
    const answers = await Promise.all(blocks.map((c) => c.refused('submit-admissibility')));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
      JSON.stringify(answers.map((a) => a.body)),
    );
    const kept = await reservations(address);
    assert.equal(kept.length, 4);
    assert.equal(kept.filter((r) => !r.whole_certification).length, 3);
  });

  it('counts a request replayed with the same Idempotency-Key once, and removes the reservation of a refused Update', async () => {
    const address = email();
    const c = await candidacyOf(address);
    await c.act('record-information', information('RNCP35830', 'all'));
    const post = (target: CandidacyDriver, key: string) =>
      stack.http('POST', `/api/candidacies/${target.id}/submit-admissibility`, {
        body: {},
        headers: { 'idempotency-key': key },
      });
    const key = `submit-${randomUUID()}`;
    const submitted = await post(c, key);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const again = await post(c, key);
    assert.equal(
      again.status,
      200,
      `the replay is not refused by its own request: ${JSON.stringify(again.body)}`,
    );
    assert.deepEqual(again.body, submitted.body);
    assert.equal((await reservations(address)).length, 1);

    // A request the workflow refuses (sent with a key, so only the Update judges the phase: this
    // candidacy is still "identified") leaves no reservation behind.
    const other = await candidacyOf(email());
    const early = await post(other, `submit-${randomUUID()}`);
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.code, 'action_not_allowed');
    const left = await stack.db
      .selectFrom('admissibility_requests')
      .select('candidacy_id')
      .where('candidacy_id', '=', other.id)
      .execute();
    assert.deepEqual(left, [], 'the reservation of a refused Update is removed');
  });

  /** A candidacy driven to a partial result: BC01 validated, BC02 not. */
  async function toPartialResult(c: CandidacyDriver) {
    await c.toValidationFile({ targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'], profile: PROFILE });
    await c.holdJury(2.5);
    return c.act(
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
  }

  it('keeps validated blocks acquired by the person: neither the follow-up nor a new candidacy of theirs can target them again', async () => {
    const address = email();
    // A whole-certification request of this person this year, filed before any block was acquired.
    const elsewhere = await candidacyOf(address);
    await elsewhere.informAndSubmit({ targetBlocks: 'all', profile: PROFILE });
    const parent = await candidacyOf(address);
    const result = await toPartialResult(parent);
    assert.equal(result.phase, 'result');

    const candidateId = (
      await stack.db
        .selectFrom('candidacies')
        .select('candidate_id')
        .where('id', '=', parent.id)
        .executeTakeFirstOrThrow()
    ).candidate_id;
    const acquired = await stack.db
      .selectFrom('acquired_blocks')
      .selectAll()
      .where('candidate_id', '=', candidateId)
      .execute();
    assert.deepEqual(
      acquired.map((a) => [a.rncp_code, a.block_code, a.candidacy_id]),
      [['RNCP35830', 'RNCP35830BC01', parent.id]],
    );
    const bc01 = {
      code: 'RNCP35830BC01',
      acquiredAt: acquired[0]!.acquired_at.toISOString(),
      candidacyId: parent.id,
    };

    const opened = await stack.http('POST', `/api/candidacies/${parent.id}/follow-up`);
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.deepEqual(opened.body.targetBlocks, ['RNCP35830BC02']);
    const followUp = new CandidacyDriver(stack, opened.body.id, address);
    await followUp.waitPhase('identified');

    // An acquired block is refused, and nothing changes.
    const again = await followUp.refused(
      'record-information',
      information('RNCP35830', ['RNCP35830BC01', 'RNCP35830BC02']),
    );
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, 'blocks_already_acquired');
    assert.match(again.body.detail, /RNCP35830BC01/);
    assert.doesNotMatch(again.body.detail, /RNCP35830BC02/);
    assert.deepEqual(
      again.body.acquiredBlocks.map((b: { code: string }) => b.code),
      ['RNCP35830BC01'],
    );
    assert.equal(again.body.phase, 'identified');
    const unchanged = await followUp.state();
    assert.equal(unchanged.phase, 'identified');
    assert.deepEqual(unchanged.blocks, [{ code: 'RNCP35830BC02', status: 'targeted' }]);
    const row = await stack.db
      .selectFrom('candidacies')
      .select(['target_blocks', 'phase'])
      .where('id', '=', followUp.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { target_blocks: ['RNCP35830BC02'], phase: 'identified' });
    assert.equal((await followUp.events()).filter((e) => e.type === 'informed').length, 0);

    // The remaining blocks only: accepted.
    const informed = await followUp.act('record-information', information('RNCP35830', ['RNCP35830BC02']));
    assert.equal(informed.phase, 'informed');
    assert.deepEqual(informed.blocks, [{ code: 'RNCP35830BC02', status: 'targeted' }]);

    // "all" after a partial result means every block not acquired, and is not a request on the
    // whole certification: the yearly limit does not apply, though this person already filed one.
    const rest = await followUp.act('record-information', information('RNCP35830', 'all'));
    assert.deepEqual(rest.blocks, [
      { code: 'RNCP35830BC02', status: 'targeted' },
      { code: 'RNCP35830BC03', status: 'targeted' },
    ]);
    const informedEvent = (await followUp.events()).filter((e) => e.type === 'informed').at(-1)!;
    assert.equal((informedEvent.payload as { wholeCertification: boolean }).wholeCertification, false);
    const submitted = await followUp.act('submit-admissibility');
    assert.equal(submitted.phase, 'admissibility_requested');

    // A new candidacy of the same person (the same e-mail in another case, a new candidate record):
    // creating it on an acquired block is refused, and nothing is written.
    const samePerson = address.toUpperCase();
    const records = () =>
      stack.db
        .selectFrom('candidates')
        .select('id')
        .where(sql<string>`lower(email)`, '=', address)
        .execute();
    const recordsBefore = (await records()).length;
    const refusedCreation = await creationBy(samePerson, ['RNCP35830BC01', 'RNCP35830BC03']);
    assert.equal(refusedCreation.status, 409, JSON.stringify(refusedCreation.body));
    assert.equal(refusedCreation.body.code, 'blocks_already_acquired');
    assert.match(refusedCreation.body.detail, /RNCP35830BC01/);
    assert.doesNotMatch(refusedCreation.body.detail, /RNCP35830BC03/);
    assert.deepEqual(refusedCreation.body.acquiredBlocks, [bc01]);
    assert.equal((await records()).length, recordsBefore, 'no candidate record left behind');
    // On the other blocks it is created; record-information cannot bring the acquired block back,
    // and "all" is the blocks not acquired (a request on skill blocks, not limited).
    const fresh = await candidacyOf(samePerson, ['RNCP35830BC03']);
    await fresh.waitPhase('identified');
    const targetedAgain = await fresh.refused(
      'record-information',
      information('RNCP35830', ['RNCP35830BC01']),
    );
    assert.equal(targetedAgain.status, 409, JSON.stringify(targetedAgain.body));
    assert.equal(targetedAgain.body.code, 'blocks_already_acquired');
    assert.equal(targetedAgain.body.phase, 'identified');
    const freshAll = await fresh.act('record-information', information('RNCP35830', 'all'));
    assert.deepEqual(freshAll.blocks, [
      { code: 'RNCP35830BC02', status: 'targeted' },
      { code: 'RNCP35830BC03', status: 'targeted' },
    ]);
    const freshInformed = (await fresh.events()).filter((e) => e.type === 'informed').at(-1)!;
    assert.equal((freshInformed.payload as { wholeCertification: boolean }).wholeCertification, false);

    // Every candidacy of the person shows the acquired block; so does the list.
    for (const id of [parent.id, followUp.id, elsewhere.id, fresh.id]) {
      const got = await stack.http('GET', `/api/candidacies/${id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.acquiredBlocks, [bc01], id);
    }
    const list = await stack.http('GET', `/api/candidacies?projectId=${projectId}&limit=200`);
    for (const id of [followUp.id, elsewhere.id, fresh.id]) {
      const listed = list.body.items.find((i: { id: string }) => i.id === id);
      assert.deepEqual(listed.acquiredBlocks, [bc01], id);
    }
    const stranger = list.body.items.find(
      (i: { id: string }) => ![parent.id, followUp.id, elsewhere.id, fresh.id].includes(i.id),
    );
    assert.deepEqual(stranger.acquiredBlocks, [], 'another person: nothing acquired');
    // Opening the follow-up again answers with the same one.
    const reopened = await stack.http('POST', `/api/candidacies/${parent.id}/follow-up`);
    assert.equal(reopened.status, 200);
    assert.equal(reopened.body.id, followUp.id);
  });

  it('backfills both tables from the journal as the live code wrote them', async () => {
    const snapshot = async () => ({
      requests: await sql<Record<string, unknown>>`
        select candidacy_id, candidate_key, rncp_code, whole_certification, year
        from admissibility_requests order by candidacy_id`.execute(stack.db),
      acquired: await sql<Record<string, unknown>>`
        select candidate_id, rncp_code, block_code, candidacy_id, acquired_at
        from acquired_blocks order by candidate_id, block_code`.execute(stack.db),
    });
    const before = await snapshot();
    assert.ok(before.requests.rows.length >= 10);
    assert.equal(before.acquired.rows.length, 1);
    // Without a worker: dropping these tables locks candidacies and candidates (their foreign keys)
    // exclusively, and a clock's journal transaction holds candidacies and then reads these two
    // tables (the summary) — a deadlock, seen in CI even with both tables locked first. Then, as
    // the migrator does, in one transaction.
    await withoutWorker(stack, () =>
      stack.db.transaction().execute(async (trx) => {
        const untyped = trx as unknown as Kysely<unknown>;
        await candidateRecords.down(untyped);
        await candidateRecords.up(untyped);
      }),
    );
    assert.deepEqual(await snapshot(), before);
  });

  itReplaysEveryWorkflow(() => stack);
});
