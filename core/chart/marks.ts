/**
 * The Plot marks for each chart mark, reading the compiled data's channel-named columns
 * (see compile.ts). Every mark gets a tooltip whose values use the locale's formats.
 */
import { Plot } from './plot.js';
import type { ChartRow } from './data.js';
import type { Formatter } from './format.js';
import { mapMarks } from './map.js';
import type { NormalisedChart } from './normalised.js';
import type { Channel } from './spec-types.js';
import type { ThemeColors } from './theme.js';

export interface MarkContext {
  spec: NormalisedChart;
  rows: ChartRow[];
  theme: ThemeColors;
  /** Tooltip and text formats per channel. */
  formats: Partial<Record<Channel, Formatter>>;
}

/** The marks drawing `ctx.spec` over `ctx.rows`. */
export function chartMarks(ctx: MarkContext): Plot.Markish[] {
  const { spec } = ctx;
  switch (spec.mark) {
    case 'bar':
      return bars(ctx);
    case 'line':
    case 'area':
      return lines(ctx);
    case 'dot':
      return [Plot.dot(ctx.rows, {
        ...POSITION, ...facets(ctx), r: spec.channels.size ? 'size' : spec.kind === 'sample' ? 2.5 : 3,
        fill: fill(ctx), fillOpacity: spec.kind === 'sample' ? 0.6 : 0.8, tip: tip(ctx),
      })];
    case 'cell':
      return [cells(ctx)];
    case 'tick':
    case 'rule':
      return [along(ctx)];
    case 'text': {
      const format = ctx.formats.text ?? String;
      return [Plot.text(ctx.rows, {
        ...POSITION, ...facets(ctx), text: (d: ChartRow) => format(d['text']), fill: spec.channels.color ? 'color' : 'currentColor', tip: tip(ctx),
      })];
    }
    case 'box':
      return boxes(ctx);
    case 'map-points':
    case 'map-links':
      return mapMarks(ctx.spec, ctx.rows, ctx.theme, tip(ctx));
  }
}

function bars(ctx: MarkContext): Plot.Markish[] {
  const { spec, rows } = ctx;
  const binned = spec.channels[spec.axis!]!.bin !== null;
  const common = { ...facets(ctx), fill: fill(ctx), tip: tip(ctx) };
  if (spec.axis === 'x') {
    const mark = binned
      ? Plot.rectY(rows, { x1: 'x1', x2: 'x2', y: 'y', inset: 0.5, ...common })
      : Plot.barY(rows, { x: 'x', y: 'y', ...common });
    return [mark, Plot.ruleY([0])];
  }
  const mark = binned
    ? Plot.rectX(rows, { y1: 'y1', y2: 'y2', x: 'x', inset: 0.5, ...common })
    : Plot.barX(rows, { y: 'y', x: 'x', ...common });
  return [mark, Plot.ruleX([0])];
}

function lines(ctx: MarkContext): Plot.Markish[] {
  const { spec, rows, theme } = ctx;
  const series = spec.channels.color ? { z: 'color', stroke: 'color' } : { stroke: theme.accent };
  const line = Plot.lineY(rows, { x: 'x', y: 'y', ...series, ...facets(ctx), tip: tip(ctx) });
  if (spec.mark === 'line') return [line];
  const areaFill = spec.channels.color ? { z: 'color', fill: 'color' } : { fill: theme.accent };
  // Grouped series share their x values and stack; M4 and raw points do not, so they overlap.
  if (spec.kind === 'aggregate' || spec.kind === 'bins') {
    return [Plot.areaY(rows, { x: 'x', y: 'y', ...areaFill, fillOpacity: 0.85, ...facets(ctx), tip: tip(ctx) }), Plot.ruleY([0])];
  }
  return [Plot.areaY(rows, { x: 'x', y1: 0, y2: 'y', ...areaFill, fillOpacity: 0.3, ...facets(ctx) }), line, Plot.ruleY([0])];
}

