import type { Indicators, IndicatorSet } from '../../../app/indicators/compute.js';
import type { PublishedValue } from '../../../app/indicators/suppression.js';
import { html, type Html } from '../../html.js';
import { table } from '../components.js';
import { armColumns } from './arms.js';
import { durationUnit, formatCount, formatDuration, formatPerCandidacy, formatShare } from './format.js';
import { COLOURS, svgChart } from './svg-chart.js';

const COLUMNS = ['overall', 'test', 'control'] as const;
const COLUMN_LABELS = { overall: 'Ensemble', test: 'Groupe test', control: 'Groupe témoin' };

const days = (v: PublishedValue) => (v.masked ? 'secret' : v.value === null ? '—' : formatDuration(v.value));

/** Waiting on the candidate against waiting on operators (chart and table), then reminders and hand-offs. */
export function followUpSection(ind: Indicators): Html {
  const cols = armColumns(ind);
  const values = COLUMNS.flatMap((c) => [
    cols[c].waiting.candidateDaysPerCandidacy.value ?? 0,
    cols[c].waiting.operatorDaysPerCandidacy.value ?? 0,
  ]);
  const unit = durationUnit(Math.max(0, ...values));
  const bar = (v: PublishedValue) =>
    v.masked
      ? { value: 0, label: { show: true, formatter: 'secret', position: 'right' } }
      : { value: (v.value ?? 0) * unit.factor };
  const chart = svgChart(
    {
      legend: { top: 0 },
      grid: { left: 110, right: 60, top: 36, bottom: 40 },
      xAxis: { type: 'value', name: `${unit.long} par candidature`, nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'category', inverse: true, data: COLUMNS.map((c) => COLUMN_LABELS[c]) },
      series: [
        {
          name: 'Attente du candidat',
          type: 'bar',
          stack: 'attente',
          itemStyle: { color: COLOURS.candidate },
          data: COLUMNS.map((c) => bar(cols[c].waiting.candidateDaysPerCandidacy)),
        },
        {
          name: 'Attente des organismes',
          type: 'bar',
          stack: 'attente',
          itemStyle: { color: COLOURS.operators },
          data: COLUMNS.map((c) => bar(cols[c].waiting.operatorDaysPerCandidacy)),
        },
      ],
    },
    {
      title: 'Attente du candidat et attente des organismes, par candidature',
      description: `Barres empilées du temps d’attente moyen par candidature. ${COLUMNS.map(
        (c) =>
          `${COLUMN_LABELS[c]} : candidat ${days(cols[c].waiting.candidateDaysPerCandidacy)}, organismes ${days(cols[c].waiting.operatorDaysPerCandidacy)}`,
      ).join('. ')}.`,
      height: 260,
    },
  );
  const row = (label: string, cell: (s: IndicatorSet) => string) => [
    label,
    ...COLUMNS.map((c) => cell(cols[c])),
  ];
  return html`<section class="fr-mb-6w" aria-labelledby="attente-titre">
    <h2 id="attente-titre">Attente du candidat et des organismes, relances, relais</h2>
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-lg-6"><figure class="fr-m-0">${chart}</figure></div>
      <div class="fr-col-12 fr-col-lg-6">
        ${table({
          caption: 'Attente moyenne par candidature, selon qui doit agir (journal : « en attente de »)',
          head: ['Groupe', 'Attente du candidat', 'Attente des organismes', 'Part due au candidat'],
          rowHeaders: true,
          rows: COLUMNS.map((c) => [
            COLUMN_LABELS[c],
            days(cols[c].waiting.candidateDaysPerCandidacy),
            days(cols[c].waiting.operatorDaysPerCandidacy),
            formatShare(cols[c].waiting.candidateShare),
          ]),
          className: 'fr-table--sm fr-table--multiline pvae-dashboard-waiting',
        })}
      </div>
    </div>
    ${table({
      caption: 'Relances, décisions implicites, passages de relais et échéances',
      head: ['Indicateur', ...COLUMNS.map((c) => COLUMN_LABELS[c])],
      rowHeaders: true,
      rows: [
        row('Relances du candidat par candidature', (s) =>
          formatPerCandidacy(s.activity.reminders.candidate.perCandidacy),
        ),
        row('Alertes et rappels aux organismes par candidature', (s) =>
          formatPerCandidacy(s.activity.reminders.operators.perCandidacy),
        ),
        row('Décisions de recevabilité', (s) => formatCount(s.activity.implicitDecisions.decisions)),
        row('Décisions implicites (silence du certificateur)', (s) =>
          formatCount(s.activity.implicitDecisions.implicit),
        ),
        row('Part des décisions implicites', (s) => formatShare(s.activity.implicitDecisions.share)),
        row('Passages de relais par candidature', (s) =>
          formatPerCandidacy(s.activity.handoffs.phase.perCandidacy),
        ),
        row('Candidatures dont un transfert a été demandé', (s) =>
          formatCount(s.activity.handoffs.transfersRequested),
        ),
        row('Candidatures en cours à l’échéance dépassée', (s) => formatCount(s.activity.deadlines.overdue)),
        row('Candidatures au délai de jury dépassé', (s) =>
          formatCount(s.activity.deadlines.juryDeadlineMissed),
        ),
      ],
      className: 'fr-table--sm fr-table--multiline pvae-dashboard-activity',
    })}
  </section>`;
}
