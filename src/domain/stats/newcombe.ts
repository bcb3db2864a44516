import { wilsonInterval } from './wilson.js';

export interface Counts {
  successes: number;
  total: number;
}

export interface DifferenceInterval {
  /** p₁ − p₂ */
  difference: number;
  lower: number;
  upper: number;
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂, two independent proportions (Newcombe 1998,
 * method 10): with (l₁, u₁) and (l₂, u₂) the Wilson intervals,
 * lower = d − √((p₁ − l₁)² + (u₂ − p₂)²), upper = d + √((u₁ − p₁)² + (p₂ − l₂)²).
 */
export function newcombeDifference(first: Counts, second: Counts, level = 0.95): DifferenceInterval {
  const a = wilsonInterval(first.successes, first.total, level);
  const b = wilsonInterval(second.successes, second.total, level);
  const difference = a.estimate - b.estimate;
  return {
    difference,
    lower: difference - Math.hypot(a.estimate - a.lower, b.upper - b.estimate),
    upper: difference + Math.hypot(a.upper - a.estimate, b.estimate - b.lower),
  };
}
