import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities, EmailRequest, Recipient, TransitionRecord } from '../../src/activities/index.js';
import type { EmailsSent } from '../../src/activities/email.js';
import { RULES_VERSION } from '../../src/domain/candidacy/rules-version.js';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.js';
import { emailFailedSignal, type CandidacyInput } from '../../src/workflows/candidacy/contract.js';
import { candidacy } from '../../src/workflows/candidacy/workflow.js';
import { startLocalTemporal } from './temporal-server.js';

/**
 * The workflow test tier: one workflow on the real Temporal dev server with stubbed
 * activities (an in-memory journal and outbox relay), so interleavings of clocks, Updates and
 * e-mails are tested in seconds, without PostgreSQL or SMTP. The worker can be stopped and
 * started again (a deploy, a crash) to put an instant between two events deterministically.
 */
export interface WorkflowEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  journal: TransitionRecord[];
  sent: EmailRequest[];
  /** Decides what the relay (or an older run's `sendEmails`) does with each e-mail; default: sent. */
  emailBehaviour: (e: EmailRequest) => 'send' | 'fail-permanently' | 'throw-permanently';
  /** While set, every send waits for it (an SMTP server that has not answered yet). */
  emailsHeld?: Promise<void>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  start(
    policy?: Partial<Policy>,
    input?: Partial<CandidacyInput>,
  ): Promise<{ workflowId: string; candidacyId: string }>;
  eventsOf(candidacyId: string): TransitionRecord[];
  /** Saves a workflow's history as a replay fixture (test/replay/histories/<name>.json); its last run by default. */
  saveHistory(workflowId: string, name: string, runId?: string): Promise<void>;
  /** Replays one run's history with the current workflow code (the bundle the worker runs); throws on non-determinism. */
  replay(workflowId: string, runId?: string): Promise<void>;
  teardown(): Promise<void>;
}

const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));
let bundle: WorkflowBundle | undefined;
let runtimeInstalled = false;

export const actor = { userId: '00000000-0000-4000-8000-000000000001', operatorId: 'op-advice' };
export const certifier = { userId: '00000000-0000-4000-8000-000000000002', operatorId: 'op-certifier' };

/** `activities`: more stubs (another workflow's, e.g. the jury session's), or replacements. */
export async function startWorkflowEnv(
  opts: { activities?: Partial<Activities> } = {},
): Promise<WorkflowEnv> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  bundle ??= await bundleWorkflowCode({
    workflowsPath,
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} },
  });
  const env = await startLocalTemporal();
  const taskQueue = `wf-${randomUUID()}`;
  const journal: TransitionRecord[] = [];
  const sent: EmailRequest[] = [];
  const self: WorkflowEnv = {
    env,
    taskQueue,
    journal,
    sent,
    emailBehaviour: () => 'send',
    async startWorker() {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle!,
        activities: { ...stubActivities(self), ...opts.activities },
      });
      current = { worker, run: worker.run() };
    },
    async stopWorker() {
      if (!current) return;
      current.worker.shutdown();
      await current.run;
      current = undefined;
    },
    async start(policy = {}, input = {}) {
      const candidacyId = randomUUID();
      const workflowId = `candidacy-${candidacyId}`;
      const full: CandidacyInput = {
        candidacyId,
        projectId: '00000000-0000-4000-8000-0000000000aa',
        projectLeadUserId: null,
        arm: 'test',
        policy: { ...DEFAULT_POLICY, ...policy },
        rulesVersion: RULES_VERSION,
        createdBy: actor,
        initial: {
          rncpCode: 'RNCP35830',
          targetBlocks: ['RNCP35830BC01'],
          wholeCertification: false,
          certifierOperatorId: 'op-certifier',
          silenceRule: 'admissible',
          adviceOperatorId: 'op-advice',
          reinforced: false,
        },
        ...input,
      };
      await env.client.workflow.start(candidacy, { workflowId, taskQueue, args: [full] });
      return { workflowId, candidacyId };
    },
    eventsOf: (candidacyId) =>
      journal.filter((r) => r.candidacyId === candidacyId).sort((a, b) => a.seq - b.seq),
    async saveHistory(workflowId, name, runId) {
      const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      const file = fileURLToPath(new URL(`../replay/histories/${name}.json`, import.meta.url));
      writeFileSync(file, JSON.stringify(JSON.parse(historyToJSON(history)), null, 2) + '\n');
    },
    async replay(workflowId, runId) {
      const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      await Worker.runReplayHistory(
        { workflowBundle: bundle!, replayName: `${workflowId}/${runId ?? 'last'}` },
        history,
      );
    },
    async teardown() {
      await self.stopWorker();
      await env.teardown();
    },
  };
  let current: { worker: Worker; run: Promise<void> } | undefined;
  await self.startWorker();
  return self;
}

