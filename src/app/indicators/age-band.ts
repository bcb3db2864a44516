/**
 * Age bands of the evaluators' export, in place of the birth year: the age reached in the year of
 * identification (year − birth year), in five bands wide enough not to single anyone out.
 */
export const AGE_BANDS = ['<26', '26-35', '36-45', '46-55', '>55'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const AGE_BAND_LABELS: Record<AgeBand, string> = {
  '<26': 'moins de 26 ans',
  '26-35': 'de 26 à 35 ans',
  '36-45': 'de 36 à 45 ans',
  '46-55': 'de 46 à 55 ans',
  '>55': 'plus de 55 ans',
};

export function ageBand(birthYear: number, referenceYear: number): AgeBand {
  if (!Number.isInteger(birthYear) || !Number.isInteger(referenceYear)) {
    throw new RangeError(`Année ${birthYear} ou ${referenceYear} impossible.`);
  }
  const age = referenceYear - birthYear;
  if (age < 26) return '<26';
  if (age <= 35) return '26-35';
  if (age <= 45) return '36-45';
  if (age <= 55) return '46-55';
  return '>55';
}
