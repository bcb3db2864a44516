import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPhaseQuantile, NONE, SECRET } from '../../src/web/pages/dashboard/format.js';

const notReached = { days: null, lower: null, upper: null, masked: false };
const masked = { days: null, lower: null, upper: null, masked: true };

describe('a phase’s quantile on the dashboard', () => {
  it('says « — » when nobody of the group entered the phase, « non atteinte » when some are still in it', () => {
    const count = (n: number) => ({ n, masked: false });
    assert.equal(
      formatPhaseQuantile({ observations: count(0), median: notReached, p90: notReached }, 'median'),
      NONE,
    );
    assert.equal(
      formatPhaseQuantile({ observations: count(12), median: notReached, p90: notReached }, 'p90'),
      'non atteinte',
    );
    assert.equal(
      formatPhaseQuantile(
        {
          observations: count(12),
          median: { days: 3, lower: 2, upper: null, masked: false },
          p90: notReached,
        },
        'median',
      ),
      '3\u00a0j [2\u00a0j ; non atteinte]',
    );
  });

  it('keeps a masked count’s quantile secret', () => {
    const observations = { n: null, masked: true, reason: 'small' as const };
    assert.equal(formatPhaseQuantile({ observations, median: masked, p90: masked }, 'median'), SECRET);
  });
});
