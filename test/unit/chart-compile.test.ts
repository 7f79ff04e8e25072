// @vitest-environment node
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileChartSql, extentSql, normaliseChart, parseLineExtent, prepareChartData, renderChart,
  type ChartColumn, type ChartSpec, type CompileOptions, type CompiledChart, type NormalisedChart,
} from '../../core/chart/index.js';
import { timeColumns } from '../../core/chart/compile-m4.js';

/** Small known data: 3 cities, amounts 1..12, one row per day from 2024-01-01. */
const SMALL = `SELECT i AS id, ['Paris', 'Lyon', 'Nice', 'Paris'][i % 4 + 1] AS city, (i + 1)::DECIMAL(14,2) AS amount,
  (i % 5)::INTEGER AS n, DATE '2024-01-01' + i::INTEGER AS day, TIMESTAMP '2024-01-01' + INTERVAL (i * 7) HOUR AS ts,
  [2.35, 4.83, 7.26, 2.35][i % 4 + 1]::DOUBLE AS lon, [48.85, 45.76, 43.70, 48.85][i % 4 + 1]::DOUBLE AS lat,
  [4.83, 2.35, 2.35, 7.26][i % 4 + 1]::DOUBLE AS to_lon, [45.76, 48.85, 48.85, 43.70][i % 4 + 1]::DOUBLE AS to_lat,
  i % 2 = 0 AS even
  FROM range(12) r(i)`;

/** A million generated rows: a noisy signal over a million seconds, 3 groups, points over Europe. */
const BIG = `SELECT i AS id, ['a', 'b', 'c'][i % 3 + 1] AS grp, (hash(i) % 1000)::DOUBLE + sin(i / 10000.0) * 500 AS v,
  TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS t, (i % 97)::INTEGER AS k,
  -10 + (hash(i * 3) % 4000) / 100.0 AS lon, 35 + (hash(i * 7) % 2500) / 100.0 AS lat
  FROM range(1000000) r(i)`;

let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

