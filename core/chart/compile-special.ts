/**
 * Chart queries with a shape of their own: box plots, map points on a grid, map
 * links. See compile.ts for the column contract they share
 * and compile-m4.ts for lines over many points.
 */
import { channelEntries, int, measureExpr, presentWhere, q, valueExpr } from './compile-sql.js';
import type { NormalisedChart } from './normalised.js';

/**
 * Box plots: per group the quartiles, and whiskers reaching the furthest values within 1.5
 * interquartile ranges. Outliers are not returned (they could be millions).
 */
export function compileBox(spec: NormalisedChart, rel: string, maxMarks: number): string {
  const entries = channelEntries(spec);
  const dims = entries.filter(([, c]) => c.role === 'dimension');
  const measured = entries.find(([, c]) => c.role === 'measure')![1];
  const v = valueExpr(measured);
  const cols = [...dims.map(([ch, c]) => `${valueExpr(c)} AS ${q(ch)}`), `${v} AS __v`];
  const dimNames = dims.map(([ch]) => q(ch));
  const where = presentWhere(entries);
  const join = dimNames.length > 0 ? `JOIN __q USING (${dimNames.join(', ')})` : 'CROSS JOIN __q';
  const groupBy = dimNames.length > 0 ? ` GROUP BY ${dimNames.join(', ')}` : '';
  const ctes = [
    `__pts AS (SELECT ${cols.join(', ')} FROM ${rel}${where}${where ? ' AND' : ' WHERE'} ${q(measured.field!)} IS NOT NULL)`,
    `__q AS (SELECT ${dimNames.map((d) => `${d}, `).join('')}quantile_cont(__v, 0.25) AS q1, median(__v) AS median, `
      + `quantile_cont(__v, 0.75) AS q3, count(*) AS __n FROM __pts${groupBy})`,
    `__w AS (SELECT ${dimNames.map((d) => `${d}, `).join('')}any_value(q1) AS q1, any_value(median) AS median, any_value(q3) AS q3, `
      + 'min(__v) FILTER (WHERE __v >= q1 - 1.5 * (q3 - q1)) AS lo, max(__v) FILTER (WHERE __v <= q3 + 1.5 * (q3 - q1)) AS hi, '
      + `any_value(__n) AS __n FROM __pts ${join}${groupBy})`,
  ];
  const axis = spec.axis !== null && spec.channels[spec.axis] ? spec.axis : null;
  let order = dimNames.map((d) => `${d} NULLS LAST`);
  let body = 'SELECT *, sum(__n) OVER () AS __rows, count(*) OVER () AS __marks FROM __w';
  if (axis !== null && (spec.sort !== null || spec.limit !== null)) {
    const byValue = spec.sort?.by === 'value';
    const dir = byValue ? (spec.sort?.order === 'ascending' ? 'ASC' : 'DESC') : spec.sort?.order === 'descending' ? 'DESC' : 'ASC';
    const key = byValue ? 'median' : q(axis);
    const limit = spec.limit === null ? '' : ` LIMIT ${int(spec.limit, 'limit', maxMarks)}`;
    ctes.push(`__all AS (${body})`);
    ctes.push(`__top AS (SELECT ${q(axis)}, max(${key}) AS __k FROM __all GROUP BY ${q(axis)} ORDER BY __k ${dir} NULLS LAST, ${q(axis)}${limit})`);
    body = `SELECT a.*, t.__k FROM __all a JOIN __top t USING (${q(axis)})`;
    order = [`__k ${dir} NULLS LAST`, ...order];
    return `SELECT * EXCLUDE (__n, __k) FROM (WITH ${ctes.join(', ')} ${body}) AS __chart ORDER BY ${order.join(', ')} LIMIT ${maxMarks}`;
  }
  const orderBy = order.length > 0 ? ` ORDER BY ${order.join(', ')}` : '';
  return `SELECT * EXCLUDE (__n) FROM (WITH ${ctes.join(', ')} ${body}) AS __chart${orderBy} LIMIT ${maxMarks}`;
}

