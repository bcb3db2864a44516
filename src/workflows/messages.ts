import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActionPayloads } from '../domain/candidacy/actions.js';
import { ACTIONS, type Action } from '../domain/phases.js';
import type { ActionArgs, CandidacyView } from './candidacy-types.js';

/** Reads: the live state of a candidacy. */
export const stateQuery = defineQuery<CandidacyView>('state');

/** One Update per human action, named as the API route (`record-information`, ...). */
export type ActionUpdates = {
  [A in Action]: UpdateDefinition<CandidacyView, [ActionArgs<ActionPayloads[A]>], A>;
};

export const actionUpdates = Object.fromEntries(
  ACTIONS.map((a) => [a, defineUpdate(a)]),
) as unknown as ActionUpdates;

/** The failure type an Update validator raises when an action is refused (API: 409). */
export const ACTION_REFUSED = 'ActionRefused';
