/**
 * Downloading a stored result: CSV and Parquet. The Parquet file is read back with DuckDB
 * and must hold the same rows with the same DuckDB types as the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let scratch: string;
beforeAll(async () => {
  t = await makeTestApp({ timeoutMs: 10_000 });
  scratch = await mkdtemp(join(tmpdir(), 'carnet-download-'));
});
afterAll(async () => {
  await t?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs a free query and returns its result id. */
async function resultOf(sql: string): Promise<string> {
  const res = await t.app.request('/api/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ sql }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { resultId: string }).resultId;
}

/** The Parquet bytes' columns (name, DuckDB type) and rows, as DuckDB reads them. */
async function readParquet(bytes: Uint8Array): Promise<{ columns: { name: string; type: string }[]; rows: Record<string, unknown>[] }> {
  const path = join(scratch, `read-${Math.random().toString(36).slice(2)}.parquet`);
  await writeFile(path, bytes);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const columns = described.getRowObjectsJson().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
    const read = await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
    return { columns, rows: read.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const TYPED_SQL = `
SELECT id,
       big,
       name AS "odd ""name""",
       born,
       seen_at,
       seen_at::TIMESTAMPTZ AS seen_tz,
       even,
       amount,
       pair,
       maybe,
       ratio::DOUBLE AS ratio,
       {'n': id, 's': name} AS info,
       ('0' || id)::BLOB AS raw,
       make_time(id % 24, 30, 15.5) AS at_time,
       to_days(id) AS span,
       9007199254740993::BIGINT + id AS huge,
       id AS "ID"
FROM people ORDER BY id LIMIT 5`;

describe('GET /api/results/:id/download', () => {
  it('writes Parquet with the result\'s values and DuckDB types', async () => {
    const id = await resultOf(TYPED_SQL);
    const res = await t.app.request(`/api/results/${id}/download?format=parquet`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename="result-[0-9a-f]{8}\.parquet"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('PAR1');
    const { columns, rows } = await readParquet(bytes);
    expect(columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'big', type: 'BIGINT' },
      { name: 'odd "name"', type: 'VARCHAR' },
      { name: 'born', type: 'DATE' },
      { name: 'seen_at', type: 'TIMESTAMP' },
      { name: 'seen_tz', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'even', type: 'BOOLEAN' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
      { name: 'pair', type: 'BIGINT[]' },
      { name: 'maybe', type: 'VARCHAR' },
      { name: 'ratio', type: 'DOUBLE' },
      { name: 'info', type: 'STRUCT(n INTEGER, s VARCHAR)' },
      { name: 'raw', type: 'BLOB' },
      { name: 'at_time', type: 'TIME' },
      { name: 'span', type: 'INTERVAL' },
      { name: 'huge', type: 'BIGINT' },
      // DuckDB names are case-insensitive: a second "id" is renamed rather than lost.
      { name: 'ID_2', type: 'INTEGER' },
    ]);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({
      id: 1,
      big: '10000000000',
      'odd "name"': 'person 1',
      born: '2025-01-02',
      seen_at: '2025-01-01 09:00:00',
      seen_tz: '2025-01-01 09:00:00+00',
      even: false,
      amount: '1.25',
      pair: ['1', '2'],
      maybe: 'x',
      ratio: 0.25,
      info: { n: 1, s: 'person 1' },
      raw: '01',
      at_time: '01:30:15.5',
      span: { months: 0, days: 1, micros: '0' },
      huge: '9007199254740994',
      ID_2: 1,
    });
    expect(rows[4]).toMatchObject({ id: 5, maybe: null, amount: '6.25' });
  });

  it('writes an empty result as a Parquet file with its columns', async () => {
    const id = await resultOf('SELECT id, name FROM people WHERE id < 0');
    const res = await t.app.request(`/api/results/${id}/download?format=parquet`);
    expect(res.status).toBe(200);
    const { columns, rows } = await readParquet(new Uint8Array(await res.arrayBuffer()));
    expect(columns).toEqual([{ name: 'id', type: 'INTEGER' }, { name: 'name', type: 'VARCHAR' }]);
    expect(rows).toEqual([]);
  });

  it('leaves no temporary file behind', async () => {
    const id = await resultOf('SELECT * FROM people');
    expect((await t.app.request(`/api/results/${id}/download?format=parquet`)).status).toBe(200);
    const left = await readdir(t.deps.config.uploadDir).catch(() => []);
    expect(left.filter((f) => f.startsWith('download-'))).toEqual([]);
  });

  it('still writes CSV, and refuses an unknown format', async () => {
    const id = await resultOf('SELECT id, name FROM people ORDER BY id LIMIT 2');
    const csv = await t.app.request(`/api/results/${id}/download?format=csv`);
    expect(await csv.text()).toMatch(/^id,name\r?\n1,person 1\r?\n2,person 2/);
    const bad = await t.app.request(`/api/results/${id}/download?format=xlsx`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/unknown format "xlsx"/);
  });
});
