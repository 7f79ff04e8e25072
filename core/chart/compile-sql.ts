/**
 * SQL fragments for chart queries: a channel's value, its aggregate, its bin. Column names
 * only ever reach SQL through quoteIdentifier; numbers are checked numbers.
 */
import { quoteIdentifier } from '../sql/identifiers.js';
import { hasTimeOfDay } from './fields.js';
import type { NormalisedChannel, NormalisedChart } from './normalised.js';
import { CHANNELS, type Channel, type TimeInterval } from './spec-types.js';

export const q = quoteIdentifier;

/** A channel's column cast to the type the renderer expects for its value kind. */
export function valueExpr(c: NormalisedChannel): string {
  return cast(q(c.field!), c.value);
}

function cast(expr: string, value: NormalisedChannel['value']): string {
  if (value === 'number') return `CAST(${expr} AS DOUBLE)`;
  if (value === 'time') return `CAST(${expr} AS TIMESTAMP)`;
  return `CAST(${expr} AS VARCHAR)`;
}

/** A measure channel's aggregate over the group. Counts stay BIGINT: exact. */
export function measureExpr(c: NormalisedChannel): string {
  const f = c.field === null ? null : q(c.field);
  switch (c.aggregate) {
    case 'count':
      return f === null ? 'count(*)' : `count(${f})`;
    case 'distinct':
      return `count(DISTINCT ${f})`;
    // Sums of doubles may differ in the last bits between runs (threads add in any order);
    // the drawing does not: coordinates are rounded to 0.001 px, tooltips to 6 digits.
    case 'sum':
      return `CAST(sum(${f}) AS DOUBLE)`;
    case 'mean':
      return `CAST(avg(${f}) AS DOUBLE)`;
    case 'median':
    case 'min':
    case 'max':
      return cast(`${c.aggregate}(${f})`, c.value);
    case null:
      throw new Error(`measureExpr: channel "${c.field}" has no aggregate`);
  }
}

/** Aliases used inside the bin CTEs for channel `ch`. */
function names(ch: Channel): { lo: string; hi: string; step: string; part: string } {
  return { lo: `__${ch}_lo`, hi: `__${ch}_hi`, step: `__${ch}_step`, part: `__${ch}_part` };
}

const INTERVAL_SQL: Record<TimeInterval, string> = {
  hour: 'INTERVAL 1 HOUR', day: 'INTERVAL 1 DAY', week: 'INTERVAL 7 DAY', month: 'INTERVAL 1 MONTH', year: 'INTERVAL 1 YEAR',
};

/** True when the bin's width depends on the data's range, so a range CTE is needed. */
export function needsRange(c: NormalisedChannel): boolean {
  return c.bin !== null && (c.bin.type === 'number' || c.bin.interval === null);
}

/** `min(..) AS lo, max(..) AS hi` for the range CTE of a binned channel. */
export function rangeSelect(ch: Channel, c: NormalisedChannel): string {
  const n = names(ch);
  const v = valueExpr(c);
  return `min(${v}) AS ${n.lo}, max(${v}) AS ${n.hi}`;
}

/**
 * The bin width (numbers: a "nice" 1, 2, 2.5 or 5 × 10^k step giving at most about
 * `thresholds` bins; integers never narrower than 1) or, for time without an interval, the calendar
 * part chosen from the range. One row, selected from the range CTE.
 */
export function stepSelect(ch: Channel, c: NormalisedChannel): string {
  const n = names(ch);
  const bin = c.bin!;
  if (bin.type === 'time') {
    const span = `(${n.hi} - ${n.lo})`;
    const fine = hasTimeOfDay(c.fieldType!) ? `WHEN ${span} <= INTERVAL 3 DAY THEN 'hour' ` : '';
    return `CASE ${fine}WHEN ${span} <= INTERVAL 93 DAY THEN 'day' WHEN ${span} <= INTERVAL 730 DAY THEN 'week' `
      + `WHEN ${span} <= INTERVAL 5479 DAY THEN 'month' ELSE 'year' END AS ${n.part}`;
  }
  const raw = `((${n.hi} - ${n.lo}) / ${bin.thresholds})`;
  const mag = `pow(10, floor(log10(greatest(${raw}, 1e-300))))`;
  // Integers step by 1, 2 or 5 × 10^k (2.5 would split them unevenly); other numbers may also use 2.5.
  const quarter = bin.integer ? '' : `WHEN ${raw} / ${mag} <= 2.5 THEN 2.5 `;
  const nice = `${mag} * CASE WHEN ${raw} / ${mag} <= 1 THEN 1 WHEN ${raw} / ${mag} <= 2 THEN 2 ${quarter}WHEN ${raw} / ${mag} <= 5 THEN 5 ELSE 10 END`;
  const step = `CASE WHEN ${n.hi} > ${n.lo} THEN ${nice} ELSE 1 END`;
  return `${bin.integer ? `greatest(${step}, 1)` : step} AS ${n.step}`;
}

