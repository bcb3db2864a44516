import { JOB_SITUATIONS, QUALIFICATION_LEVELS } from '../../domain/profile.js';
import { PHASE_LABELS_FR, PHASES } from '../../domain/phases.js';
import { AGE_BAND_LABELS, AGE_BANDS, type AgeBand } from './age-band.js';
import { ARM_LABELS, SCOPE_LABELS } from './breakdowns.js';
import type { CsvCell } from './csv.js';
import {
  EXIT_LABELS,
  EXITS,
  FUNNEL_STEP_LABELS,
  FUNNEL_STEPS,
  type Exit,
  type FunnelStep,
} from './funnel.js';
import { INDICATOR_CSV_COLUMNS } from './indicators-csv.js';

/**
 * The data dictionary of the evaluators' export: every column, its type, its French description
 * and its allowed values. The export is written from these definitions (each column reads its
 * value here), so the dictionary cannot forget a column.
 */

/** One candidacy of the export: no name, contact, employer, birth year or identifier. */
export interface ExportRecord {
  pseudonym: string;
  arm: string;
  reinforced: boolean;
  scope: string;
  rncpCode: string;
  adviceOperator: string;
  ageBand: AgeBand;
  qualificationLevel: string;
  jobSituation: string;
  identificationMonth: string;
  furthestStep: FunnelStep;
  phase: string;
  exit: Exit;
  admissibility:
    'explicit_admissible' | 'implicit_admissible' | 'explicit_rejected' | 'implicit_rejected' | null;
  juryOutcome: string | null;
  juryRemote: boolean | null;
  targetedBlocks: number;
  validatedBlocks: number;
  certificationObtained: boolean;
  /** Days from identification (two decimals); null when not reached. */
  days: {
    informed: number | null;
    requested: number | null;
    decided: number | null;
    coachAssigned: number | null;
    validationFile: number | null;
    presented: number | null;
    closed: number | null;
  };
  /** Days observed: to the close, or to the extraction while open. */
  observedDays: number;
  candidateWaitingDays: number;
  operatorWaitingDays: number;
  candidateReminders: number;
  operatorReminders: number;
  phaseHandoffs: number;
  transfers: number;
}

export type ColumnType = 'texte' | 'entier' | 'décimal' | 'booléen' | 'mois';

export interface ExportColumn {
  name: string;
  type: ColumnType;
  description: string;
  /** The allowed values of a coded column, each with its meaning. */
  values?: { value: string; label: string }[];
  unit?: string;
  value: (r: ExportRecord) => CsvCell;
}

const coded = (labels: Record<string, string>, keys: readonly string[] = Object.keys(labels)) =>
  keys.map((value) => ({ value, label: labels[value] ?? value }));

const BOOLEAN = [
  { value: '1', label: 'oui' },
  { value: '0', label: 'non' },
];

const QUALIFICATION_LABELS: Record<string, string> = {
  none: 'sans qualification',
  level3: 'niveau 3 (CAP, BEP)',
  level4: 'niveau 4 (baccalauréat)',
  level5: 'niveau 5 (bac + 2)',
  level6: 'niveau 6 (licence, bachelor)',
  level7: 'niveau 7 (master)',
  level8: 'niveau 8 (doctorat)',
};

const JOB_LABELS: Record<string, string> = {
  employed: 'en emploi',
  employed_job_threatened: 'en emploi, emploi menacé (mutation économique ou technologique)',
  job_seeker: 'demandeur d’emploi',
  self_employed: 'indépendant',
  inactive: 'inactif',
};

const ADMISSIBILITY_LABELS: Record<string, string> = {
  explicit_admissible: 'recevable sur décision du certificateur',
  implicit_admissible: 'recevable par le silence du certificateur (L. 6412-2)',
  explicit_rejected: 'non recevable sur décision du certificateur',
  implicit_rejected: 'non recevable par le silence (règle de la certification)',
};

const OUTCOME_LABELS: Record<string, string> = {
  full: 'validation totale des blocs visés',
  partial: 'validation partielle',
  refused: 'refus',
  absent: 'absent',
  excused: 'excusé (à reconvoquer)',
};

const day = (description: string, get: (r: ExportRecord) => number | null): ExportColumn => ({
  name: '',
  type: 'décimal',
  unit: 'jours',
  description: `${description} : jours écoulés depuis le repérage (2 décimales) ; vide si l’étape n’a pas été atteinte.`,
  value: get,
});

