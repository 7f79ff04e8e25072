/**
 * Plot's scale options for a chart: types, labels, locale tick formats, band order, colour
 * schemes, and margins wide enough for the category labels.
 */
import type { Plot } from './plot.js';
import type { ChartRow } from './data.js';
import {
  numberFormat, plainNumberFormat, TICK_LENGTH, tickNumberFormat, tickTimeFormat, timeFormat, timeGrain, type Formatter,
} from './format.js';
import type { NormalisedChannel, NormalisedChart } from './normalised.js';
import type { Channel, TimeInterval } from './spec-types.js';
import type { ThemeColors } from './theme.js';

/** Tooltip and text formats for each channel holding numbers or times. */
export function channelFormats(spec: NormalisedChart, rows: ChartRow[], locale: string): Partial<Record<Channel, Formatter>> {
  const out: Partial<Record<Channel, Formatter>> = {};
  for (const [ch, c] of Object.entries(spec.channels) as [Channel, NormalisedChannel][]) {
    if (c.value === 'number') out[ch] = numberFormat(locale);
    else if (c.value === 'time') out[ch] = timeFormat(locale, grainOf(ch, c, rows));
  }
  return out;
}

/** The scale options (x, y, fx, fy, color, r) and margins for `spec` over `rows`. */
export function scaleOptions(spec: NormalisedChart, rows: ChartRow[], locale: string, width: number, theme: ThemeColors): Plot.PlotOptions {
  if (spec.map !== null) {
    return { color: colorScale(spec, rows, locale, theme), r: { range: [2, 18] } };
  }
  const out: Plot.PlotOptions = {};
  for (const axis of ['x', 'y'] as const) {
    const c = spec.channels[axis];
    if (!c) continue;
    const scale: Plot.ScaleOptions = { label: c.label };
    if (c.scale !== null) scale.type = c.scale;
    if (isBand(spec, axis)) {
      if (spec.sort !== null && spec.axis === axis) scale.domain = distinct(rows.map((r) => r[axis]));
      if (c.value === 'time') scale.tickFormat = tickTimeFormat(locale, grainOf(axis, c, rows));
      else if (c.value === 'number') scale.tickFormat = plainNumberFormat(locale);
    } else {
      scale.grid = gridded(spec, axis);
      if (c.value === 'time') scale.tickFormat = tickTimeFormat(locale, grainOf(axis, c, rows));
      else if (c.value === 'number') scale.tickFormat = tickNumberFormat(locale);
    }
    out[axis] = scale;
  }
  // A box plot without categories has one box, named by its measure: no axis title.
  if (spec.mark === 'box' && spec.axis !== null && !spec.channels[spec.axis]) out[spec.axis] = { label: null };
  const { tickRotate, ...room } = margins(spec, rows, width, locale);
  Object.assign(out, room);
  if (tickRotate !== undefined && out.x) out.x.tickRotate = tickRotate;
  for (const f of ['fx', 'fy'] as const) {
    const c = spec.channels[f];
    if (c) out[f] = { label: c.label, ...(c.value === 'number' ? { tickFormat: plainNumberFormat(locale) } : {}) };
  }
  const color = colorScale(spec, rows, locale, theme);
  if (color) out.color = color;
  if (spec.channels.size) out.r = { label: spec.channels.size.label, range: [1.5, 16] };
  return out;
}

/** Position channels holding categories (or ungrouped values of a bar, cell or box axis). */
function isBand(spec: NormalisedChart, axis: 'x' | 'y'): boolean {
  const c = spec.channels[axis]!;
  if (c.bin !== null || c.role === 'measure') return false;
  if (c.scale === 'band') return true;
  if (c.value === 'category') return true;
  return spec.axis === axis && (spec.mark === 'bar' || spec.mark === 'cell' || spec.mark === 'box' || spec.mark === 'tick' || spec.mark === 'rule');
}

/** Grid lines across the measured axis, where values are read off. */
function gridded(spec: NormalisedChart, axis: 'x' | 'y'): boolean {
  if (spec.axis !== null) return spec.axis !== axis;
  return axis === 'y';
}

function colorScale(spec: NormalisedChart, rows: ChartRow[], locale: string, theme: ThemeColors): Plot.ScaleOptions | undefined {
  const c = spec.channels.color;
  if (!c) return undefined;
  if (c.role === 'dimension') {
    const tickFormat = c.value === 'time' ? tickTimeFormat(locale, grainOf('color', c, rows)) : c.value === 'number' ? plainNumberFormat(locale) : undefined;
    return { type: 'ordinal', scheme: theme.categorical, legend: true, label: c.label, ...(tickFormat ? { tickFormat } : {}) };
  }
  // Stepped colours, not a continuous ramp: Plot draws a ramp legend on a canvas, which a
  // Node DOM lacks and which each browser encodes to different PNG bytes.
  const common = { scheme: theme.sequential, legend: true, label: c.label, tickFormat: tickNumberFormat(locale) };
  if (c.scale === 'log') return { type: 'threshold', domain: logThresholds(rows.map((r) => r['color'])), ...common };
  return { type: 'quantize', n: COLOR_STEPS, ...common };
}