/**
 * The bin holding each row, as `… AS x1`: the grouping key. Days, weeks, months and years
 * group by a DATE or integer key, turned into the bin's start only once per group (binEnds):
 * measured over 50M timestamps, a DATE key took 0.45× the CPU of date_trunc('day'), a
 * year × 12 + month key 0.42× date_trunc('month'). Hours keep date_trunc (exact before 1970,
 * where integer division of epoch microseconds would round the wrong way).
 */
export function binStart(ch: Channel, c: NormalisedChannel): string {
  const n = names(ch);
  const bin = c.bin!;
  const v = valueExpr(c);
  const as = ` AS ${q(`${ch}1`)}`;
  if (bin.type === 'number') return `floor(${v} / ${n.step}) * ${n.step}${as}`;
  const day = `CAST(${v} AS DATE)`;
  switch (bin.interval) {
    case null:
      return `date_trunc(${n.part}, ${v})${as}`;
    case 'hour':
      return `date_trunc('hour', ${v})${as}`;
    case 'day':
      return `${day}${as}`;
    case 'week':
      return `fdiv(${day} - ${MONDAY}, 7)${as}`;
    case 'month':
      return `year(${day}) * 12 + month(${day}) - 1${as}`;
    case 'year':
      return `year(${day})${as}`;
  }
}

/** A Monday: ISO weeks (date_trunc('week')) start on Mondays. */
const MONDAY = "DATE '1970-01-05'";

/**
 * The start and end of each bin from its key (binStart), as `x1` and `x2`, for a
 * `SELECT * REPLACE (…), …` over the groups: computed once per group, not per row.
 */
export function binEnds(ch: Channel, c: NormalisedChannel): { start: string | null; end: string } {
  const n = names(ch);
  const bin = c.bin!;
  const key = q(`${ch}1`);
  const x2 = ` AS ${q(`${ch}2`)}`;
  if (bin.type === 'number') return { start: null, end: `${key} + ${n.step}${x2}` };
  const interval = bin.interval;
  if (interval === null) {
    const width = `CASE ${n.part} ${Object.entries(INTERVAL_SQL).map(([p, i]) => `WHEN '${p}' THEN ${i}`).join(' ')} END`;
    return { start: null, end: `${key} + ${width}${x2}` };
  }
  const start = {
    hour: key,
    day: `CAST(${key} AS TIMESTAMP)`,
    week: `CAST(${MONDAY} + CAST(${key} * 7 AS INTEGER) AS TIMESTAMP)`,
    month: `CAST(make_date(CAST(fdiv(${key}, 12) AS BIGINT), CAST(${key} - fdiv(${key}, 12) * 12 AS BIGINT) + 1, 1) AS TIMESTAMP)`,
    year: `CAST(make_date(${key}, 1, 1) AS TIMESTAMP)`,
  }[interval];
  return { start: interval === 'hour' ? null : `${start} AS ${key}`, end: `${start} + ${INTERVAL_SQL[interval]}${x2}` };
}

/** Output column names of a dimension channel: `x`, or `x1, x2` when binned. */
export function dimensionColumns(ch: Channel, c: NormalisedChannel): string[] {
  return c.bin ? [`${ch}1`, `${ch}2`] : [ch];
}

/** A checked positive whole number for SQL text. */
export function int(n: number, what: string, max: number): number {
  if (!Number.isFinite(n) || n < 1) throw new RangeError(`${what} must be a positive number, got ${n}`);
  return Math.min(max, Math.floor(n));
}

/** The channels of `spec` in a fixed order. */
export function channelEntries(spec: NormalisedChart): [Channel, NormalisedChannel][] {
  return CHANNELS.flatMap((ch) => {
    const c = spec.channels[ch];
    return c ? [[ch, c] as [Channel, NormalisedChannel]] : [];
  });
}

/** `WHERE` keeping rows whose position and facet columns are all present. */
export function presentWhere(entries: [Channel, NormalisedChannel][]): string {
  const fields = entries
    .filter(([ch, c]) => c.role === 'dimension' && c.field !== null && ch !== 'color' && ch !== 'text' && ch !== 'size')
    .map(([, c]) => `${q(c.field!)} IS NOT NULL`);
  return fields.length === 0 ? '' : ` WHERE ${[...new Set(fields)].join(' AND ')}`;
}
