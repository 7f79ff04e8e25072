/**
 * Chart cells in a briefing, drawn with the same `renderChart` as the app, in a jsdom
 * document, over the marks their run stored. No I/O; the shared jsdom window only.
 */
import type { Table } from 'apache-arrow';
import {
  normaliseChart, parseChartSpec, prepareChartData, renderChart,
  type ChartColumn, type ChartData, type NormalisedChart,
} from '../../core/chart/index.js';
import { exportWindow } from './dom.js';
import type { FigureEvidence } from './briefing.js';
import { FIGURE_WIDTH } from './run-notebook.js';

export { FIGURE_WIDTH };

/**
 * The figure for a chart cell: its spec (`source`, the cell's JSON) resolved against the
 * columns of the chart's source, drawn over the stored marks. A spec that no longer fits
 * its source gives `{problem}` naming the option, as the app shows it.
 */
export function chartFigure(
  source: string,
  sourceColumns: readonly ChartColumn[],
  marks: Table,
  idPrefix: string,
  note: string,
): FigureEvidence | { problem: string } {
  let normalised;
  try {
    normalised = normaliseChart(parseChartSpec(source), sourceColumns);
  } catch (e) {
    return { problem: `chart: ${(e as Error).message}` };
  }
  if (!normalised.ok) return { problem: `chart: ${normalised.errors.map((e) => e.message).join('; ')}` };
  return { ...drawFigure(normalised.spec, marks, idPrefix, prepareChartData(marks).summarised), note };
}

/**
 * Draws the chart as the app would, at the briefing's width; `idPrefix` must be unique in the
 * page. Title and caption move to the numbered caption the briefing writes under it.
 */
export function drawFigure(spec: NormalisedChart, data: ChartData, idPrefix: string, summarised: number | null): FigureEvidence {
  const window = exportWindow();
  const el = renderChart({ ...spec, title: null, caption: null }, data, { width: FIGURE_WIDTH, document: window.document, idPrefix, theme: 'light' });
  const plot = isPlotSvg(el) ? el : Array.from(el.querySelectorAll('svg')).find(isPlotSvg);
  const svg = plot ? `<?xml version="1.0" encoding="UTF-8"?>\n${new window.XMLSerializer().serializeToString(plot)}\n` : '';
  return {
    html: el.outerHTML,
    svg,
    note: '',
    summarised,
    ...(spec.title !== null ? { title: spec.title } : {}),
    ...(spec.caption !== null ? { caption: spec.caption } : {}),
  };
}

function isPlotSvg(el: Element): boolean {
  return el.tagName.toLowerCase() === 'svg' && /^plot-[0-9a-f]+$/.test(el.getAttribute('class') ?? '');
}
