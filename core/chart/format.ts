/**
 * Number and date formats in the reader's locale, through Intl (present in browsers and in
 * Node), always in UTC: the same chart reads the same wherever it is drawn.
 */
import type { TimeInterval } from './spec-types.js';

export type Formatter = (v: unknown) => string;

/** Full numbers, for tooltips and text marks: `1 234 567,5` in fr-FR. */
export function numberFormat(locale: string): Formatter {
  const f = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
  return (v) => (typeof v === 'number' && Number.isFinite(v) ? f.format(v) : String(v ?? ''));
}

/** Numbers that name things (years, codes on a category axis or facet): no grouping. */
export function plainNumberFormat(locale: string): Formatter {
  const f = new Intl.NumberFormat(locale, { maximumFractionDigits: 6, useGrouping: false });
  return (v) => (typeof v === 'number' && Number.isFinite(v) ? f.format(v) : String(v ?? ''));
}

/** Short numbers for axis ticks: compact beyond a million (`5 M`, `5M`). */
export function tickNumberFormat(locale: string): Formatter {
  const full = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return String(v ?? '');
    return Math.abs(v) >= 1e6 ? compact.format(v) : full.format(v);
  };
}

const DAY = 86_400_000;

/** How finely times are told apart on an axis: from the bin interval, else the data's span. */
export function timeGrain(interval: TimeInterval | null, spanMs: number): TimeInterval {
  if (interval !== null) return interval === 'week' ? 'day' : interval;
  if (spanMs <= 3 * DAY) return 'hour';
  if (spanMs <= 200 * DAY) return 'day';
  if (spanMs <= 6 * 365 * DAY) return 'month';
  return 'year';
}

const TICK_OPTIONS: Record<TimeInterval, Intl.DateTimeFormatOptions> = {
  hour: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  day: { day: 'numeric', month: 'short' },
  week: { day: 'numeric', month: 'short' },
  month: { month: 'short', year: 'numeric' },
  year: { year: 'numeric' },
};

/** About how many characters a tick of the grain takes (`Dec 2024`, `24 Mar, 14:00`). */
export const TICK_LENGTH: Record<TimeInterval, number> = { hour: 14, day: 7, week: 7, month: 8, year: 4 };

/** Axis ticks for times of the given grain. */
export function tickTimeFormat(locale: string, grain: TimeInterval): Formatter {
  const f = new Intl.DateTimeFormat(locale, { ...TICK_OPTIONS[grain], timeZone: 'UTC' });
  return (v) => (v instanceof Date ? f.format(v) : String(v ?? ''));
}

/** Times in tooltips: the date, and the time of day when the grain is finer than a day. */
export function timeFormat(locale: string, grain: TimeInterval): Formatter {
  const withTime = grain === 'hour';
  const f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: 'UTC' });
  return (v) => (v instanceof Date ? f.format(v) : String(v ?? ''));
}
