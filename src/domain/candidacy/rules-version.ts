/**
 * The version of the path's rules a candidacy starts with, fixed for its whole life (like its
 * policy) and carried in the workflow input: a rule that changes the commands a workflow
 * issues (a new clock, e-mail or ordering) applies from the version that introduced it, so
 * running candidacies keep replaying their history unchanged.
 *
 * 1 — candidacies started before versions existed (input without `rulesVersion`).
 * 2 — clocks take effect at their own instant: an action first settles every clock already
 *     due, and is judged on the state after them (issue 9, A.1); clock events are journaled
 *     at their due instant.
 */
export const RULES_VERSION = 2;

export function rulesVersionOf(input: { rulesVersion?: number }): number {
  return input.rulesVersion ?? 1;
}

/** Clocks due when an action arrives take effect first (version 2 on). */
export const clocksSettleBeforeActions = (version: number) => version >= 2;
