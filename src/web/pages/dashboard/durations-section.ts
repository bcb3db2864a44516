import type { Indicators } from '../../../app/indicators/compute.js';
import type { DurationOut } from '../../../app/indicators/durations.js';
import { html, type Html } from '../../html.js';
import { table } from '../components.js';
import { ARMS, armColumns } from './arms.js';
import {
  durationUnit,
  formatCount,
  formatDuration,
  formatNumber,
  formatPValue,
  formatPercent,
  formatPhaseQuantile,
} from './format.js';
import { COLOURS, svgChart } from './svg-chart.js';

/** Medians of every phase per arm (a bar chart and its table with 90th percentiles and log-rank). */
export function durationsSection(ind: Indicators): Html {
  const cols = armColumns(ind);
  const segments = cols.overall.durations;
  const medians = ARMS.flatMap((a) => cols[a.key].durations.map((d) => d.median.days ?? 0));
  const unit = durationUnit(Math.max(0, ...medians));
  const median = (d: DurationOut) =>
    d.median.masked || d.median.days === null
      ? {
          value: 0,
          label: { show: true, position: 'right', formatter: d.median.masked ? 'secret' : 'non atteinte' },
        }
      : { value: d.median.days * unit.factor };
  const chart = svgChart(
    {
      legend: { top: 0 },
      grid: { left: 230, right: 70, top: 36, bottom: 36 },
      xAxis: { type: 'value', name: unit.long, nameLocation: 'middle', nameGap: 24 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: segments.map((s) => s.label),
        axisLabel: { width: 220, overflow: 'break' },
      },
      series: ARMS.map((a) => ({
        name: a.label,
        type: 'bar',
        itemStyle: { color: COLOURS[a.key] },
        data: cols[a.key].durations.map(median),
      })),
    },
    {
      title: 'Durée médiane de chaque phase, par groupe (Kaplan–Meier)',
      description: `Diagramme en barres des durées médiennes. ${ARMS.map(
        (a) =>
          `${a.label} : ${cols[a.key].durations.map((d) => `${d.label} ${formatPhaseQuantile(d, 'median')}`).join(', ')}`,
      ).join('. ')}.`,
      height: 460,
    },
  );
  const logRank = new Map(ind.comparison.durations.map((d) => [d.key, d.logRank]));
  return html`<section class="fr-mb-6w" aria-labelledby="durees-titre">
    <h2 id="durees-titre">Durées des phases</h2>
    <p>
      Médianes et 90e centiles de Kaplan–Meier avec leur intervalle de confiance à 95 % : une candidature
      encore dans la phase est censurée à la date du calcul, une candidature sortie du parcours l’est à sa
      sortie. « non atteinte » : la courbe ne descend pas jusque-là (trop de candidatures encore dans la
      phase) ; « — » : aucune candidature du groupe dans la phase.
    </p>
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-lg-6"><figure class="fr-m-0">${chart}</figure></div>
      <div class="fr-col-12 fr-col-lg-6">
        ${table({
          caption: 'Durée médiane de chaque phase, par groupe [IC 95 %]',
          head: ['Phase', 'Groupe test', 'Groupe témoin'],
          rowHeaders: true,
          rows: segments.map((s, k) => [
            s.label,
            formatPhaseQuantile(cols.test.durations[k]!, 'median'),
            formatPhaseQuantile(cols.control.durations[k]!, 'median'),
          ]),
          className: 'fr-table--sm fr-table--multiline pvae-dashboard-durations',
        })}
      </div>
    </div>
    ${table({
      caption: '90e centile de chaque phase, par groupe [IC 95 %], et test du log-rank des deux courbes',
      head: ['Phase', '90e centile test', '90e centile témoin', 'Log-rank (p)'],
      rowHeaders: true,
      rows: segments.map((s, k) => {
        const lr = logRank.get(s.key);
        return [
          s.label,
          formatPhaseQuantile(cols.test.durations[k]!, 'p90'),
          formatPhaseQuantile(cols.control.durations[k]!, 'p90'),
          lr ? formatPValue(lr.pValue, lr.masked) : '—',
        ];
      }),
      className: 'fr-table--sm fr-table--multiline pvae-dashboard-p90',
    })}
  </section>`;
}

/** « 12 (9 franchi, 3 censurées) »: a phase's observations, those through it and those censored. */
export function observed(d: DurationOut): string {
  return `${formatCount(d.observations)} (${formatCount(d.events)} franchi, ${formatCount(d.censored)} censurées)`;
}

