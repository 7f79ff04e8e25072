/**
 * Chart spec → one SQL SELECT over the chart's source, computing in the database the few
 * thousand marks a chart draws, never shipping the rows behind them. Pure.
 *
 * The result's columns are named after channels, whatever the source columns are called:
 * `x`, `y`, `color`, `size`, `text`, `fx`, `fy`; a binned channel gives `x1, x2` (bin start
 * and end); box plots give `q1, median, q3, lo, hi` for the measured axis; map-points give
 * `lon, lat`; map-links `from_lon, from_lat, to_lon, to_lat`. Numbers are DOUBLE (counts
 * BIGINT), times TIMESTAMP, categories VARCHAR. Every row also carries `__rows` (rows of the
 * source the chart summarises) and `__marks` (marks before the cap: groups, points or rows).
 */
import { compileBox, compileMapLinks, compileMapPoints } from './compile-special.js';
import { compileLineExtent, compileM4, parseLineExtent, type LineExtent } from './compile-m4.js';
import {
  binEnds, binStart, channelEntries, dimensionColumns, int, measureExpr, needsRange, presentWhere, q, rangeSelect, stepSelect, valueExpr,
} from './compile-sql.js';
import type { ChartKind, NormalisedChart } from './normalised.js';

export interface CompileOptions {
  /** Plot width in pixels: the resolution of M4 lines and map grids. */
  width: number;
  /** At most this many rows come back; default 5000. */
  maxMarks?: number;
  /** Lines over many points (`extentSql` not null): the row its query returned, required. */
  extent?: LineExtent;
}

export { parseLineExtent, type LineExtent };

/**
 * The query to run before compiling, when the chart needs facts about its data first (an M4
 * line: its x range and row count); null otherwise. Reads only `relation`; pure.
 */
export function extentSql(spec: NormalisedChart, relation: string): string | null {
  return chartShape(spec) === 'm4' ? compileLineExtent(spec, q(relation)) : null;
}

/**
 * How many columns of the drawing the chart's data resolves, when that follows the width it was
 * computed for (M4 lines: pixel columns; map points: a grid of about 3 pixels); null when the
 * width does not change the data. A client re-runs when this changes much on resize.
 */
export function widthResolution(spec: NormalisedChart, width: number, maxMarks = DEFAULT_MAX_MARKS): number | null {
  const shape = chartShape(spec);
  if (shape === 'm4') return Math.max(1, Math.min(Math.floor(width), Math.floor(maxMarks / 4)));
  if (shape === 'map-points') return Math.max(1, Math.floor(width / 3));
  return null;
}

/** Boxes and maps have result shapes of their own; other marks follow their kind. */
function chartShape(spec: NormalisedChart): ChartKind | 'box' | 'map-points' | 'map-links' {
  return spec.mark === 'box' || spec.mark === 'map-points' || spec.mark === 'map-links' ? spec.mark : spec.kind;
}

export interface CompiledChart {
  /**
   * One SELECT reading `relation` and nothing else, with no top-level WITH, so that it can
   * follow `WITH <relation> AS (<source>)`.
   */
  sql: string;
  kind: ChartKind;
  /** How the data was reduced, for the analyst. */
  note: string;
}

export const DEFAULT_MAX_MARKS = 5000;
const MAX_WIDTH = 10_000;
const MAX_MARKS = 1_000_000;

/** Compiles a normalised chart to SQL over the relation called `relation`. */
export function compileChartSql(spec: NormalisedChart, relation: string, opts: CompileOptions): CompiledChart {
  const width = int(opts.width, 'width', MAX_WIDTH);
  const maxMarks = int(opts.maxMarks ?? DEFAULT_MAX_MARKS, 'maxMarks', MAX_MARKS);
  const rel = q(relation);
  const cap = maxMarks.toLocaleString('en-US');
  switch (chartShape(spec)) {
    case 'box':
      return { sql: compileBox(spec, rel, maxMarks), kind: spec.kind, note: `quartiles and whiskers per group, computed in SQL; at most ${cap} boxes` };
    case 'map-points':
      return { sql: compileMapPoints(spec, rel, width, maxMarks), kind: spec.kind, note: `points merged on a grid of about 3 pixels, computed in SQL; at most ${cap} places` };
    case 'map-links':
      return { sql: compileMapLinks(spec, rel, maxMarks), kind: spec.kind, note: `links grouped by their ends, computed in SQL; at most ${cap} links` };
    case 'm4':
      if (!opts.extent) throw new Error('compileChartSql: a line over many points needs its extent (run extentSql first)');
      return { sql: compileM4(spec, rel, width, maxMarks, opts.extent), kind: 'm4', note: `every point up to ${cap}; beyond, each pixel column keeps its first and last point and its lowest and highest value (M4)` };
    case 'sample':
      return { sql: compileSample(spec, rel, maxMarks), kind: 'sample', note: `a repeatable sample of at most ${cap} rows` };
    case 'raw':
      return { sql: compileRaw(spec, rel, maxMarks), kind: 'raw', note: `the first ${cap} rows in x order` };
    case 'aggregate':
    case 'bins':
      return { sql: compileGrouped(spec, rel, maxMarks), kind: spec.kind, note: groupedNote(spec, cap) };
  }
}

