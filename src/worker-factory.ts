import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { loadConfig } from './config.js';
import { createLinkSigner } from './signed-links.js';
import type { Kysely } from 'kysely';
import { createActivities, type ActivityDeps } from './activities/index.js';
import type { Mailer } from './activities/mailer.js';
import type { Database } from './db/schema.js';
import { temporalClientInterceptors } from './observability/tracing.js';
import { withWorkerTracing } from './observability/worker.js';

export interface VaeWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  mailer: Mailer;
  mailFrom: string;
  faults?: ActivityDeps['faults'];
  /** Signed links of jury invitations; from the environment (LINK_SECRET, PUBLIC_URL) by default. */
  links?: ActivityDeps['links'];
  /** Prebuilt bundle (npm run build); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  tuning?: Partial<
    Pick<
      WorkerOptions,
      'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'
    >
  >;
}

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export async function createVaeWorker(deps: VaeWorkerDeps): Promise<Worker> {
  const bundle =
    deps.workflowBundlePath && existsSync(deps.workflowBundlePath) ? deps.workflowBundlePath : undefined;
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    // Tracing on (src/observability): the traced bundle, the interceptors and the span sink.
    ...withWorkerTracing(
      bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath },
      workflowsPath,
    ),
    activities: createActivities({
      db: deps.db,
      mailer: deps.mailer,
      mailFrom: deps.mailFrom,
      faults: deps.faults,
      // The jury sessions act on candidacies through their Updates, on the worker's own connection.
      temporal: new Client({
        connection: deps.connection,
        namespace: deps.namespace,
        interceptors: temporalClientInterceptors(),
      }),
      links: deps.links ?? defaultLinks(),
    }),
    // Bounded sticky cache: memory stays flat however many candidacies are open.
    maxCachedWorkflows: 2_000,
    ...deps.tuning,
  });
}

function defaultLinks(): NonNullable<ActivityDeps['links']> {
  const config = loadConfig();
  return { signer: createLinkSigner(config.linkSecret), publicUrl: config.publicUrl };
}
