import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eventually, newCandidacyBody } from '../support/fixtures.js';
import { after, before } from 'node:test';
import { COMPRESSED, createProjectWithPolicy } from '../support/projects.js';
import { ProcessStack, type ProcessStackOptions } from './process-stack.js';

/** The policy of the fault paths: compressed, with a 20 s admissibility clock that ends each path. */
export const FAULT_PATH_POLICY = {
  ...COMPRESSED,
  admissibilityDecisionDeadline: { seconds: 20 },
  admissibilityWarningBefore: { seconds: 5 },
};

/** What the fault tests share: paths that finish on their own, and the check that each one did, once. */

/**
 * The stack of one fault file, started before its tests with a project on the fault paths' policy
 * and stopped after them. Call it inside the file's `describe`.
 */
export function useFaultStack(opts: ProcessStackOptions = {}): {
  stack: ProcessStack;
  project: { id: string };
} {
  const stack = new ProcessStack(opts);
  const project = { id: '' };
  before(async () => {
    await stack.start();
    project.id = await createProjectWithPolicy(stack.db, FAULT_PATH_POLICY);
  });
  after(async () => {
    await stack.stop();
  });
  return { stack, project };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Candidacies that finish on their own: the certification whose silence means rejection, with
 * a short admissibility clock. After two advisor actions each path runs on timers to the end.
 */
export async function startPaths(stack: ProcessStack, projectId: string, n: number): Promise<string[]> {
  const t0 = Date.now();
  const ids: string[] = [];
  const stats = { retries: 0, slowestMs: 0 };
  const queue = Array.from({ length: n }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const created = await sendOnce(stack, stats, 'POST', '/api/candidacies', 201, {
          body: newCandidacyBody({ projectId, rncpCode: 'RNCP34147', targetBlocks: ['RNCP34147BC01'] }),
        });
        const id = created.id as string;
        await sendOnce(stack, stats, 'POST', `/api/candidacies/${id}/record-information`, 200, {
          body: {
            eligibilityChecked: true,
            rncpCode: 'RNCP34147',
            targetBlocks: ['RNCP34147BC01'],
            profile: { qualificationLevel: 'level3', jobSituation: 'employed' },
          },
        });
        await sendOnce(stack, stats, 'POST', `/api/candidacies/${id}/submit-admissibility`, 200);
        ids.push(id);
      }
    }),
  );
  console.log(
    `${n} paths started (created, informed, submitted) in ${Date.now() - t0} ms; slowest request ${stats.slowestMs} ms, ${stats.retries} retried`,
  );
  return ids;
}

/**
 * One request as a careful client sends it: with an Idempotency-Key, and sent again with the
 * same key when the answer is a 503 (dependency unavailable, or an action whose outcome is
 * unknown after the API's 30 s Update deadline) or does not come, so it is applied once. The
 * client waits longer than the API's own deadline. Fails with the request and its last answer.
 */
async function sendOnce(
  stack: ProcessStack,
  stats: { retries: number; slowestMs: number },
  method: string,
  url: string,
  expected: number,
  opts: { body?: unknown } = {},
): Promise<Record<string, unknown>> {
  const headers = { 'idempotency-key': `faults-${randomUUID()}` };
  const giveUpAt = Date.now() + 180_000;
  for (let attempt = 1; ; attempt++) {
    const sentAt = Date.now();
    const res = await stack
      .http(method, url, { ...opts, headers, timeoutMs: 60_000 })
      .catch((err: unknown) => ({ status: 0, body: { error: String(err) } }));
    stats.slowestMs = Math.max(stats.slowestMs, Date.now() - sentAt);
    if (res.status === expected) return res.body;
    if ((res.status === 503 || res.status === 0) && Date.now() < giveUpAt) {
      stats.retries++;
      await sleep(1_000);
      continue;
    }
    throw new Error(
      `${method} ${url}: ${res.status} after ${attempt} attempt(s), expected ${expected}: ${JSON.stringify(res.body)}`,
    );
  }
}

