import type { Indicators, IndicatorSet } from '../../../app/indicators/compute.js';
import type { PublishedValue } from '../../../app/indicators/suppression.js';
import { html, type Html } from '../../html.js';
import { table } from '../components.js';
import { armColumns } from './arms.js';
import { formatCount, formatEuros, formatNumber, formatShare } from './format.js';
import { COLOURS, svgChart } from './svg-chart.js';

const COLUMNS = ['overall', 'test', 'control'] as const;
const COLUMN_LABELS = { overall: 'Ensemble', test: 'Groupe test', control: 'Groupe témoin' };
const COLOUR = { overall: '#3a3a3a', test: COLOURS.test, control: COLOURS.control };

const COSTS = [
  { label: 'Par session', get: (s: IndicatorSet) => s.jury.costPerSessionEuros },
  { label: 'Par candidat examiné', get: (s: IndicatorSet) => s.jury.costPerCandidateEuros },
  { label: 'Par bloc validé', get: (s: IndicatorSet) => s.jury.costPerValidatedBlockEuros },
];

/** The jury's sessions and costs per arm (cost chart and table). */
export function jurySection(ind: Indicators): Html {
  const cols = armColumns(ind);
  const bar = (v: PublishedValue) =>
    v.masked || v.value === null
      ? { value: 0, label: { show: true, position: 'top', formatter: v.masked ? 'secret' : '—' } }
      : { value: v.value };
  const chart = svgChart(
    {
      legend: { top: 0 },
      grid: { left: 64, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: COSTS.map((c) => c.label) },
      yAxis: { type: 'value', name: 'euros' },
      series: COLUMNS.map((c) => ({
        name: COLUMN_LABELS[c],
        type: 'bar',
        itemStyle: { color: COLOUR[c] },
        data: COSTS.map((k) => bar(k.get(cols[c]))),
      })),
    },
    {
      title: 'Coût des jurys par session, par candidat examiné et par bloc validé',
      description: `Diagramme en barres des coûts des jurys. ${COLUMNS.map(
        (c) =>
          `${COLUMN_LABELS[c]} : ${COSTS.map((k) => `${k.label.toLowerCase()} ${formatEuros(k.get(cols[c]))}`).join(', ')}`,
      ).join('. ')}.`,
      height: 320,
    },
  );
  const row = (label: string, cell: (s: IndicatorSet) => string) => [
    label,
    ...COLUMNS.map((c) => cell(cols[c])),
  ];
  return html`<section class="fr-mb-6w" aria-labelledby="jurys-titre">
    <h2 id="jurys-titre">Jurys et coûts</h2>
    <p>
      Sessions tenues où des candidatures du groupe étaient convoquées ; le coût d’une session (honoraires et
      déplacements des membres qui ont siégé) est réparti entre les groupes selon leurs candidats convoqués.
    </p>
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-lg-6"><figure class="fr-m-0">${chart}</figure></div>
      <div class="fr-col-12 fr-col-lg-6">
        ${table({
          caption: 'Sessions de jury, membres mobilisés et coûts, par groupe',
          head: ['Indicateur', ...COLUMNS.map((c) => COLUMN_LABELS[c])],
          rowHeaders: true,
          rows: [
            row('Sessions tenues', (s) => formatNumber(s.jury.sessionsHeld, 0)),
            row('Part des sessions à distance', (s) => formatShare(s.jury.remoteShare)),
            row('Membres de jury mobilisés', (s) => formatCount(s.jury.membersMobilised)),
            row('Candidats examinés', (s) => formatCount(s.jury.candidatesExamined)),
            row('Blocs validés', (s) => formatNumber(s.jury.validatedBlocks, 0)),
            row('Coût des sessions (part du groupe)', (s) => formatEuros(s.jury.costEuros)),
            ...COSTS.map((k) => row(`Coût ${k.label.toLowerCase()}`, (s) => formatEuros(k.get(s)))),
          ],
          className: 'fr-table--sm fr-table--multiline pvae-dashboard-jury',
        })}
      </div>
    </div>
  </section>`;
}
