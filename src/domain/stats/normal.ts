import { errorFunction, probit } from 'simple-statistics';

/**
 * The standard normal distribution. simple-statistics' errorFunction is accurate to about 1e-7,
 * but its probit is an approximation off by 3e-3 at 0.975 (1.9572 for 1.95996), enough to move
 * a Wilson bound in the third decimal: its value is refined by Newton steps on the CDF.
 */
export const standardNormalCdf = (z: number): number => 0.5 * (1 + errorFunction(z / Math.SQRT2));

const density = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`Probabilité ${p} hors de ]0, 1[.`);
  // Symmetric by construction (erf's 1e-7 error near 0 would otherwise put the median at 4e-8).
  if (p === 0.5) return 0;
  if (p < 0.5) return -normalQuantile(1 - p);
  let z = probit(p);
  for (let i = 0; i < 4; i++) z -= (standardNormalCdf(z) - p) / density(z);
  return z;
}

/** The two-sided critical value for a confidence level: 1.959964 for 0.95. */
export function criticalValue(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`Niveau de confiance ${level} hors de ]0, 1[.`);
  return normalQuantile(1 - (1 - level) / 2);
}

/** P(χ²₁ > x): a 1-df chi-square is the square of a standard normal, so P = erfc(√(x / 2)). */
export function chiSquare1UpperTail(x: number): number {
  if (x <= 0) return 1;
  return 1 - errorFunction(Math.sqrt(x / 2));
}
