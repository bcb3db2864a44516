import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { unsentEmailCounts } from '../../src/db/email-outbox.js';
import { getFreePort } from '../../src/devstack/port-probe.js';
import { createLogger } from '../../src/logger.js';
import { startTracing, temporalClientInterceptors, type Tracing } from '../../src/observability/tracing.js';
import {
  tracedBundlePath,
  withWorkerTracing,
  WORKFLOW_TRACING_MODULE,
} from '../../src/observability/worker.js';
import { eventually } from '../support/fixtures.js';
import { CandidacyDriver } from '../support/path.js';
import { itReplaysEveryWorkflow, startTestStack, type TestStack } from '../support/stack.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflowsPath = path.join(root, 'src/workflows/index.ts');
const historiesDir = path.join(root, 'test/replay/histories');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const METRICS_TOKEN = randomBytes(24).toString('hex');
const RECORD_INFORMATION = {
  eligibilityChecked: true,
  rncpCode: 'RNCP35830',
  targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
  profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
};
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → samples. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found.length ? found.reduce((sum, s) => sum + s.value, 0) : undefined;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
}

/** A tiny OTLP/HTTP receiver (JSON, as the exporter sends it): POST /v1/traces. */
async function startOtlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (
        req.method !== 'POST' ||
        req.url !== '/v1/traces' ||
        !/json/.test(req.headers['content-type'] ?? '')
      ) {
        res.writeHead(415).end();
        return;
      }
      type KeyValue = { key: string; value: Record<string, unknown> };
      const attrs = (list: KeyValue[] = []) =>
        Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attrs(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              service,
              attributes: attrs(s.attributes),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('metrics and traces', () => {
  let stack: TestStack;
  let tracing: Tracing;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracedServer: Server;
  let tracedUrl: string;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'parcours-vae-obs-'));
  const saved = { token: process.env.METRICS_TOKEN, bundle: process.env.TEST_WORKFLOW_BUNDLE };

  before(async () => {
    // The prebuilt bundles as npm run build makes them: the worker, tracing on, takes the traced one.
    const bundle = path.join(tmp, 'workflow-bundle.js');
    const [plain, traced] = await Promise.all([
      bundleWorkflowCode({ workflowsPath, logger: quiet }),
      bundleWorkflowCode({
        workflowsPath,
        workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
        logger: quiet,
      }),
    ]);
    writeFileSync(bundle, plain.code);
    writeFileSync(tracedBundlePath(bundle), traced.code);
    process.env.TEST_WORKFLOW_BUNDLE = bundle;

    receiver = await startOtlpReceiver();
    // Before the stack: its worker gets the interceptors and the workflows' span sink.
    tracing = startTracing({ serviceName: 'parcours-vae-test', endpoint: receiver.url });
    // The stack's API reads METRICS_TOKEN as `npm start` does.
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    stack = await startTestStack();

    // An API whose Temporal client has the tracing interceptor, as connectTemporalClient makes it.
    const temporal = new Client({
      connection: stack.env.connection,
      namespace: stack.env.namespace ?? 'default',
      interceptors: temporalClientInterceptors(),
    });
    tracedServer = createServer(
      createApp({ db: stack.db, temporal, taskQueue: stack.taskQueue, logger: createLogger('silent') }),
    );
    await new Promise<void>((r) => tracedServer.listen(0, '127.0.0.1', r));
    tracedUrl = `http://127.0.0.1:${(tracedServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((r) => (tracedServer ? tracedServer.close(() => r()) : r()));
    await stack?.stop();
    await tracing?.shutdown();
    await receiver?.close();
    rmSync(tmp, { recursive: true, force: true });
    for (const [name, value] of [
      ['METRICS_TOKEN', saved.token],
      ['TEST_WORKFLOW_BUNDLE', saved.bundle],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const scrape = async () => {
    const res = await fetch(`${stack.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    return { text, samples: parseExposition(text) };
  };

  it('refuses /metrics without the token, or with another one', async () => {
    const none = await fetch(`${stack.baseUrl}/metrics`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const other = await fetch(`${stack.baseUrl}/metrics`, {
      // An API token is not the metrics token.
      headers: { authorization: `Bearer ${stack.tokens.advisor}` },
    });
    assert.equal(other.status, 401);
    assert.doesNotMatch(await other.text(), /vae_|process_/);
  });

  it('times each request by route template, never by URL', async () => {
    const c = await CandidacyDriver.create(stack);
    const read = await stack.http('GET', `/api/candidacies/${c.id}`);
    assert.equal(read.status, 200);
    const { text, samples } = await scrape();
    const count = (labels: Record<string, string>) =>
      valueOf(samples, 'vae_http_request_duration_seconds_count', labels) ?? 0;
    assert.ok(count({ method: 'GET', route: '/api/candidacies/:id', status: '200' }) >= 1, text);
    assert.ok(count({ method: 'POST', route: '/api/candidacies', status: '201' }) >= 1);
    assert.ok(
      valueOf(samples, 'vae_http_request_duration_seconds_bucket', {
        route: '/api/candidacies/:id',
        le: '+Inf',
      }),
    );
    // No identifier in any label: route templates only.
    for (const s of samples) {
      for (const [k, v] of Object.entries(s.labels)) assert.doesNotMatch(v, UUID, `${s.name}{${k}="${v}"}`);
    }
    assert.ok(!text.includes(c.id));
    // The process's default metrics are there too.
    assert.ok(valueOf(samples, 'process_cpu_user_seconds_total') !== undefined);
    assert.ok(valueOf(samples, 'nodejs_eventloop_lag_seconds') !== undefined);
  });

  it('counts an accepted action, and a refused one with its code', async () => {
    const c = await CandidacyDriver.create(stack);
    const before = (await scrape()).samples;
    await c.act('record-information', RECORD_INFORMATION);
    const refused = await c.refused('decide-admissibility', { admissible: true }, 'certifier');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'action_not_allowed');
    const after = (await scrape()).samples;
    const accepted = { action: 'record-information' };
    assert.equal(
      valueOf(after, 'vae_actions_accepted_total', accepted),
      (valueOf(before, 'vae_actions_accepted_total', accepted) ?? 0) + 1,
    );
    const refusal = { action: 'decide-admissibility', code: 'action_not_allowed' };
    assert.equal(
      valueOf(after, 'vae_actions_refused_total', refusal),
      (valueOf(before, 'vae_actions_refused_total', refusal) ?? 0) + 1,
    );
    // Every action has its accepted series from the start.
    assert.equal(valueOf(after, 'vae_actions_accepted_total', { action: 'archive' }), 0);
  });

  it('counts the outbox and the overdue clocks in PostgreSQL at scrape time', async () => {
    const c = await CandidacyDriver.create(stack);
    // Once the journal wrote its first event: the read model is the workflow's.
    await eventually(async () => (await c.events()).length > 0, 10_000, 'the first journal event');
    // A clock past due that no worker served, and an e-mail given up for good.
    await stack.db
      .updateTable('candidacies')
      .set({ next_deadline: new Date(Date.now() - 3_600_000) })
      .where('id', '=', c.id)
      .execute();
    await stack.db
      .insertInto('email_log')
      .values({
        idempotency_key: `observability-test-${c.id}`,
        candidacy_id: c.id,
        template: 'candidate.welcome',
        recipient_kind: 'candidate',
        to_address: null,
        status: 'failed',
        failure_code: 'unknown_recipient',
        failure_reason: 'test',
        failed_at: new Date(),
      })
      .execute();
    const { samples } = await scrape();
    const overdue = valueOf(samples, 'vae_clocks_overdue');
    assert.ok(overdue !== undefined && Number.isInteger(overdue) && overdue >= 1, `overdue ${overdue}`);
    for (const status of ['pending', 'sending', 'failed']) {
      const n = valueOf(samples, 'vae_outbox_emails', { status });
      assert.ok(n !== undefined && Number.isInteger(n) && n >= 0, `${status}: ${n}`);
    }
    assert.ok(valueOf(samples, 'vae_outbox_emails', { status: 'failed' })! >= 1);
    // Waiting e-mails are some of those logged, never more.
    const logged = await stack.db
      .selectFrom('email_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const waiting =
      valueOf(samples, 'vae_outbox_emails', { status: 'pending' })! +
      valueOf(samples, 'vae_outbox_emails', { status: 'sending' })!;
    assert.ok(waiting <= Number(logged.n));
  });

  it('counts the unsent e-mails from their index, never by reading the whole e-mail log', async () => {
    // The log is small here, so the planner would read it whole anyway: with sequential scans
    // off, the plan shows whether the index of unsent e-mails can answer the gauge's query.
    const plan = await stack.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return unsentEmailCounts(trx).explain('json');
    });
    const text = JSON.stringify(plan);
    assert.match(text, /email_log_open_status_idx/, text);
    assert.doesNotMatch(text, /Seq Scan/, text);
  });

  it('traces one action in one trace: the HTTP request, the Update, its handler and the activity', async () => {
    const c = await CandidacyDriver.create(stack);
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(`${tracedUrl}/api/candidacies/${c.id}/record-information`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.tokens.advisor}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify(RECORD_INFORMATION),
    });
    assert.equal(res.status, 200, await res.text());
    const named = (spans: OtlpSpan[], re: RegExp) => spans.find((s) => re.test(s.name));
    const spans = await eventually(
      async () => {
        await tracing.forceFlush();
        const inTrace = receiver.spans.filter((s) => s.traceId === traceId);
        const wanted = [
          /^POST \/api\/candidacies\/:id\/record-information$/,
          /^StartWorkflowUpdate:record-information$/,
          /^HandleUpdate:record-information$/,
          /^RunActivity:/,
        ];
        return wanted.every((re) => named(inTrace, re)) ? inTrace : undefined;
      },
      20_000,
      'the spans of the action',
    ).catch((err: Error) => {
      const seen = receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name);
      throw new Error(`${err.message}; in the trace: ${seen.join(', ')}`);
    });
    const http = named(spans, /^POST /)!;
    const update = named(spans, /^StartWorkflowUpdate:/)!;
    const handler = named(spans, /^HandleUpdate:/)!;
    const activity = named(spans, /^RunActivity:/)!;
    assert.equal(http.kind, 2, 'a server span');
    assert.equal(http.attributes['http.route'], '/api/candidacies/:id/record-information');
    assert.equal(Number(http.attributes['http.response.status_code']), 200);
    assert.equal(update.parentSpanId, http.spanId, 'the Update continues the request');
    assert.equal(handler.parentSpanId, update.spanId, 'the handler continues the Update');
    const start = spans.find((s) => s.spanId === activity.parentSpanId);
    assert.ok(start && /^StartActivity:/.test(start.name), 'the activity continues its scheduling');
    assert.ok(spans.some((s) => s.name === 'ValidateUpdate:record-information'));
    assert.ok(spans.every((s) => s.service === 'parcours-vae-test'));
    // No identifier of the path in the request's span: its route template only.
    assert.ok(!JSON.stringify(http).includes(c.id));
  });

  it('serves the worker’s SDK metrics on WORKER_METRICS_ADDRESS (npm run worker)', async () => {
    const port = await getFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_NAMESPACE: stack.env.namespace ?? 'default',
      // Its own task queue: it must take none of this stack's tasks.
      TEMPORAL_TASK_QUEUE: `${stack.taskQueue}-metrics`,
      SMTP_URL: `${stack.mail.smtpUrl}?ignoreTLS=true`,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
    };
    for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/worker.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const text = await eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}: ${stderr}`);
          const res = await fetch(`http://127.0.0.1:${port}/metrics`);
          const body = await res.text();
          return res.ok && /^temporal_worker_start/m.test(body) ? body : undefined;
        },
        60_000,
        'the worker’s Prometheus endpoint',
      );
      assert.match(text, /^temporal_\w+\{[^}]*task_queue="[^"]+-metrics"/m);
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  });

  it('replays the recorded histories with the tracing interceptors (turning tracing on is safe)', async () => {
    const bundle = process.env.TEST_WORKFLOW_BUNDLE!;
    const options = withWorkerTracing({ workflowBundle: { codePath: bundle } }, workflowsPath);
    assert.deepEqual(options.workflowBundle, { codePath: tracedBundlePath(bundle) });
    const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    const histories = files.map((file) => ({
      workflowId: file,
      history: historyFromJSON(JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8'))),
    }));
    const failed: string[] = [];
    for await (const r of Worker.runReplayHistories(options, histories)) {
      if (r.error) failed.push(`${r.workflowId}: ${r.error.message}`);
    }
    assert.deepEqual(failed, [], failed.join('\n'));
  });

  // Recorded with tracing, replayed without it (stack.replayAll: the plain bundle): turning it off is safe.
  itReplaysEveryWorkflow(() => stack);
});