async function columnsOf(data: string): Promise<ChartColumn[]> {
  const reader = await conn.runAndReadAll(`DESCRIBE ${data}`);
  return reader.getRowObjectsJson().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

function normalised(spec: ChartSpec, columns: ChartColumn[]): NormalisedChart {
  const result = normaliseChart(spec, columns);
  if (!result.ok) throw new Error(`expected a valid chart, got: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.spec;
}

type Row = Record<string, unknown>;

/** Compiles as the server does: the extent query first when the chart needs one. */
async function compiledFor(chart: NormalisedChart, data: string, opts: CompileOptions): Promise<CompiledChart> {
  const first = extentSql(chart, 'src');
  const extent = first === null ? undefined : parseLineExtent(chart, (await conn.runAndReadAll(`WITH src AS (${data}) ${first}`)).getRowObjectsJson()[0]!);
  return compileChartSql(chart, 'src', { ...opts, extent });
}

async function run(spec: ChartSpec, data: string, opts = { width: 400, maxMarks: 5000 }): Promise<{ rows: Row[]; compiled: CompiledChart }> {
  const compiled = await compiledFor(normalised(spec, await columnsOf(data)), data, opts);
  const reader = await conn.runAndReadAll(`WITH src AS (${data}) ${compiled.sql}`);
  return { rows: reader.getRowObjectsJson() as Row[], compiled };
}

const num = (v: unknown): number => Number(v);
const byKey = (rows: Row[], key: string, value: string) => Object.fromEntries(rows.map((r) => [String(r[key]), num(r[value])]));

describe('compileChartSql: grouped aggregates', () => {
  it('counts rows per category for a bar chart, with the rows summarised', async () => {
    const { rows, compiled } = await run({ source: 't', mark: 'bar', x: { field: 'city' } }, SMALL);
    expect(compiled.kind).toBe('aggregate');
    expect(byKey(rows, 'x', 'y')).toStrictEqual({ Lyon: 3, Nice: 3, Paris: 6 });
    expect(rows.map((r) => r['x'])).toStrictEqual(['Lyon', 'Nice', 'Paris']);
    expect(num(rows[0]!['__rows'])).toBe(12);
    expect(num(rows[0]!['__marks'])).toBe(3);
  });

  it('sums a number implicitly and keeps the top categories by value', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'city' }, y: { field: 'amount' }, sort: { by: 'value' }, limit: 2 }, SMALL);
    // Paris: 1+4+5+8+9+12 = 39; Nice: 3+7+11 = 21; Lyon: 2+6+10 = 18.
    expect(rows.map((r) => [r['x'], r['y']])).toStrictEqual([['Paris', 39], ['Nice', 21]]);
    expect(num(rows[0]!['__marks'])).toBe(3);
  });

  it('sorts by label descending without a limit', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'city' }, sort: { by: 'label', order: 'descending' } }, SMALL);
    expect(rows.map((r) => r['x'])).toStrictEqual(['Paris', 'Nice', 'Lyon']);
  });

  it('draws horizontal bars when y holds the categories and x the numbers', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', y: { field: 'city' }, x: { field: 'amount' } }, SMALL);
    expect(byKey(rows, 'y', 'x')).toStrictEqual({ Lyon: 18, Nice: 21, Paris: 39 });
  });

  it('groups by colour and facets too (stacked bars)', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'city' }, color: { field: 'even' }, fx: { field: 'n' } }, SMALL);
    const total = rows.reduce((s, r) => s + num(r['y']), 0);
    expect(total).toBe(12);
    expect(Object.keys(rows[0]!).sort()).toStrictEqual(['__marks', '__rows', 'color', 'fx', 'x', 'y']);
  });

  it('computes every aggregate correctly on known data', async () => {
    const agg = async (aggregate: NonNullable<ChartSpec['y']>['aggregate'], field?: string) => {
      const y = field === undefined ? { aggregate } : { field, aggregate };
      const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'city' }, y } as ChartSpec, SMALL);
      return byKey(rows, 'x', 'y')['Paris'];
    };
    // Paris rows: i = 0, 3, 4, 7, 8, 11 → amount 1, 4, 5, 8, 9, 12; n = 0, 3, 4, 2, 3, 1.
    expect(await agg('count')).toBe(6);
    expect(await agg('count', 'amount')).toBe(6);
    expect(await agg('distinct', 'n')).toBe(5);
    expect(await agg('sum', 'amount')).toBe(39);
    expect(await agg('mean', 'amount')).toBe(6.5);
    expect(await agg('median', 'amount')).toBe(6.5);
    expect(await agg('min', 'amount')).toBe(1);
    expect(await agg('max', 'n')).toBe(4);
  });

  it('bins numbers with a nice step: counts add up, bins are bounded', async () => {
    const { rows, compiled } = await run({ source: 't', mark: 'bar', x: { field: 'v', bin: { thresholds: 10 } } }, BIG);
    expect(compiled.kind).toBe('bins');
    expect(rows.reduce((s, r) => s + num(r['y']), 0)).toBe(1_000_000);
    expect(rows.length).toBeLessThanOrEqual(11);
    const step = num(rows[0]!['x2']) - num(rows[0]!['x1']);
    expect([100, 200, 250, 500]).toContain(step);
    for (const r of rows) expect(Math.abs(num(r['x1']) % step)).toBe(0);
  });

  it('never makes integer bins narrower than 1', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'n', bin: { thresholds: 50 } } }, SMALL);
    expect(rows.map((r) => [num(r['x1']), num(r['x2']), num(r['y'])])).toStrictEqual([[0, 1, 3], [1, 2, 3], [2, 3, 2], [3, 4, 2], [4, 5, 2]]);
  });

  it('bins time by calendar interval', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'ts', bin: { interval: 'day' } } }, SMALL);
    // ts = i * 7 hours for i < 12: 0..77 h → 4 days.
    expect(rows.map((r) => [r['x1'], num(r['y'])])).toStrictEqual([
      ['2024-01-01 00:00:00', 4], ['2024-01-02 00:00:00', 3], ['2024-01-03 00:00:00', 4], ['2024-01-04 00:00:00', 1],
    ]);
    expect(rows[0]!['x2']).toBe('2024-01-02 00:00:00');
  });

  it('chooses the time interval from the range when none is given', async () => {
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 't', bin: {} } }, BIG);
    // A million seconds is 11.6 days: daily bins.
    expect(rows.length).toBe(12);
    expect(rows[1]!['x1']).toBe('2024-01-02 00:00:00');
    expect(rows.reduce((s, r) => s + num(r['y']), 0)).toBe(1_000_000);
  });

  it('bins dates by week and month', async () => {
    const week = await run({ source: 't', mark: 'line', x: { field: 'day', bin: { interval: 'week' } }, y: { field: 'amount', aggregate: 'sum' } }, SMALL);
    // 2024-01-01 is a Monday: days 0..6 and 7..11.
    expect(week.rows.map((r) => [r['x1'], num(r['y'])])).toStrictEqual([['2024-01-01 00:00:00', 28], ['2024-01-08 00:00:00', 50]]);
    const month = await run({ source: 't', mark: 'area', x: { field: 'day', bin: { interval: 'month' } }, y: { field: 'amount' } }, SMALL);
    expect(month.rows.map((r) => [r['x1'], r['x2'], num(r['y'])])).toStrictEqual([['2024-01-01 00:00:00', '2024-02-01 00:00:00', 78]]);
  });

  it('counts 2-D bins for a heatmap and for binned dots', async () => {
    const cell = await run({ source: 't', mark: 'cell', x: { field: 'v', bin: { thresholds: 5 } }, y: { field: 'k', bin: { thresholds: 5 } } }, BIG);
    expect(cell.compiled.kind).toBe('bins');
    expect(cell.rows.reduce((s, r) => s + num(r['color']), 0)).toBe(1_000_000);
    expect(cell.rows.length).toBeLessThanOrEqual(36);
    const dots = await run({ source: 't', mark: 'dot', x: { field: 'v', bin: { thresholds: 5 } }, y: { field: 'k', bin: { thresholds: 5 } } }, BIG);
    expect(dots.rows.reduce((s, r) => s + num(r['size']), 0)).toBe(1_000_000);
  });

  it('fills categorical heatmap cells with counts or sums', async () => {
    const { rows } = await run({ source: 't', mark: 'cell', x: { field: 'city' }, y: { field: 'even' }, color: { field: 'amount' } }, SMALL);
    expect(rows.map((r) => [r['x'], r['y'], num(r['color'])])).toStrictEqual([
      ['Lyon', 'false', 18], ['Nice', 'true', 21], ['Paris', 'false', 24], ['Paris', 'true', 15],
    ]);
  });

  it('aggregates ticks, rules, text and dots per category', async () => {
    const tick = await run({ source: 't', mark: 'tick', x: { field: 'amount', aggregate: 'mean' }, y: { field: 'city' } }, SMALL);
    expect(byKey(tick.rows, 'y', 'x')).toStrictEqual({ Lyon: 6, Nice: 7, Paris: 6.5 });
    const rule = await run({ source: 't', mark: 'rule', y: { field: 'amount', aggregate: 'max' } }, SMALL);
    expect(rule.rows.map((r) => num(r['y']))).toStrictEqual([12]);
    const text = await run({ source: 't', mark: 'text', x: { field: 'city' }, y: { aggregate: 'count' }, text: { aggregate: 'count' } }, SMALL);
    expect(byKey(text.rows, 'x', 'text')).toStrictEqual({ Lyon: 3, Nice: 3, Paris: 6 });
    const dot = await run({ source: 't', mark: 'dot', x: { field: 'city' }, y: { field: 'amount', aggregate: 'sum' } }, SMALL);
    expect(byKey(dot.rows, 'x', 'y')).toStrictEqual({ Lyon: 18, Nice: 21, Paris: 39 });
  });

  it('quotes column names, whatever they contain', async () => {
    const data = `SELECT 'a' AS "odd ""name"", x", 1 AS "select" FROM range(3)`;
    const { rows } = await run({ source: 't', mark: 'bar', x: { field: 'odd "name", x' }, y: { field: 'select' } }, data);
    expect(rows.map((r) => [r['x'], r['y']])).toStrictEqual([['a', 3]]);
  });
});

describe('compileChartSql: calendar bins', () => {
  // Every 7 hours 13 minutes across 1968–1972: before and after 1970, over leap days and DST-free UTC.
  const SPAN = `SELECT TIMESTAMP '1968-11-03 05:00' + INTERVAL (i * 433) MINUTE AS t, (i % 7)::DOUBLE AS v FROM range(5000) r(i)`;
  for (const interval of ['hour', 'day', 'week', 'month', 'year'] as const) {
    it(`puts each row in the ${interval} date_trunc gives it, with the bin's end one ${interval} later`, async () => {
      const { rows } = await run({ source: 't', mark: 'bar', x: { field: 't', bin: { interval } }, y: { field: 'v', aggregate: 'sum' } }, SPAN);
      const step = interval === 'week' ? '7 DAY' : `1 ${interval.toUpperCase()}`;
      const expected = (await conn.runAndReadAll(`SELECT date_trunc('${interval}', t) AS x1, date_trunc('${interval}', t) + INTERVAL ${step} AS x2, sum(v) AS y
        FROM (${SPAN}) GROUP BY ALL ORDER BY x1`)).getRowObjectsJson();
      expect(rows.map((r) => [r['x1'], r['x2'], num(r['y'])])).toStrictEqual(expected.map((r) => [r['x1'], r['x2'], num(r['y'])]));
    });
  }
});

