import type { Action } from './phases.js';
import type { OperatorRole, UserRole } from './roles.js';

/**
 * Who may do what on a candidacy (DOMAIN.md, Actors). Each user belongs to one operator and
 * has one role; an action is allowed when the user's role is listed for it AND their
 * operator holds the matching position on this candidacy.
 */
export interface CandidacyParties {
  projectId: string;
  adviceOperatorId: string | null;
  certifierOperatorId: string | null;
  coachOperatorId: string | null;
  responsibleOperatorId: string;
  transferToOperatorId: string | null;
  /** Operators with the jury organisation role in the candidacy's project. */
  juryOperatorIds: string[];
  projectLeadUserId: string | null;
}

export interface Caller {
  id: string;
  operatorId: string;
  role: UserRole;
}

type Position =
  | 'advice'
  | 'certifier'
  | 'coaching'
  | 'responsible'
  | 'transfer_target'
  | 'jury_organisation'
  | 'project_lead';

const RULES: Record<Action, { role: UserRole; position: Position }[]> = {
  'record-information': [{ role: 'advisor', position: 'advice' }],
  'submit-admissibility': [{ role: 'advisor', position: 'advice' }],
  'mark-incomplete': [{ role: 'certifier', position: 'certifier' }],
  // The candidate acts through the advisor (no candidate login).
  'complete-file': [{ role: 'advisor', position: 'advice' }],
  'decide-admissibility': [{ role: 'certifier', position: 'certifier' }],
  'assign-coach': [{ role: 'advisor', position: 'advice' }],
  'log-coaching-session': [{ role: 'coach', position: 'coaching' }],
  'submit-validation-file': [
    { role: 'coach', position: 'coaching' },
    { role: 'advisor', position: 'advice' },
  ],
  'schedule-jury': [
    { role: 'certifier', position: 'certifier' },
    { role: 'jury_organiser', position: 'jury_organisation' },
  ],
  'cancel-jury': [
    { role: 'certifier', position: 'certifier' },
    { role: 'jury_organiser', position: 'jury_organisation' },
  ],
  'record-jury-result': [{ role: 'certifier', position: 'certifier' }],
  withdraw: [
    { role: 'advisor', position: 'advice' },
    { role: 'coach', position: 'coaching' },
  ],
  'request-transfer': [
    { role: 'advisor', position: 'responsible' },
    { role: 'coach', position: 'responsible' },
    { role: 'certifier', position: 'responsible' },
  ],
  'accept-transfer': [
    { role: 'advisor', position: 'transfer_target' },
    { role: 'coach', position: 'transfer_target' },
    { role: 'certifier', position: 'transfer_target' },
  ],
  resume: [
    { role: 'advisor', position: 'advice' },
    { role: 'coach', position: 'coaching' },
  ],
  'contest-abandonment': [
    { role: 'advisor', position: 'advice' },
    { role: 'coach', position: 'coaching' },
  ],
  archive: [
    { role: 'project_lead', position: 'project_lead' },
    { role: 'administrator', position: 'project_lead' },
  ],
};

const ROLE_FR: Record<UserRole, string> = {
  outreach_agent: 'chargé de repérage',
  advisor: 'conseiller',
  certifier: 'certificateur',
  coach: 'accompagnateur',
  jury_organiser: 'organisateur de jury',
  project_lead: 'porteur de projet',
  administrator: 'administrateur',
};

function holds(caller: Caller, position: Position, p: CandidacyParties): boolean {
  switch (position) {
    case 'advice':
      return caller.operatorId === p.adviceOperatorId;
    case 'certifier':
      return caller.operatorId === p.certifierOperatorId;
    case 'coaching':
      return caller.operatorId === p.coachOperatorId;
    case 'responsible':
      return caller.operatorId === p.responsibleOperatorId;
    case 'transfer_target':
      return caller.operatorId === p.transferToOperatorId;
    case 'jury_organisation':
      return p.juryOperatorIds.includes(caller.operatorId);
    case 'project_lead':
      return caller.role === 'administrator' || caller.id === p.projectLeadUserId;
  }
}

export type Decision = { allowed: true } | { allowed: false; code: string; reason: string };

export function canAct(caller: Caller, action: Action, parties: CandidacyParties): Decision {
  const rules = RULES[action];
  const byRole = rules.filter((r) => r.role === caller.role);
  if (byRole.length === 0) {
    const roles = [...new Set(rules.map((r) => ROLE_FR[r.role]))].join(' ou ');
    return {
      allowed: false,
      code: 'role_not_allowed',
      reason: `L’action « ${action} » revient au ${roles}, pas au ${ROLE_FR[caller.role]}.`,
    };
  }
  if (byRole.some((r) => holds(caller, r.position, parties))) return { allowed: true };
  return {
    allowed: false,
    code: 'operator_not_in_charge',
    reason: `Votre organisme ne tient pas, sur cette candidature, la mission qui permet l’action « ${action} ».`,
  };
}

/** The roles allowed to act on a candidacy for each action (for documentation and the API). */
export function rolesFor(action: Action): UserRole[] {
  return [...new Set(RULES[action].map((r) => r.role))];
}

/** Who may create a candidacy: advisors and outreach agents of an operator of the project. */
export const CREATION_ROLES: readonly UserRole[] = ['advisor', 'outreach_agent'];
export const CREATION_OPERATOR_ROLES: readonly OperatorRole[] = ['advice', 'outreach'];

/**
 * Personal data (name, e-mail, phone) goes only to the operators working with the candidate
 * now: advice, certifier, coaching. Project leads and administrators see pseudonymous data.
 */
export function seesPersonalData(caller: Caller, p: CandidacyParties): boolean {
  if (!['advisor', 'certifier', 'coach', 'outreach_agent'].includes(caller.role)) return false;
  return [p.adviceOperatorId, p.certifierOperatorId, p.coachOperatorId].includes(caller.operatorId);
}