function cells(ctx: MarkContext): Plot.Markish {
  const { spec, rows } = ctx;
  const xb = spec.channels.x!.bin !== null;
  const yb = spec.channels.y!.bin !== null;
  const common = { ...facets(ctx), fill: 'color', tip: tip(ctx) };
  if (xb && yb) return Plot.rect(rows, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', ...common });
  if (xb) return Plot.barX(rows, { x1: 'x1', x2: 'x2', y: 'y', ...common });
  if (yb) return Plot.barY(rows, { y1: 'y1', y2: 'y2', x: 'x', ...common });
  return Plot.cell(rows, { x: 'x', y: 'y', inset: 0.5, ...common });
}

/** Ticks and rules: values along one axis, optionally one band per category of the other. */
function along(ctx: MarkContext): Plot.Markish {
  const { spec, rows, theme } = ctx;
  const across = spec.axis;
  const opts = {
    ...facets(ctx), stroke: spec.channels.color ? 'color' : theme.accent,
    strokeOpacity: spec.kind === 'sample' ? 0.6 : 1, tip: tip(ctx),
  };
  const band = across !== null && spec.channels[across] ? { [across]: across } : {};
  if (across === 'y') return spec.mark === 'tick' ? Plot.tickX(rows, { x: 'x', ...band, ...opts }) : Plot.ruleX(rows, { x: 'x', ...band, ...opts });
  return spec.mark === 'tick' ? Plot.tickY(rows, { y: 'y', ...band, ...opts }) : Plot.ruleY(rows, { y: 'y', ...band, ...opts });
}

/** A box per group: whiskers as a rule, the quartiles as a bar, the median as a tick. */
function boxes(ctx: MarkContext): Plot.Markish[] {
  const { spec, rows, theme } = ctx;
  const axis = spec.axis!;
  const key = spec.channels[axis] ? axis : BOX_GROUP;
  const extra = { channels: { median: { value: 'median', label: 'median' }, lo: { value: 'lo', label: 'low whisker' }, hi: { value: 'hi', label: 'high whisker' } } };
  const style = { fill: theme.accent, fillOpacity: 0.35, stroke: theme.accent };
  const measured = ctx.formats[axis === 'x' ? 'y' : 'x'];
  const boxTip = { format: { ...tip(ctx).format as object, ...(measured ? { median: measured, lo: measured, hi: measured } : {}) } };
  if (axis === 'x') {
    return [
      Plot.ruleX(rows, { x: key, y1: 'lo', y2: 'hi', ...facets(ctx) }),
      Plot.barY(rows, { x: key, y1: 'q1', y2: 'q3', ...style, ...extra, ...facets(ctx), tip: boxTip }),
      Plot.tickY(rows, { x: key, y: 'median', stroke: theme.accent, strokeWidth: 2, ...facets(ctx) }),
    ];
  }
  return [
    Plot.ruleY(rows, { y: key, x1: 'lo', x2: 'hi', ...facets(ctx) }),
    Plot.barX(rows, { y: key, x1: 'q1', x2: 'q3', ...style, ...extra, ...facets(ctx), tip: boxTip }),
    Plot.tickX(rows, { y: key, x: 'median', stroke: theme.accent, strokeWidth: 2, ...facets(ctx) }),
  ];
}

/** The column a box plot without categories groups by: one value, the measure's label. */
export const BOX_GROUP = '__box';

/** Point marks read the bin's middle (numbers) or start (times) when binned; see render.ts. */
const POSITION = { x: 'x', y: 'y' } as const;

function facets(ctx: MarkContext): { fx?: string; fy?: string } {
  return { ...(ctx.spec.channels.fx ? { fx: 'fx' } : {}), ...(ctx.spec.channels.fy ? { fy: 'fy' } : {}) };
}

function fill(ctx: MarkContext): string {
  return ctx.spec.channels.color ? 'color' : ctx.theme.accent;
}

/** Tooltip options: every channel formatted in the locale. */
export function tip(ctx: MarkContext): Plot.TipOptions {
  const f = ctx.formats;
  const format: Record<string, Formatter | boolean> = {};
  const set = (keys: string[], fmt: Formatter | undefined) => {
    if (fmt) for (const k of keys) format[k] = fmt;
  };
  set(['x', 'x1', 'x2'], f.x);
  set(['y', 'y1', 'y2'], f.y);
  set(['fill', 'stroke'], f.color);
  set(['r'], f.size);
  set(['text'], f.text);
  return { format } as Plot.TipOptions;
}
