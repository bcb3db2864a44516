import { defineQuery } from '@temporalio/workflow';
import type { CandidacyView } from './candidacy-types.js';

/** Reads: the live state of a candidacy. */
export const stateQuery = defineQuery<CandidacyView>('state');
