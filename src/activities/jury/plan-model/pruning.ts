/** The pruning options of the model (see index.ts) and their tiers by instance size. */
export interface PruningOptions {
  /**
   * Only members who assess the certification sit. Stricter than the rules: DOMAIN.md and the
   * checker want one member qualified per candidate, the others may be any active member (as the
   * greedy baseline does). Default false.
   */
  assessorsOnly: boolean;
  bestPerCandidate: number;
  earliestPerCandidate: number;
  spread: number;
  membersPerSession: number;
  juriesPerSession: number;
}

/** For an instance of more than 150 candidates (the tiers were measured with the bench). */
export const DEFAULT_PRUNING: PruningOptions = {
  assessorsOnly: false,
  bestPerCandidate: 3,
  earliestPerCandidate: 2,
  spread: 2,
  membersPerSession: 8,
  juriesPerSession: 6,
};

/** Smaller instances can afford more options and juries, and find cheaper plans with them. */
export function pruningFor(candidates: number): PruningOptions {
  if (candidates <= 60) {
    return {
      ...DEFAULT_PRUNING,
      bestPerCandidate: 12,
      earliestPerCandidate: 4,
      membersPerSession: 12,
      juriesPerSession: 30,
    };
  }
  if (candidates <= 150) {
    return { ...DEFAULT_PRUNING, bestPerCandidate: 5, membersPerSession: 10, juriesPerSession: 10 };
  }
  return DEFAULT_PRUNING;
}
