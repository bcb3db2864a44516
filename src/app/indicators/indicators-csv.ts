import type { Indicators, IndicatorSet } from './compute.js';
import { toCsv, type CsvCell, type CsvSeparator } from './csv.js';
import { EXIT_LABELS, EXITS, type PublishedInterval } from './funnel.js';
import type { PublishedCount, PublishedValue } from './suppression.js';

/**
 * The indicators as one CSV table, one row per figure (a "long" table that a spreadsheet pivots):
 * which group, which indicator, its value, whether it is masked, its 95 % interval and unit. The
 * same masked cells as the JSON (an empty value and `masque` = 1). Kaplan–Meier curves stay in
 * the JSON (their medians and 90th percentiles are here).
 */
export const INDICATOR_CSV_COLUMNS = [
  {
    name: 'dimension',
    type: 'texte',
    description:
      'Dimension de la ventilation : ensemble, arm, operator, public, scope, period, ou comparaison (test − témoin).',
  },
  {
    name: 'groupe',
    type: 'texte',
    description: 'Valeur de la dimension (code) : ensemble, test, control, reinforced…',
  },
  { name: 'groupe_libelle', type: 'texte', description: 'Libellé du groupe, en français.' },
  { name: 'section', type: 'texte', description: 'funnel, durations, waiting, activity, jury, comparison.' },
  {
    name: 'indicateur',
    type: 'texte',
    description: 'Code stable de l’indicateur, par exemple funnel.admissible.reached.',
  },
  { name: 'libelle', type: 'texte', description: 'Ce que mesure l’indicateur, en français.' },
  {
    name: 'valeur',
    type: 'décimal',
    description: 'La valeur ; vide si masquée ou sans objet (aucune observation, médiane non atteinte).',
  },
  {
    name: 'masque',
    type: 'booléen',
    description:
      '1 si la valeur est masquée par le secret statistique (effectif de 1 à 4, ou masquage secondaire), 0 sinon.',
  },
  {
    name: 'ic95_inf',
    type: 'décimal',
    description:
      'Borne inférieure de l’intervalle de confiance à 95 % (Wilson, Newcombe ou Brookmeyer–Crowley), si elle existe.',
  },
  { name: 'ic95_sup', type: 'décimal', description: 'Borne supérieure de l’intervalle de confiance à 95 %.' },
  {
    name: 'unite',
    type: 'texte',
    description: 'personnes, proportion, jours, événements, euros, chi2 ou p.',
  },
] as const;

type Row = [string, string, string, string, string, string, CsvCell, CsvCell, CsvCell, CsvCell, string];

class Rows {
  readonly rows: Row[] = [];
  constructor(
    private readonly group: { dimension: string; key: string; label: string },
    public section: string,
  ) {}

  private push(
    code: string,
    label: string,
    value: CsvCell,
    masked: boolean,
    lower: CsvCell,
    upper: CsvCell,
    unit: string,
  ) {
    this.rows.push([
      this.group.dimension,
      this.group.key,
      this.group.label,
      this.section,
      code,
      label,
      masked ? null : value,
      masked ? 1 : 0,
      masked ? null : lower,
      masked ? null : upper,
      unit,
    ]);
  }

  count(code: string, label: string, c: PublishedCount) {
    this.push(code, label, c.n, c.masked, null, null, 'personnes');
  }

  value(code: string, label: string, v: PublishedValue, unit: string) {
    this.push(code, label, v.value, v.masked, null, null, unit);
  }

  interval(code: string, label: string, i: PublishedInterval, unit: string) {
    this.push(code, label, i.value, i.masked, i.lower, i.upper, unit);
  }

  plain(code: string, label: string, value: number | null, unit: string) {
    this.push(code, label, value, false, null, null, unit);
  }

  quantile(
    code: string,
    label: string,
    q: { days: number | null; lower: number | null; upper: number | null; masked: boolean },
  ) {
    this.push(code, label, q.days, q.masked, q.lower, q.upper, 'jours');
  }
}

