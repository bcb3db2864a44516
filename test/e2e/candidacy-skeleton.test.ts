import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { DEMO } from '../../src/db/demo-data.js';
import { createLogger } from '../../src/logger.js';
import { eventually, newCandidacyBody } from '../support/fixtures.js';
import { startTestStack, type TestStack, itReplaysEveryWorkflow } from '../support/stack.js';
import { historyText } from '../support/history-text.js';

describe('walking skeleton: HTTP → Postgres → Temporal → SMTP', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  async function countRows() {
    const [c, p] = await Promise.all([
      stack.db
        .selectFrom('candidacies')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      stack.db
        .selectFrom('candidates')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { candidacies: Number(c.n), candidates: Number(p.n) };
  }

  it('creates a candidacy: row, running workflow, journal event, French welcome e-mail', async () => {
    const body = newCandidacyBody();
    const res = await stack.http('POST', '/api/candidacies', { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id: string = res.body.id;
    assert.equal(res.headers.get('location'), `/api/candidacies/${id}`);
    assert.equal(res.body.workflowId, `candidacy-${id}`);
    assert.equal(res.body.phase, 'identified');
    assert.equal(res.body.live, null, 'the creation answers from the read model; GET has the live state');
    assert.equal(res.body.reinforced, true, 'level 3 qualification gets reinforced coaching');
    assert.ok(['test', 'control'].includes(res.body.arm));

    const row = await stack.db
      .selectFrom('candidacies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.started, true);
    assert.deepEqual(row.target_blocks, ['RNCP35830BC01', 'RNCP35830BC02']);

    const description = await stack.temporal.workflow.getHandle(`candidacy-${id}`).describe();
    assert.equal(description.status.name, 'RUNNING');

    const event = await eventually(
      () =>
        stack.db
          .selectFrom('candidacy_events')
          .selectAll()
          .where('candidacy_id', '=', id)
          .where('type', '=', 'identified')
          .executeTakeFirst(),
      15_000,
      'the identified journal event',
    );
    assert.equal(event.seq, 1);
    assert.equal(event.actor_user_id, DEMO.users[0]!.id);

    const mail = await stack.mail.waitFor((m) => m.to.includes(body.candidate.email), 15_000);
    assert.match(
      mail.subject,
      /^Bienvenue dans votre parcours VAE — Titre professionnel Assistant de vie aux familles$/,
    );
    assert.match(mail.text, new RegExp(`Bonjour Élodie ${body.candidate.lastName},`));
    assert.match(mail.text, /RNCP35830BC01 — Entretenir le logement et le linge d’un particulier/);
    assert.match(mail.text, /Vous visez les 2 blocs de compétences suivants/);
    assert.ok(
      mail.html?.includes(
        '<li>RNCP35830BC02 — Accompagner la personne dans les actes essentiels du quotidien</li>',
      ),
    );

    // Visible to administrators by search attribute in the Temporal UI.
    const found = await eventually(
      async () => {
        for await (const wf of stack.temporal.workflow.list({
          query: `VaeStage = "identified" AND ProjectId = "${DEMO.project.id}" AND WorkflowId = "candidacy-${id}"`,
        })) {
          return wf;
        }
        return undefined;
      },
      15_000,
      'the workflow in visibility',
    );
    assert.equal(found.workflowId, `candidacy-${id}`);

    const rowAfter = await stack.db
      .selectFrom('candidacies')
      .select(['last_seq'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(rowAfter.last_seq, 1);
  });

  it('keeps personal data out of workflow history, search attributes and details', async () => {
    const body = newCandidacyBody();
    const res = await stack.http('POST', '/api/candidacies', { body });
    assert.equal(res.status, 201);
    const handle = stack.temporal.workflow.getHandle(`candidacy-${res.body.id}`);
    await stack.mail.waitFor((m) => m.to.includes(body.candidate.email));
    const history = historyText(await handle.fetchHistory());
    // The payloads are read: the candidacy's own ID and certification are in them.
    assert.ok(history.includes(body.rncpCode) && history.includes(res.body.id), 'payloads decoded');
    const description = JSON.stringify(await handle.describe(), (_k, v) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    for (const secret of [body.candidate.email, body.candidate.lastName, body.candidate.phone, 'Élodie']) {
      assert.ok(!history.includes(secret), `history leaks ${secret}`);
      assert.ok(!description.includes(secret), `description leaks ${secret}`);
    }
    // The Web UI shows a French summary and current details.
    const raw = await stack.temporal.workflowService.describeWorkflowExecution({
      namespace: stack.env.namespace ?? 'default',
      execution: { workflowId: handle.workflowId },
    });
    assert.ok(raw.executionConfig?.userMetadata?.summary, 'static summary set');
  });

  it('is idempotent on Idempotency-Key: one candidacy, one workflow, one e-mail', async () => {
    const body = newCandidacyBody();
    const key = `test-${randomUUID()}`;
    const before = await countRows();
    const first = await stack.http('POST', '/api/candidacies', { body, headers: { 'idempotency-key': key } });
    const second = await stack.http('POST', '/api/candidacies', {
      body,
      headers: { 'idempotency-key': key },
    });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await countRows(), {
      candidacies: before.candidacies + 1,
      candidates: before.candidates + 1,
    });

    const reused = await stack.http('POST', '/api/candidacies', {
      body: newCandidacyBody(),
      headers: { 'idempotency-key': key },
    });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.code, 'idempotency_key_reused');

    await stack.mail.waitFor((m) => m.to.includes(body.candidate.email));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(stack.mail.messages().filter((m) => m.to.includes(body.candidate.email)).length, 1);
  });

  it('reads one candidacy (read model + live state) and lists with filters', async () => {
    const body = newCandidacyBody({ rncpCode: 'RNCP34147', targetBlocks: ['RNCP34147BC02'] });
    const created = await stack.http('POST', '/api/candidacies', { body });
    assert.equal(created.status, 201);
    const id = created.body.id;

    const one = await stack.http('GET', `/api/candidacies/${id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.candidate.email, body.candidate.email);
    assert.equal(one.body.live.phase, 'identified');
    assert.equal(one.body.live.phaseLabel, 'Repéré');
    assert.deepEqual(one.body.live.blocks, [{ code: 'RNCP34147BC02', status: 'targeted' }]);
    assert.ok(one.body.live.allowedActions.includes('record-information'));

    const list = await stack.http(
      'GET',
      `/api/candidacies?rncpCode=RNCP34147&projectId=${DEMO.project.id}&limit=10`,
    );
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((c: { id: string }) => c.id === id));
    assert.ok(list.body.items.every((c: { rncpCode: string }) => c.rncpCode === 'RNCP34147'));
    assert.equal(list.body.limit, 10);
    assert.ok(list.body.total >= list.body.items.length && list.body.total >= 1);
    assert.equal(list.body.totalCapped, false, 'total is exact below the cap of 10,000');

    const none = await stack.http('GET', `/api/candidacies?phase=result`);
    assert.equal(none.status, 200);
    assert.equal(none.body.total, 0);
    assert.equal(none.body.totalCapped, false);
  });

  it('answers bad input with problem+json and writes nothing', async () => {
    const before = await countRows();
    const cases: {
      name: string;
      req: Parameters<TestStack['http']>;
      status: number;
      code: string;
      paths?: string[];
    }[] = [
      {
        name: 'missing and wrong fields',
        req: [
          'POST',
          '/api/candidacies',
          { body: { projectId: 'nope', candidate: { email: 'x' }, targetBlocks: [] } },
        ],
        status: 400,
        code: 'validation_failed',
        paths: [
          'body.projectId',
          'body.candidate.email',
          'body.candidate.firstName',
          'body.rncpCode',
          'body.targetBlocks',
        ],
      },
      {
        name: 'malformed JSON',
        req: [
          'POST',
          '/api/candidacies',
          { body: '{"projectId": ', headers: { 'content-type': 'application/json' } },
        ],
        status: 400,
        code: 'malformed_json',
      },
      {
        name: 'unknown project',
        req: ['POST', '/api/candidacies', { body: newCandidacyBody({ projectId: randomUUID() }) }],
        status: 400,
        code: 'validation_failed',
        paths: ['body.projectId'],
      },
      {
        name: 'block of another certification',
        req: [
          'POST',
          '/api/candidacies',
          { body: newCandidacyBody({ targetBlocks: ['RNCP35830BC01', 'RNCP34147BC01'] }) },
        ],
        status: 400,
        code: 'validation_failed',
        paths: ['body.targetBlocks.1'],
      },
      {
        name: 'a block twice',
        req: [
          'POST',
          '/api/candidacies',
          { body: newCandidacyBody({ targetBlocks: ['RNCP35830BC01', 'RNCP35830BC01'] }) },
        ],
        status: 400,
        code: 'validation_failed',
        paths: ['body.targetBlocks'],
      },
      {
        name: 'text body',
        req: ['POST', '/api/candidacies', { body: 'hello', headers: { 'content-type': 'text/plain' } }],
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'no token',
        req: ['POST', '/api/candidacies', { body: newCandidacyBody(), token: null }],
        status: 401,
        code: 'missing_token',
      },
      {
        name: 'bad token',
        req: ['GET', '/api/candidacies', { token: 'pvae_forged' }],
        status: 401,
        code: 'invalid_token',
      },
      {
        name: 'unknown id',
        req: ['GET', `/api/candidacies/${randomUUID()}`, {}],
        status: 404,
        code: 'candidacy_not_found',
      },
      {
        name: 'malformed id',
        req: ['GET', '/api/candidacies/123', {}],
        status: 400,
        code: 'validation_failed',
        paths: ['params.id'],
      },
      {
        name: 'bad paging',
        req: ['GET', '/api/candidacies?limit=0&offset=-1', {}],
        status: 400,
        code: 'validation_failed',
        paths: ['query.limit', 'query.offset'],
      },
      {
        name: 'unknown filter',
        req: ['GET', '/api/candidacies?colour=blue', {}],
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'huge body',
        req: ['POST', '/api/candidacies', { body: { pad: 'x'.repeat(200_000) } }],
        status: 413,
        code: 'payload_too_large',
      },
    ];
    for (const c of cases) {
      const res = await stack.http(...c.req);
      assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8', c.name);
      assert.equal(res.body.code, c.code, c.name);
      assert.equal(res.body.status, c.status, c.name);
      assert.ok(
        typeof res.body.detail === 'string' && res.body.detail.length > 10,
        `${c.name}: a human sentence`,
      );
      for (const p of c.paths ?? []) {
        assert.ok(
          res.body.errors?.some((e: { path: string }) => e.path === p),
          `${c.name}: expected an error on ${p}, got ${JSON.stringify(res.body.errors)}`,
        );
      }
    }
    assert.deepEqual(await countRows(), before);
  });

  it('leaves nothing half-created when Temporal is down, and a keyed retry finishes the job', async () => {
    // A second API instance whose Temporal connection points at a closed port.
    const deadConnection = await Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1 second' });
    const deadClient = new Client({
      connection: deadConnection,
      namespace: stack.env.namespace ?? 'default',
    });
    const app = createApp({
      db: stack.db,
      temporal: deadClient,
      taskQueue: stack.taskQueue,
      logger: createLogger('silent'),
      rpcTimeoutMs: 1_500,
    });
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (body: unknown, key?: string) =>
      fetch(`${deadUrl}/api/candidacies`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.tokens.advisor}`,
          'content-type': 'application/json',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: JSON.stringify(body),
      });
    try {
      const before = await countRows();
      const unkeyed = await post(newCandidacyBody());
      assert.equal(unkeyed.status, 503);
      assert.equal(((await unkeyed.json()) as { code: string }).code, 'workflow_start_failed');
      assert.deepEqual(await countRows(), before, 'no row left behind without a key');

      const ready = await fetch(`${deadUrl}/readyz`);
      assert.equal(ready.status, 503);
      const readyBody = (await ready.json()) as {
        checks: { postgres: { ok: boolean }; temporal: { ok: boolean } };
      };
      assert.equal(readyBody.checks.postgres.ok, true);
      assert.equal(readyBody.checks.temporal.ok, false);

      const body = newCandidacyBody();
      const key = `retry-${randomUUID()}`;
      const keyed = await post(body, key);
      assert.equal(keyed.status, 503);
      const pending = await stack.db
        .selectFrom('candidacies')
        .select(['id', 'started'])
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
      assert.equal(pending.started, false, 'kept for the retry, marked not started');
      const list = await stack.http('GET', '/api/candidacies?limit=200');
      assert.ok(
        !list.body.items.some((c: { id: string }) => c.id === pending.id),
        'hidden from lists until started',
      );
      assert.equal((await stack.http('GET', `/api/candidacies/${pending.id}`)).status, 404);

      const retried = await stack.http('POST', '/api/candidacies', {
        body,
        headers: { 'idempotency-key': key },
      });
      assert.equal(retried.status, 201);
      assert.equal(retried.headers.get('idempotent-replayed'), 'true');
      assert.equal(retried.body.id, pending.id);
      await stack.mail.waitFor((m) => m.to.includes(body.candidate.email));
      assert.deepEqual(await countRows(), {
        candidacies: before.candidacies + 1,
        candidates: before.candidates + 1,
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await deadConnection.close();
    }
  });

  it('serves health, readiness and its OpenAPI description', async () => {
    assert.equal((await stack.http('GET', '/healthz')).status, 200);
    const ready = await stack.http('GET', '/readyz');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    const doc = await stack.http('GET', '/api/openapi.json', { token: null });
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/api/candidacies'].post.requestBody);
    assert.ok(doc.body.paths['/api/candidacies/{id}'].get);
    assert.ok(doc.body.components.schemas.CreateCandidacy);
    const page = await fetch(`${stack.baseUrl}/api/docs`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Créer une candidature/);
    assert.ok(page.headers.get('content-security-policy'), 'helmet headers');
  });

  itReplaysEveryWorkflow(() => stack);
});
