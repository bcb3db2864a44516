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
import type { Logger } from './logger.js';
import { temporalClientInterceptors } from './observability/tracing.js';
import { withWorkerTracing } from './observability/worker.js';
import { EmailRelay, type EmailRelayOptions } from './outbox/relay.js';

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
  /** The outbox relay's warnings (SMTP or database away); silent without. */
  logger?: Logger;
  relay?: EmailRelayOptions;
}

/**
 * The Temporal worker and, beside it in the same process, the relay that sends the outbox's
 * e-mails (src/outbox/relay.ts): they run and stop together.
 */
export class VaeWorker {
  constructor(
    readonly worker: Worker,
    readonly relay: EmailRelay,
  ) {}

  /** Until the worker stops (shutdown(), or SIGINT/SIGTERM), then the relay finishes its sends. */
  async run(): Promise<void> {
    const relay = this.relay.run();
    try {
      await this.worker.run();
    } finally {
      await this.relay.stop();
      await relay;
    }
  }

  shutdown(): void {
    this.worker.shutdown();
  }

  getState(): ReturnType<Worker['getState']> {
    return this.worker.getState();
  }

  getStatus(): ReturnType<Worker['getStatus']> {
    return this.worker.getStatus();
  }
}

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export async function createVaeWorker(deps: VaeWorkerDeps): Promise<VaeWorker> {
  const bundle =
    deps.workflowBundlePath && existsSync(deps.workflowBundlePath) ? deps.workflowBundlePath : undefined;
  // The jury sessions act on candidacies through their Updates, on the worker's own connection;
  // the relay tells candidacies of failed e-mails on it too.
  const temporal = new Client({
    connection: deps.connection,
    namespace: deps.namespace,
    interceptors: temporalClientInterceptors(),
  });
  const links = deps.links ?? defaultLinks();
  const relay = new EmailRelay(
    {
      db: deps.db,
      mailer: deps.mailer,
      mailFrom: deps.mailFrom,
      faults: deps.faults,
      links,
      temporal,
      logger: deps.logger,
    },
    deps.relay,
  );
  const worker = await Worker.create({
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
      temporal,
      links,
      outboxWritten: () => relay.wake(),
    }),
    // Bounded sticky cache: memory stays flat however many candidacies are open.
    maxCachedWorkflows: 2_000,
    ...deps.tuning,
  });
  return new VaeWorker(worker, relay);
}

function defaultLinks(): NonNullable<ActivityDeps['links']> {
  const config = loadConfig();
  return { signer: createLinkSigner(config.linkSecret), publicUrl: config.publicUrl };
}
