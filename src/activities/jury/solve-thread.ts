import { parentPort, workerData } from 'node:worker_threads';
import type { PlanningInstance } from '../../domain/jury/types.js';
import { solvePlan, type SolveOptions } from './solve-plan.js';

/** The body of the planner's thread (see solve-in-thread.ts): one solve, its result posted back. */
const { instance, opts } = workerData as { instance: PlanningInstance; opts: SolveOptions };
parentPort!.postMessage(await solvePlan(instance, opts));
