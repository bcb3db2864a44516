import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailRetryDelayMs } from '../../src/workflows/email-retry.js';

describe('the backoff of a failed send', () => {
  it('waits 2 s after the first failure, doubling up to 30 s, then 30 s each time', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 20].map(emailRetryDelayMs),
      [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000],
    );
  });
  it('treats an e-mail not tried yet as after its first failure', () => {
    assert.equal(emailRetryDelayMs(0), 2_000);
  });
});
