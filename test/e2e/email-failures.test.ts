import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type Activities, type EmailRequest } from '../../src/activities/index.js';
import type { EmailsSent } from '../../src/activities/email.js';
import { createSmtpMailer, type Mailer } from '../../src/activities/mailer.js';
import { DEMO } from '../../src/db/demo-data.js';
import { CandidacyDriver } from '../support/path.js';
import { createProjectWithPolicy, OPERATORS } from '../support/projects.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * A permanent e-mail failure (unknown template, recipient missing, invalid data) no longer fails
 * `sendEmails`, which froze the candidacy's e-mails: the e-mail is journaled 'failed' with a
 * code and a French reason, the others go out, and the project lead lists the failures.
 */
describe('permanent e-mail failures are journaled and listed, the other e-mails go out', () => {
  let stack: TestStack;
  let mailer: Mailer;
  let activities: Activities;
  let projectId: string;
  let candidacy: CandidacyDriver;

  before(async () => {
    stack = await startTestStack();
    mailer = createSmtpMailer(`${stack.mail.smtpUrl}?ignoreTLS=true`);
    activities = createActivities({
      db: stack.db,
      mailer,
      mailFrom: 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
    });
    projectId = await createProjectWithPolicy(stack.db, {});
    candidacy = await CandidacyDriver.create(stack, { projectId });
  });
  after(async () => {
    mailer?.close();
    await stack?.stop();
  });

  const email = (
    template: string,
    recipient: EmailRequest['recipient'],
    data: EmailRequest['data'] = {},
  ): EmailRequest => ({
    key: `test-email-failures/${randomUUID()}/${template}`,
    candidacyId: candidacy.id,
    template,
    recipient,
    data,
  });

  const logOf = (keys: string[]) =>
    stack.db
      .selectFrom('email_log')
      .selectAll()
      .where('idempotency_key', 'in', keys)
      .execute()
      .then((rows) => new Map(rows.map((r) => [r.idempotency_key, r])));

  const capturedWith = (messageId: string | null | undefined) =>
    stack.mail.messages().filter((m) => m.messageId === messageId);

  let batch: EmailRequest[];

  it('sends the valid e-mails of a batch and marks the others failed, without throwing', async () => {
    batch = [
      email('candidate.welcome', { kind: 'candidate' }),
      email('operator.withdrawn', { kind: 'operator', operatorId: randomUUID() }),
      email('candidate.nope', { kind: 'candidate' }),
      email('operator.archived', { kind: 'operator', operatorId: OPERATORS.advice }),
    ];
    const [valid1, noRecipient, noTemplate, valid2] = batch as [
      EmailRequest,
      EmailRequest,
      EmailRequest,
      EmailRequest,
    ];

    const result = await activities.sendEmails(batch);

    assert.deepEqual(
      result.done.map((d) => [d.key, d.status, d.recorded]),
      [
        [valid1.key, 'sent', true],
        [valid2.key, 'sent', true],
      ],
    );
    assert.deepEqual(
      result.failed.map((f) => [f.key, f.template, f.code]),
      [
        [noRecipient.key, 'operator.withdrawn', 'unknown_recipient'],
        [noTemplate.key, 'candidate.nope', 'unknown_template'],
      ],
    );
    for (const f of result.failed) {
      assert.match(f.reason, /n’a pas été envoyé/, 'a French reason');
      assert.ok(!f.reason.includes('@'), `no address in: ${f.reason}`);
      assert.ok(!f.reason.includes('Durand'), `no name in: ${f.reason}`);
    }
    assert.match(result.failed[0]!.reason, /^Destinataire introuvable : l’organisme destinataire/);
    assert.match(result.failed[1]!.reason, /^Modèle d’e-mail inconnu : « candidate\.nope »/);

    const log = await logOf(batch.map((e) => e.key));
    for (const e of [valid1, valid2]) {
      const row = log.get(e.key);
      assert.equal(row?.status, 'sent', e.template);
      assert.equal(row?.attempts, 1);
      assert.equal(row?.failure_code, null);
    }
    for (const [e, code] of [
      [noRecipient, 'unknown_recipient'],
      [noTemplate, 'unknown_template'],
    ] as const) {
      const row = log.get(e.key);
      assert.equal(row?.status, 'failed', e.template);
      assert.equal(row?.failure_code, code);
      assert.equal(row?.failure_reason, result.failed.find((f) => f.key === e.key)?.reason);
      assert.ok(row?.failed_at instanceof Date);
      assert.equal(row?.to_address, null, 'a failure row keeps no address');
      assert.equal(row?.candidacy_id, candidacy.id);
      assert.equal(row?.attempts, 0, 'never claimed for sending');
    }

    // The two valid ones were captured, once each, with their recipient kind in a header.
    for (const e of [valid1, valid2]) {
      const messageId = log.get(e.key)?.message_id;
      const m = await stack.mail.waitFor((c) => c.messageId === messageId, 5_000);
      assert.equal(m.headers['x-parcours-vae-template'], e.template);
      assert.equal(m.headers['x-parcours-vae-recipient'], e.recipient.kind);
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const e of [valid1, valid2]) assert.equal(capturedWith(log.get(e.key)?.message_id).length, 1);
  });

  it('gives the same answer when the batch is sent again, and sends nothing twice', async () => {
    const again = await activities.sendEmails(batch);
    assert.deepEqual(
      again.done.map((d) => [d.key, d.status]),
      [
        [batch[0]!.key, 'already-sent'],
        [batch[3]!.key, 'already-sent'],
      ],
    );
    assert.deepEqual(
      again.failed.map((f) => [f.key, f.code]),
      [
        [batch[1]!.key, 'unknown_recipient'],
        [batch[2]!.key, 'unknown_template'],
      ],
    );
    await new Promise((r) => setTimeout(r, 500));
    const log = await logOf(batch.map((e) => e.key));
    for (const i of [0, 3]) assert.equal(capturedWith(log.get(batch[i]!.key)?.message_id).length, 1);
  });

  it('marks invalid template data failed, names the field, and a batch of failures only still answers', async () => {
    const invalid = email('candidate.informed', { kind: 'candidate' }, { reinforced: 'yes' });
    const noMember = email('candidate.welcome', { kind: 'jury_member', juryMemberId: randomUUID() });
    const result = await activities.sendEmails([invalid, noMember]);
    assert.deepEqual(result.done, []);
    assert.deepEqual(
      result.failed.map((f) => [f.key, f.code]),
      [
        [invalid.key, 'invalid_template_data'],
        [noMember.key, 'unknown_recipient'],
      ],
    );
    assert.match(result.failed[0]!.reason, /le champ « reinforced » est absent ou mal formé/);
    assert.ok(!result.failed[0]!.reason.includes('yes'), 'the value is not repeated');
    const row = (await logOf([invalid.key])).get(invalid.key);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.failure_code, 'invalid_template_data');
  });

  it('stops taking e-mails once half of the attempt’s timeout is gone, and returns what it did', async () => {
    // A 2 ms start-to-close timeout: the deadline passes during the first e-mail.
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 2 });
    const reqs = [
      email('candidate.welcome', { kind: 'candidate' }),
      email('candidate.nope', { kind: 'candidate' }),
      email('operator.archived', { kind: 'operator', operatorId: OPERATORS.advice }),
    ];
    const first: EmailsSent = await env.run(activities.sendEmails, reqs);
    assert.deepEqual(
      first.done.map((d) => [d.key, d.status]),
      [[reqs[0]!.key, 'sent']],
    );
    assert.deepEqual(first.failed, []);
    // The workflow sends the rest in a fresh call; each call makes progress.
    const second: EmailsSent = await env.run(activities.sendEmails, reqs.slice(1));
    assert.deepEqual(second.done, []);
    assert.deepEqual(
      second.failed.map((f) => f.key),
      [reqs[1]!.key],
    );
    const log = await logOf(reqs.map((e) => e.key));
    assert.equal(log.get(reqs[2]!.key), undefined, 'not even claimed');
  });

  it('meets a fresh claim with a retry due when it goes stale (35 s), and retakes a stale one', async () => {
    const [fresh, stale] = [
      email('candidate.welcome', { kind: 'candidate' }),
      email('candidate.welcome', { kind: 'candidate' }),
    ] as [EmailRequest, EmailRequest];
    const row = (key: string, ageSeconds: number) => ({
      idempotency_key: key,
      candidacy_id: candidacy.id,
      template: 'candidate.welcome',
      recipient_kind: 'candidate',
      to_address: candidacy.email,
      status: 'sending',
      attempts: 1,
      claimed_at: sql<Date>`now() - ${`${ageSeconds} seconds`}::interval`,
    });
    // As a worker killed after the SMTP server's acceptance leaves them, 10 s and 36 s ago.
    await stack.db
      .insertInto('email_log')
      .values([row(fresh.key, 10), row(stale.key, 36)])
      .execute();
    await assert.rejects(activities.sendEmails([fresh, stale]), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure && err.type === 'EmailInFlight' && !err.nonRetryable);
      const delay = Number(err.nextRetryDelay);
      assert.ok(delay > 24_000 && delay <= 26_000, `retry in ${delay} ms`);
      return true;
    });
    const result = await activities.sendEmails([stale, fresh]);
    assert.deepEqual(
      result.done.map((d) => [d.key, d.status]),
      [[stale.key, 'sent']],
      'the stale claim retaken, then the fresh one stops the call',
    );
    const log = await logOf([stale.key]);
    assert.equal(log.get(stale.key)?.attempts, 2);
  });

  it('keeps the single-e-mail activity of older histories throwing a non-retryable failure', async () => {
    await assert.rejects(
      activities.sendEmail(email('candidate.nope', { kind: 'candidate' })),
      (err: unknown) =>
        err instanceof ApplicationFailure && err.nonRetryable && err.type === 'InvalidTemplate',
    );
  });

  it('lists the project’s failures to its lead and to administrators, and to no one else', async () => {
    const url = `/api/projects/${projectId}/email-failures`;
    const lead = await stack.http('GET', url, { role: 'project_lead' });
    assert.equal(lead.status, 200, JSON.stringify(lead.body));
    // Every failure of this file: the first batch, the invalid data one, the jury member, the
    // unknown template of the early-return test.
    assert.equal(lead.body.total, 5);
    assert.deepEqual(
      (lead.body.items as Record<string, unknown>[])
        .map((i) => [i.candidacyId, i.template, i.recipientKind, i.code].join(' '))
        .sort(),
      [
        'candidate.informed candidate invalid_template_data',
        'candidate.nope candidate unknown_template',
        'candidate.nope candidate unknown_template',
        'candidate.welcome jury_member unknown_recipient',
        'operator.withdrawn operator unknown_recipient',
      ].map((s) => `${candidacy.id} ${s}`),
    );
    for (const item of lead.body.items as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(item).sort(), [
        'candidacyId',
        'code',
        'failedAt',
        'reason',
        'recipientKind',
        'template',
      ]);
      assert.match(String(item.reason), /n’a pas été envoyé/);
      assert.ok(!Number.isNaN(Date.parse(String(item.failedAt))));
    }
    assert.ok(!JSON.stringify(lead.body).includes('@'), 'no address in the list');
    assert.ok(!JSON.stringify(lead.body).includes(candidacy.email));

    const page = await stack.http('GET', `${url}?limit=1&offset=1`, { role: 'project_lead' });
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 1);
    assert.deepEqual(page.body.items[0], lead.body.items[1]);

    const admin = await stack.http('GET', url, { role: 'administrator' });
    assert.equal(admin.status, 200);
    assert.deepEqual(admin.body, lead.body);

    // An operator of the project (the candidacy's own advisor) is not its lead.
    const advisor = await stack.http('GET', url, { role: 'advisor' });
    assert.equal(advisor.status, 403);
    assert.equal(advisor.body.code, 'role_not_allowed');
    const certifier = await stack.http('GET', url, { role: 'certifier' });
    assert.equal(certifier.status, 403);

    // The demo project has the same lead but none of these failures.
    const other = await stack.http('GET', `/api/projects/${DEMO.project.id}/email-failures`, {
      role: 'project_lead',
    });
    assert.equal(other.status, 200);
    assert.deepEqual(other.body, { items: [], total: 0 });

    // An unknown project: 404 for whoever may read failures; any other role is refused first.
    const unknown = `/api/projects/${randomUUID()}/email-failures`;
    assert.equal((await stack.http('GET', unknown, { role: 'administrator' })).status, 404);
    assert.equal((await stack.http('GET', unknown)).status, 403);
    assert.equal((await stack.http('GET', url, { token: null })).status, 401);
  });
});
