/**
 * The phases of a candidacy and the actions allowed in each (DOMAIN.md, "The path").
 * Workflow validators and the API's 409 answers both read this table.
 */
export const PHASES = [
  'identified',
  'informed',
  'admissibility_requested',
  'admissibility_incomplete',
  'admissible',
  'not_admissible',
  'admissibility_lapsed',
  'coaching',
  'abandonment_proposed',
  'validation_file_submitted',
  'jury_scheduled',
  'jury_held',
  'result',
  'withdrawn',
  'abandoned',
  'archived',
] as const;
export type Phase = (typeof PHASES)[number];

export const ACTIONS = [
  'record-information',
  'submit-admissibility',
  'mark-incomplete',
  'complete-file',
  'decide-admissibility',
  'assign-coach',
  'log-coaching-session',
  'submit-validation-file',
  'schedule-jury',
  'cancel-jury',
  'record-jury-result',
  'withdraw',
  'request-transfer',
  'accept-transfer',
  'resume',
  'contest-abandonment',
  'archive',
] as const;
export type Action = (typeof ACTIONS)[number];

export const TERMINAL_PHASES: readonly Phase[] = [
  'not_admissible',
  'admissibility_lapsed',
  'result',
  'withdrawn',
  'abandoned',
  'archived',
];

const ALLOWED: Record<Phase, readonly Action[]> = {
  identified: ['record-information', 'withdraw', 'request-transfer', 'archive'],
  informed: ['record-information', 'submit-admissibility', 'withdraw', 'request-transfer', 'archive'],
  admissibility_requested: ['mark-incomplete', 'decide-admissibility', 'withdraw', 'archive'],
  admissibility_incomplete: ['complete-file', 'withdraw', 'archive'],
  admissible: ['assign-coach', 'withdraw', 'request-transfer', 'archive'],
  coaching: [
    'log-coaching-session',
    'submit-validation-file',
    'resume',
    'withdraw',
    'request-transfer',
    'archive',
  ],
  abandonment_proposed: ['contest-abandonment', 'withdraw', 'archive'],
  validation_file_submitted: ['schedule-jury', 'withdraw', 'archive'],
  jury_scheduled: ['schedule-jury', 'cancel-jury', 'record-jury-result', 'withdraw', 'archive'],
  jury_held: ['record-jury-result', 'withdraw', 'archive'],
  // Terminal: the workflow completes; what remains (a follow-up candidacy) is a new workflow.
  not_admissible: [],
  admissibility_lapsed: [],
  result: [],
  withdrawn: [],
  abandoned: [],
  archived: [],
};

export function allowedActions(phase: Phase, opts: { transferPending?: boolean } = {}): Action[] {
  const base = [...ALLOWED[phase]];
  if (opts.transferPending && !TERMINAL_PHASES.includes(phase)) {
    return [...base.filter((a) => a !== 'request-transfer'), 'accept-transfer'];
  }
  return base;
}

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

/** French labels for the Temporal UI, e-mails and the API. */
export const PHASE_LABELS_FR: Record<Phase, string> = {
  identified: 'Repéré',
  informed: 'Informé et conseillé',
  admissibility_requested: 'Recevabilité demandée',
  admissibility_incomplete: 'Dossier de recevabilité incomplet',
  admissible: 'Recevable',
  not_admissible: 'Non recevable',
  admissibility_lapsed: 'Demande de recevabilité caduque',
  coaching: 'Accompagnement',
  abandonment_proposed: 'Abandon proposé',
  validation_file_submitted: 'Dossier de validation déposé',
  jury_scheduled: 'Jury programmé',
  jury_held: 'Jury tenu',
  result: 'Résultat notifié',
  withdrawn: 'Retrait du candidat',
  abandoned: 'Abandon',
  archived: 'Archivé',
};
