import { INADMISSIBILITY_REASON_CODES, MISSING_ITEM_CODES } from '../../../domain/codes.js';
import type { Action } from '../../../domain/phases.js';
import { JOB_SITUATIONS, QUALIFICATION_LEVELS } from '../../../domain/profile.js';
import {
  JURY_CANCELLATION_REASONS,
  TRANSFER_REASON_CODES,
  WITHDRAWAL_REASON_CODES,
} from '../../../domain/reason-codes.js';
import {
  INADMISSIBILITY_REASON_LABELS,
  MISSING_ITEM_LABELS,
  OUTCOME_LABELS,
} from '../../../notifications/labels.js';
import {
  COACHING_MODALITY_LABELS,
  JOB_SITUATION_LABELS,
  JURY_CANCELLATION_LABELS,
  JURY_MODALITY_LABELS,
  qualificationLevelLabel,
  TRANSFER_REASON_LABELS,
  WITHDRAWAL_REASON_LABELS,
} from '../labels.js';
import type { Choice, FormUi } from './schema-form.js';

/**
 * The French face of each action's form: labels, hints and the choices that come from the
 * reference data (certifications and blocks, operators). The fields themselves come from the
 * action's schema (ACTION_BODIES); this only names them.
 */
export interface ActionFormContext {
  /** The certifications of the candidacy's project, with their blocks. */
  certifications: { rncpCode: string; title: string; blocks: { code: string; title: string }[] }[];
  /** The blocks the jury decides on (targeted now), with their titles. */
  targetedBlocks: { code: string; title: string }[];
  /** Coaching operators of the project. */
  coachingOperators: Choice[];
  /** Operators of the project that may receive a transfer (same role as the responsible one). */
  transferTargets: Choice[];
}

export const EMPTY_ACTION_CONTEXT: ActionFormContext = {
  certifications: [],
  targetedBlocks: [],
  coachingOperators: [],
  transferTargets: [],
};

const choices = <K extends string>(codes: readonly K[], labels: Record<K, string>): Choice[] =>
  codes.map((value) => ({ value, label: labels[value] }));

export const QUALIFICATION_CHOICES: Choice[] = QUALIFICATION_LEVELS.map((value) => ({
  value,
  label: qualificationLevelLabel(value),
}));
export const JOB_SITUATION_CHOICES = choices(JOB_SITUATIONS, JOB_SITUATION_LABELS);

export function certificationChoices(ctx: Pick<ActionFormContext, 'certifications'>): Choice[] {
  return ctx.certifications.map((c) => ({ value: c.rncpCode, label: `${c.rncpCode} — ${c.title}` }));
}

export function blockChoices(ctx: Pick<ActionFormContext, 'certifications'>): Choice[] {
  return ctx.certifications.flatMap((c) =>
    c.blocks.map((b) => ({ value: b.code, label: `${b.code} — ${b.title}` })),
  );
}