/** One Kaplan–Meier chart per phase: the arms' step curves, their summary, the points in a disclosure. */
export function survivalSection(ind: Indicators): Html {
  const cols = armColumns(ind);
  const charts = cols.overall.durations.map((segment, k) => {
    const arms = ARMS.map((a) => ({ ...a, d: cols[a.key].durations[k]! }));
    const maxTime = Math.max(0, ...arms.flatMap((a) => a.d.curve.map((p) => p.time)));
    const unit = durationUnit(maxTime);
    const chart = svgChart(
      {
        legend: { top: 0 },
        grid: { left: 56, right: 24, top: 36, bottom: 48 },
        xAxis: {
          type: 'value',
          name: `${unit.long} depuis le début de la phase`,
          nameLocation: 'middle',
          nameGap: 28,
          min: 0,
        },
        yAxis: {
          type: 'value',
          min: 0,
          max: 1,
          name: 'encore dans la phase',
          axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` },
        },
        ...(arms.every((a) => a.d.curve.length === 0)
          ? {
              title: {
                text: 'Courbes non publiées : effectifs masqués ou nuls',
                left: 'center',
                top: 'middle',
                textStyle: { fontSize: 14, fontWeight: 'normal', color: '#3a3a3a' },
              },
            }
          : {}),
        series: arms
          .filter((a) => a.d.curve.length > 0)
          .map((a) => ({
            name: a.label,
            type: 'line',
            step: 'end',
            showSymbol: false,
            lineStyle: { width: 2, color: COLOURS[a.key] },
            itemStyle: { color: COLOURS[a.key] },
            data: a.d.curve.map((p) => [p.time * unit.factor, p.survival]),
          })),
      },
      {
        title: `Courbes de Kaplan–Meier : ${segment.label}`,
        description: `Courbes en escalier de la part des candidatures encore dans la phase « ${segment.label} », par groupe. ${arms
          .map((a) =>
            a.d.curve.length
              ? `${a.label} : médiane ${formatPhaseQuantile(a.d, 'median')}, ${formatCount(a.d.observations)} candidatures`
              : `${a.label} : courbe non publiée (effectifs masqués ou nuls)`,
          )
          .join('. ')}.`,
        height: 300,
      },
    );
    const points = arms.flatMap((a) =>
      a.d.curve.map((p) => [
        a.label,
        formatDuration(p.time),
        formatPercent(p.survival),
        `[${formatPercent(p.lower)} ; ${formatPercent(p.upper)}]`,
        formatNumber(p.atRisk, 0),
      ]),
    );
    const id = `km-${segment.key}`;
    return html`<div class="fr-mb-4w">
      <h3 id="${id}-titre" class="fr-h5">${segment.label}</h3>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-lg-6"><figure class="fr-m-0">${chart}</figure></div>
        <div class="fr-col-12 fr-col-lg-6">
          ${table({
            caption: `Kaplan–Meier, ${segment.label} : candidatures observées, médiane et 90e centile [IC 95 %]`,
            head: ['Groupe', 'Observées (franchi, censurées)', 'Médiane', '90e centile'],
            rowHeaders: true,
            rows: arms.map((a) => [
              a.label,
              observed(a.d),
              formatPhaseQuantile(a.d, 'median'),
              formatPhaseQuantile(a.d, 'p90'),
            ]),
            className: `fr-table--sm fr-table--multiline pvae-dashboard-km pvae-dashboard-km-${segment.key}`,
          })}
          <details class="fr-mt-2w">
            <summary>
              Points des courbes (un par jour, après le dernier passage du jour, jusqu’à ce qu’il reste moins
              de 5 candidatures à risque)
            </summary>
            ${table({
              caption: `Points des courbes de Kaplan–Meier, ${segment.label}`,
              head: ['Groupe', 'Temps', 'Encore dans la phase', 'IC 95 %', 'À risque'],
              rowHeaders: true,
              rows: points,
              empty: 'Aucun point publié.',
            })}
          </details>
        </div>
      </div>
    </div>`;
  });
  return html`<section class="fr-mb-6w" aria-labelledby="kaplan-meier-titre">
    <h2 id="kaplan-meier-titre">Courbes de Kaplan–Meier par groupe</h2>
    <p>
      Part des candidatures encore dans la phase au fil du temps (courbes en escalier, un point par jour) ;
      les courbes s’arrêtent quand moins de 5 candidatures restent à risque.
    </p>
    ${charts}
  </section>`;
}
