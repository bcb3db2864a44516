/**
 * Workflow code (bundled into `workflow-bundle-traced.js`, run in Temporal's sandbox): the
 * OpenTelemetry workflow interceptors of @temporalio/interceptors-opentelemetry, with their own
 * random stream.
 *
 * As published, they draw their span and trace IDs from `Math.random()`, which in a workflow is
 * the workflow's deterministic stream: each span moved the `uuid4()` values of the workflow code
 * after it (a jury session's invitation IDs), so a history recorded without tracing no longer
 * replayed with it, nor the other way round — and a query's span (queries are not in history)
 * would have moved them in a running workflow. Every interceptor method runs here with
 * `Math.random()` routed to a named stream, derived from the workflow's seed without consuming
 * it (the SDK's `getRandomStream`); `next(...)` gives the workflow code back its own stream.
 */
import { interceptors as openTelemetryInterceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors.js';
import { getRandomStream, type WorkflowInterceptors, type WorkflowRandomStream } from '@temporalio/workflow';

const RANDOM_STREAM = 'parcours-vae/opentelemetry';

export const interceptors = (): WorkflowInterceptors => {
  const stream = getRandomStream(RANDOM_STREAM);
  const otel = stream.with(() => openTelemetryInterceptors());
  return {
    inbound: otel.inbound?.map((i) => withOwnRandom(i, stream)),
    outbound: otel.outbound?.map((i) => withOwnRandom(i, stream)),
    internals: otel.internals?.map((i) => withOwnRandom(i, stream)),
  };
};

/** The interceptor, each of its methods run with `stream` as `Math.random()`. */
function withOwnRandom<T extends object>(interceptor: T, stream: WorkflowRandomStream): T {
  return new Proxy(interceptor, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => stream.with(() => value.apply(target, args));
    },
  });
}
