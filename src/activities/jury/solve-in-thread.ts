import { Worker } from 'node:worker_threads';
import type { PlanningInstance } from '../../domain/jury/types.js';
import type { SolveOptions, SolveResult } from './solve-plan.js';

/**
 * `solvePlan` in a thread of its own: HiGHS blocks the thread it runs on for up to its time limit
 * (10 s), which on the API's event loop would hold every other request meanwhile. The thread is
 * started from the same sources (tsx or dist/) and ends with the solve; its error (an invalid plan, a solver failure) is the call's.
 */
export function solvePlanInThread(instance: PlanningInstance, opts: SolveOptions = {}): Promise<SolveResult> {
  const fromSources = import.meta.url.endsWith('.ts');
  const body = new URL(`./solve-thread.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  // From the sources (tsx: dev, tests), the thread registers the TypeScript loader first: a
  // worker does not inherit the loader hooks of `--import tsx`.
  const entry = fromSources
    ? new URL(
        `data:text/javascript,${encodeURIComponent(
          `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(body.href)});`,
        )}`,
      )
    : body;
  return new Promise((resolve, reject) => {
    const thread = new Worker(entry, { workerData: { instance, opts } });
    let answered = false;
    thread.once('message', (result: SolveResult) => {
      answered = true;
      resolve(result);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`planner thread ended (${code}) without a result`));
    });
  });
}