export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  {
    name: 'pseudonyme',
    type: 'texte',
    description:
      'Pseudonyme stable de la candidature : empreinte HMAC-SHA-256 de son identifiant sous la clé secrète du projet : « P » suivi de 16 caractères base64url. Le même d’un export à l’autre du projet ; ne se relie à aucun autre projet ni à l’identifiant.',
    value: (r) => r.pseudonym,
  },
  {
    name: 'groupe',
    type: 'texte',
    description: 'Groupe de l’expérimentation attribué à la candidature.',
    values: coded(ARM_LABELS),
    value: (r) => r.arm,
  },
  {
    name: 'accompagnement_renforce',
    type: 'booléen',
    description:
      'Public de l’accompagnement renforcé (peu ou pas qualifié, ou emploi menacé), strate de la randomisation.',
    values: BOOLEAN,
    value: (r) => r.reinforced,
  },
  {
    name: 'perimetre',
    type: 'texte',
    description:
      'Périmètre visé, strate de la randomisation : un bloc, plusieurs blocs, la certification entière.',
    values: coded(SCOPE_LABELS),
    value: (r) => r.scope,
  },
  {
    name: 'certification_rncp',
    type: 'texte',
    description: 'Code RNCP de la certification visée (répertoire national, public).',
    value: (r) => r.rncpCode,
  },
  {
    name: 'organisme_conseil',
    type: 'texte',
    description:
      'Organisme d’information et conseil en charge de la candidature (une organisation, pas une personne).',
    value: (r) => r.adviceOperator,
  },
  {
    name: 'tranche_age',
    type: 'texte',
    description:
      'Âge atteint dans l’année du repérage (année − année de naissance), par tranche ; l’année de naissance n’est pas exportée.',
    values: coded(AGE_BAND_LABELS, AGE_BANDS),
    value: (r) => r.ageBand,
  },
  {
    name: 'niveau_qualification',
    type: 'texte',
    description: 'Niveau de qualification du candidat (cadre national des certifications).',
    values: coded(QUALIFICATION_LABELS, QUALIFICATION_LEVELS),
    value: (r) => r.qualificationLevel,
  },
  {
    name: 'situation_emploi',
    type: 'texte',
    description: 'Situation d’emploi du candidat.',
    values: coded(JOB_LABELS, JOB_SITUATIONS),
    value: (r) => r.jobSituation,
  },
  {
    name: 'mois_reperage',
    type: 'mois',
    description:
      'Mois du repérage (AAAA-MM, heure de Paris) ; les dates suivantes sont données en jours depuis le repérage.',
    value: (r) => r.identificationMonth,
  },
  {
    name: 'etape_atteinte',
    type: 'texte',
    description: 'Étape la plus avancée atteinte dans l’entonnoir des indicateurs.',
    values: coded(FUNNEL_STEP_LABELS, FUNNEL_STEPS),
    value: (r) => r.furthestStep,
  },
  {
    name: 'phase_actuelle',
    type: 'texte',
    description: 'Phase de la candidature à la date de l’export.',
    values: coded(PHASE_LABELS_FR, PHASES),
    value: (r) => r.phase,
  },
  {
    name: 'statut',
    type: 'texte',
    description: 'Comment la candidature a quitté son étape la plus avancée, ou qu’elle y est encore.',
    values: coded(EXIT_LABELS, EXITS),
    value: (r) => r.exit,
  },
  {
    name: 'recevabilite',
    type: 'texte',
    description: 'Décision de recevabilité ; vide sans décision.',
    values: coded(ADMISSIBILITY_LABELS),
    value: (r) => r.admissibility,
  },
  {
    name: 'resultat_jury',
    type: 'texte',
    description: 'Dernier résultat du jury ; vide sans résultat.',
    values: coded(OUTCOME_LABELS),
    value: (r) => r.juryOutcome,
  },
  {
    name: 'jury_a_distance',
    type: 'booléen',
    description:
      'Dernière session de jury programmée à distance (1) ou sur place (0) ; vide sans jury programmé.',
    values: BOOLEAN,
    value: (r) => r.juryRemote,
  },
  {
    name: 'blocs_vises',
    type: 'entier',
    description: 'Nombre de blocs de compétences visés.',
    value: (r) => r.targetedBlocks,
  },
  {
    name: 'blocs_valides',
    type: 'entier',
    description: 'Nombre de blocs validés par le jury dans cette candidature.',
    value: (r) => r.validatedBlocks,
  },
  {
    name: 'certification_obtenue',
    type: 'booléen',
    description:
      'La personne détient désormais tous les blocs de la certification (cette candidature et les précédentes).',
    values: BOOLEAN,
    value: (r) => r.certificationObtained,
  },
  { ...day('Information et conseil', (r) => r.days.informed), name: 'jours_information' },
  { ...day('Demande de recevabilité', (r) => r.days.requested), name: 'jours_demande_recevabilite' },
  { ...day('Décision de recevabilité', (r) => r.days.decided), name: 'jours_decision_recevabilite' },
  { ...day('Accompagnateur désigné', (r) => r.days.coachAssigned), name: 'jours_accompagnement' },
  { ...day('Dossier de validation déposé', (r) => r.days.validationFile), name: 'jours_dossier_validation' },
  { ...day('Passage devant le jury (candidat examiné)', (r) => r.days.presented), name: 'jours_jury' },
  { ...day('Clôture de la candidature', (r) => r.days.closed), name: 'jours_cloture' },
  {
    name: 'jours_observes',
    type: 'décimal',
    unit: 'jours',
    description:
      'Durée d’observation depuis le repérage : jusqu’à la clôture, ou jusqu’à la date de l’export pour une candidature en cours (censure à droite).',
    value: (r) => r.observedDays,
  },
  {
    name: 'jours_attente_candidat',
    type: 'décimal',
    unit: 'jours',
    description:
      'Temps passé à attendre le candidat (dossier à compléter, à rédiger, réponse à une relance, jury).',
    value: (r) => r.candidateWaitingDays,
  },
  {
    name: 'jours_attente_organismes',
    type: 'décimal',
    unit: 'jours',
    description:
      'Temps passé à attendre un organisme (conseil, décision du certificateur, accompagnateur, jury à programmer).',
    value: (r) => r.operatorWaitingDays,
  },
  {
    name: 'relances_candidat',
    type: 'entier',
    description: 'Relances adressées au candidat (dossier incomplet, inactivité, rappel du jury).',
    value: (r) => r.candidateReminders,
  },
  {
    name: 'relances_organismes',
    type: 'entier',
    description:
      'Alertes et rappels adressés au certificateur (délai de recevabilité, jury à programmer, résultat à saisir).',
    value: (r) => r.operatorReminders,
  },
  {
    name: 'passages_relais',
    type: 'entier',
    description: 'Passages de relais entre organismes le long du parcours.',
    value: (r) => r.phaseHandoffs,
  },
  {
    name: 'transferts',
    type: 'entier',
    description: 'Transferts demandés vers un autre organisme.',
    value: (r) => r.transfers,
  },
];

