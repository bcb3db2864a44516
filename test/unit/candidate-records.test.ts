import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocksAlreadyAcquired } from '../../src/app/candidacies/acquired-blocks.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { checkYearlyLimit, isWholeCertificationRequest } from '../../src/domain/yearly-limit.js';

const whole = (rncpCode: string, submittedAt: string) => ({
  rncpCode,
  submittedAt,
  wholeCertification: true,
});

describe('yearly limit (R. 6412-3) on the Europe/Paris calendar year', () => {
  it('counts a request made at 23:30 UTC on 31 December in the next year', () => {
    const lateNight = whole('RNCP1', '2026-12-31T23:30:00Z'); // 00:30 on 1 January 2027 in Paris
    const refusal = checkYearlyLimit(
      [lateNight],
      { rncpCode: 'RNCP1', wholeCertification: true },
      DEFAULT_POLICY,
      new Date('2027-03-01T10:00:00Z'),
    );
    assert.equal(refusal?.code, 'yearly_limit_certification');
    assert.match(refusal!.message, /en 2027/);
    // Seen from 31 December in Paris (23:00), it is next year's: not counted.
    assert.equal(
      checkYearlyLimit(
        [lateNight],
        { rncpCode: 'RNCP1', wholeCertification: true },
        DEFAULT_POLICY,
        new Date('2026-12-31T22:00:00Z'),
      ),
      null,
    );
  });

  it('keeps a request made at 22:30 UTC on 31 December (23:30 in Paris) in its year', () => {
    const past = [whole('RNCP1', '2026-12-31T22:30:00Z')];
    const request = { rncpCode: 'RNCP1', wholeCertification: true };
    assert.equal(checkYearlyLimit(past, request, DEFAULT_POLICY, new Date('2027-01-05T09:00:00Z')), null);
    assert.equal(
      checkYearlyLimit(past, request, DEFAULT_POLICY, new Date('2026-06-01T09:00:00Z'))?.code,
      'yearly_limit_certification',
    );
  });

  it('takes the year of "now" in Paris too: 31 December 23:30 UTC is already 2027', () => {
    const past = ['RNCP1', 'RNCP2', 'RNCP3'].map((c) => whole(c, '2027-01-01T08:00:00Z'));
    const refusal = checkYearlyLimit(
      past,
      { rncpCode: 'RNCP4', wholeCertification: true },
      DEFAULT_POLICY,
      new Date('2026-12-31T23:30:00Z'),
    );
    assert.equal(refusal?.code, 'yearly_limit_certifications');
  });

  it('never limits requests on skill blocks', () => {
    const past = ['RNCP1', 'RNCP2', 'RNCP3'].map((c) => whole(c, '2027-02-01T08:00:00Z'));
    assert.equal(
      checkYearlyLimit(
        past,
        { rncpCode: 'RNCP1', wholeCertification: false },
        DEFAULT_POLICY,
        new Date('2027-03-01T08:00:00Z'),
      ),
      null,
    );
  });
});

describe('acquired blocks refusal', () => {
  const acquired = (code: string) => ({
    code,
    acquiredAt: '2027-01-10T09:00:00.000Z',
    candidacyId: '00000000-0000-4000-8000-000000000001',
  });

  it('names each acquired block in French and lists them, with the fields given', () => {
    const err = blocksAlreadyAcquired(
      [acquired('RNCP35830BC01'), acquired('RNCP35830BC03')],
      new Map([['RNCP35830BC01', 'Entretenir le logement']]),
      { phase: 'identified' },
    );
    assert.equal(err.kind, 'conflict');
    assert.equal(err.code, 'blocks_already_acquired');
    assert.equal(
      err.message,
      'Les blocs RNCP35830BC01 (« Entretenir le logement ») et RNCP35830BC03 sont déjà acquis par ce candidat : validés par un jury, ils ne peuvent pas être examinés à nouveau.',
    );
    assert.deepEqual(err.details, {
      phase: 'identified',
      acquiredBlocks: [acquired('RNCP35830BC01'), acquired('RNCP35830BC03')],
    });
  });

  it('uses the singular for one block', () => {
    const err = blocksAlreadyAcquired([acquired('RNCP35830BC02')], new Map());
    assert.match(err.message, /^Le bloc RNCP35830BC02 est déjà acquis/);
  });
});

describe('whole certification or skill blocks (R. 6412-3)', () => {
  it('is a whole-certification request only when every block is targeted and none was acquired', () => {
    assert.equal(
      isWholeCertificationRequest({ targetedBlocks: 3, certificationBlocks: 3, acquiredBlocks: 0 }),
      true,
    );
    assert.equal(
      isWholeCertificationRequest({ targetedBlocks: 2, certificationBlocks: 3, acquiredBlocks: 0 }),
      false,
    );
    // The remaining blocks after a partial validation: a request on skill blocks, not limited.
    assert.equal(
      isWholeCertificationRequest({ targetedBlocks: 2, certificationBlocks: 3, acquiredBlocks: 1 }),
      false,
    );
  });
});
