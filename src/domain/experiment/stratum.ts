import { targetScope, type TargetScope } from '../candidacy/journal-events.js';
import { isReinforced, type Policy } from '../policy.js';
import type { CandidateProfile } from '../profile.js';

/**
 * Randomisation strata. A stratum is a string key so a project can later stratify on other
 * facts: only `stratumOf` builds it, from the facts known when the candidacy is created.
 */
export interface StratumFacts {
  /** Reinforced coaching (isReinforced), decided with the project's policy before any arm. */
  reinforced: boolean;
  scope: TargetScope;
}

export const STRATUM_FACTORS = ['public', 'scope'] as const;
export type StratumFactor = (typeof STRATUM_FACTORS)[number];

/** Public × scope: reinforced or not × one block / several blocks / whole certification. */
export const DEFAULT_STRATUM_FACTORS: readonly StratumFactor[] = STRATUM_FACTORS;

const valueOf: Record<StratumFactor, (f: StratumFacts) => string> = {
  public: (f) => (f.reinforced ? 'reinforced' : 'standard'),
  scope: (f) => f.scope,
};

/**
 * "public=reinforced;scope=one_block". Factors are read in their canonical order, whatever the
 * order configured; no factor gives the single stratum "all".
 */
export function stratumOf(
  facts: StratumFacts,
  factors: readonly StratumFactor[] = DEFAULT_STRATUM_FACTORS,
): string {
  const used = STRATUM_FACTORS.filter((f) => factors.includes(f));
  return used.length === 0 ? 'all' : used.map((f) => `${f}=${valueOf[f](facts)}`).join(';');
}

/**
 * The facts from the profile and the target. `projectPolicy` is the project's policy without
 * arm overrides (`resolvePolicy(settings)`): an arm may change the reinforced criteria, and the
 * stratum must be known before the arm is.
 */
export function stratumFactsOf(
  profile: CandidateProfile,
  projectPolicy: Policy,
  target: { wholeCertification: boolean; targetBlocks: string[] },
): StratumFacts {
  return { reinforced: isReinforced(profile, projectPolicy), scope: targetScope(target) };
}
