/**
 * The bare workflows of the benchmark's baseline, bundled on their own (no project code) and run on
 * their own task queue: the practical limit of the Temporal stack itself.
 */
import {
  condition,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { benchActivities } from './noop-activities.js';

/** Bare Update: the handler returns at once (no activity, no state beyond a counter). */
export const pingUpdate = defineUpdate<number, [number]>('ping');
/** The same Update, running one no-op activity before answering (diagnostic). */
export const pingActivityUpdate = defineUpdate<number, [number]>('pingActivity');
/** The same Update, running one no-op local activity before answering (diagnostic). */
export const pingLocalActivityUpdate = defineUpdate<number, [number]>('pingLocalActivity');
export const finishSignal = defineSignal('finish');

const { noopActivity } = proxyActivities<ReturnType<typeof benchActivities>>({
  startToCloseTimeout: '10 seconds',
});
const local = proxyLocalActivities<ReturnType<typeof benchActivities>>({ startToCloseTimeout: '10 seconds' });

/** Starts and completes: one workflow task. */
export async function noop(): Promise<void> {}

/** Stays open and answers Updates until signalled. */
export async function updatable(): Promise<number> {
  let handled = 0;
  let done = false;
  setHandler(pingUpdate, (n: number) => {
    handled++;
    return n;
  });
  setHandler(pingActivityUpdate, async (n: number) => {
    handled++;
    return noopActivity(n);
  });
  setHandler(pingLocalActivityUpdate, async (n: number) => {
    handled++;
    return local.noopActivity(n);
  });
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done);
  return handled;
}
