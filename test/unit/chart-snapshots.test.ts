// @vitest-environment node
/**
 * Charts drawn in Node (jsdom) compared with committed markup (outerHTML) in test/snapshots/charts/. A
 * missing snapshot is written and reported; CARNET_UPDATE_SNAPSHOTS=1 rewrites them all.
 * Data is literal, in the shape the compiled chart query returns: no clock, no randomness.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Table, TimestampMillisecond, Utf8, Float64, vectorFromArray } from 'apache-arrow';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import {
  normaliseChart, renderChart, type ChartColumn, type ChartSpec, type NormalisedChart, type RenderOptions,
} from '../../core/chart/index.js';

const SNAPSHOTS = fileURLToPath(new URL('../snapshots/charts/', import.meta.url));
const UPDATE = process.env['CARNET_UPDATE_SNAPSHOTS'] === '1';

type Rows = Record<string, unknown>[];

interface Case {
  name: string;
  spec: ChartSpec;
  /** The source's columns, as the builder lists them. */
  source: ChartColumn[];
  /** The compiled query's result. */
  columns: ChartColumn[];
  rows: Rows;
  opts?: Partial<RenderOptions>;
}

/** A fixed pseudo-random sequence (Park–Miller), so that data looks organic yet never changes. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const col = (name: string, type: string): ChartColumn => ({ name, type });
const CITIES = ['Strasbourg', 'Nantes', 'Nice', 'Toulouse', 'Marseille', 'Lyon', 'Paris'];
const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

const CASES: Case[] = [
  {
    name: 'bar-stacked-sorted',
    spec: {
      source: 'transfers', mark: 'bar', x: { field: 'city' }, y: { field: 'amount', aggregate: 'sum' }, color: { field: 'kind' },
      sort: { by: 'value' }, title: 'Transfers by city', subtitle: 'Sum of amounts, by kind', caption: 'Demo data, 2024',
    },
    source: [col('city', 'VARCHAR'), col('amount', 'DECIMAL(14,2)'), col('kind', 'VARCHAR')],
    columns: [col('x', 'VARCHAR'), col('color', 'VARCHAR'), col('y', 'DOUBLE'), col('__rows', 'HUGEINT'), col('__marks', 'BIGINT')],
    rows: CITIES.flatMap((x, i) => ['cash', 'wire'].map((color, j) => ({ x, color, y: (7 - i) * 1000 * (j + 1) + 123.45, __rows: 5000000, __marks: 14 }))),
  },
  {
    name: 'bar-horizontal-fr',
    spec: { source: 'calls', mark: 'bar', y: { field: 'operator' }, x: { field: 'seconds' } },
    source: [col('operator', 'VARCHAR'), col('seconds', 'BIGINT')],
    columns: [col('y', 'VARCHAR'), col('x', 'DOUBLE')],
    rows: ['Orange Business', 'SFR', 'Bouygues Télécom', 'Free Mobile', 'Proximus (Belgique)'].map((y, i) => ({ y, x: (i + 1) * 1234567.5 })),
    opts: { locale: 'fr-FR' },
  },
  {
    name: 'histogram',
    spec: { source: 'transfers', mark: 'bar', x: { field: 'amount', bin: { thresholds: 20 } } },
    source: [col('amount', 'DOUBLE')],
    columns: [col('x1', 'DOUBLE'), col('x2', 'DOUBLE'), col('y', 'BIGINT')],
    rows: Array.from({ length: 20 }, (_, i) => ({ x1: i * 50, x2: i * 50 + 50, y: Math.round(10000 * Math.exp(-((i - 6) ** 2) / 12)) })),
  },
  {
    name: 'line-series-dark-fr',
    spec: { source: 'readings', mark: 'line', x: { field: 'at' }, y: { field: 'level' }, color: { field: 'sensor' } },
    source: [col('at', 'TIMESTAMP'), col('level', 'DOUBLE'), col('sensor', 'VARCHAR')],
    columns: [col('x', 'TIMESTAMP'), col('y', 'DOUBLE'), col('color', 'VARCHAR')],
    rows: ['nord', 'sud'].flatMap((color, k) => Array.from({ length: 90 }, (_, i) => ({
      x: `${day(i)} 12:00:00`, y: Math.round((Math.sin(i / 9 + k) * 100 + k * 40) * 100) / 100, color,
    }))),
    opts: { theme: 'dark', locale: 'fr-FR' },
  },
  {
    name: 'area-months-stacked',
    spec: { source: 'calls', mark: 'area', x: { field: 'started_at', bin: { interval: 'month' } }, y: { aggregate: 'count' }, color: { field: 'direction' } },
    source: [col('started_at', 'TIMESTAMP'), col('direction', 'VARCHAR')],
    columns: [col('x1', 'TIMESTAMP'), col('x2', 'TIMESTAMP'), col('color', 'VARCHAR'), col('y', 'BIGINT')],
    rows: ['in', 'out', 'missed'].flatMap((color, k) => Array.from({ length: 12 }, (_, m) => ({
      x1: `2024-${String(m + 1).padStart(2, '0')}-01 00:00:00`,
      x2: m === 11 ? '2025-01-01 00:00:00' : `2024-${String(m + 2).padStart(2, '0')}-01 00:00:00`,
      color, y: 1000 + k * 400 + ((m * 37 + k * 11) % 9) * 60,
    }))),
  },
  {
    name: 'dot-sized',
    spec: { source: 'persons', mark: 'dot', x: { field: 'age' }, y: { field: 'income' }, color: { field: 'region' }, size: { field: 'accounts' } },
    source: [col('age', 'INTEGER'), col('income', 'DOUBLE'), col('region', 'VARCHAR'), col('accounts', 'INTEGER')],
    columns: [col('x', 'DOUBLE'), col('y', 'DOUBLE'), col('color', 'VARCHAR'), col('size', 'DOUBLE')],
    rows: (() => {
      const r = lcg(7);
      return Array.from({ length: 60 }, () => {
        const x = 18 + Math.floor(r() * 60);
        return { x, y: Math.round(15000 + x * 600 + r() * 20000), color: ['north', 'south', 'east'][Math.floor(r() * 3)], size: 1 + Math.floor(r() * 6) };
      });
    })(),
  },
  {
    name: 'heatmap-week',
    spec: { source: 'calls', mark: 'cell', x: { field: 'weekday' }, y: { field: 'hour' } },
    source: [col('weekday', 'VARCHAR'), col('hour', 'VARCHAR')],
    columns: [col('x', 'VARCHAR'), col('y', 'VARCHAR'), col('color', 'BIGINT')],
    rows: ['1 Mon', '2 Tue', '3 Wed', '4 Thu', '5 Fri', '6 Sat', '7 Sun'].flatMap((x, i) => ['08h', '12h', '16h', '20h'].map((y, j) => ({ x, y, color: ((i + 2) * (j + 3) * 13) % 97 }))),
  },
  {
    name: 'box-groups',
    spec: { source: 'transfers', mark: 'box', x: { field: 'channel' }, y: { field: 'amount' } },
    source: [col('channel', 'VARCHAR'), col('amount', 'DOUBLE')],
    columns: [col('x', 'VARCHAR'), ...['q1', 'median', 'q3', 'lo', 'hi'].map((n) => col(n, 'DOUBLE'))],
    rows: [
      { x: 'branch', q1: 120, median: 340, q3: 610, lo: 10, hi: 1320 },
      { x: 'online', q1: 45, median: 80, q3: 150, lo: 1, hi: 300 },
      { x: 'wire', q1: 900, median: 2100, q3: 5200, lo: 50, hi: 11000 },
    ],
  },
  {
    name: 'facets-bar',
    spec: { source: 'travel', mark: 'bar', x: { field: 'mode' }, fx: { field: 'year' } },
    source: [col('mode', 'VARCHAR'), col('year', 'INTEGER')],
    columns: [col('x', 'VARCHAR'), col('fx', 'DOUBLE'), col('y', 'BIGINT')],
    rows: [2023, 2024].flatMap((fx, k) => ['air', 'rail', 'road', 'sea'].map((x, i) => ({ x, fx, y: 100 + i * 40 + k * 25 }))),
  },
  {
    name: 'map-points-europe',
    spec: { source: 'calls', mark: 'map-points', color: { field: 'kind' }, map: { lon: 'lon', lat: 'lat' }, title: 'Where the calls were made' },
    source: [col('lon', 'DOUBLE'), col('lat', 'DOUBLE'), col('kind', 'VARCHAR')],
    columns: [col('lon', 'DOUBLE'), col('lat', 'DOUBLE'), col('color', 'VARCHAR'), col('size', 'BIGINT')],
    rows: [
      { lon: 2.35, lat: 48.86, color: 'voice', size: 1200 }, { lon: 13.4, lat: 52.52, color: 'sms', size: 400 },
      { lon: 12.5, lat: 41.9, color: 'voice', size: 90 }, { lon: -3.7, lat: 40.42, color: 'sms', size: 700 },
      { lon: 4.35, lat: 50.85, color: 'voice', size: 650 }, { lon: 6.13, lat: 49.61, color: 'voice', size: 300 },
    ],
  },
  {
    name: 'map-links-orthographic',
    spec: { source: 'travel', mark: 'map-links', map: { projection: 'orthographic', fromLon: 'from_lon', fromLat: 'from_lat', toLon: 'to_lon', toLat: 'to_lat' } },
    source: ['from_lon', 'from_lat', 'to_lon', 'to_lat'].map((n) => col(n, 'DOUBLE')),
    columns: [...['from_lon', 'from_lat', 'to_lon', 'to_lat'].map((n) => col(n, 'DOUBLE')), col('size', 'BIGINT')],
    rows: [
      { from_lon: 2.35, from_lat: 48.86, to_lon: 13.4, to_lat: 52.52, size: 30 },
      { from_lon: 2.35, from_lat: 48.86, to_lon: -3.7, to_lat: 40.42, size: 5 },
      { from_lon: 12.5, from_lat: 41.9, to_lon: 2.35, to_lat: 48.86, size: 12 },
      { from_lon: 6.13, from_lat: 49.61, to_lon: 4.35, to_lat: 50.85, size: 18 },
    ],
  },
];

function normalised(c: Case): NormalisedChart {
  const result = normaliseChart(c.spec, c.source);
  if (!result.ok) throw new Error(`case ${c.name}: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.spec;
}

function draw(c: Case, document: Document, extra: Partial<RenderOptions> = {}): string {
  return renderChart(normalised(c), { columns: c.columns, rows: c.rows }, { width: 640, document, ...c.opts, ...extra }).outerHTML;
}

describe('chart snapshots', () => {
  const { document } = new JSDOM('').window;
  mkdirSync(SNAPSHOTS, { recursive: true });
  for (const c of CASES) {
    it(`draws ${c.name} as committed`, () => {
      const markup = `${draw(c, document)}\n`;
      // outerHTML, as the browser gives it: an <svg> or a <figure> holding title, legend and svg.
      const file = join(SNAPSHOTS, `${c.name}.html`);
      if (UPDATE || !existsSync(file)) {
        writeFileSync(file, markup);
        console.log(`wrote snapshot ${file}`);
        return;
      }
      expect(markup).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('renderChart determinism', () => {
  it('draws the same markup again, in the same document and in another', () => {
    const first = new JSDOM('').window.document;
    for (const c of CASES) {
      const once = draw(c, first);
      expect(draw(c, first), c.name).toBe(once);
      expect(draw(c, new JSDOM('').window.document), c.name).toBe(once);
    }
  });

  it('renumbers ids from the prefix it is given, references included', () => {
    const links = CASES.find((c) => c.name === 'map-links-orthographic')!;
    const markup = draw(links, new JSDOM('').window.document, { idPrefix: 'cell-42' });
    expect(markup).toContain('id="cell-42-1"');
    expect(markup).toContain('url(#cell-42-1)');
    expect(markup).not.toMatch(/plot-(clip|marker)-\d/);
  });

  it('draws the same chart from an Arrow table as from rows', () => {
    const line = CASES.find((c) => c.name === 'line-series-dark-fr')!;
    const table = new Table({
      x: vectorFromArray(line.rows.map((r) => Date.parse(`${String(r['x']).replace(' ', 'T')}Z`)), new TimestampMillisecond()),
      y: vectorFromArray(line.rows.map((r) => r['y'] as number), new Float64()),
      color: vectorFromArray(line.rows.map((r) => r['color'] as string), new Utf8()),
    });
    const document = new JSDOM('').window.document;
    const fromArrow = renderChart(normalised(line), table, { width: 640, document, ...line.opts }).outerHTML;
    expect(fromArrow).toBe(draw(line, document));
  });

  it('refers to no other host: maps draw from the bundled outline', () => {
    const document = new JSDOM('').window.document;
    for (const c of CASES) expect(draw(c, document), c.name).not.toMatch(/https?:|\/\/[a-z]/i);
  });

  it('formats numbers and dates in the locale', () => {
    const document = new JSDOM('').window.document;
    const bars = draw(CASES.find((c) => c.name === 'bar-horizontal-fr')!, document);
    // Compact millions with a no-break space, as French writes them.
    expect(bars).toContain('>6&nbsp;M</text>');
    const line = draw(CASES.find((c) => c.name === 'line-series-dark-fr')!, document);
    expect(line).toMatch(/févr\./);
  });

  it('leaves no window behind in Node after pinning the pixel ratio', () => {
    draw(CASES.find((c) => c.name === 'heatmap-week')!, new JSDOM('').window.document);
    expect('window' in globalThis).toBe(false);
  });

  it('asks for a document outside a browser', () => {
    expect(() => renderChart(normalised(CASES[0]!), { columns: [], rows: [] }, { width: 640 }))
      .toThrow('renderChart: no document to draw in; outside a browser, pass opts.document (e.g. from jsdom)');
  });
});
