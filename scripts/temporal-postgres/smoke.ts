import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import {
  CertificationCode,
  ExperimentArm,
  NextDeadline,
  OperatorId,
  ProjectId,
  Reinforced,
  VaeStage,
  WaitingOn,
} from '../../src/workflows/search-attributes.js';
import { benchActivities } from '../bench/noop-activities.js';
import { finishSignal, pingActivityUpdate, pingUpdate } from '../bench/noop-workflows.js';

/**
 * Runs a workflow through a server: a no-op workflow, then one started with every custom search
 * attribute that answers two Updates (one with an activity) and is found by a visibility query.
 */
export async function smokeTest(target: { address: string; namespace: string }): Promise<string> {
  const started = Date.now();
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by the caller
  }
  const taskQueue = `smoke-${randomUUID().slice(0, 8)}`;
  const nativeConnection = await NativeConnection.connect({ address: target.address });
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection, namespace: target.namespace });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: target.namespace,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../bench/noop-workflows.ts', import.meta.url)),
    activities: benchActivities(),
  });
  const stage = `smoke-${taskQueue}`;
  try {
    return await worker.runUntil(async () => {
      await client.workflow.execute('noop', { taskQueue, workflowId: `${taskQueue}-noop` });
      const handle = await client.workflow.start('updatable', {
        taskQueue,
        workflowId: `${taskQueue}-updatable`,
        typedSearchAttributes: [
          { key: VaeStage, value: stage },
          { key: WaitingOn, value: 'nobody' },
          { key: OperatorId, value: randomUUID() },
          { key: ProjectId, value: randomUUID() },
          { key: CertificationCode, value: 'RNCP35830' },
          { key: ExperimentArm, value: 'test' },
          { key: NextDeadline, value: new Date() },
          { key: Reinforced, value: true },
        ],
      });
      const a = await handle.executeUpdate(pingUpdate, { args: [1] });
      const b = await handle.executeUpdate(pingActivityUpdate, { args: [2] });
      await handle.signal(finishSignal);
      const handled = await handle.result();
      if (a !== 1 || b !== 2 || handled !== 2) throw new Error(`unexpected answers ${a}, ${b}, ${handled}`);
      let found = 0;
      for (let i = 0; i < 50 && found === 0; i++) {
        const { count } = await client.workflow.count(`VaeStage = "${stage}" AND Reinforced = true`);
        found = count;
        if (!found) await sleep(200);
      }
      if (!found) throw new Error('the workflow is not found by its search attributes');
      return (
        `smoke test OK on ${target.address}: no-op workflow, workflow with the 8 search attributes, ` +
        `2 Updates (one with an activity), visibility query — ${Date.now() - started} ms`
      );
    });
  } finally {
    await nativeConnection.close();
    await connection.close();
  }
}
