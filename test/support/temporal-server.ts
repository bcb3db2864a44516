import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalExecutable } from '../../src/devstack/temporal-cli.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes.js';

/**
 * One start-up step of a test's stack, bounded: a step that hangs fails its test file at once with
 * the step's name, instead of holding the whole CI run until its limit (a test file's `before`
 * hook has no deadline of its own). A step slower than a quarter of its bound is reported.
 */
export async function bounded<T>(step: string, seconds: number, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`test stack: ${step} did not finish within ${seconds} s`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
    const took = (Date.now() - started) / 1000;
    if (took > seconds / 4) console.error(`test stack: ${step} took ${took.toFixed(1)} s`);
  }
}

const START_SECONDS = 90;

/**
 * The Temporal dev server (the local CLI binary) with the project's search attributes, and the
 * SDK's connections to it. Its start is bounded and tried a second time if the first one hangs:
 * a server that does not come up is the machine's hiccup, not the code under test (a stuck first
 * server is stopped if it comes up late).
 */
export async function startLocalTemporal(): Promise<TestWorkflowEnvironment> {
  const executable = await resolveTemporalExecutable();
  const start = () =>
    TestWorkflowEnvironment.createLocal({
      server: { executable, searchAttributes: ALL_SEARCH_ATTRIBUTES, ip: '127.0.0.1' },
    });
  const first = start();
  try {
    return await bounded('the Temporal dev server', START_SECONDS, () => first);
  } catch (err) {
    // Should the first server come up after all, it is stopped rather than left running.
    first.then((late) => late.teardown()).catch(() => undefined);
    console.error(`${(err as Error).message}: starting another one`);
    return bounded('the Temporal dev server (second try)', START_SECONDS, start);
  }
}
