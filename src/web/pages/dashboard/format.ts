import type { PublishedCount, PublishedValue } from '../../../app/indicators/suppression.js';

/**
 * How the dashboard writes the indicators' numbers, in French: a count of 1 to 4 people as « < 5 »,
 * a count masked to protect one as « secret », shares in per cent, durations in the unit that reads
 * best, euros with two decimals. The browser test formats the API's JSON with these same functions
 * to compare it with the page's tables.
 */
export const MASKED = '< 5';
export const SECRET = 'secret';
export const NONE = '—';

const NBSP = '\u00a0';

export function formatNumber(n: number, decimals = 1): string {
  return n.toLocaleString('fr-FR', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

export function formatCount(c: PublishedCount): string {
  if (c.masked || c.n === null) return c.reason === 'secondary' ? SECRET : MASKED;
  return formatNumber(c.n, 0);
}

export function formatPercent(p: number | null): string {
  return p === null ? NONE : `${formatNumber(p * 100, 1)}${NBSP}%`;
}

/** A share (or any figure derived from masked counts): « < 5 » is for counts, « secret » for the rest. */
export function formatShare(v: PublishedValue): string {
  if (v.masked) return SECRET;
  return formatPercent(v.value);
}

export function formatPercentInterval(i: {
  value: number | null;
  lower: number | null;
  upper: number | null;
  masked: boolean;
}): string {
  if (i.masked) return SECRET;
  if (i.value === null) return NONE;
  const bounds =
    i.lower !== null && i.upper !== null ? ` [${formatPercent(i.lower)} ; ${formatPercent(i.upper)}]` : '';
  return `${formatPercent(i.value)}${bounds}`;
}

/** A difference of shares in percentage points, signed. */
export function formatPointsInterval(i: {
  value: number | null;
  lower: number | null;
  upper: number | null;
  masked: boolean;
}): string {
  if (i.masked) return SECRET;
  if (i.value === null) return NONE;
  const pts = (x: number) => `${x > 0 ? '+' : ''}${formatNumber(x * 100, 1)}${NBSP}pts`;
  const bounds = i.lower !== null && i.upper !== null ? ` [${pts(i.lower)} ; ${pts(i.upper)}]` : '';
  return `${pts(i.value)}${bounds}`;
}

const UNITS = [
  { min: 1, factor: 1, short: 'j', long: 'jours' },
  { min: 1 / 24, factor: 24, short: 'h', long: 'heures' },
  { min: 1 / 1440, factor: 1440, short: 'min', long: 'minutes' },
  { min: 0, factor: 86_400, short: 's', long: 'secondes' },
] as const;
export type DurationUnit = (typeof UNITS)[number];

/** The unit for durations up to `maxDays`: days from one day on, else hours, minutes or seconds. */
export function durationUnit(maxDays: number): DurationUnit {
  return UNITS.find((u) => maxDays >= u.min) ?? UNITS[UNITS.length - 1]!;
}

export function formatDuration(days: number | null): string {
  if (days === null) return NONE;
  const unit = durationUnit(days);
  return `${formatNumber(days * unit.factor, 1)}${NBSP}${unit.short}`;
}

export function formatQuantile(q: {
  days: number | null;
  lower: number | null;
  upper: number | null;
  masked: boolean;
}): string {
  if (q.masked) return SECRET;
  if (q.days === null) return 'non atteinte';
  const upper = q.upper === null ? 'non atteinte' : formatDuration(q.upper);
  const lower = q.lower === null ? NONE : formatDuration(q.lower);
  return `${formatDuration(q.days)} [${lower} ; ${upper}]`;
}

type Quantile = Parameters<typeof formatQuantile>[0];

/**
 * A phase's median or 90th centile: « — » when no candidacy of the group entered the phase (an arm
 * can have none: the allocation is random), where « non atteinte » would say some are still in it.
 */
export function formatPhaseQuantile(
  d: { observations: PublishedCount; median: Quantile; p90: Quantile },
  which: 'median' | 'p90',
): string {
  if (!d.observations.masked && d.observations.n === 0) return NONE;
  return formatQuantile(d[which]);
}

export function formatEuros(v: PublishedValue | number): string {
  const value = typeof v === 'number' ? v : v.masked ? null : v.value;
  if (typeof v !== 'number' && v.masked) return SECRET;
  return value === null
    ? NONE
    : `${value.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${NBSP}€`;
}

export function formatPerCandidacy(v: PublishedValue): string {
  if (v.masked) return SECRET;
  return v.value === null ? NONE : formatNumber(v.value, 2);
}

export function formatDays(days: number): string {
  return formatDuration(days);
}

export function formatPValue(p: number | null, masked: boolean): string {
  if (masked) return SECRET;
  if (p === null) return NONE;
  return p < 0.001 ? '< 0,001' : formatNumber(p, 3);
}