/**
 * Map points: nearby points (on a grid of about 3 pixels over the data's extent) merge into
 * one at their mean position, sized by their count (or the size measure); the biggest first.
 */
export function compileMapPoints(spec: NormalisedChart, rel: string, width: number, maxMarks: number): string {
  const map = spec.map!;
  const lon = `CAST(${q(map.lon!)} AS DOUBLE)`;
  const lat = `CAST(${q(map.lat!)} AS DOUBLE)`;
  const grid = Math.max(1, Math.floor(width / 3));
  const color = spec.channels.color;
  const colorDim = color?.role === 'dimension' ? [`${valueExpr(color)} AS "color"`] : [];
  const selects = [
    `avg(${lon}) AS "lon"`, `avg(${lat}) AS "lat"`, ...colorDim,
    ...(color?.role === 'measure' ? [`${measureExpr(color)} AS "color"`] : []),
    `${measureExpr(spec.channels.size!)} AS "size"`, 'count(*) AS __n',
  ];
  const cell = (v: string, lo: string, hi: string) => `floor((${v} - ${lo}) / greatest(${hi} - ${lo}, 1e-9) * ${grid})`;
  const groupBy = [cell(lon, '__x_lo', '__x_hi'), cell(lat, '__y_lo', '__y_hi'), ...(colorDim.length > 0 ? ['"color"'] : [])];
  const where = ` WHERE ${lon} BETWEEN -180 AND 180 AND ${lat} BETWEEN -90 AND 90`;
  const ctes = [
    `__range AS (SELECT min(${lon}) AS __x_lo, max(${lon}) AS __x_hi, min(${lat}) AS __y_lo, max(${lat}) AS __y_hi FROM ${rel}${where})`,
    `__groups AS (SELECT ${selects.join(', ')} FROM ${rel}, __range${where} GROUP BY ${groupBy.join(', ')})`,
  ];
  return biggestFirst(ctes, spec, maxMarks, ['"lon"', '"lat"']);
}

/** Map links: one per distinct pair of ends (and colour), sized by count; the biggest first. */
export function compileMapLinks(spec: NormalisedChart, rel: string, maxMarks: number): string {
  const map = spec.map!;
  const ends = [
    [map.fromLon!, 'from_lon'], [map.fromLat!, 'from_lat'], [map.toLon!, 'to_lon'], [map.toLat!, 'to_lat'],
  ] as const;
  const color = spec.channels.color;
  const dims = [...ends.map(([f, as]) => `CAST(${q(f)} AS DOUBLE) AS ${q(as)}`), ...(color?.role === 'dimension' ? [`${valueExpr(color)} AS "color"`] : [])];
  const measures = [
    ...(color?.role === 'measure' ? [`${measureExpr(color)} AS "color"`] : []),
    `${measureExpr(spec.channels.size!)} AS "size"`, 'count(*) AS __n',
  ];
  const where = ` WHERE ${ends.map(([f]) => `${q(f)} IS NOT NULL`).join(' AND ')}`;
  const ctes = [`__groups AS (SELECT ${[...dims, ...measures].join(', ')} FROM ${rel}${where} GROUP BY ALL)`];
  return biggestFirst(ctes, spec, maxMarks, ends.map(([, as]) => q(as)));
}

function biggestFirst(ctes: string[], spec: NormalisedChart, maxMarks: number, tiebreak: string[]): string {
  const limit = Math.min(maxMarks, spec.limit ?? maxMarks);
  const order = ['"size" DESC NULLS LAST', ...tiebreak, ...(spec.channels.color ? ['"color" NULLS LAST'] : [])];
  return `SELECT * EXCLUDE (__n) FROM (WITH ${ctes.join(', ')} SELECT *, sum(__n) OVER () AS __rows, count(*) OVER () AS __marks FROM __groups) AS __chart `
    + `ORDER BY ${order.join(', ')} LIMIT ${limit}`;
}
