/** What the bench sections share: timing, the 50M-row dataset, a server in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rename, stat, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { DATASET_PARQUET_OPTIONS } from '../server/datasets/parquet-options.js';

export const ROOT = resolve('.bench');
export const HOME = join(ROOT, 'workspace');
const DATA = join(HOME, 'data');
export const BIG = join(DATA, 'big.parquet');
/** Two columns of `big`, with its times shuffled. */
export const BIG_UNORDERED = join(DATA, 'big_unordered.parquet');
const ROWS = 50_000_000;
export const PORT = 8797;
const RUNS = 5;

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const ms = (x: number) => `${x.toFixed(1)} ms`;
export const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;

export async function timeIt(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

export async function med(f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await timeIt(f));
  return median(xs);
}

/**
 * Two ways to the same answer, timed in alternation so that a change in the
 * machine's load between them does not show up as a ratio.
 */
export async function medPair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
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

/** The bench datasets, written as Carnet writes every dataset; remade when that changes. */
export async function ensureBigDataset(): Promise<void> {
  await mkdir(DATA, { recursive: true });
  const marker = join(ROOT, 'big.format');
  const made = await readFile(marker, 'utf8').catch(() => '');
  const present = await stat(BIG).then(() => true, () => false) && await stat(BIG_UNORDERED).then(() => true, () => false);
  if (present && made === DATASET_PARQUET_OPTIONS) return;
  console.log(`generating ${ROWS.toLocaleString('en')} rows into ${BIG} and ${BIG_UNORDERED} (once)…`);
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  await c.run(`COPY (
    SELECT i AS id, (hash(i) % 50)::INTEGER AS grp, (hash(i, 1) % 100000) / 100.0 AS amount,
           'name-' || (hash(i, 2) % 100000) AS label, TIMESTAMP '2025-01-01' + INTERVAL (i % 31536000) SECOND AS ts,
           (hash(i, 3) % 1000)::INTEGER AS qty, hash(i, 4) % 2 = 0 AS flag, DATE '2025-01-01' + (i % 365)::INTEGER AS day
    FROM range(${ROWS}) t(i)) TO '${BIG}.tmp' (${DATASET_PARQUET_OPTIONS})`);
  // The same year of times in no order at all: the worst case for reading a time column.
  await c.run(`COPY (
    SELECT TIMESTAMP '2025-01-01' + INTERVAL (hash(i, 5) % 31536000) SECOND AS ts, (hash(i, 1) % 100000) / 100.0 AS amount
    FROM range(${ROWS}) t(i)) TO '${BIG_UNORDERED}.tmp' (${DATASET_PARQUET_OPTIONS})`);
  c.closeSync();
  db.closeSync();
  await rename(`${BIG}.tmp`, BIG);
  await rename(`${BIG_UNORDERED}.tmp`, BIG_UNORDERED);
  await writeFile(marker, DATASET_PARQUET_OPTIONS);
}

export function startServer(home = HOME, port = PORT, demoScale = '0.01'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'serve', '--home', home, '--port', String(port)], {
    // The benches measure queries, not logins: the one local user.
    env: { ...process.env, CARNET_DEMO_SCALE: demoScale, CARNET_MAX_ROWS: '100000', CARNET_AUTH: 'off' },
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
export async function peakRss(pid: number): Promise<{ server: number; workers: number }> {
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

export async function api(sql: string, accept: 'arrow' | 'json', extra: Record<string, unknown> = {}, port = PORT) {
  const res = await fetch(`http://127.0.0.1:${port}/api/query`, {
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


/** Creates a notebook through the API, then gives it these cells (Markdown text) in its file. */
export async function notebookWith(home: string, port: number, title: string, cells: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/notebooks`, { method: 'POST', body: JSON.stringify({ title }) });
  const { id } = (await res.json()) as { id: string };
  const file = join(home, 'notebooks', `${id}.md`);
  const { readFile: read, writeFile } = await import('node:fs/promises');
  await writeFile(file, (await read(file, 'utf8')).trimEnd() + '\n\n' + cells.trim() + '\n');
  return id;
}

/** Runs one cell through the API; returns the raw response. */
export async function runCellApi(port: number, notebook: string, cell: string, body: Record<string, unknown> = {}): Promise<Response> {
  const res = await fetch(`http://127.0.0.1:${port}/api/notebooks/${notebook}/cells/${cell}/run`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`cell ${cell}: ${res.status} ${await res.text()}`);
  return res;
}

export function printTable(title: string, rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}\n`);
  for (const r of rows) console.log(r.map((v, i) => v.padEnd(widths[i]!)).join('  │  '));
}
