import type { Action } from '../phases.js';
import { admissibility, type AdmissibilityPayloads } from './admissibility.js';
import { coaching, type CoachingPayloads } from './coaching.js';
import { intake, type IntakePayloads } from './intake.js';
import { jury, type JuryPayloads } from './jury.js';
import { overlays, type OverlayPayloads } from './overlays.js';
import { result, type ResultPayloads } from './result.js';
import type { ActionRule, Area, ClockRule, DeadlineRule, SuspendedRule } from './rules.js';
import { transfer, type TransferPayloads } from './transfer.js';

/**
 * The areas of the path, in the order their clocks are listed (two clocks due at the same
 * instant apply in this order). Each area owns its actions, clocks and e-mails.
 */
const AREAS = [intake, admissibility, coaching, overlays, jury, result, transfer] as const;

/** The arguments of each action (IDs, codes, dates: no personal data), from its area. */
export type ActionPayloads = IntakePayloads &
  AdmissibilityPayloads &
  CoachingPayloads &
  OverlayPayloads &
  JuryPayloads &
  ResultPayloads &
  TransferPayloads;

type ClockOf<A> = A extends Area<unknown, infer C> ? C : never;
export type ClockKind = ClockOf<(typeof AREAS)[number]>;

// An action of the phase table without a rule, or a rule for no action, fails to compile.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const actionsMatch: Exact<keyof ActionPayloads, Action> = true;
void actionsMatch;

/** Every action's rule, by name. */
export const ACTION_RULES: { [A in Action]: ActionRule<ActionPayloads[A]> } = {
  ...intake.actions,
  ...admissibility.actions,
  ...coaching.actions,
  ...overlays.actions,
  ...jury.actions,
  ...result.actions,
  ...transfer.actions,
};

/**
 * Every clock, in the order of the areas and, inside an area, as it lists them; the same
 * order as before the areas were split, so that running candidacies replay unchanged.
 */
export const CLOCK_RULES: { [K in ClockKind]: ClockRule } = {
  ...admissibility.clocks,
  ...coaching.clocks,
  ...overlays.clocks,
  ...jury.clocks,
  ...transfer.clocks,
};

export const DEADLINE_RULES: DeadlineRule[] = AREAS.flatMap((a) =>
  'deadlines' in a ? (a.deadlines ?? []) : [],
);
export const SUSPENDED_RULES: SuspendedRule[] = AREAS.flatMap((a) =>
  'suspended' in a ? (a.suspended ?? []) : [],
);
