/**
 * Statistical confidentiality (secret statistique): a cell counting 1 to threshold − 1 people is
 * masked in every output that leaves the product. 0 is shown: it describes nobody, and masking it
 * would only hide that a phase is empty. Masking a cell does not protect it when the others and
 * their total are shown (it is their difference): outputs mask a complementary cell or the total.
 */
export const CONFIDENTIALITY_THRESHOLD = 5;

export function isSmallCount(n: number, threshold = CONFIDENTIALITY_THRESHOLD): boolean {
  return n > 0 && n < threshold;
}

/** The count, or null when it must be masked (shown as « < 5 » or « secret » by the output). */
export function maskSmallCount(n: number, threshold = CONFIDENTIALITY_THRESHOLD): number | null {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Effectif ${n} impossible.`);
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`Seuil ${threshold} impossible.`);
  return isSmallCount(n, threshold) ? null : n;
}
