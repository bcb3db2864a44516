import { createHmac } from 'node:crypto';

/** Length of a pseudonym's hash: 16 base64url characters, 96 bits (no collision in any project's size). */
export const PSEUDONYM_LENGTH = 16;

/**
 * The stable pseudonym of a candidacy in the evaluators' export: HMAC-SHA-256 of its id keyed
 * with the project's secret `pseudonymKey` (src/db/experiment-secrets.ts), base64url, truncated.
 * The same candidacy always gets the same pseudonym in its project; without the key nobody can
 * go back to the id, nor link two projects' exports (their keys differ). It starts with « P »: a
 * base64url text may start with « - », which a spreadsheet would read as a formula.
 */
export function pseudonym(pseudonymKey: string, candidacyId: string, length = PSEUDONYM_LENGTH): string {
  if (!pseudonymKey) throw new Error('pseudonym: empty key');
  const hash = createHmac('sha256', Buffer.from(pseudonymKey, 'base64url'))
    .update(candidacyId)
    .digest('base64url');
  return `P${hash.slice(0, length)}`;
}
