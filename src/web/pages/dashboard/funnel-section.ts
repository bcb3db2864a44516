import type { Indicators } from '../../../app/indicators/compute.js';
import { EXIT_LABELS, EXITS } from '../../../app/indicators/funnel.js';
import { html, type Html } from '../../html.js';
import { table } from '../components.js';
import { ARMS, armColumns } from './arms.js';
import { formatCount, formatPercentInterval, formatPointsInterval, NONE } from './format.js';
import { COLOURS, FONT, svgChart } from './svg-chart.js';

/** The funnel per arm: a bar chart and, beside it, the counts, conversions and the arms' difference. */
export function funnelSection(ind: Indicators): Html {
  const cols = armColumns(ind);
  const steps = cols.overall.funnel.steps;
  const series = ARMS.map((arm) => ({
    name: arm.label,
    type: 'bar',
    itemStyle: { color: COLOURS[arm.key] },
    label: { show: true, position: 'right', fontFamily: FONT },
    data: cols[arm.key].funnel.steps.map((s) =>
      s.reached.masked
        ? { value: 0, label: { show: true, position: 'right', formatter: formatCount(s.reached) } }
        : { value: s.reached.n },
    ),
  }));
  const describe = (arm: (typeof ARMS)[number]) =>
    `${arm.label} : ${cols[arm.key].funnel.steps.map((s) => `${s.label} ${formatCount(s.reached)}`).join(', ')}`;
  const chart = svgChart(
    {
      legend: { top: 0 },
      grid: { left: 190, right: 40, top: 36, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: steps.map((s) => s.label),
        axisLabel: { width: 180, overflow: 'break' },
      },
      series,
    },
    {
      title: 'Entonnoir par groupe : candidatures à chaque étape',
      description: `Diagramme en barres de l’entonnoir. ${ARMS.map(describe).join('. ')}.`,
      height: 420,
    },
  );
  const diff = new Map(ind.comparison.proportions.map((p) => [p.key, p]));
  const counts = steps.map((s, k) => [
    s.label,
    formatCount(s.reached),
    formatCount(cols.test.funnel.steps[k]!.reached),
    formatCount(cols.control.funnel.steps[k]!.reached),
  ]);
  const conversions = steps.slice(1).map((s, i) => {
    const k = i + 1;
    const comparison = diff.get(`conversion.${s.key}`);
    return [
      s.label,
      formatPercentInterval(cols.test.funnel.steps[k]!.conversion!),
      formatPercentInterval(cols.control.funnel.steps[k]!.conversion!),
      comparison ? formatPointsInterval(comparison.difference) : NONE,
    ];
  });
  const exits = table({
    caption: 'Sorties à chaque étape (ensemble du projet) : comment les candidatures l’ont quittée',
    head: ['Étape', ...EXITS.map((e) => EXIT_LABELS[e])],
    rowHeaders: true,
    rows: steps.map((s) => [s.label, ...EXITS.map((e) => formatCount(s.exits[e]))]),
    className: 'fr-table--sm fr-table--multiline pvae-dashboard-exits',
  });
  const admissible = cols.overall.funnel.admissible;
  return html`<section class="fr-mb-6w" aria-labelledby="entonnoir-titre">
    <h2 id="entonnoir-titre">Entonnoir par groupe</h2>
    <p>
      Chaque candidature compte à l’étape la plus avancée qu’elle a atteinte et à toutes les précédentes.
      Recevables sur décision explicite : ${formatCount(admissible.explicit)} ; par silence du certificateur :
      ${formatCount(admissible.implicit)}.
    </p>
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-lg-6"><figure class="fr-m-0">${chart}</figure></div>
      <div class="fr-col-12 fr-col-lg-6">
        ${table({
          caption: 'Entonnoir : candidatures ayant atteint chaque étape',
          head: ['Étape', 'Ensemble', 'Groupe test', 'Groupe témoin'],
          rowHeaders: true,
          rows: counts,
          className: 'fr-table--sm fr-table--multiline pvae-dashboard-funnel',
        })}
      </div>
    </div>
    ${table({
      caption:
        'Conversion depuis l’étape précédente (IC 95 % de Wilson) et écart test − témoin (IC 95 % de Newcombe)',
      head: ['Étape', 'Groupe test', 'Groupe témoin', 'Écart test − témoin'],
      rowHeaders: true,
      rows: conversions,
      className: 'fr-table--sm fr-table--multiline pvae-dashboard-conversion',
    })}
    ${exits}
  </section>`;
}