function setRows(group: { dimension: string; key: string; label: string }, s: IndicatorSet): Row[] {
  const f = new Rows(group, 'funnel');
  f.count('candidacies', 'Candidatures', s.candidacies);
  for (const step of s.funnel.steps) {
    f.count(`funnel.${step.key}.reached`, `${step.label} : effectif`, step.reached);
    f.value(
      `funnel.${step.key}.share`,
      `${step.label} : part des repérés`,
      step.shareOfIdentified,
      'proportion',
    );
    if (step.conversion) {
      f.interval(
        `funnel.${step.key}.conversion`,
        `${step.label} : conversion depuis l’étape précédente`,
        step.conversion,
        'proportion',
      );
    }
    for (const e of EXITS)
      f.count(`funnel.${step.key}.${e}`, `${step.label} : ${EXIT_LABELS[e]}`, step.exits[e]);
  }
  f.count('funnel.admissible.explicit', 'Recevables sur décision explicite', s.funnel.admissible.explicit);
  f.count(
    'funnel.admissible.implicit',
    'Recevables par silence du certificateur',
    s.funnel.admissible.implicit,
  );
  f.count('funnel.drop_outs', 'Sorties (retrait, abandon, caducité)', s.funnel.dropOuts);
  f.value(
    'funnel.drop_out_share',
    'Part des repérés sortis (retrait, abandon, caducité)',
    s.funnel.dropOutShare,
    'proportion',
  );

  f.section = 'durations';
  const d = f;
  for (const x of s.durations) {
    d.count(`durations.${x.key}.observations`, `${x.label} : candidatures observées`, x.observations);
    d.count(`durations.${x.key}.events`, `${x.label} : étape franchie`, x.events);
    d.count(`durations.${x.key}.censored`, `${x.label} : observations censurées`, x.censored);
    d.quantile(`durations.${x.key}.median`, `${x.label} : médiane (Kaplan–Meier)`, x.median);
    d.quantile(`durations.${x.key}.p90`, `${x.label} : 90e centile (Kaplan–Meier)`, x.p90);
  }

  f.section = 'waiting';
  const w = f;
  w.plain('waiting.candidate_days', 'Attente du candidat, jours cumulés', s.waiting.candidateDays, 'jours');
  w.plain('waiting.operator_days', 'Attente des organismes, jours cumulés', s.waiting.operatorDays, 'jours');
  w.value(
    'waiting.candidate_share',
    'Part de l’attente due au candidat',
    s.waiting.candidateShare,
    'proportion',
  );
  w.value(
    'waiting.candidate_days_per_candidacy',
    'Attente du candidat par candidature',
    s.waiting.candidateDaysPerCandidacy,
    'jours',
  );
  w.value(
    'waiting.operator_days_per_candidacy',
    'Attente des organismes par candidature',
    s.waiting.operatorDaysPerCandidacy,
    'jours',
  );
  for (const p of s.waiting.byPhase) {
    w.plain(
      `waiting.${p.phase}.candidate_days`,
      `${p.label} : attente du candidat, jours cumulés`,
      p.candidateDays,
      'jours',
    );
    w.plain(
      `waiting.${p.phase}.operator_days`,
      `${p.label} : attente des organismes, jours cumulés`,
      p.operatorDays,
      'jours',
    );
  }

  f.section = 'activity';
  const a = f;
  const act = s.activity;
  a.plain(
    'activity.reminders.candidate',
    'Relances du candidat',
    act.reminders.candidate.total,
    'événements',
  );
  a.value(
    'activity.reminders.candidate_per_candidacy',
    'Relances du candidat par candidature',
    act.reminders.candidate.perCandidacy,
    'événements',
  );
  a.plain(
    'activity.reminders.operators',
    'Alertes et rappels aux organismes',
    act.reminders.operators.total,
    'événements',
  );
  a.value(
    'activity.reminders.operators_per_candidacy',
    'Alertes et rappels aux organismes par candidature',
    act.reminders.operators.perCandidacy,
    'événements',
  );
  for (const r of act.reminders.byType)
    a.plain(`activity.reminders.${r.key}`, r.label, r.total, 'événements');
  a.count('activity.decisions', 'Décisions de recevabilité', act.implicitDecisions.decisions);
  a.count(
    'activity.implicit_decisions',
    'Décisions implicites (silence du certificateur)',
    act.implicitDecisions.implicit,
  );
  a.value(
    'activity.implicit_share',
    'Part des décisions implicites',
    act.implicitDecisions.share,
    'proportion',
  );
  a.plain(
    'activity.phase_handoffs',
    'Passages de relais entre organismes le long du parcours',
    act.handoffs.phase.total,
    'événements',
  );
  a.value(
    'activity.phase_handoffs_per_candidacy',
    'Passages de relais par candidature',
    act.handoffs.phase.perCandidacy,
    'événements',
  );
  a.count(
    'activity.transfers_requested',
    'Candidatures dont un transfert a été demandé',
    act.handoffs.transfersRequested,
  );
  a.count(
    'activity.transfers_accepted',
    'Candidatures transférées (transfert accepté)',
    act.handoffs.transfersAccepted,
  );
  a.count(
    'activity.transfers_escalated',
    'Candidatures dont le transfert a été remonté au porteur',
    act.handoffs.transfersEscalated,
  );
  a.count('activity.overdue', 'Candidatures en cours dont l’échéance est dépassée', act.deadlines.overdue);
  a.count(
    'activity.jury_deadline_missed',
    'Candidatures dont le délai de jury a été dépassé',
    act.deadlines.juryDeadlineMissed,
  );

  f.section = 'jury';
  const j = f;
  j.plain('jury.sessions_held', 'Sessions de jury tenues', s.jury.sessionsHeld, 'sessions');
  j.plain('jury.remote_sessions', 'Sessions à distance', s.jury.remoteSessions, 'sessions');
  j.value('jury.remote_share', 'Part des sessions à distance', s.jury.remoteShare, 'proportion');
  j.count('jury.members_mobilised', 'Membres de jury mobilisés', s.jury.membersMobilised);
  j.count('jury.candidates_examined', 'Candidats examinés', s.jury.candidatesExamined);
  j.plain('jury.validated_blocks', 'Blocs validés', s.jury.validatedBlocks, 'blocs');
  j.plain('jury.cost', 'Coût des sessions (part du groupe)', s.jury.costEuros, 'euros');
  j.value('jury.cost_per_session', 'Coût par session', s.jury.costPerSessionEuros, 'euros');
  j.value('jury.cost_per_candidate', 'Coût par candidat examiné', s.jury.costPerCandidateEuros, 'euros');
  j.value(
    'jury.cost_per_validated_block',
    'Coût par bloc validé',
    s.jury.costPerValidatedBlockEuros,
    'euros',
  );
  return f.rows;
}

