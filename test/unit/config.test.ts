import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indicatorsCacheSeconds, loadConfig } from '../../src/config.js';

describe('numeric configuration', () => {
  it('reads the given environment, with its defaults', () => {
    const config = loadConfig({ PORT: '8080', CANDIDACY_MAX_HISTORY_EVENTS: '5000' });
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'http://localhost:8080');
    assert.equal(config.maxHistoryEvents, 5000);
    assert.equal(loadConfig({}).port, 3000);
    assert.equal(indicatorsCacheSeconds({}), 60);
    assert.equal(indicatorsCacheSeconds({ INDICATORS_CACHE_SECONDS: '0' }), 0);
  });

  it('refuses a value that is not a non-negative integer at the start, naming the variable', () => {
    for (const [name, raw] of [
      ['PORT', 'http'],
      ['CANDIDACY_MAX_HISTORY_EVENTS', '-1'],
      ['INDICATORS_CACHE_SECONDS', '1.5'],
      ['INDICATORS_CACHE_SECONDS', 'soixante'],
    ] as const) {
      assert.throws(
        () => loadConfig({ [name]: raw }),
        new RegExp(`^Error: ${name} must be a non-negative integer`),
      );
    }
  });
});
