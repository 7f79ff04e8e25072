/**
 * Charts over the 50M-row dataset: the chart path (the spec compiled to an
 * aggregation on the server, a few thousand marks back) against the naive path
 * (raw rows fetched up to the row cap, binned and drawn in the client).
 */
import { JSDOM } from 'jsdom';
import { tableFromIPC, type Table } from 'apache-arrow';
import * as Plot from '@observablehq/plot';
import { normaliseChart, renderChart, parseChartSpec, type ChartColumn } from '../core/chart/index.js';
import { HOME, PORT, ensureBigDataset, mb, medPair, ms, notebookWith, runCellApi, startServer } from './common.js';

const WIDTH = 800;
const SPECS = {
  h1: '{"source": "src", "mark": "bar", "x": {"field": "amount", "bin": {"thresholds": 40}}}',
  l1: '{"source": "src", "mark": "line", "x": {"field": "ts", "bin": {"interval": "day"}}, "y": {"field": "amount", "aggregate": "mean"}}',
  m1: '{"source": "src", "mark": "line", "x": {"field": "ts"}, "y": {"field": "amount"}}',
  m2: '{"source": "unordered", "mark": "line", "x": {"field": "ts"}, "y": {"field": "amount"}}',
};

export async function chartsBench(): Promise<string[][]> {
  await ensureBigDataset();
  const server = await startServer();
  const rows: string[][] = [];
  const document = new JSDOM('').window.document;
  try {
    const cells = ['```sql name=src id=src', 'SELECT * FROM big', '```', '', '```sql name=unordered id=unordered', 'SELECT * FROM big_unordered', '```', ''];
    for (const [id, spec] of Object.entries(SPECS)) cells.push('```chart id=' + id, spec, '```', '');
    const nb = await notebookWith(HOME, PORT, 'Chart bench', cells.join('\n'));

    const chartPath = async (id: keyof typeof SPECS) => {
      const res = await runCellApi(PORT, nb, id, { width: WIDTH });
      const meta = JSON.parse(decodeURIComponent(res.headers.get('x-carnet-chart')!)) as { columns: ChartColumn[] };
      const bytes = new Uint8Array(await res.arrayBuffer());
      const norm = normaliseChart(parseChartSpec(SPECS[id]), meta.columns);
      if (!norm.ok) throw new Error(norm.errors[0]!.message);
      renderChart(norm.spec, tableFromIPC(bytes), { width: WIDTH, document });
      return bytes.byteLength;
    };
    const naive = async (sql: string, draw: (t: Table) => Plot.Markish) => {
      const res = await fetch(`http://127.0.0.1:${PORT}/api/query`, { method: 'POST', body: JSON.stringify({ sql }) });
      const bytes = new Uint8Array(await res.arrayBuffer());
      Plot.plot({ width: WIDTH, document, marks: [draw(tableFromIPC(bytes))] });
      return bytes.byteLength;
    };
    const cases: [string, keyof typeof SPECS, string, (t: Table) => Plot.Markish][] = [
      ['histogram of amount (40 bins)', 'h1', 'SELECT amount FROM big', (t) => Plot.rectY(t.getChild('amount')!.toArray(), Plot.binX({ y: 'count' }, { thresholds: 40 }))],
      ['line, daily mean', 'l1', 'SELECT ts, amount FROM big', (t) => Plot.lineY(t.toArray(), Plot.binX({ y: 'mean' }, { x: 'ts', y: 'amount', interval: 'day' } as never))],
      ['line, raw points (M4)', 'm1', 'SELECT ts, amount FROM big', (t) => Plot.lineY(t.toArray(), { x: 'ts', y: 'amount' })],
      ['line, raw points (M4), times unordered', 'm2', 'SELECT ts, amount FROM big_unordered', (t) => Plot.lineY(t.toArray(), { x: 'ts', y: 'amount' })],
    ];
    for (const [label, id, sql, draw] of cases) {
      let chartBytes = 0;
      let naiveBytes = 0;
      const [chart, raw] = await medPair(async () => (chartBytes = await chartPath(id)), async () => (naiveBytes = await naive(sql, draw)));
      rows.push([
        `${label}, 50M rows`,
        `chart path ${ms(chart)}, ${mb(chartBytes)}`,
        `naive (first 100k rows only) ${ms(raw)}, ${mb(naiveBytes)}`,
        `time ×${(raw / chart).toFixed(1)}, bytes ×${(naiveBytes / Math.max(1, chartBytes)).toFixed(0)} (target < 1 s, < 1 MB)`,
      ]);
    }
  } finally {
    server.kill('SIGTERM');
  }
  return rows;
}
