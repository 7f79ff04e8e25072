/**
 * Lines over many points (M4, Jugel et al. 2014): per series and pixel column, the first and
 * last point and the lowest and highest value, which draw the same line at that width.
 *
 * Two statements, both pure text: a cheap one for the data's extent (DuckDB answers min, max and
 * count of a Parquet column from its statistics, ~10 ms over 50M rows), then one GROUP BY pass
 * with the extent written in as constants. Measured over 50M rows (CPU time, 2 threads): the
 * extent joined in as a one-row CTE cost ~900 ms more than constants (a cross product per row).
 * Per column, arg_min/arg_max of a struct {x, y} by x for the ends plus plain min/max of y cost
 * 2.1 s CPU, against 2.6 s for four arg_min/arg_max of the struct (the lowest and highest
 * points' own x, still used for columns wider than a pixel), 2.5 s for six scalar aggregates;
 * reading the two columns alone costs ~1.25 s (the TIMESTAMP column ~0.8 s of it).
 */
import { channelEntries, presentWhere, q, valueExpr } from './compile-sql.js';
import { hasTimeOfDay, isIntegerType } from './fields.js';
import type { NormalisedChart } from './normalised.js';

/** What the M4 query needs to know of its data first: from the row of `compileLineExtent`. */
export interface LineExtent {
  /** Smallest and largest x: integer microseconds for time, a number otherwise; null without rows. */
  lo: string | null;
  hi: string | null;
  /** Rows with x and y present. */
  rows: number;
  /** Distinct series (colour and facet combinations); 1 without series. */
  series: number;
}

/** Series columns of a line: one line per distinct combination. */
function seriesOf(spec: NormalisedChart): string[] {
  return channelEntries(spec).filter(([ch]) => ch === 'color' || ch === 'fx' || ch === 'fy').map(([ch]) => q(ch));
}

/**
 * One row `lo, hi, rows, series` (lo and hi as text, exact) over `rel`, for `compileM4`.
 * Aggregates are of the raw column so that DuckDB can read them from Parquet statistics.
 */
export function compileLineExtent(spec: NormalisedChart, rel: string): string {
  const entries = channelEntries(spec);
  const x = spec.channels.x!;
  const v = valueExpr(x);
  const bound = (f: 'min' | 'max') => (x.value === 'time' ? `CAST(epoch_us(${f}(${v})) AS VARCHAR)` : `CAST(${f}(${v}) AS VARCHAR)`);
  const series = entries.filter(([ch]) => ch === 'color' || ch === 'fx' || ch === 'fy').map(([, c]) => valueExpr(c));
  const count = series.length > 0 ? `count(DISTINCT (${series.join(', ')}))` : '1';
  return `SELECT ${bound('min')} AS lo, ${bound('max')} AS hi, count(*) AS "rows", ${count} AS series FROM ${rel}${presentWhere(entries)}`;
}

/** Reads and checks the extent row (values as the engine returns them). */
export function parseLineExtent(spec: NormalisedChart, row: Record<string, unknown>): LineExtent {
  const time = spec.channels.x?.value === 'time';
  const bound = (v: unknown, what: string): string | null => {
    if (v === null || v === undefined) return null;
    const s = String(v);
    if (time ? !/^-?\d{1,19}$/.test(s) : !/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(s)) {
      throw new RangeError(`chart x: the ${what} value ${s} cannot be placed on a line (infinite or not a number?)`);
    }
    return s;
  };
  const count = (v: unknown, what: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`chart: bad ${what} count ${String(v)}`);
    return n;
  };
  return { lo: bound(row['lo'], 'smallest'), hi: bound(row['hi'], 'largest'), rows: count(row['rows'], 'row'), series: Math.max(1, count(row['series'], 'series')) };
}

/**
 * The line's points: all of them (in x order) when there are at most `maxMarks`, else per
 * series and pixel column the first and last point, and the lowest and highest value placed
 * between them. Pixel columns shrink when there are many series, so the result stays under
 * about `maxMarks` rows.
 */
