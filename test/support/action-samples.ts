import type { z } from 'zod';
import type { ACTION_BODIES } from '../../src/api/candidacies/action-schemas.js';
import type { Action } from '../../src/domain/phases.js';
import type { OperatorRole } from '../../src/domain/roles.js';
import { OPERATORS, SECOND_ADVICE_OPERATOR } from './projects.js';

/** What a client sends for an action (before zod applies its defaults). */
export type ActionSampleBody<A extends Action> = z.input<(typeof ACTION_BODIES)[A]>;

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

/**
 * A valid request body for each of the 16 actions (valid per ACTION_BODIES, and accepted by
 * the API's pre-checks for a candidacy of the demo certification RNCP35830 in a test project):
 * posting one to a phase that does not allow the action must be refused by the phase check.
 * Dates are computed at import: the jury session a year ahead, the coaching session an hour ago.
 */
export const ACTION_SAMPLES: { [A in Action]: ActionSampleBody<A> } = {
  'record-information': {
    eligibilityChecked: true,
    rncpCode: 'RNCP35830',
    targetBlocks: ['RNCP35830BC01'],
    profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
  },
  'submit-admissibility': {},
  'mark-incomplete': { missingItems: ['cerfa_form', 'proof_of_experience'] },
  'complete-file': {},
  'decide-admissibility': { admissible: true, reasons: [] },
  'assign-coach': { coachOperatorId: OPERATORS.coaching },
  'log-coaching-session': {
    date: new Date(Date.now() - HOUR).toISOString(),
    durationMinutes: 60,
    modality: 'remote',
  },
  'submit-validation-file': {},
  'schedule-jury': {
    sessionAt: new Date(Date.now() + YEAR).toISOString(),
    modality: 'on_site',
    place: 'Centre d’examen, 12 rue des Lilas, 69003 Lyon',
  },
  'cancel-jury': { reason: 'session_cancelled' },
  'record-jury-result': {
    outcome: 'refused',
    blocks: [
      { code: 'RNCP35830BC01', validated: false },
      { code: 'RNCP35830BC02', validated: false },
    ],
  },
  withdraw: { reason: 'personal_reasons' },
  // The second advice operator exists in projects made by createProjectWithPolicy.
  'request-transfer': { toOperatorId: SECOND_ADVICE_OPERATOR, reason: 'capacity' },
  'accept-transfer': {},
  resume: {},
  'contest-abandonment': {},
  archive: {},
};

export function sampleBody<A extends Action>(action: A): ActionSampleBody<A> {
  return ACTION_SAMPLES[action];
}

/**
 * The demo user who performs each action along the path (see the demo tokens of `seedDemo`).
 * With access rules enforced, posting as this role passes the access check wherever the
 * user's operator holds the position, so what answers is the phase rule.
 */
export const ACTION_ROLES: Record<Action, string> = {
  'record-information': 'advisor',
  'submit-admissibility': 'advisor',
  'mark-incomplete': 'certifier',
  'complete-file': 'advisor',
  'decide-admissibility': 'certifier',
  'assign-coach': 'advisor',
  'log-coaching-session': 'coach',
  // Coach or advisor; the advisor holds the advice position from the start.
  'submit-validation-file': 'advisor',
  'schedule-jury': 'certifier',
  'cancel-jury': 'certifier',
  'record-jury-result': 'certifier',
  withdraw: 'advisor',
  // Whoever is responsible now: see actingRole.
  'request-transfer': 'advisor',
  'accept-transfer': 'advisor',
  resume: 'advisor',
  'contest-abandonment': 'advisor',
  // The project lead of projects made by createProjectWithPolicy (DEMO.users[4]).
  archive: 'project_lead',
};

const USER_ROLE_OF: Record<OperatorRole, string> = {
  outreach: 'outreach_agent',
  advice: 'advisor',
  certifier: 'certifier',
  coaching: 'coach',
  jury_organisation: 'jury_organiser',
};

/** The demo role to post an action as, given who is responsible for the candidacy now. */
export function actingRole(action: Action, live: { responsibleRole: OperatorRole }): string {
  if (action === 'request-transfer') return USER_ROLE_OF[live.responsibleRole];
  return ACTION_ROLES[action];
}
