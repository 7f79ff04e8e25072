/**
 * Draws a normalised chart over its compiled data with Observable Plot. The same function
 * runs in the browser (the page's document) and in Node (a jsdom document) and, for the same
 * spec, data and options, produces the same markup: ids are renumbered from a stable prefix
 * and theme colours are set as plain attributes.
 */
import { Plot } from './plot.js';
import { prepareChartData, type ChartData, type ChartRow } from './data.js';
import { mapProjection } from './map.js';
import { BOX_GROUP, chartMarks } from './marks.js';
import type { NormalisedChart } from './normalised.js';
import { withPinnedPixelRatio } from './pixel-ratio.js';
import { channelFormats, scaleOptions } from './scales.js';
import { THEMES, type ChartTheme, type ThemeColors } from './theme.js';

export interface RenderOptions {
  /** Pixels; the client passes its container's width and redraws when it changes. */
  width: number;
  height?: number;
  /** Needed outside a browser, e.g. `new JSDOM('').window.document`. */
  document?: Document;
  /** BCP 47 tag for number and date formats; default `en-US`. */
  locale?: string;
  theme?: ChartTheme;
  /**
   * Prefix of the ids inside the chart (clip paths, arrow markers). Charts on one page need
   * different prefixes: pass e.g. the cell id. Default: derived from the spec and size.
   */
  idPrefix?: string;
}

/** The chart as an `<svg>`, or a `<figure>` holding it with its title, legend and caption. */
export function renderChart(spec: NormalisedChart, data: ChartData, opts: RenderOptions): SVGElement | HTMLElement {
  const document = opts.document ?? (globalThis as { document?: Document }).document;
  if (!document) throw new Error('renderChart: no document to draw in; outside a browser, pass opts.document (e.g. from jsdom)');
  if (!Number.isFinite(opts.width) || opts.width < 50) throw new RangeError(`renderChart: width must be at least 50 pixels, got ${opts.width}`);
  const width = Math.round(opts.width);
  const theme = THEMES[opts.theme ?? 'light'];
  const locale = opts.locale ?? 'en-US';
  const rows = withPositions(spec, prepareChartData(data).rows);
  const formats = channelFormats(spec, rows, locale);
  const figure = withPinnedPixelRatio(() => Plot.plot({
    document,
    width,
    ...(opts.height !== undefined ? { height: Math.round(opts.height) } : {}),
    ...scaleOptions(spec, rows, locale, width, theme),
    ...(spec.map !== null ? { projection: mapProjection(spec, rows) } : {}),
    ...(spec.title !== null ? { title: spec.title } : {}),
    ...(spec.subtitle !== null ? { subtitle: spec.subtitle } : {}),
    ...(spec.caption !== null ? { caption: spec.caption } : {}),
    marks: chartMarks({ spec, rows, theme, formats }),
  }));
  roundGeometry(figure);
  renumberIds(figure, opts.idPrefix ?? defaultPrefix(spec, width, opts.height));
  applyTheme(figure, theme);
  return figure;
}

/**
 * Point marks over a binned axis sit at the bin's middle (numbers) or start (times); a box
 * plot without categories gets one group named after its measure.
 */
function withPositions(spec: NormalisedChart, rows: ChartRow[]): ChartRow[] {
  const binned = (['x', 'y'] as const).filter((a) => spec.channels[a]?.bin);
  const lonelyBox = spec.mark === 'box' && spec.axis !== null && !spec.channels[spec.axis];
  if (binned.length === 0 && !lonelyBox) return rows;
  const label = lonelyBox ? spec.channels[spec.axis === 'x' ? 'y' : 'x']!.label : '';
  return rows.map((row) => {
    const out: ChartRow = { ...row };
    for (const a of binned) {
      const lo = row[`${a}1`];
      const hi = row[`${a}2`];
      out[a] = typeof lo === 'number' && typeof hi === 'number' ? (lo + hi) / 2 : (lo ?? null);
    }
    if (lonelyBox) out[BOX_GROUP] = label;
    return out;
  });
}

const GEOMETRY = ['cx', 'cy', 'r', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'dx', 'dy', 'width', 'height', 'transform', 'd', 'points'];

/**
 * Coordinates to a thousandth of a pixel. Engines' Math.sin, Math.log… may differ in the last
 * bits (Node's V8 and a newer Chrome do), which would otherwise change the markup.
 */
function roundGeometry(root: Element): void {
  for (const e of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const name of GEOMETRY) {
      const v = e.getAttribute(name);
      if (v === null || !/\d\.\d{4}/.test(v)) continue;
      e.setAttribute(name, v.replace(/-?\d+\.\d{4,}(e-?\d+)?/g, (n) => String(Math.round(Number(n) * 1000) / 1000)));
    }
  }
}

/**
 * Plot numbers clip paths and markers from a counter shared by the whole page, so the same
 * chart gets other ids on each draw. Renumber them in document order from `prefix`.
 */
function renumberIds(root: Element, prefix: string): void {
  const named = [root, ...Array.from(root.querySelectorAll('[id]'))].filter((e) => e.hasAttribute('id'));
  if (named.length === 0) return;
  const renames = new Map<string, string>();
  named.forEach((e, i) => {
    renames.set(e.getAttribute('id')!, `${prefix}-${i + 1}`);
    e.setAttribute('id', `${prefix}-${i + 1}`);
  });
  const ref = /url\(#([^)]+)\)|^#(.+)$/g;
  for (const e of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const attr of Array.from(e.attributes)) {
      if (!attr.value.includes('#')) continue;
      const next = attr.value.replace(ref, (whole, inUrl: string | undefined, bare: string | undefined) => {
        const renamed = renames.get(inUrl ?? bare ?? '');
        if (renamed === undefined) return whole;
        return inUrl !== undefined ? `url(#${renamed})` : `#${renamed}`;
      });
      if (next !== attr.value) e.setAttribute(attr.name, next);
    }
  }
}

/** Theme colours as attributes (not through CSSOM, which each DOM serialises its own way). */
function applyTheme(root: Element, theme: ThemeColors): void {
  const plots = [root, ...Array.from(root.querySelectorAll('svg'))].filter((e) => /^plot-[0-9a-f]+$/.test(e.getAttribute('class') ?? ''));
  for (const svg of plots) {
    const own = svg === root ? `color: ${theme.text}; ` : '';
    svg.setAttribute('style', `${own}--plot-background: ${theme.background};`);
  }
  if (!plots.includes(root)) {
    const style = root.getAttribute('style');
    root.setAttribute('style', `${style ? `${style.trim()} ` : ''}color: ${theme.text};`);
  }
}

/** A stable id prefix from what the chart is: FNV-1a over the spec and the size. */
function defaultPrefix(spec: NormalisedChart, width: number, height: number | undefined): string {
  const text = `${JSON.stringify(spec)}|${width}|${height ?? ''}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `chart-${h.toString(16).padStart(8, '0')}`;
}