describe('compileChartSql: lines over many points (M4)', () => {
  it('keeps at most four points per pixel column, including the extremes and both ends', async () => {
    const { rows, compiled } = await run({ source: 't', mark: 'line', x: { field: 't' }, y: { field: 'v' } }, BIG, { width: 300, maxMarks: 5000 });
    expect(compiled.kind).toBe('m4');
    expect(rows.length).toBeLessThanOrEqual(1200);
    expect(rows.length).toBeGreaterThan(600);
    const [extremes] = (await conn.runAndReadAll(`SELECT min(v) AS lo, max(v) AS hi FROM (${BIG})`)).getRowObjectsJson();
    const ys = rows.map((r) => num(r['y']));
    expect(Math.min(...ys)).toBe(num(extremes!['lo']));
    expect(Math.max(...ys)).toBe(num(extremes!['hi']));
    expect(rows[0]!['x']).toBe('2024-01-01 00:00:00');
    expect(rows.at(-1)!['x']).toBe('2024-01-12 13:46:39');
    expect(num(rows[0]!['__rows'])).toBe(1_000_000);
    // Sorted by x, so the line is drawn left to right.
    const xs = rows.map((r) => String(r['x']));
    expect(xs).toStrictEqual([...xs].sort());
  });

  it('keeps, per series and pixel column, both end points exactly and the lowest and highest value between them (the line looks the same)', async () => {
    // Pixel columns: equal steps over the data's x range, as timeColumns cuts it (tested below).
    const width = 300;
    const spec: ChartSpec = { source: 't', mark: 'line', x: { field: 't' }, y: { field: 'v' }, color: { field: 'grp' } };
    const { rows } = await run(spec, BIG, { width, maxMarks: 5000 });
    const columns = Math.min(width, Math.floor(5000 / 4 / 3));
    const [range] = (await conn.runAndReadAll(`SELECT epoch_us(min(t)) AS lo, epoch_us(max(t)) AS hi FROM (${BIG})`)).getRowObjectsJson();
    const cut = timeColumns(BigInt(String(range!['lo'])), BigInt(String(range!['hi'])), columns)!;
    expect([cut.unit, cut.pre]).toStrictEqual(['us', 0]);
    // Independent of the compiler: window functions rank each column's rows by x.
    const expected = (await conn.runAndReadAll(`WITH d AS (${BIG}), e AS (SELECT grp, epoch_us(t) AS us, v FROM d),
      c AS (SELECT grp, ((us - ${cut.from}) * ${cut.mul}) >> ${cut.shift} AS px, us, v FROM e),
      w AS (SELECT *, row_number() OVER (PARTITION BY grp, px ORDER BY us) AS a, row_number() OVER (PARTITION BY grp, px ORDER BY us DESC) AS z,
        min(v) OVER (PARTITION BY grp, px) AS low, max(v) OVER (PARTITION BY grp, px) AS high FROM c)
      SELECT grp, px, max(us) FILTER (a = 1) AS first, max(v) FILTER (a = 1) AS first_v, max(us) FILTER (z = 1) AS last,
        max(v) FILTER (z = 1) AS last_v, any_value(low) AS low, any_value(high) AS high FROM w GROUP BY ALL`)).getRowObjectsJson();
    expect(expected.length).toBe(3 * columns);
    const kept = new Map<string, { us: number; v: number }[]>();
    for (const r of rows) {
      const key = String(r['color']);
      const us = Date.parse(`${String(r['x']).replace(' ', 'T')}Z`) * 1000;
      kept.set(key, [...(kept.get(key) ?? []), { us, v: num(r['y']) }]);
    }
    for (const e of expected) {
      const points = kept.get(String(e['grp']))!;
      const inColumn = points.filter((p) => p.us >= num(e['first']) && p.us <= num(e['last']));
      expect(inColumn).toContainEqual({ us: num(e['first']), v: num(e['first_v']) });
      expect(inColumn).toContainEqual({ us: num(e['last']), v: num(e['last_v']) });
      expect(Math.min(...inColumn.map((p) => p.v))).toBe(num(e['low']));
      expect(Math.max(...inColumn.map((p) => p.v))).toBe(num(e['high']));
      expect(inColumn.length).toBeLessThanOrEqual(4);
    }
    // Every kept point belongs to some column, and each series is drawn left to right.
    const total = expected.reduce((n, e) => n + kept.get(String(e['grp']))!.filter((p) => p.us >= num(e['first']) && p.us <= num(e['last'])).length, 0);
    expect(total).toBe(rows.length);
    for (const points of kept.values()) expect(points.map((p) => p.us)).toStrictEqual(points.map((p) => p.us).sort((a, b) => a - b));
  });

  it('keeps the same points per pixel column when x is a fractional number', async () => {
    // Numeric pixel columns: floor((x - lo) * columns / span), the last one closed.
    const data = `SELECT (i / 3)::DOUBLE AS x, (hash(i) % 1000)::DOUBLE + sin(i / 5000.0) * 300 AS v FROM range(300000) r(i)`;
    const columns = 250;
    const { rows } = await run({ source: 't', mark: 'line', x: { field: 'x' }, y: { field: 'v' } }, data, { width: columns, maxMarks: 5000 });
    const lo = 0;
    const span = 299_999 / 3;
    const columnOf = (x: number) => Math.min(columns - 1, Math.floor((x - lo) * (columns / span)));
    const expected = (await conn.runAndReadAll(`WITH c AS (SELECT least(CAST(floor(x * ${columns / span}) AS BIGINT), ${columns - 1}) AS px, x, v FROM (${data}))
      SELECT px, min(x) AS first, arg_min(v, x) AS first_v, max(x) AS last, arg_max(v, x) AS last_v, min(v) AS low, max(v) AS high FROM c GROUP BY px`)).getRowObjectsJson();
    expect(expected.length).toBe(columns);
    const kept = new Map<number, { x: number; v: number }[]>();
    for (const r of rows) {
      const p = { x: num(r['x']), v: num(r['y']) };
      kept.set(columnOf(p.x), [...(kept.get(columnOf(p.x)) ?? []), p]);
    }
    for (const e of expected) {
      const points = kept.get(num(e['px']))!;
      expect(points).toContainEqual({ x: num(e['first']), v: num(e['first_v']) });
      expect(points).toContainEqual({ x: num(e['last']), v: num(e['last_v']) });
      expect(points.every((p) => p.x >= num(e['first']) && p.x <= num(e['last']))).toBe(true);
      expect(Math.min(...points.map((p) => p.v))).toBe(num(e['low']));
      expect(Math.max(...points.map((p) => p.v))).toBe(num(e['high']));
    }
  });

  it('places a column\'s lowest and highest value at an x the axis can show: whole days for dates, whole numbers for integers', async () => {
    const days = `SELECT DATE '2000-01-01' + (i // 7)::INTEGER AS d, i AS id, (hash(i) % 1000)::DOUBLE AS v FROM range(200000) r(i)`;
    const byDay = await run({ source: 't', mark: 'line', x: { field: 'd' }, y: { field: 'v' } }, days, { width: 300, maxMarks: 1200 });
    expect(byDay.compiled.kind).toBe('m4');
    expect(byDay.rows.length).toBeGreaterThan(600);
    expect(byDay.rows.every((r) => String(r['x']).endsWith(' 00:00:00'))).toBe(true);
    const byId = await run({ source: 't', mark: 'line', x: { field: 'id' }, y: { field: 'v' } }, days, { width: 300, maxMarks: 1200 });
    expect(byId.rows.length).toBeGreaterThan(600);
    expect(byId.rows.every((r) => Number.isInteger(num(r['x'])))).toBe(true);
  });

  it('splits numeric x into pixel columns too, keeping both ends and the extremes', async () => {
    const { rows } = await run({ source: 't', mark: 'area', x: { field: 'id' }, y: { field: 'v' } }, BIG, { width: 200, maxMarks: 5000 });
    expect(rows.length).toBeLessThanOrEqual(800);
    expect(rows.length).toBeGreaterThan(400);
    expect(num(rows[0]!['x'])).toBe(0);
    expect(num(rows.at(-1)!['x'])).toBe(999_999);
    const [extremes] = (await conn.runAndReadAll(`SELECT min(v) AS lo, max(v) AS hi FROM (${BIG})`)).getRowObjectsJson();
    expect(Math.min(...rows.map((r) => num(r['y'])))).toBe(num(extremes!['lo']));
    expect(Math.max(...rows.map((r) => num(r['y'])))).toBe(num(extremes!['hi']));
  });

  it('writes the extent into the query as constants, and refuses to compile a line without it', async () => {
    const chart = normalised({ source: 't', mark: 'line', x: { field: 't' }, y: { field: 'v' } }, await columnsOf(BIG));
    expect(() => compileChartSql(chart, 'src', { width: 100 })).toThrow(/extent/);
    const { sql } = compileChartSql(chart, 'src', { width: 100, maxMarks: 5000, extent: { lo: '1000000', hi: '2000000', rows: 1_000_000, series: 1 } });
    expect(sql).toContain('((epoch_us("x") - (1000000)) * 1801438049510) >> 54');
    expect(sql).toContain('1000000 AS __rows');
    expect(sql).not.toMatch(/CROSS JOIN|, __range/);
    expect(() => parseLineExtent(chart, { lo: '1; DROP', hi: '2', rows: 3, series: 1 })).toThrow(/cannot be placed/);
  });

  it('keeps every series and stays under the cap with many series', async () => {
    const { rows } = await run({ source: 't', mark: 'line', x: { field: 'id' }, y: { field: 'v' }, color: { field: 'k' } }, BIG, { width: 800, maxMarks: 5000 });
    expect(rows.length).toBeLessThanOrEqual(5000);
    expect(new Set(rows.map((r) => r['color'])).size).toBe(97);
    // Columns many pixels wide: every point kept, extremes included, is a row of the data.
    const ids = rows.map((r) => num(r['x']));
    const data = (await conn.runAndReadAll(`SELECT id, v, k FROM (${BIG}) WHERE id IN (${ids.join(', ')})`)).getRowObjectsJson();
    const actual = new Map(data.map((d) => [num(d['id']), `${num(d['v'])} ${String(d['k'])}`]));
    for (const r of rows) expect(actual.get(num(r['x']))).toBe(`${num(r['y'])} ${String(r['color'])}`);
  });

  it('returns every point when there are few', async () => {
    const { rows } = await run({ source: 't', mark: 'line', x: { field: 'day' }, y: { field: 'amount' }, color: { field: 'city' } }, SMALL);
    expect(rows.length).toBe(12);
    expect(rows.filter((r) => r['color'] === 'Lyon').map((r) => num(r['y']))).toStrictEqual([2, 6, 10]);
  });

  it('keeps rows in category order for a line over categories', async () => {
    const { rows, compiled } = await run({ source: 't', mark: 'line', x: { field: 'city' }, y: { field: 'amount' } }, SMALL);
    expect(compiled.kind).toBe('raw');
    expect(rows.length).toBe(12);
    expect(rows[0]!['x']).toBe('Lyon');
  });
});