function compileGrouped(spec: NormalisedChart, rel: string, maxMarks: number): string {
  const entries = channelEntries(spec);
  const dims = entries.filter(([, c]) => c.role === 'dimension');
  const measures = entries.filter(([, c]) => c.role === 'measure');
  const ranged = dims.filter(([, c]) => needsRange(c));
  const ctes: string[] = [];
  let from = rel;
  if (ranged.length > 0) {
    ctes.push(`__range AS (SELECT ${ranged.map(([ch, c]) => rangeSelect(ch, c)).join(', ')} FROM ${rel})`);
    ctes.push(`__steps AS (SELECT ${ranged.map(([ch, c]) => stepSelect(ch, c)).join(', ')} FROM __range)`);
    from = `${rel}, __steps`;
  }
  const selects = [
    ...dims.map(([ch, c]) => (c.bin ? binStart(ch, c) : `${valueExpr(c)} AS ${q(ch)}`)),
    ...measures.map(([ch, c]) => `${measureExpr(c)} AS ${q(ch)}`),
    'count(*) AS __n',
  ];
  ctes.push(`__groups AS (SELECT ${selects.join(', ')} FROM ${from}${presentWhere(entries)} GROUP BY ALL)`);
  const bins = dims.filter(([, c]) => c.bin).map(([ch, c]) => binEnds(ch, c));
  const starts = bins.flatMap((b) => (b.start === null ? [] : [b.start]));
  const replace = starts.length > 0 ? ` REPLACE (${starts.join(', ')})` : '';
  const ends = bins.map((b) => `, ${b.end}`).join('');
  ctes.push(`__all AS (SELECT __groups.*${replace}${ends}, sum(__n) OVER () AS __rows, count(*) OVER () AS __marks FROM __groups${ranged.length > 0 ? ', __steps' : ''})`);

  const dimCols = dims.flatMap(([ch, c]) => dimensionColumns(ch, c));
  const axis = spec.axis !== null && spec.channels[spec.axis]?.role === 'dimension' && !spec.channels[spec.axis]?.bin ? spec.axis : null;
  const ranked = axis !== null && (spec.limit !== null || spec.sort !== null);
  let body = 'SELECT * FROM __all';
  let order = dimCols.map((c) => `${q(c)} NULLS LAST`);
  if (ranked) {
    const dir = spec.sort?.order === 'ascending' ? 'ASC' : 'DESC';
    const byLabel = spec.sort?.by !== 'value';
    const labelDir = spec.sort?.order === 'descending' ? 'DESC' : 'ASC';
    const topOrder = byLabel ? `${q(axis)} ${labelDir}` : `__k ${dir} NULLS LAST, ${q(axis)}`;
    const limit = spec.limit === null ? '' : ` LIMIT ${int(spec.limit, 'limit', MAX_MARKS)}`;
    ctes.push(`__top AS (SELECT ${q(axis)}, ${rankValue(spec)} AS __k FROM __all GROUP BY ${q(axis)} ORDER BY ${topOrder}${limit})`);
    body = `SELECT a.*, t.__k FROM __all a JOIN __top t USING (${q(axis)})`;
    order = [topOrder, ...order.filter((c) => c !== `${q(axis)} NULLS LAST`)];
  }
  const exclude = ranked ? '__n, __k' : '__n';
  const orderBy = order.length > 0 ? ` ORDER BY ${order.join(', ')}` : '';
  return `SELECT * EXCLUDE (${exclude}) FROM (WITH ${ctes.join(', ')} ${body}) AS __chart${orderBy} LIMIT ${maxMarks}`;
}

/** What a category's "value" is when sorting: its total measure across the other axis (or colour). */
function rankValue(spec: NormalisedChart): string {
  const across = spec.axis === 'x' ? 'y' : 'x';
  const m = [spec.channels[across], spec.channels.color].find((c) => c?.role === 'measure');
  if (!m) return 'sum(__n)';
  const col = m === spec.channels[across] ? across : 'color';
  return m.value === 'number' ? `sum(${q(col)})` : `max(${q(col)})`;
}

function compileSample(spec: NormalisedChart, rel: string, maxMarks: number): string {
  const entries = channelEntries(spec);
  const cols = entries.map(([ch, c]) => `${valueExpr(c)} AS ${q(ch)}`);
  const order = entries.map(([ch]) => `${q(ch)} NULLS LAST`);
  return `SELECT * FROM (WITH __pts AS (SELECT ${cols.join(', ')} FROM ${rel}${presentWhere(entries)}), `
    + '__count AS (SELECT count(*) AS __rows FROM __pts) '
    + `SELECT s.*, __count.__rows, __count.__rows AS __marks FROM (SELECT * FROM __pts USING SAMPLE reservoir(${maxMarks} ROWS) REPEATABLE (42)) AS s, __count) AS __chart `
    + `ORDER BY ${order.join(', ')} LIMIT ${maxMarks}`;
}

function compileRaw(spec: NormalisedChart, rel: string, maxMarks: number): string {
  const entries = channelEntries(spec);
  const where = presentWhere(entries);
  const cols = entries.map(([ch, c]) => `${valueExpr(c)} AS ${q(ch)}`);
  const count = `(SELECT count(*) FROM ${rel}${where})`;
  const order = entries.map(([ch]) => `${q(ch)} NULLS LAST`);
  return `SELECT ${cols.join(', ')}, ${count} AS __rows, ${count} AS __marks FROM ${rel}${where} ORDER BY ${order.join(', ')} LIMIT ${maxMarks}`;
}

function groupedNote(spec: NormalisedChart, cap: string): string {
  const entries = channelEntries(spec);
  const measures = entries.filter(([, c]) => c.role === 'measure').map(([, c]) => c.label);
  const dims = entries.filter(([, c]) => c.role === 'dimension').map(([, c]) => {
    if (!c.bin) return c.field!;
    if (c.bin.type === 'number') return `${c.field} in about ${c.bin.thresholds} bins`;
    return `${c.field} by ${c.bin.interval ?? 'an interval chosen from its range'}`;
  });
  const what = measures.length > 0 ? measures.join(', ') : 'rows';
  return `${what}${dims.length > 0 ? ` per ${dims.join(' and ')}` : ''}, computed in SQL; at most ${cap} marks`;
}
