import type { EmailRequest } from '../../activities/index.js';
import type { CandidacyState } from '../../domain/candidacy/index.js';
import type { Carried, CarriedV2 } from './contract.js';

/**
 * Reads the state carried by continue-as-new, whatever version wrote it. A field added to the
 * state later is optional there (or set here), so a run started by older code goes on.
 */
export function readCarried(
  carried: Carried | undefined,
): { state: CandidacyState; outbox: EmailRequest[] } | null {
  if (!carried) return null;
  switch (carried.version) {
    case undefined:
    case 2:
      return { state: carried.state, outbox: [...carried.outbox] };
  }
}

export function carry(state: CandidacyState, outbox: EmailRequest[]): CarriedV2 {
  return { version: 2, state, outbox };
}