/** Every path closed, the journal without gap or duplicate, every e-mail logged sent and captured once. */
export async function assertAllCompleted(
  stack: ProcessStack,
  ids: string[],
  timeoutMs: number,
  opts: { workerKilled?: boolean } = {},
): Promise<{ emails: number; sentTwice: number }> {
  const t0 = Date.now();
  let shown = t0;
  await eventually(
    async () => {
      const open = await stack.db
        .selectFrom('candidacies')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('id', 'in', ids)
        .where('phase', '!=', 'not_admissible')
        .executeTakeFirstOrThrow();
      if (Number(open.n) === 0) {
        console.log(`all ${ids.length} candidacies closed after ${Date.now() - t0} ms`);
        return true;
      }
      if (Date.now() - shown >= 15_000) {
        shown = Date.now();
        console.log(`${open.n} of ${ids.length} candidacies still open after ${shown - t0} ms`);
      }
      return false;
    },
    timeoutMs,
    'every candidacy closed',
  ).catch(async (err: Error) => {
    await explainOpen(stack, ids);
    throw err;
  });
  const events = await stack.db
    .selectFrom('candidacy_events')
    .select(['candidacy_id', 'seq', 'type', 'occurred_at'])
    .where('candidacy_id', 'in', ids)
    .orderBy('candidacy_id')
    .orderBy('seq')
    .execute();
  const byCandidacy = new Map<string, typeof events>();
  for (const e of events) byCandidacy.set(e.candidacy_id, [...(byCandidacy.get(e.candidacy_id) ?? []), e]);
  for (const id of ids) {
    const journal = byCandidacy.get(id) ?? [];
    const seqs = journal.map((e) => e.seq);
    // On failure, say what the journal holds: which transition is missing tells why.
    const shown = journal
      .map((e) => `${e.seq} ${e.type} ${new Date(e.occurred_at).toISOString()}`)
      .join('; ');
    const whole = seqs.length >= 6 && seqs.every((seq, i) => seq === i + 1);
    if (!whole) {
      console.log(`history of candidacy-${id}:\n${await historyOutline(stack, `candidacy-${id}`)}`);
      assert.fail(`journal of ${id} is not whole (${seqs.length} events): ${shown}`);
    }
  }
  // A workflow completes once its last e-mail has left.
  for (const id of ids) {
    await eventually(
      async () =>
        (await stack.temporal.workflow.getHandle(`candidacy-${id}`).describe()).status.name === 'COMPLETED',
      60_000,
      `workflow of ${id} completed`,
    );
  }
  const log = await eventually(
    async () => {
      const rows = await stack.db
        .selectFrom('email_log')
        .select(['candidacy_id', 'template', 'status', 'message_id', 'attempts'])
        .where('candidacy_id', 'in', ids)
        .execute();
      return rows.length >= ids.length * 7 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    },
    60_000,
    'every e-mail sent',
  );
  // Every path is the same, so every candidacy gets the same e-mails, from the welcome to the
  // implicit decision: a missing one (a skipped transition) shows here.
  const templatesOf = new Map<string, string[]>();
  for (const r of log)
    templatesOf.set(r.candidacy_id!, [...(templatesOf.get(r.candidacy_id!) ?? []), r.template]);
  const expected = [...(templatesOf.get(ids[0]!) ?? [])].sort();
  assert.ok(expected.includes('candidate.welcome') && expected.includes('certifier.implicit_decision'));
  for (const id of ids)
    assert.deepEqual([...(templatesOf.get(id) ?? [])].sort(), expected, `e-mails of ${id}`);
  const captured = stack
    .mail!.messages()
    .filter((m) => ids.includes(m.headers['x-parcours-vae-candidacy'] ?? ''));
  const perMessage = new Map<string, number>();
  for (const m of captured) perMessage.set(m.messageId ?? '', (perMessage.get(m.messageId ?? '') ?? 0) + 1);
  assert.equal(perMessage.size, log.length, 'every logged e-mail captured');
  const twice = [...perMessage].filter(([, n]) => n > 1).map(([id]) => id);
  if (opts.workerKilled) {
    // A worker killed in the milliseconds between the SMTP server's acceptance and the log's
    // 'sent' mark cannot know the e-mail left: after the claim goes stale it is sent again,
    // with the same Message-ID (receivers drop such duplicates). Only those may repeat.
    const retaken = new Set(log.filter((l) => l.attempts > 1).map((l) => l.message_id));
    assert.deepEqual(
      twice.filter((id) => !retaken.has(id)),
      [],
      'a duplicate only after a claim retaken from a killed worker',
    );
    console.log(
      `worker kill: ${twice.length} of ${log.length} e-mails sent twice (same Message-ID), ${retaken.size} claims retaken`,
    );
  } else {
    assert.deepEqual(twice, [], 'no e-mail sent twice');
  }
  return { emails: log.length, sentTwice: twice.length };
}

