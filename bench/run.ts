/**
 * `npm run bench`: the server core's speed and memory goals, measured side by side
 * in one run (median of 5). Not part of `npm test`: figures, not pass/fail.
 * The first run generates a 50M-row Parquet file under .bench/ (kept).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, stat, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';

const ROOT = resolve('.bench');
const HOME = join(ROOT, 'workspace');
const DATA = join(HOME, 'data');
const BIG = join(DATA, 'big.parquet');
const ROWS = 50_000_000;
const PORT = 8797;
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;

async function timeIt(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function med(f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await timeIt(f));
  return median(xs);
}

/**
 * Two ways to the same answer, timed in alternation so that a change in the
 * machine's load between them does not show up as a ratio.
 */
async function medPair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    xs.push(await timeIt(a));
    ys.push(await timeIt(b));
  }
  return [median(xs), median(ys)];
}

async function ensureBigDataset(): Promise<void> {
  await mkdir(DATA, { recursive: true });
  if (await stat(BIG).then(() => true, () => false)) return;
  console.log(`generating ${ROWS.toLocaleString('en')} rows into ${BIG} (once)…`);
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  await c.run(`COPY (
    SELECT i AS id, (hash(i) % 50)::INTEGER AS grp, (hash(i, 1) % 100000) / 100.0 AS amount,
           'name-' || (hash(i, 2) % 100000) AS label, TIMESTAMP '2025-01-01' + INTERVAL (i % 31536000) SECOND AS ts,
           (hash(i, 3) % 1000)::INTEGER AS qty, hash(i, 4) % 2 = 0 AS flag, DATE '2025-01-01' + (i % 365)::INTEGER AS day
    FROM range(${ROWS}) t(i)) TO '${BIG}' (FORMAT parquet, COMPRESSION zstd)`);
  c.closeSync();
  db.closeSync();
}

function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'serve', '--home', HOME, '--port', String(PORT)], {
    env: { ...process.env, CARNET_DEMO_SCALE: '0.01', CARNET_MAX_ROWS: '100000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('serving')) ok(child);
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
}

/** Peak resident memory (VmHWM) of the server process, and summed over its DuckDB workers. */
async function peakRss(pid: number): Promise<{ server: number; workers: number }> {
  const hwm = async (p: number) => Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${p}/status`, 'utf8').catch(() => ''))?.[1] ?? 0) * 1024;
  const descendants: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop()!;
    for (const t of (await readFile(`/proc/${p}/task/${p}/children`, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean)) {
      descendants.push(Number(t));
      queue.push(Number(t));
    }
  }
  let workers = 0;
  for (const p of descendants) workers += await hwm(p);
  return { server: await hwm(pid), workers };
}

async function api(sql: string, accept: 'arrow' | 'json', extra: Record<string, unknown> = {}) {
  const res = await fetch(`http://127.0.0.1:${PORT}/api/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: accept === 'json' ? 'application/json' : 'application/vnd.apache.arrow.stream' },
    body: JSON.stringify({ sql, ...extra }),
  });
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  if (accept === 'json') {
    const text = await res.text();
    const body = JSON.parse(text) as { rows: unknown[] };
    return { rows: body.rows.length, bytes: Buffer.byteLength(text) };
  }
  const buf = new Uint8Array(await res.arrayBuffer());
  return { rows: tableFromIPC(buf).numRows, bytes: buf.byteLength };
}

async function main() {
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
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('\nCarnet server core benchmark (median of 5, 2 DuckDB threads)\n');
  for (const r of rows) console.log(r.map((v, i) => v.padEnd(widths[i]!)).join('  │  '));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