/** Labels, hints and choices of an action's form. */
export function actionUi(action: Action, ctx: ActionFormContext): FormUi {
  switch (action) {
    case 'record-information':
      return {
        eligibilityChecked: { label: 'J’atteste avoir vérifié l’éligibilité du candidat à la VAE', hint: '' },
        rncpCode: { label: 'Certification visée', choices: certificationChoices(ctx) },
        targetBlocks: {
          label: 'Blocs de compétences visés',
          hint: 'Les blocs de la certification choisie, ou la certification entière.',
          choices: blockChoices(ctx),
          wholeLabel: 'La certification entière (tous ses blocs)',
        },
        profile: { label: 'Profil du candidat' },
        'profile.qualificationLevel': { label: 'Niveau de qualification', choices: QUALIFICATION_CHOICES },
        'profile.jobSituation': { label: 'Situation d’emploi', choices: JOB_SITUATION_CHOICES },
        employer: {
          label: 'Employeur du candidat',
          hint: 'Pour écarter du jury les membres liés à cet employeur.',
        },
      };
    case 'mark-incomplete':
      return {
        missingItems: {
          label: 'Pièces manquantes',
          choices: choices(MISSING_ITEM_CODES, MISSING_ITEM_LABELS),
        },
      };
    case 'decide-admissibility':
      return {
        admissible: { label: 'Décision sur la recevabilité', yesNo: ['Recevable', 'Non recevable'] },
        reasons: {
          label: 'Motifs de non-recevabilité',
          hint: 'Seulement si la demande n’est pas recevable.',
          choices: choices(INADMISSIBILITY_REASON_CODES, INADMISSIBILITY_REASON_LABELS),
        },
      };
    case 'assign-coach':
      return {
        coachOperatorId: { label: 'Opérateur d’accompagnement', choices: ctx.coachingOperators },
      };
    case 'log-coaching-session':
      return {
        date: { label: 'Date et heure de la séance' },
        durationMinutes: { label: 'Durée de la séance, en minutes' },
        modality: {
          label: 'Modalité de la séance',
          choices: choices(['on_site', 'remote', 'phone'] as const, COACHING_MODALITY_LABELS),
        },
      };
    case 'schedule-jury':
      return {
        sessionAt: { label: 'Date et heure de la session de jury' },
        modality: {
          label: 'Modalité de la session',
          choices: choices(['on_site', 'remote'] as const, JURY_MODALITY_LABELS),
        },
        place: {
          label: 'Lieu de la session',
          hint: 'Adresse du centre d’examen ou lien de la salle virtuelle, sur une ligne.',
        },
      };
    case 'cancel-jury':
      return {
        reason: {
          label: 'Motif de l’annulation',
          choices: choices(JURY_CANCELLATION_REASONS, JURY_CANCELLATION_LABELS),
        },
      };
    case 'record-jury-result':
      return {
        outcome: {
          label: 'Résultat du jury',
          choices: Object.entries(OUTCOME_LABELS).map(([value, label]) => ({ value, label })),
        },
        blocks: {
          label: 'Décision sur chaque bloc présenté',
          hint: 'Cochez les blocs validés par le jury (aucun pour un candidat absent ou excusé).',
          rows: ctx.targetedBlocks.map((b) => ({ value: b.code, label: `${b.code} — ${b.title}` })),
          rowKey: 'code',
        },
        'blocks.validated': { label: 'Bloc validé' },
      };
    case 'withdraw':
      return {
        reason: {
          label: 'Motif du retrait',
          choices: choices(WITHDRAWAL_REASON_CODES, WITHDRAWAL_REASON_LABELS),
        },
      };
    case 'request-transfer':
      return {
        toOperatorId: { label: 'Organisme destinataire', choices: ctx.transferTargets },
        reason: {
          label: 'Motif du transfert',
          choices: choices(TRANSFER_REASON_CODES, TRANSFER_REASON_LABELS),
        },
      };
    case 'submit-admissibility':
    case 'complete-file':
    case 'submit-validation-file':
    case 'accept-transfer':
    case 'resume':
    case 'contest-abandonment':
    case 'archive':
      return {};
  }
}

/** The submit button of an action: a verb. */
export const ACTION_BUTTONS: Record<Action, string> = {
  'record-information': 'Enregistrer l’information et le conseil',
  'submit-admissibility': 'Déposer la demande de recevabilité',
  'mark-incomplete': 'Déclarer le dossier incomplet',
  'complete-file': 'Signaler le dossier complété',
  'decide-admissibility': 'Enregistrer la décision',
  'assign-coach': 'Confier l’accompagnement',
  'log-coaching-session': 'Enregistrer la séance',
  'submit-validation-file': 'Déposer le dossier de validation',
  'schedule-jury': 'Programmer la session',
  'cancel-jury': 'Annuler la convocation',
  'record-jury-result': 'Enregistrer le résultat',
  withdraw: 'Enregistrer le retrait',
  'request-transfer': 'Demander le transfert',
  'accept-transfer': 'Accepter le transfert',
  resume: 'Enregistrer la reprise',
  'contest-abandonment': 'Contester l’abandon',
  archive: 'Archiver la candidature',
};

/** Actions that close a path or cannot be undone: shown with a secondary button, apart. */
export const WEIGHTY_ACTIONS: readonly Action[] = ['withdraw', 'archive', 'cancel-jury'];
