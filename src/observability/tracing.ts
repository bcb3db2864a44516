import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

/**
 * Traces (OpenTelemetry), exported over OTLP/HTTP only when configured: from the HTTP request
 * (src/observability/http-tracing.ts) through the Temporal client's Update (the client
 * interceptor) to the workflow's handler and the activities (the worker's interceptors and sink,
 * src/observability/worker.ts), all in one trace.
 *
 * Not configured, nothing is registered: the OpenTelemetry API stays its no-op self, the clients
 * and workers get no interceptor, the workflow bundle is the plain one.
 */
export interface Tracing {
  readonly resource: Resource;
  /** Every span's processor, the workflows' spans (the worker's sink) included. */
  readonly spanProcessor: SpanProcessor;
  forceFlush(): Promise<void>;
  /** Flushes what is buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** `service.name` of the spans; OTEL_SERVICE_NAME (through OTEL_RESOURCE_ATTRIBUTES too) wins. */
  serviceName: string;
  /**
   * Base URL of an OTLP/HTTP receiver (spans to `<endpoint>/v1/traces`, JSON). Without it, the
   * exporter reads the standard variables (OTEL_EXPORTER_OTLP_ENDPOINT, ..._TRACES_ENDPOINT, ..._HEADERS).
   */
  endpoint?: string;
  /** Another exporter (tests: an InMemorySpanExporter), given each span as it ends. */
  exporter?: SpanExporter;
}

let active: (Tracing & { provider: NodeTracerProvider }) | undefined;

/** The tracing of this process, if started. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/** True when the environment asks for traces: an OTLP endpoint is set (and the SDK not disabled). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set;
 * otherwise does nothing and returns undefined. Call it before the Temporal client and worker are made.
 */
export function startTracingFromEnv(
  defaultServiceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Tracing | undefined {
  if (!tracingConfigured(env)) return undefined;
  return startTracing({ serviceName: defaultServiceName });
}

/**
 * Registers the process's tracer provider (W3C trace context, AsyncLocalStorage context). Once
 * per process: a second call returns the tracing already started.
 */
export function startTracing(opts: TracingOptions): Tracing {
  if (active) return active;
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': opts.serviceName }))
    .merge(envDetectorSync.detect());
  const spanProcessor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(
        new OTLPTraceExporter(opts.endpoint ? { url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` } : {}),
      );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracing = {
    provider,
    resource,
    spanProcessor,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (active !== tracing) return;
      active = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  active = tracing;
  return tracing;
}

/**
 * The Temporal client's interceptors when tracing is on (a span per start, Update, query...,
 * its context passed to the workflow in the headers); undefined otherwise.
 */
export function temporalClientInterceptors(): ClientInterceptors | undefined {
  if (!active) return undefined;
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
