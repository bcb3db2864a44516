import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { Runtime, type RuntimeOptions, type WorkerOptions } from '@temporalio/worker';
import { activeTracing } from './tracing.js';

/**
 * The worker's side of observability: the SDK runtime's Prometheus endpoint (`temporal_*`
 * metrics of Core: task latencies, slots, polls, cache, requests), and, when tracing is on, the
 * activity interceptors, the workflow interceptors bundled with the workflow code and the sink
 * that exports the workflows' spans.
 */

/**
 * The OpenTelemetry workflow interceptors, as a module bundled with the workflow code
 * (./workflow-interceptors.ts: the SDK's, with their own random stream).
 */
export const WORKFLOW_TRACING_MODULE = fileURLToPath(
  new URL(`./workflow-interceptors${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** The prebuilt bundle with the tracing interceptors, beside the plain one (npm run build). */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/\.js$/, '') + '-traced.js';
}

const BIND_ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/;

/** Runtime options that serve the SDK's metrics on `bindAddress` (host:port, `/metrics`); none without it. */
export function workerTelemetryOptions(
  bindAddress: string | undefined,
): Pick<RuntimeOptions, 'telemetryOptions'> {
  if (!bindAddress) return {};
  if (!BIND_ADDRESS.test(bindAddress)) {
    throw new Error(`WORKER_METRICS_ADDRESS must be host:port (e.g. 0.0.0.0:9464), got "${bindAddress}"`);
  }
  return { telemetryOptions: { metrics: { prometheus: { bindAddress } } } };
}

/**
 * `npm run worker`: installs the SDK runtime with its Prometheus endpoint when
 * WORKER_METRICS_ADDRESS is set (once per process, before any connection); unset, the default
 * runtime stays as it was.
 */
export function installWorkerRuntime(bindAddress: string | undefined): void {
  if (bindAddress) Runtime.install(workerTelemetryOptions(bindAddress));
}

type WorkflowCode = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
type TracedWorkerOptions = WorkflowCode & Pick<WorkerOptions, 'interceptors' | 'sinks'>;

/**
 * The worker's workflow code, with tracing when it is on: the traced prebuilt bundle
 * (`workflow-bundle-traced.js`) in place of the plain one, or the workflows bundled at start with
 * the interceptor module; plus the activity interceptors and the workflows' span sink. Tracing
 * off, `code` as given: the worker is what it was.
 *
 * Both bundles run the same workflow code: the interceptors add no command, and the SDK's flags
 * keep them out of the tasks recorded without them (test/e2e/observability.test.ts replays the
 * recorded histories with them).
 */
export function withWorkerTracing(code: WorkflowCode, workflowsPath: string): TracedWorkerOptions {
  const tracing = activeTracing();
  if (!tracing) return code;
  const activity: NonNullable<WorkerOptions['interceptors']>['activity'] = [
    (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
  ];
  const sinks = { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
  const bundle = code.workflowBundle;
  if (bundle && 'codePath' in bundle) {
    const traced = tracedBundlePath(bundle.codePath);
    if (existsSync(traced))
      return { workflowBundle: { codePath: traced }, interceptors: { activity }, sinks };
  }
  const source = code.workflowsPath ?? workflowsPath;
  if (existsSync(source)) {
    return {
      workflowsPath: source,
      interceptors: { workflowModules: [WORKFLOW_TRACING_MODULE], activity },
      sinks,
    };
  }
  Runtime.instance().logger.warn(
    'Tracing: no traced workflow bundle (npm run build makes workflow-bundle-traced.js); workflow spans are not recorded',
  );
  return { ...code, interceptors: { activity }, sinks };
}