const COLOR_STEPS = 7;

/** Powers of 1, 2 and 5 spanning the positive values, for a stepped log colour scale. */
function logThresholds(values: unknown[]): number[] {
  const positive = values.filter((v): v is number => typeof v === 'number' && v > 0);
  if (positive.length === 0) return [1, 10, 100];
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t > lo && t <= hi) out.push(t);
    }
  }
  return out.length > 0 ? out : [hi];
}

/** Room for long category labels: a wider left margin, or slanted labels below. */
type Room = { marginLeft?: number; marginRight?: number; marginBottom?: number; tickRotate?: number };

function margins(spec: NormalisedChart, rows: ChartRow[], width: number, locale: string): Room {
  const out: Room = {};
  const labels = (axis: 'x' | 'y') => distinct(rows.map((r) => r[axis])).map((v) => (v instanceof Date ? 10 : String(v ?? '').length));
  const y = spec.channels.y;
  if (y && isBand(spec, 'y') && y.value === 'category') {
    const longest = Math.max(0, ...labels('y'));
    // Room for the labels and, left of them, the axis title.
    out.marginLeft = clamp(26 + 6 * longest, 40, 240);
  } else if (y && !isBand(spec, 'y') && y.value === 'number') {
    const format = tickNumberFormat(locale);
    const longest = Math.max(...yExtent(spec, rows).map((v) => format(v).length));
    out.marginLeft = clamp(14 + 6 * longest, 40, 120);
  }
  const x = spec.channels.x;
  if (x && !isBand(spec, 'x') && x.value === 'time') {
    // The last tick's label is centred on the frame's edge: leave it half its width.
    out.marginRight = clamp(3.2 * TICK_LENGTH[grainOf('x', x, rows)], 20, 60);
  }
  if (spec.channels.x && isBand(spec, 'x')) {
    const lengths = labels('x');
    const longest = Math.max(0, ...lengths);
    if (lengths.length * (6 * longest + 8) > width - 60) {
      out.tickRotate = -40;
      out.marginBottom = clamp(24 + 4 * longest, 30, 160);
    } else {
      // Plot centres a band axis's label under the middle tick: leave a line between them.
      out.marginBottom = 40;
    }
  }
  return out;
}

/**
 * The lowest and highest y the axis may show, rounded up to a power of ten's multiple as
 * ticks are: stacked bars and areas reach the sum of their stack.
 */
function yExtent(spec: NormalisedChart, rows: ChartRow[]): number[] {
  const keys = ['y', 'y1', 'y2', 'q1', 'q3', 'lo', 'hi'];
  let lo = 0;
  let hi = 0;
  const stacks = new Map<string, number>();
  const stacked = spec.mark === 'bar' || (spec.mark === 'area' && (spec.kind === 'aggregate' || spec.kind === 'bins'));
  for (const r of rows) {
    for (const k of keys) {
      const v = r[k];
      if (typeof v === 'number' && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const v = r['y'];
    if (stacked && typeof v === 'number' && v > 0) {
      const key = `${String(r['x'] ?? r['x1'])}|${String(r['fx'])}|${String(r['fy'])}`;
      const total = (stacks.get(key) ?? 0) + v;
      stacks.set(key, total);
      hi = Math.max(hi, total);
    }
  }
  const roundOut = (v: number) => {
    if (v === 0) return 0;
    const p = 10 ** Math.floor(Math.log10(Math.abs(v)));
    return Math.sign(v) * Math.ceil(Math.abs(v) / p) * p;
  };
  return [roundOut(lo), roundOut(hi)];
}

/** A time channel's grain: its bin interval, or what the span of its values calls for. */
function grainOf(ch: Channel, c: NormalisedChannel, rows: ChartRow[]): TimeInterval {
  if (c.bin?.type === 'time' && c.bin.interval !== null) return timeGrain(c.bin.interval, 0);
  const keys = c.bin ? [`${ch}1`, `${ch}2`] : [ch];
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    for (const k of keys) {
      const v = r[k];
      if (v instanceof Date) {
        lo = Math.min(lo, v.getTime());
        hi = Math.max(hi, v.getTime());
      }
    }
  }
  const grain = timeGrain(null, hi > lo ? hi - lo : 0);
  // Dates never show hours, even when there is a single day.
  return grain === 'hour' && c.fieldType?.toUpperCase() === 'DATE' ? 'day' : grain;
}

function distinct<T>(values: T[]): T[] {
  const seen = new Set<unknown>();
  const out: T[] = [];
  for (const v of values) {
    const key = v instanceof Date ? v.getTime() : v;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}
