import type { Indicators, IndicatorSet } from '../../../app/indicators/compute.js';

/** The dashboard's three columns: the whole project, the test arm, the control arm. */
export interface ArmColumns {
  overall: IndicatorSet;
  test: IndicatorSet;
  control: IndicatorSet;
}

export function armColumns(ind: Indicators): ArmColumns {
  const group = (key: string) => {
    const g =
      ind.breakdown?.dimension === 'arm' ? ind.breakdown.groups.find((x) => x.key === key) : undefined;
    if (!g) throw new Error(`armColumns: the indicators are not broken down by arm (${key})`);
    return g.indicators;
  };
  return { overall: ind.overall, test: group('test'), control: group('control') };
}

export const ARMS = [
  { key: 'test', label: 'Groupe test' },
  { key: 'control', label: 'Groupe témoin' },
] as const;