export function indicatorRows(ind: Indicators): Row[] {
  const rows = setRows({ dimension: 'ensemble', key: 'ensemble', label: 'Ensemble du projet' }, ind.overall);
  for (const g of ind.breakdown?.groups ?? []) {
    rows.push(...setRows({ dimension: ind.breakdown!.dimension, key: g.key, label: g.label }, g.indicators));
  }
  const c = new Rows(
    { dimension: 'comparaison', key: 'test-control', label: 'Groupe test − groupe témoin' },
    'comparison',
  );
  for (const p of ind.comparison.proportions) {
    c.interval(`comparison.${p.key}.test`, `${p.label} : groupe test`, p.test, 'proportion');
    c.interval(`comparison.${p.key}.control`, `${p.label} : groupe témoin`, p.control, 'proportion');
    c.interval(
      `comparison.${p.key}.difference`,
      `${p.label} : écart test − témoin (Newcombe)`,
      p.difference,
      'proportion',
    );
  }
  for (const d of ind.comparison.durations) {
    const masked = d.logRank.masked;
    c.value(
      `comparison.${d.key}.log_rank_chi2`,
      `${d.label} : test du log-rank, khi-deux`,
      { value: d.logRank.chiSquare, masked },
      'chi2',
    );
    c.value(
      `comparison.${d.key}.log_rank_p`,
      `${d.label} : test du log-rank, p`,
      { value: d.logRank.pValue, masked },
      'p',
    );
  }
  rows.push(...c.rows);
  return rows;
}

export function indicatorsCsv(ind: Indicators, separator: CsvSeparator): string {
  return toCsv(
    INDICATOR_CSV_COLUMNS.map((c) => c.name),
    indicatorRows(ind),
    { separator },
  );
}