/** One line per history event (type, time, and for markers and timers their summary): no payloads. */
async function historyOutline(stack: ProcessStack, workflowId: string): Promise<string> {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((e) => {
      const t = e.eventTime;
      const at = t?.seconds
        ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString()
        : '';
      const attrs = Object.keys(e).find((k) => k.endsWith('Attributes')) ?? '';
      const failed = e.workflowTaskFailedEventAttributes;
      const why = failed ? ` ${failed.cause} ${failed.failure?.message ?? ''}` : '';
      return `${e.eventId} ${at} ${attrs.replace(/EventAttributes$/, '')}${why}`;
    })
    .join('\n');
}

/** Why candidacies are still open: their phases, and for a few the workflow's pending work and history. */
async function explainOpen(stack: ProcessStack, ids: string[]): Promise<void> {
  const open = await stack.db
    .selectFrom('candidacies')
    .select(['id', 'phase', 'last_seq'])
    .where('id', 'in', ids)
    .where('phase', '!=', 'not_admissible')
    .execute();
  const phases = new Map<string, number>();
  for (const o of open) phases.set(o.phase, (phases.get(o.phase) ?? 0) + 1);
  console.log(
    `${open.length} of ${ids.length} still open, by phase: ${JSON.stringify(Object.fromEntries(phases))}`,
  );
  for (const o of open.slice(0, 3)) {
    const handle = stack.temporal.workflow.getHandle(`candidacy-${o.id}`);
    const raw = await stack.temporal.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId: handle.workflowId },
    });
    const task = raw.pendingWorkflowTask;
    console.log(
      `candidacy-${o.id}: phase ${o.phase}, journal at ${o.last_seq}, status ${raw.workflowExecutionInfo?.status}, ` +
        `pending workflow task ${task ? `state ${task.state} attempt ${task.attempt}` : 'none'}, ` +
        `pending activities ${JSON.stringify((raw.pendingActivities ?? []).map((a) => [a.activityType?.name, a.attempt, a.lastFailure?.message]))}`,
    );
    console.log(await historyOutline(stack, handle.workflowId));
  }
  // The worker's warnings and errors, the last ones: pino JSON lines (level 40 and up), the SDK's
  // logger ([WARN], [ERROR]), its Rust core (WARN, ERROR between colour codes) and a crash's stack.
  const workerLog = await readFile(path.join(stack.dir, 'worker.log'), 'utf8').catch(() => '');
  const troubles = workerLog
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .filter((l) => /"level":(40|50|60)|\b(WARN|ERROR)\b|Error\b/.test(l))
    .map((l) => l.slice(0, 400));
  const worker = stack.worker;
  const alive = !worker
    ? 'none'
    : worker.exitCode === null
      ? `running (pid ${worker.pid})`
      : `exited (${worker.exitCode})`;
  console.log(`worker process: ${alive}`);
  console.log(
    `worker log: ${troubles.length} warnings or errors; the last ones:\n${troubles.slice(-15).join('\n')}`,
  );
}