export function compileM4(spec: NormalisedChart, rel: string, width: number, maxMarks: number, extent: LineExtent): string {
  const entries = channelEntries(spec);
  const series = seriesOf(spec);
  const keep = series.length > 0 ? `${series.join(', ')}, ` : '';
  const order = [...series.map((s) => `${s} NULLS LAST`), '"x"', '"y"'];
  const counts = `${extent.rows} AS __rows, ${extent.rows} AS __marks`;
  const points = `SELECT ${entries.filter(([ch]) => ch === 'x' || ch === 'y' || series.includes(q(ch))).map(([ch, c]) => `${valueExpr(c)} AS ${q(ch)}`).join(', ')} FROM ${rel}${presentWhere(entries)}`;
  if (extent.rows <= maxMarks || extent.lo === null || extent.hi === null) {
    return `SELECT *, ${counts} FROM (${points}) AS __chart ORDER BY ${order.join(', ')} LIMIT ${maxMarks}`;
  }
  const columns = Math.max(1, Math.min(width, Math.floor(maxMarks / 4 / extent.series)));
  const x = spec.channels.x!;
  const px = pixelColumn(x.value === 'time', extent.lo, extent.hi, columns);
  // Among rows tied on x (or on an extreme y) in one column, DuckDB keeps any one: all lie
  // within the column's drawn extent, so the line looks the same to the pixel.
  //
  // When a column is at most a pixel wide (the usual case; not with many series), the lowest and
  // highest values need not carry their own x: what the line shows in such a column is the
  // segments arriving at the first point and leaving the last (kept exactly) and the vertical span
  // from the lowest to the highest value, which the path first → low → high → last covers wherever
  // within the column low and high stand. Placed at the middle of [first x, last x] they keep the
  // path in x order, and plain min/max cost less than arg_min/arg_max (see the top). A value
  // already at an end adds nothing and is left out. A tooltip on such a point names an x inside
  // the same pixel column, not the very instant of the extreme.
  const narrow = columns >= width;
  const extreme = (f: 'min' | 'max') => (narrow ? `${f}("y")` : `arg_${f}(__p, "y")`);
  const m4 = `SELECT ${keep}${px} AS __px, arg_min(__p, "x") AS __first, arg_max(__p, "x") AS __last, `
    + `${extreme('min')} AS __low, ${extreme('max')} AS __high FROM (SELECT *, {'x': "x", 'y': "y"} AS __p FROM (${points})) GROUP BY ALL`;
  const inner = (v: string, cmp: string, f: string) => (narrow
    ? `CASE WHEN ${v} ${cmp} ${f}(__first.y, __last.y) THEN {'x': __mid, 'y': ${v}} END`
    : `CASE WHEN ${v}.y ${cmp} ${f}(__first.y, __last.y) THEN ${v} END`);
  const mid = narrow ? `, ${midpoint(x.value === 'time', x.fieldType ?? '')} AS __mid` : '';
  const corners = `SELECT DISTINCT ${keep}__c.x AS "x", __c.y AS "y" FROM (SELECT ${keep}unnest([__first, ${inner('__low', '<', 'least')}, `
    + `${inner('__high', '>', 'greatest')}, __last]) AS __c FROM (SELECT *${mid} FROM (${m4}))) WHERE __c IS NOT NULL`;
  return `SELECT *, ${counts} FROM (${corners}) AS __chart ORDER BY ${order.join(', ')} LIMIT ${maxMarks}`;
}

/**
 * An x between a column's first and last point, of the kind the axis shows: whole days for
 * dates, whole numbers for integer columns, so that a tooltip reads like the data.
 */
function midpoint(time: boolean, fieldType: string): string {
  const a = '__first.x';
  const b = '__last.x';
  if (time) {
    const day = 86_400_000_000;
    const half = hasTimeOfDay(fieldType) ? `(epoch_us(${b}) - epoch_us(${a})) // 2` : `(epoch_us(${b}) - epoch_us(${a})) // ${2 * day} * ${day}`;
    return `make_timestamp(epoch_us(${a}) + ${half})`;
  }
  return isIntegerType(fieldType) ? `${a} + floor((${b} - ${a}) / 2)` : `least(${a} + (${b} - ${a}) / 2, ${b})`;
}

/**
 * The pixel column of each point, 0 … columns − 1, with the extent as constants. Numbers are
 * doubles scaled to the columns. Time is cut into `columns` equal steps by {@link timeColumns}
 * with a multiply and a shift, not a 64-bit division: over 50M rows that saved ~60 ms of a
 * ~850 ms query (2 threads); a shift before the multiply cost as much as it saved, hence
 * milliseconds rather than a pre-shift for long spans.
 */
function pixelColumn(time: boolean, lo: string, hi: string, columns: number): string {
  if (time) {
    const t = timeColumns(BigInt(lo), BigInt(hi), columns);
    if (t === null) return '0';
    const rel = `(epoch_${t.unit}("x") - (${t.from}))`;
    return `(${t.pre > 0 ? `(${rel} >> ${t.pre})` : rel} * ${t.mul}) >> ${t.shift}`;
  }
  const span = Number(hi) - Number(lo);
  if (!(span > 0) || !Number.isFinite(span)) return '0';
  return `least(CAST(floor(("x" - CAST('${lo}' AS DOUBLE)) * ${String(columns / span)}) AS BIGINT), ${columns - 1})`;
}

/**
 * How a time becomes its pixel column: `(((epoch_<unit>(x) − from) >> pre) · mul) >> shift`,
 * where epoch_ms, like BigInt division, truncates toward zero.
 */
export interface TimeColumns {
  unit: 'us' | 'ms';
  from: bigint;
  pre: number;
  mul: bigint;
  shift: number;
}

/**
 * The constants of the time pixel column for x from `lo` to `hi` (µs) over `columns` columns;
 * null when every x is the same. For every x in [lo, hi] the column is in [0, columns − 1] and
 * never decreases as x grows. With r = (x − from) >> pre in the unit, r ≤ S < 2^(shift − 6) and
 * mul = ⌊columns · 2^shift / (S + 1)⌋ ≥ 64 · columns:
 * - r · mul < columns · 2^shift ≤ 2^61, so nothing overflows, and an x up to twice the span
 *   outside [lo, hi] (a source whose rows change between the extent and this query: random(),
 *   USING SAMPLE) lands in extra columns past the ends, as it did with a division;
 * - mul's rounding moves a column edge by less than (S + 1) / 2^shift < 1/64 of a column.
 * Microseconds while the span allows (over a year at 800 columns), else milliseconds, whose
 * differences cannot overflow however far apart the times are; `pre` only past centuries.
 */
export function timeColumns(lo: bigint, hi: bigint, columns: number): TimeColumns | null {
  if (hi <= lo) return null;
  const shift = 61 - Math.ceil(Math.log2(columns + 1));
  const limit = 1n << BigInt(shift - 6);
  let unit: 'us' | 'ms' = 'us';
  let from = lo;
  let span = hi - lo;
  if (span >= limit) {
    unit = 'ms';
    from = lo / 1000n;
    span = hi / 1000n - from;
  }
  let pre = 0;
  while (span >> BigInt(pre) >= limit) pre++;
  const mul = (BigInt(columns) << BigInt(shift)) / ((span >> BigInt(pre)) + 1n);
  return { unit, from, pre, mul, shift };
}