export interface DictionaryEntry {
  name: string;
  type: ColumnType;
  description: string;
  unit: string | null;
  values: { value: string; label: string }[] | null;
}

export interface Dictionary {
  export: { description: string; columns: DictionaryEntry[] };
  indicators: { description: string; columns: { name: string; type: string; description: string }[] };
}

export function dataDictionary(): Dictionary {
  return {
    export: {
      description:
        'Export pseudonymisé, une ligne par candidature, pour les évaluateurs : ni nom, ni adresse électronique, ni téléphone, ni employeur, ni année de naissance, ni identifiant de candidature, de candidat ou d’utilisateur. CSV RFC 4180, UTF-8 avec BOM ; variante « ; » à virgule décimale. Les booléens valent 1 ou 0, une valeur absente est vide.',
      columns: EXPORT_COLUMNS.map((c) => ({
        name: c.name,
        type: c.type,
        description: c.description,
        unit: c.unit ?? null,
        values: c.values ?? null,
      })),
    },
    indicators: {
      description:
        'Indicateurs agrégés (GET /api/indicators?format=csv), une ligne par valeur ; tout effectif de 1 à 4 personnes y est masqué.',
      columns: INDICATOR_CSV_COLUMNS.map((c) => ({ name: c.name, type: c.type, description: c.description })),
    },
  };
}

export const DICTIONARY_CSV_HEADER = ['fichier', 'colonne', 'type', 'unite', 'description', 'valeurs'];

export function dictionaryRows(d: Dictionary): CsvCell[][] {
  return [
    ...d.export.columns.map((c) => [
      'export',
      c.name,
      c.type,
      c.unit,
      c.description,
      c.values?.map((v) => `${v.value} = ${v.label}`).join(' | ') ?? null,
    ]),
    ...d.indicators.columns.map((c) => ['indicateurs', c.name, c.type, null, c.description, null]),
  ];
}