describe('timeColumns: the pixel column of a time', () => {
  const MIN_US = -9_223_372_022_400_000_000n; // DuckDB's earliest TIMESTAMP, 290309 BC
  const MAX_US = 9_223_372_036_854_775_806n; // and its latest, 294247 AD
  const columnOf = (c: NonNullable<ReturnType<typeof timeColumns>>, us: bigint) => {
    const rel = (c.unit === 'ms' ? us / 1000n : us) - c.from; // BigInt division truncates, like epoch_ms
    return ((rel >> BigInt(c.pre)) * c.mul) >> BigInt(c.shift);
  };

  it('cuts any span into the asked number of nearly equal columns, in order, without overflow', () => {
    const cases: [bigint, bigint, number][] = [
      [0n, 1n, 1], [0n, 1n, 800], [1_000_000n, 2_000_000n, 100], [-5_000_000n, 7_000_000n, 4000],
      [1_735_689_600_000_000n, 1_767_225_599_000_000n, 800], // a year, in µs
      [0n, 50n * 365n * 86_400_000_000n, 1023], [0n, 50n * 365n * 86_400_000_000n, 1024], // fifty years: ms
      [MIN_US, MAX_US, 4000], [MIN_US, MIN_US + 1n, 3], [MAX_US - 86_400_000_000n, MAX_US, 640],
    ];
    for (const [lo, hi, columns] of cases) {
      const c = timeColumns(lo, hi, columns)!;
      const label = `${lo}..${hi} in ${columns}`;
      expect((hi - lo) * 1000n > 1n << 62n ? c.unit : 'any', label).not.toBe('us');
      // The largest product stays under 2^61 (half of BIGINT), whatever the data.
      const top = ((c.unit === 'ms' ? hi / 1000n : hi) - c.from) >> BigInt(c.pre);
      expect(top * c.mul < 1n << 61n, label).toBe(true);
      expect(columnOf(c, lo), label).toBe(0n);
      // The last x is in the last column once there are enough distinct times to fill them.
      if (hi - lo >= 64n * BigInt(columns)) expect(columnOf(c, hi), label).toBe(BigInt(columns - 1));
      // Walk the span at 4099 points: columns never go down, and each is about span/columns wide.
      let previous = -1n;
      const seen = new Map<bigint, bigint[]>();
      for (let i = 0n; i <= 4098n; i++) {
        const us = lo + ((hi - lo) * i) / 4098n;
        const col = columnOf(c, us);
        expect(col >= previous && col < BigInt(columns), label).toBe(true);
        previous = col;
        seen.set(col, [...(seen.get(col) ?? []), us]);
      }
      if (hi - lo >= BigInt(columns) * 4098n) {
        const width = Number(hi - lo) / columns;
        for (const [col, xs] of seen) {
          if (col === 0n || col === BigInt(columns - 1) || xs.length < 2) continue;
          expect(Number(xs.at(-1)! - xs[0]!) / width, label).toBeLessThan(1.02);
        }
      }
    }
    expect(timeColumns(5n, 5n, 100)).toBeNull();
  });

  it('gives DuckDB the same columns, on the earliest and latest times it can hold', async () => {
    const data = `SELECT * FROM (VALUES (TIMESTAMP '290309-12-22 (BC) 00:00:00'), (TIMESTAMP '1969-12-31 23:59:59.9995'),
      (TIMESTAMP '1970-01-01 00:00:00'), (TIMESTAMP '2024-02-29 12:00:00'), (TIMESTAMP '294247-01-10 04:00:54.775806')) t(x)`;
    const [range] = (await conn.runAndReadAll(`SELECT epoch_us(min(x)) AS lo, epoch_us(max(x)) AS hi FROM (${data})`)).getRowObjectsJson();
    const c = timeColumns(BigInt(String(range!['lo'])), BigInt(String(range!['hi'])), 800)!;
    expect(c.unit).toBe('ms');
    const sql = `SELECT epoch_us(x) AS us, (((epoch_ms(x) - (${c.from})) >> ${c.pre}) * ${c.mul}) >> ${c.shift} AS col FROM (${data}) ORDER BY x`;
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
    expect(rows.map((r) => BigInt(String(r['col'])))).toStrictEqual(rows.map((r) => columnOf(c, BigInt(String(r['us'])))));
    // The span's middle is 1970-01-01 02:00: the two times before it in column 399, 2024 after.
    expect(rows.map((r) => Number(r['col']))).toStrictEqual([0, 399, 399, 400, 799]);
  });
});

