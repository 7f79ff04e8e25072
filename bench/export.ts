/**
 * Briefings: exporting a 30-cell notebook (20 SQL cells, 10 charts) over the
 * full-size demo data, as HTML and as PDF (targets: ≤ 2 s and ≤ 5 s).
 */
import { join } from 'node:path';
import { ROOT, median, ms, notebookWith, runCellApi, startServer, timeIt } from './common.js';

const HOME = join(ROOT, 'demo-workspace');
const PORT = 8798;

function notebookCells(): string {
  const sql = [
    'SELECT nationality, count(*) AS n FROM persons GROUP BY ALL ORDER BY n DESC',
    'SELECT city, count(*) AS n FROM persons GROUP BY ALL ORDER BY n DESC LIMIT 20',
    "SELECT date_trunc('month', started_at) AS month, count(*) AS calls FROM phone_calls GROUP BY ALL ORDER BY 1",
    'SELECT cell_tower, count(*) AS calls FROM phone_calls GROUP BY ALL ORDER BY calls DESC LIMIT 25',
    'SELECT hour(started_at) AS hour, avg(duration_s) AS mean_s FROM phone_calls GROUP BY ALL ORDER BY 1',
    'SELECT currency, sum(amount) AS total FROM bank_transfers GROUP BY ALL ORDER BY total DESC',
    "SELECT date_trunc('week', executed_at) AS week, count(*) AS n FROM bank_transfers GROUP BY ALL ORDER BY 1",
    'SELECT amount FROM bank_transfers WHERE amount BETWEEN 9000 AND 9999.99',
    'SELECT mode, count(*) AS trips FROM travel GROUP BY ALL ORDER BY trips DESC',
    'SELECT to_city, count(*) AS trips FROM travel GROUP BY ALL ORDER BY trips DESC LIMIT 15',
  ];
  const out: string[] = [];
  sql.forEach((q, i) => {
    out.push(`<!-- cell id=m${i} -->`, `## Section ${i + 1}`, '', 'What the figures below show, in a sentence or two.', '');
    out.push('```sql name=q' + i + ' id=q' + i, q, '```', '');
    out.push('```sql id=t' + i, `SELECT * FROM q${i} LIMIT 50`, '```', '');
  });
  const charts = [
    ['q0', 'bar', 'nationality', 'n'], ['q1', 'bar', 'city', 'n'], ['q2', 'line', 'month', 'calls'], ['q3', 'bar', 'cell_tower', 'calls'],
    ['q4', 'line', 'hour', 'mean_s'], ['q5', 'bar', 'currency', 'total'], ['q6', 'line', 'week', 'n'], ['q8', 'bar', 'mode', 'trips'],
    ['q9', 'bar', 'to_city', 'trips'],
  ];
  charts.forEach(([src, mark, x, y], i) => out.push('```chart id=g' + i, JSON.stringify({ source: src, mark, x: { field: x }, y: { field: y } }), '```', ''));
  out.push('```chart id=g9', JSON.stringify({ source: 'q7', mark: 'bar', x: { field: 'amount', bin: { thresholds: 30 } } }), '```', '');
  return out.join('\n');
}

export async function exportBench(): Promise<string[][]> {
  const server = await startServer(HOME, PORT, '1');
  try {
    const nb = await notebookWith(HOME, PORT, 'Export bench', notebookCells());
    for (let i = 0; i < 10; i++) await runCellApi(PORT, nb, `q${i}`);
    for (let i = 0; i < 10; i++) await runCellApi(PORT, nb, `t${i}`);
    for (let i = 0; i < 10; i++) await runCellApi(PORT, nb, `g${i}`, { width: 640 });
    const exportOnce = (format: string) => async () => {
      const res = await fetch(`http://127.0.0.1:${PORT}/api/notebooks/${nb}/export`, { method: 'POST', body: JSON.stringify({ format }) });
      if (!res.ok) throw new Error(`${format} export: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const rows: string[][] = [];
    for (const format of ['html', 'pdf']) {
      await exportOnce(format)();
      const xs = [await timeIt(exportOnce(format)), await timeIt(exportOnce(format)), await timeIt(exportOnce(format))];
      rows.push([`export 30 cells, 10 charts as ${format.toUpperCase()}`, ms(median(xs)), format === 'html' ? 'target ≤ 2 s' : 'target ≤ 5 s']);
    }
    return rows;
  } finally {
    server.kill('SIGTERM');
  }
}
