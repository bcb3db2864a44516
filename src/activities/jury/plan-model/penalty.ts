import type { PlanningInstance } from '../../../domain/jury/types.js';

/**
 * More than any plan can cost (every candidate alone in a session of the dearest members, with the
 * gender penalty): placing one more candidate always beats any saving, as the law asks that each be
 * examined before the deadline. Lexicographic, then: first the most candidates, then the cost.
 */
export function unplacedPenalty(instance: PlanningInstance): number {
  const dearest = instance.members
    .map((m) => m.feeCents + m.travelCents)
    .sort((a, b) => b - a)
    .slice(0, instance.rules.maxMembers)
    .reduce((a, b) => a + b, 0);
  return (instance.candidates.length + 1) * (dearest + instance.rules.genderPenaltyCents) + 1;
}