describe('compileChartSql: samples, boxes and maps', () => {
  it('samples dots repeatably and tells how many rows there were', async () => {
    const spec: ChartSpec = { source: 't', mark: 'dot', x: { field: 'v' }, y: { field: 'k' }, color: { field: 'grp' } };
    const first = await run(spec, BIG);
    const second = await run(spec, BIG);
    expect(first.compiled.kind).toBe('sample');
    expect(first.rows.length).toBe(5000);
    expect(second.rows).toStrictEqual(first.rows);
    expect(num(first.rows[0]!['__rows'])).toBe(1_000_000);
  });

  it('returns every row of a small sample', async () => {
    const { rows } = await run({ source: 't', mark: 'tick', x: { field: 'amount' }, y: { field: 'city' } }, SMALL);
    expect(rows.length).toBe(12);
  });

  it('computes box plot quartiles and whiskers per group', async () => {
    const data = `SELECT g, v FROM (VALUES ('a', 1), ('a', 2), ('a', 3), ('a', 4), ('a', 100), ('b', 10), ('b', 20)) t(g, v)`;
    const { rows } = await run({ source: 't', mark: 'box', x: { field: 'g' }, y: { field: 'v' } }, data);
    expect(rows.map((r) => [r['x'], r['q1'], r['median'], r['q3'], r['lo'], r['hi']])).toStrictEqual([
      ['a', 2, 3, 4, 1, 4], ['b', 12.5, 15, 17.5, 10, 20],
    ]);
    const single = await run({ source: 't', mark: 'box', y: { field: 'v' } }, data);
    expect(single.rows.length).toBe(1);
    expect(num(single.rows[0]!['__rows'])).toBe(7);
    const sorted = await run({ source: 't', mark: 'box', y: { field: 'g' }, x: { field: 'v' }, sort: { by: 'value' }, limit: 1 }, data);
    expect(sorted.rows.map((r) => r['y'])).toStrictEqual(['b']);
  });

  it('merges map points on a grid, biggest first, counting every row', async () => {
    const spec: ChartSpec = { source: 't', mark: 'map-points', map: { lon: 'lon', lat: 'lat' } };
    const small = await run(spec, SMALL);
    const round = (v: unknown) => Math.round(num(v) * 1e6) / 1e6;
    expect(small.rows.map((r) => [round(r['lon']), round(r['lat']), num(r['size'])])).toStrictEqual([
      [2.35, 48.85, 6], [4.83, 45.76, 3], [7.26, 43.7, 3],
    ]);
    const big = await run(spec, BIG, { width: 600, maxMarks: 2000 });
    expect(big.compiled.kind).toBe('bins');
    expect(big.rows.length).toBe(2000);
    expect(num(big.rows[0]!['__rows'])).toBe(1_000_000);
    expect(num(big.rows[0]!['size'])).toBeGreaterThanOrEqual(num(big.rows[1999]!['size']));
  });

  it('groups map links by their ends', async () => {
    const { rows } = await run({
      source: 't', mark: 'map-links', color: { field: 'amount', aggregate: 'sum' },
      map: { fromLon: 'lon', fromLat: 'lat', toLon: 'to_lon', toLat: 'to_lat' },
    }, SMALL);
    expect(rows.map((r) => [r['from_lon'], r['to_lon'], num(r['size']), num(r['color'])])).toStrictEqual([
      [2.35, 4.83, 3, 15], [2.35, 7.26, 3, 24], [4.83, 2.35, 3, 18], [7.26, 2.35, 3, 21],
    ]);
  });
});

