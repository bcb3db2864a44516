import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import express, { Router } from 'express';
import { Refusal } from '../../src/app/refusal.js';
import { actionRegistry, observeAction } from '../../src/observability/action-metrics.js';
import { routeTemplate, trackRouteTemplate } from '../../src/observability/route-template.js';
import {
  activeTracing,
  startTracingFromEnv,
  temporalClientInterceptors,
  tracingConfigured,
} from '../../src/observability/tracing.js';
import {
  tracedBundlePath,
  withWorkerTracing,
  workerTelemetryOptions,
} from '../../src/observability/worker.js';

describe('observability, not configured', () => {
  it('registers no tracer provider and changes no client or worker without an OTLP endpoint', () => {
    assert.equal(tracingConfigured({}), false);
    assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), false);
    assert.equal(
      tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_SDK_DISABLED: 'true' }),
      false,
    );
    assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }), true);
    assert.equal(startTracingFromEnv('test', {}), undefined);
    assert.equal(activeTracing(), undefined);
    // The API's global tracer provider is still the no-op proxy, with no delegate.
    const provider = trace.getTracerProvider() as { getDelegate?: () => object };
    assert.equal(provider.getDelegate?.().constructor.name, 'NoopTracerProvider');
    assert.equal(temporalClientInterceptors(), undefined);
    const code = { workflowBundle: { codePath: '/nowhere/workflow-bundle.js' } };
    assert.equal(withWorkerTracing(code, '/nowhere/index.ts'), code);
  });

  it('serves the worker’s SDK metrics only on a host:port given', () => {
    assert.deepEqual(workerTelemetryOptions(undefined), {});
    assert.deepEqual(workerTelemetryOptions('0.0.0.0:9464'), {
      telemetryOptions: { metrics: { prometheus: { bindAddress: '0.0.0.0:9464' } } },
    });
    assert.ok(workerTelemetryOptions('[::1]:9464').telemetryOptions);
    assert.throws(() => workerTelemetryOptions('9464'), /WORKER_METRICS_ADDRESS must be host:port/);
    assert.throws(() => workerTelemetryOptions('http://x:9464'), /host:port/);
    assert.equal(tracedBundlePath('/app/dist/workflow-bundle.js'), '/app/dist/workflow-bundle-traced.js');
  });
});

describe('route templates', () => {
  it('labels a request with the template of its route, mount path included, never its URL', async () => {
    const seen: string[] = [];
    const app = express();
    app.use((req, res, next) => {
      trackRouteTemplate(req);
      res.once('finish', () => seen.push(routeTemplate(req)));
      next();
    });
    const jury = Router();
    jury.get('/invitations/:token', (_req, res) => void res.send('ok'));
    jury.post('/invitations/:token', async () => {
      // An error leaves the router (its mount path is restored) before the answer.
      throw new Error('refused');
    });
    app.use('/jury', jury);
    app.get(['/api/docs', '/docs'], (_req, res) => void res.send('docs'));
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(409).send(err.message);
    });
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/jury/invitations/secret-token-1`).then((r) => r.text());
      await fetch(`${base}/jury/invitations/secret-token-2`, { method: 'POST' }).then((r) => r.text());
      await fetch(`${base}/docs`).then((r) => r.text());
      await fetch(`${base}/nowhere/secret-token-3`).then((r) => r.text());
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    assert.deepEqual(seen, [
      '/jury/invitations/:token',
      '/jury/invitations/:token',
      '/api/docs|/docs',
      'unmatched',
    ]);
  });
});

describe('action counters', () => {
  it('counts an accepted action, a refusal by its code and an unexpected failure', async () => {
    const value = async (name: string, labels: Record<string, string>) => {
      const metric = (await actionRegistry.getMetricsAsJSON()).find((m) => m.name === name);
      const found = (metric?.values ?? []).find((v) =>
        Object.entries(labels).every(([k, l]) => v.labels[k] === l),
      );
      return found?.value ?? 0;
    };
    assert.equal(await observeAction('withdraw', async () => 'view'), 'view');
    await assert.rejects(
      observeAction('withdraw', async () => {
        throw Refusal.conflict('candidacy_closed', 'close');
      }),
      Refusal,
    );
    await assert.rejects(
      observeAction('withdraw', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await value('vae_actions_accepted_total', { action: 'withdraw' }), 1);
    assert.equal(
      await value('vae_actions_refused_total', { action: 'withdraw', code: 'candidacy_closed' }),
      1,
    );
    assert.equal(await value('vae_actions_failed_total', { action: 'withdraw' }), 1);
  });
});
