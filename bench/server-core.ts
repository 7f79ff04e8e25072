/**
 * Server core: queries through the API against DuckDB itself, first rows of a huge
 * result, Arrow against JSON, and memory while a user asks for 10M rows.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { BIG, api, ensureBigDataset, mb, med, medPair, ms, peakRss, startServer } from './common.js';

export async function serverCoreBench(): Promise<string[][]> {
  await ensureBigDataset();
  const direct = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await direct.connect();
  await conn.run(`CREATE VIEW big AS SELECT * FROM read_parquet('${BIG}')`);
  const server = await startServer();
  const rows: string[][] = [];
  try {
    // (a) aggregation: API vs DuckDB in this process
    const agg = 'SELECT grp, count(*) AS n, sum(amount) AS total, avg(qty) AS q FROM big GROUP BY grp ORDER BY grp';
    const [aDirect, aApi] = await medPair(async () => (await conn.runAndReadAll(agg)).getRows(), () => api(agg, 'arrow'));
    rows.push(['(a) 50M-row group-by, 50 groups', `API ${ms(aApi)}`, `DuckDB ${ms(aDirect)}`, `ratio ${(aApi / aDirect).toFixed(2)} (target ≤ 1.1)`]);

    // (b) first 1,000 rows of SELECT * over 50M rows
    const bApi = await med(() => api('SELECT * FROM big', 'arrow', { limit: 1000 }));
    rows.push(['(b) first 1,000 rows of SELECT * (50M)', `API ${ms(bApi)}`, '', 'target ≤ 50 ms']);

    // (c) 100k rows × 8 columns end to end, Arrow vs JSON
    const c100k = 'SELECT * FROM big WHERE id < 100000';
    const duckdbOwn = async () => {
      const r = await conn.stream(c100k);
      // DuckDB's own time: produce every chunk, convert nothing. The end is an empty chunk.
      for (let chunk = await r.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await r.fetchChunk());
    };
    let arrowBytes = 0;
    let jsonBytes = 0;
    const [cDirect, cArrow] = await medPair(duckdbOwn, async () => (arrowBytes = (await api(c100k, 'arrow')).bytes));
    const [cDirect2, cJson] = await medPair(duckdbOwn, async () => (jsonBytes = (await api(c100k, 'json')).bytes));
    rows.push(['(c) 100k × 8 result, Arrow', `API ${ms(cArrow)}`, `DuckDB ${ms(cDirect)}`, `ratio ${(cArrow / cDirect).toFixed(2)} (target ≤ 3), ${mb(arrowBytes)}`]);
    rows.push(['(c) 100k × 8 result, JSON', `API ${ms(cJson)}`, `DuckDB ${ms(cDirect2)}`, `ratio ${(cJson / cDirect2).toFixed(2)}, ${mb(jsonBytes)}`]);

  } finally {
    server.kill('SIGTERM');
  }
  await new Promise((r) => setTimeout(r, 1500));
  // (d) peak memory while a user asks for 10M rows (capped at 100k), on a fresh server
  const fresh = await startServer();
  try {
    await api('SELECT 1 AS warm', 'arrow');
    const before = await peakRss(fresh.pid!);
    const got = await api('SELECT * FROM big WHERE id < 10000000', 'arrow', { limit: 10_000_000 });
    const after = await peakRss(fresh.pid!);
    rows.push(['(d) ask for 10M rows (cap 100k)', `got ${got.rows.toLocaleString('en')} rows`, `peak RSS server ${mb(after.server)}, workers ${mb(after.workers)}`, `idle: server ${mb(before.server)}, workers ${mb(before.workers)}`]);
  } finally {
    fresh.kill('SIGTERM');
    conn.closeSync();
    direct.closeSync();
  }
  return rows;
}
