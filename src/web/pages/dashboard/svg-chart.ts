import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { escapeText, raw, type Html } from '../../html.js';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

/** Colours of the DSFR palette, readable on white: the two arms, then the two kinds of waiting. */
export const COLOURS = { test: '#000091', control: '#b34000', candidate: '#18753c', operators: '#6a6af4' };

export const FONT = 'Marianne, arial, sans-serif';

/**
 * An ECharts chart rendered to SVG on the server (no DOM, no script sent), as an image for
 * assistive technologies: `role="img"`, an `aria-label` that says what it shows, a `<title>`.
 * Its numbers are in the table beside it. The SVG scales to its column (viewBox kept).
 */
export function svgChart(
  option: echarts.EChartsCoreOption,
  o: { title: string; description: string; width?: number; height?: number },
): Html {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: '#3a3a3a' }, ...option });
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error('svgChart: ECharts gave no <svg>');
  const attributes = open[0]
    .replace(/\swidth="[^"]*"/, '')
    .replace(/\sheight="[^"]*"/, '')
    .replace(
      /^<svg\b/,
      `<svg role="img" aria-label="${escapeText(o.description)}" focusable="false" style="width:100%;height:auto;display:block" preserveAspectRatio="xMidYMid meet"`,
    );
  return raw(`${attributes}<title>${escapeText(o.title)}</title>${svg.slice(open[0].length)}`);
}