describe('compileChartSql: bounded over a million rows', () => {
  const specs: ChartSpec[] = [
    { source: 't', mark: 'bar', x: { field: 'id' } },
    { source: 't', mark: 'bar', x: { field: 't', bin: { interval: 'hour' } }, color: { field: 'grp' } },
    { source: 't', mark: 'line', x: { field: 't' }, y: { field: 'v' }, color: { field: 'grp' } },
    { source: 't', mark: 'area', x: { field: 'id' }, y: { field: 'v' } },
    { source: 't', mark: 'dot', x: { field: 'id' }, y: { field: 'v' }, size: { field: 'k' } },
    { source: 't', mark: 'cell', x: { field: 'id' }, y: { field: 'grp' } },
    { source: 't', mark: 'tick', x: { field: 'v' } },
    { source: 't', mark: 'rule', y: { field: 'v' } },
    { source: 't', mark: 'text', x: { field: 'id' }, y: { field: 'v' }, text: { field: 'grp' } },
    { source: 't', mark: 'box', x: { field: 'id' }, y: { field: 'v' } },
    { source: 't', mark: 'line', x: { field: 'id', bin: { thresholds: 1000 } }, y: { field: 'v', aggregate: 'median' } },
    { source: 't', mark: 'map-points', color: { field: 'grp' }, map: { lon: 'lon', lat: 'lat' } },
    { source: 't', mark: 'map-links', map: { fromLon: 'lon', fromLat: 'lat', toLon: 'lat', toLat: 'lon' } },
  ];
  for (const spec of specs) {
    it(`${spec.mark} ${JSON.stringify({ x: spec.x, y: spec.y })} returns at most maxMarks rows`, async () => {
      const { rows } = await run(spec, BIG, { width: 640, maxMarks: 1000 });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(1000);
      expect(num(rows[0]!['__rows'])).toBeGreaterThan(0);
    });
  }
});

