import type { ActionRefusal } from './candidacy/effects.js';
import { parisYear } from './paris-time.js';
import type { Policy } from './policy.js';

export interface PastAdmissibilityRequest {
  rncpCode: string;
  submittedAt: string;
  wholeCertification: boolean;
}

/**
 * R. 6412-3 Code du travail: in a calendar year, at most one admissibility request per
 * certification and requests for at most three different certifications. The limit does
 * not apply to requests on skill blocks. The calendar year is the Europe/Paris one: a request at
 * 23:30 UTC on 31 December counts in the next year.
 */
export function checkYearlyLimit(
  past: PastAdmissibilityRequest[],
  request: { rncpCode: string; wholeCertification: boolean },
  policy: Policy,
  now: Date,
): ActionRefusal | null {
  if (!request.wholeCertification) return null;
  const year = parisYear(now);
  const thisYear = past.filter((p) => p.wholeCertification && parisYear(p.submittedAt) === year);
  const sameCertification = thisYear.filter((p) => p.rncpCode === request.rncpCode).length;
  if (sameCertification >= policy.yearlyRequestsPerCertification) {
    return {
      code: 'yearly_limit_certification',
      message: `Une demande de recevabilité pour la certification ${request.rncpCode} a déjà été déposée en ${year} (limite : ${policy.yearlyRequestsPerCertification} par an, art. R. 6412-3 du code du travail). Une demande portant sur des blocs de compétences n’est pas limitée.`,
    };
  }
  const certifications = new Set([...thisYear.map((p) => p.rncpCode), request.rncpCode]);
  if (certifications.size > policy.yearlyCertifications) {
    return {
      code: 'yearly_limit_certifications',
      message: `Le candidat a déjà déposé en ${year} des demandes pour ${certifications.size - 1} certifications différentes (limite : ${policy.yearlyCertifications} par an, art. R. 6412-3 du code du travail). Une demande portant sur des blocs de compétences n’est pas limitée.`,
    };
  }
  return null;
}

/**
 * Whether a request is on the whole certification (limited by R. 6412-3) or on skill blocks
 * (not limited): every block targeted and none acquired before. After a partial validation, the
 * remaining blocks are a request on skill blocks.
 */
export function isWholeCertificationRequest(c: {
  targetedBlocks: number;
  certificationBlocks: number;
  acquiredBlocks: number;
}): boolean {
  return c.acquiredBlocks === 0 && c.targetedBlocks === c.certificationBlocks;
}