/**
 * The outbox relay, in memory: each e-mail a journal write carries is sent (or fails for good and
 * the candidacy is told, as src/outbox/relay.ts does) once the write has answered, after
 * `emailsHeld` if set. Held or not: there is no lost workflow task to wait for here.
 */
function relayStub(self: WorkflowEnv, t: TransitionRecord): void {
  const emails = t.outbox?.emails ?? [];
  if (!emails.length) return;
  void (async () => {
    await new Promise((r) => setTimeout(r, 5));
    await self.emailsHeld;
    for (const e of emails) {
      const req: EmailRequest = {
        ...e,
        candidacyId: t.candidacyId,
        recipient: e.recipient as Recipient,
        data: e.data as EmailRequest['data'],
      };
      if (self.emailBehaviour(req) === 'send') {
        self.sent.push(req);
        continue;
      }
      await self.env.client.workflow
        .getHandle(t.outbox!.workflowId)
        .signal(emailFailedSignal, {
          key: e.key,
          template: e.template,
          recipientKind: e.recipient.kind,
          code: 'unknown_recipient',
          reason: 'Destinataire inconnu.',
        })
        .catch(() => undefined);
    }
  })();
}

/** The activities, in memory: the journal keeps the last write per sequence number, as the real one. */
function stubActivities(self: WorkflowEnv): Partial<Activities> {
  return {
    async recordTransition(t: TransitionRecord) {
      const at = self.journal.findIndex((r) => r.candidacyId === t.candidacyId && r.seq === t.seq);
      if (at >= 0) self.journal.splice(at, 1);
      self.journal.push(t);
      relayStub(self, t);
      return { inserted: at < 0 };
    },
    async recordEmailSent() {},
    async sendEmails(reqs: EmailRequest[]): Promise<EmailsSent> {
      await self.emailsHeld;
      const out: EmailsSent = { done: [], failed: [] };
      for (const r of reqs) {
        const behaviour = self.emailBehaviour(r);
        if (behaviour === 'throw-permanently') {
          throw ApplicationFailure.nonRetryable(`No recipient for ${r.recipient.kind}`, 'UnknownRecipient');
        }
        if (behaviour === 'fail-permanently') {
          out.failed.push({
            key: r.key,
            template: r.template,
            code: 'unknown_recipient',
            reason: 'Destinataire inconnu.',
          });
          continue;
        }
        self.sent.push(r);
        out.done.push({ key: r.key, status: 'sent', recorded: true, messageId: `<${r.key}>` });
      }
      return out;
    },
  };
}

/** Starts one environment for a test file (before its tests, torn down after them). */
export function useWorkflowEnv(): () => WorkflowEnv {
  let w: WorkflowEnv | undefined;
  before(async () => {
    w = await startWorkflowEnv();
  });
  after(async () => {
    await w?.teardown();
  });
  return () => w!;
}

/** `record-information` for the input `start()` gives: one block of RNCP35830, silence = admissible. */
export const informPayload = {
  rncpCode: 'RNCP35830',
  targetBlocks: ['RNCP35830BC01'],
  wholeCertification: false,
  certifierOperatorId: 'op-certifier',
  silenceRule: 'admissible' as const,
  reinforced: false,
};