describe('compileChartSql: options', () => {
  it('refuses a width or mark cap that is not a positive number', () => {
    const spec = normaliseChart({ source: 't', mark: 'bar', x: { field: 'a' } }, [{ name: 'a', type: 'VARCHAR' }]);
    if (!spec.ok) throw new Error('expected a valid chart');
    expect(() => compileChartSql(spec.spec, 'src', { width: Number.NaN })).toThrow(/width/);
    expect(() => compileChartSql(spec.spec, 'src', { width: 100, maxMarks: 0 })).toThrow(/maxMarks/);
  });

  it('reads only the relation it is given, and starts with SELECT so that it can follow a WITH', () => {
    const spec = normaliseChart({ source: 't', mark: 'bar', x: { field: 'a', bin: { thresholds: 3 } } }, [{ name: 'a', type: 'DOUBLE' }]);
    if (!spec.ok) throw new Error('expected a valid chart');
    const { sql } = compileChartSql(spec.spec, 'my src', { width: 100 });
    expect(sql.startsWith('SELECT ')).toBe(true);
    expect(sql).toContain('"my src"');
  });
});

describe('compile, run in DuckDB, render', () => {
  async function drawn(spec: ChartSpec, data: string, width = 640): Promise<{ markup: string; summarised: number | null }> {
    const chart = normalised(spec, await columnsOf(data));
    const { sql } = await compiledFor(chart, data, { width });
    const query = `WITH src AS (${data}) ${sql}`;
    const columns = await columnsOf(query);
    const rows = (await conn.runAndReadAll(query)).getRowObjectsJson() as Row[];
    const { document } = new JSDOM('').window;
    const { summarised } = prepareChartData({ columns, rows });
    return { markup: renderChart(chart, { columns, rows }, { width, document }).outerHTML, summarised };
  }

  it('draws one bar per category and says how many rows it summarises', async () => {
    const { markup, summarised } = await drawn({ source: 't', mark: 'bar', x: { field: 'city' }, y: { field: 'amount' } }, SMALL);
    expect(markup.match(/<rect /g)?.length).toBe(3);
    expect(summarised).toBe(12);
  });

  it('draws a million-row line from at most four points per pixel column', async () => {
    const { markup, summarised } = await drawn({ source: 't', mark: 'line', x: { field: 't' }, y: { field: 'v' } }, BIG, 500);
    const path = /<path[^>]* d="(M[^"]+)"/.exec(markup.slice(markup.indexOf('aria-label="line"')))?.[1] ?? '';
    const points = path.split(/[ML]/).filter(Boolean).length;
    expect(points).toBeGreaterThan(500);
    expect(points).toBeLessThanOrEqual(2000);
    expect(summarised).toBe(1_000_000);
  });

  const every: [ChartSpec, string][] = [
    [{ source: 't', mark: 'bar', y: { field: 'n', bin: { thresholds: 4 } }, x: { aggregate: 'count' } }, 'rect'],
    [{ source: 't', mark: 'area', x: { field: 'day' }, y: { field: 'amount' }, color: { field: 'city' } }, 'area'],
    [{ source: 't', mark: 'area', x: { field: 'ts', bin: { interval: 'day' } }, y: { aggregate: 'count' }, color: { field: 'even' } }, 'area'],
    [{ source: 't', mark: 'line', x: { field: 'n', bin: {} }, y: { field: 'amount', aggregate: 'mean' }, fy: { field: 'even' } }, 'line'],
    [{ source: 't', mark: 'dot', x: { field: 'n', bin: {} }, y: { field: 'amount', bin: {} } }, 'dot'],
    [{ source: 't', mark: 'dot', x: { field: 'city' }, y: { field: 'amount', aggregate: 'max' }, size: { field: 'n' } }, 'dot'],
    [{ source: 't', mark: 'cell', x: { field: 'ts', bin: { interval: 'day' } }, y: { field: 'amount', bin: { thresholds: 3 } }, color: { field: 'n', scale: 'log' } }, 'rect'],
    [{ source: 't', mark: 'cell', x: { field: 'n', bin: {} }, y: { field: 'city' } }, 'bar'],
    [{ source: 't', mark: 'cell', x: { field: 'city' }, y: { field: 'day', bin: { interval: 'week' } } }, 'bar'],
    [{ source: 't', mark: 'tick', x: { field: 'amount' }, y: { field: 'city' }, color: { field: 'even' } }, 'tick'],
    [{ source: 't', mark: 'tick', y: { field: 'ts' } }, 'tick'],
    [{ source: 't', mark: 'rule', x: { field: 'amount', aggregate: 'mean' }, y: { field: 'city' } }, 'rule'],
    [{ source: 't', mark: 'text', x: { field: 'n' }, y: { field: 'amount' }, text: { field: 'city' } }, 'text'],
    [{ source: 't', mark: 'box', y: { field: 'city' }, x: { field: 'amount' }, sort: { by: 'value' } }, 'bar'],
    [{ source: 't', mark: 'box', y: { field: 'amount' } }, 'bar'],
    [{ source: 't', mark: 'map-links', size: { field: 'amount' }, color: { field: 'city' }, map: { projection: 'mercator', fromLon: 'lon', fromLat: 'lat', toLon: 'to_lon', toLat: 'to_lat' } }, 'link'],
  ];
  for (const [spec, mark] of every) {
    it(`draws ${spec.mark} ${JSON.stringify({ x: spec.x, y: spec.y })} with ${mark} marks`, async () => {
      const { markup } = await drawn(spec, SMALL);
      expect(markup).toMatch(new RegExp(`<g aria-label="${mark}"[^>]*>\\s*<`));
    });
  }

  it('draws a map of a million points from a few thousand', async () => {
    const { markup } = await drawn({ source: 't', mark: 'map-points', color: { field: 'grp' }, map: { lon: 'lon', lat: 'lat' } }, BIG);
    const dots = markup.match(/<circle /g)?.length ?? 0;
    expect(dots).toBeGreaterThan(1000);
    expect(dots).toBeLessThanOrEqual(5000);
  });
});
