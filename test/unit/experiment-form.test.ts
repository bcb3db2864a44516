import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockSizesFromForm, shareFromForm } from '../../src/web/pages/experiment-page.js';

/** The experiment page's fields as the API's values: a percentage or a fraction, block sizes as a list. */
describe('console experiment form: share and block sizes typed', () => {
  it('reads a percentage as the simple fraction it shows, else as itself', () => {
    assert.equal(shareFromForm('50'), 0.5);
    assert.equal(shareFromForm('25 %'), 0.25);
    assert.equal(shareFromForm('33,33'), 1 / 3, 'a third, as the page shows it');
    assert.equal(shareFromForm('66.67'), 2 / 3);
    assert.equal(shareFromForm('28,57'), 2 / 7);
    assert.equal(shareFromForm('33'), 0.33, 'not a third: the domain refuses it with its own message');
    assert.equal(shareFromForm('0'), 0);
    assert.equal(shareFromForm('100'), 1);
  });

  it('reads a fraction; refuses what is neither a percentage from 0 to 100 nor a fraction up to 1', () => {
    assert.equal(shareFromForm('1/3'), 1 / 3);
    assert.equal(shareFromForm(' 2 / 5 '), 0.4);
    for (const wrong of ['150', '-10', 'moitié', '3/2', '1/0', '1e2', ''])
      assert.equal(shareFromForm(wrong), null, wrong);
  });

  it('reads block sizes separated by commas, spaces, « et » or « ou »', () => {
    assert.deepEqual(blockSizesFromForm('2, 4'), [2, 4]);
    assert.deepEqual(blockSizesFromForm(' 3 6 '), [3, 6]);
    assert.deepEqual(blockSizesFromForm('2 ou 4 et 8;10'), [2, 4, 8, 10]);
    assert.deepEqual(blockSizesFromForm(''), [], 'none: the domain asks for one');
    assert.equal(blockSizesFromForm('2.5, 4'), null);
    assert.equal(blockSizesFromForm('deux'), null);
  });
});
