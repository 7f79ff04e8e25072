/**
 * The engine end to end: worker processes, sandboxed DuckDB over generated Parquet files, Arrow out.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, QueryError, type PoolEngine, type QueryRequest, type QueryResult } from '../../server/engine/index.js';
import { openSandbox } from '../../server/engine/sandbox.js';
import { createParquetFixtures, type ParquetFixtures } from '../helpers/parquet-fixtures.js';

let fixtures: ParquetFixtures;
let stateDir: string;
let engine: PoolEngine;
let persons: string;
let calls: string;
let nextId = 0;

/** The compiled form the server sends: datasets as CTEs over the allowed files. */
const datasets = () =>
  `WITH "persons" AS NOT MATERIALIZED (SELECT * FROM read_parquet('${persons}')), ` +
  `"calls" AS NOT MATERIALIZED (SELECT * FROM read_parquet('${calls}', hive_partitioning = true)) `;

function request(sql: string, extra: Partial<QueryRequest> = {}): QueryRequest {
  return { sql: datasets() + sql, limit: 1000, allowedFiles: [persons, calls], queryId: `q${nextId++}`, ...extra };
}

const run = (sql: string, extra: Partial<QueryRequest> = {}) => engine.query(request(sql, extra));

/** The error a query fails with (fails the test if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<QueryError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(QueryError);
  return outcome as QueryError;
}

const decode = (result: QueryResult): Table => tableFromIPC(result.arrow);
const column = (table: Table, name: string) => {
  const index = table.schema.fields.findIndex((field) => field.name === name);
  return { field: table.schema.fields[index]!, vector: table.getChildAt(index)! };
};
const values = (table: Table, name: string) => [...column(table, name).vector].map((v) => (v === undefined ? null : v));

/** A query that runs until stopped. */
const FOREVER = 'SELECT count(*) FROM range(1000000000) a, range(1000000000) b';

beforeAll(async () => {
  fixtures = await createParquetFixtures();
  persons = fixtures.path('persons.parquet');
  calls = join(fixtures.dir, 'calls/**/*.parquet');
  stateDir = await mkdtemp(join(tmpdir(), 'carnet-state-'));
  engine = await createEngine({ dataDir: fixtures.dir, stateDir, workers: 2 });
});

afterAll(async () => {
  await engine?.close();
  await fixtures?.remove();
  await rm(stateDir, { recursive: true, force: true });
});

describe('types round trip through Arrow', () => {
  it('maps the Parquet columns of a dataset, NULLs included', async () => {
    const result = await run('SELECT * FROM persons WHERE id IN (1, 2, 3, 35) ORDER BY id');
    const table = decode(result);
    expect(result.rowCount).toBe(4);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, [String(f.type), f.metadata.get('duckdb_type')]]));
    expect(types).toEqual({
      id: ['Int32', 'INTEGER'],
      name: ['Utf8', 'VARCHAR'],
      born: ['Date32<DAY>', 'DATE'],
      city: ['Utf8', 'VARCHAR'],
      score: ['Float64', 'DOUBLE'],
      active: ['Bool', 'BOOLEAN'],
      joined: ['Timestamp<MICROSECOND>', 'TIMESTAMP'],
      balance: ['Decimal[18e+2]', 'DECIMAL(18,2)'],
      big: ['Int64', 'BIGINT'],
      tags: ['List<Int64>', 'BIGINT[]'],
      address: ['Struct<{street:Utf8, zip:Int64}>', 'STRUCT("street" VARCHAR, "zip" BIGINT)'],
      even: ['Bool', 'BOOLEAN'],
    });
    expect(result.columns.map((c) => c.type)).toContain('DECIMAL(18,2)');
    expect(values(table, 'id')).toEqual([1, 2, 3, 35]);
    expect(values(table, 'name')).toEqual(['person 1', 'person 2', 'person 3', 'person 35']);
    expect(values(table, 'born')).toEqual([Date.UTC(1960, 1, 7), Date.UTC(1960, 2, 15), Date.UTC(1960, 3, 21), null]);
    expect(values(table, 'score')).toEqual([1.5, 3, 4.5, null]);
    expect(values(table, 'active')).toEqual([false, true, null, false]);
    expect(column(table, 'joined').vector.data[0]!.values[0]).toBe(BigInt(Date.UTC(2020, 0, 1, 1)) * 1000n);
    expect(values(table, 'balance').map(String)).toEqual(['1025', '2050', '3075', '35875']);
    expect(values(table, 'big')).toEqual([1000000000n, 2000000000n, 3000000000n, 35000000000n]);
    expect(values(table, 'tags').map((list) => (list === null ? null : [...(list as Iterable<bigint>)]))).toEqual([
      [1n, 2n, 3n],
      [2n, 3n, 4n],
      [3n, 4n, 5n],
      [35n, 36n, 37n],
    ]);
    expect(column(table, 'address').vector.get(0)?.toJSON()).toEqual({ street: '1 rue de la Paix', zip: 75001n });
  });

  it('maps computed types: HUGEINT, DECIMAL widths, time units, nested and text-form types', async () => {
    const result = await run(`
      SELECT
        CASE WHEN i = 0 THEN 170141183460469231731687303715884105727::HUGEINT WHEN i = 1 THEN -5::HUGEINT WHEN i = 2 THEN -170141183460469231731687303715884105727::HUGEINT END AS huge,
        CASE WHEN i = 0 THEN 340282366920938463463374607431768211455::UHUGEINT END AS uhuge,
        CASE WHEN i = 0 THEN -1.5::DECIMAL(4, 1) WHEN i = 1 THEN 2.5::DECIMAL(4, 1) END AS d4,
        CASE WHEN i = 0 THEN -123456.789::DECIMAL(9, 3) END AS d9,
        CASE WHEN i = 0 THEN -123456789012345678901234.5678::DECIMAL(38, 4) WHEN i = 1 THEN 1::DECIMAL(38, 4) END AS d38,
        CASE WHEN i = 0 THEN TIMESTAMPTZ '2024-02-29 12:00:00+00' END AS tz,
        CASE WHEN i = 0 THEN '2024-02-29 12:00:00.123456789'::TIMESTAMP_NS END AS ns,
        CASE WHEN i = 0 THEN '2024-02-29 12:00:00.123'::TIMESTAMP_MS END AS ms,
        CASE WHEN i = 0 THEN '2024-02-29 12:00:00'::TIMESTAMP_S END AS s,
        CASE WHEN i = 0 THEN TIME '12:34:56.000001' END AS t,
        CASE WHEN i = 0 THEN '\\xAA\\x00'::BLOB END AS blob,
        CASE WHEN i = 0 THEN 200::UTINYINT END AS u8,
        CASE WHEN i = 0 THEN 1.25::FLOAT END AS f32,
        [1, 2, 3]::INTEGER[3] AS arr,
        CASE WHEN i = 0 THEN [[1], NULL, []] END AS nested,
        CASE WHEN i = 0 THEN INTERVAL '1 day 2 hours' END AS iv,
        CASE WHEN i = 0 THEN 'b8d5e2a0-1234-4abc-8def-0123456789ab'::UUID END AS id,
        CASE WHEN i = 0 THEN 'b'::ENUM('a', 'b') END AS en,
        CASE WHEN i = 0 THEN '0101'::BIT END AS bits,
        CASE WHEN i = 0 THEN TIMETZ '12:34:56+02' END AS ttz,
        CASE WHEN i = 0 THEN MAP {'k': 1} END AS m,
        NULL AS nothing
      FROM range(3) t(i) ORDER BY i`);
    const table = decode(result);
    const field = (name: string) => [String(column(table, name).field.type), column(table, name).field.metadata.get('duckdb_type')];
    expect(field('huge')).toEqual(['Float64', 'HUGEINT']);
    expect(values(table, 'huge')).toEqual([1.7014118346046923e38, -5, -1.7014118346046923e38]);
    expect(values(table, 'uhuge')).toEqual([3.402823669209385e38, null, null]);
    expect(field('d4')).toEqual(['Decimal[4e+1]', 'DECIMAL(4,1)']);
    expect(values(table, 'd4').map((v) => (v === null ? null : String(v)))).toEqual(['-15', '25', null]);
    expect(String(values(table, 'd9')[0])).toBe('-123456789');
    expect(values(table, 'd38').map((v) => (v === null ? null : String(v)))).toEqual([
      '-1234567890123456789012345678',
      '10000',
      null,
    ]);
    expect(field('tz')).toEqual(['Timestamp<MICROSECOND, UTC>', 'TIMESTAMP WITH TIME ZONE']);
    expect(values(table, 'tz')[0]).toBe(Date.UTC(2024, 1, 29, 12));
    expect(field('ns')[0]).toBe('Timestamp<NANOSECOND>');
    expect(column(table, 'ns').vector.data[0]!.values[0]).toBe(BigInt(Date.UTC(2024, 1, 29, 12)) * 1000000n + 123456789n);
    expect(field('ms')[0]).toBe('Timestamp<MILLISECOND>');
    expect(values(table, 'ms')[0]).toBe(Date.UTC(2024, 1, 29, 12) + 123);
    expect(field('s')[0]).toBe('Timestamp<SECOND>');
    expect(field('t')).toEqual(['Time64<MICROSECOND>', 'TIME']);
    expect(Number(values(table, 't')[0])).toBe(45296000001);
    expect(field('blob')).toEqual(['Binary', 'BLOB']);
    expect([...(values(table, 'blob')[0] as Uint8Array)]).toEqual([0xaa, 0]);
    expect(values(table, 'u8')).toEqual([200, null, null]);
    expect(values(table, 'f32')).toEqual([1.25, null, null]);
    expect(field('arr')).toEqual(['FixedSizeList[3]<Int32>', 'INTEGER[3]']);
    expect([...(values(table, 'arr')[0] as Iterable<number>)]).toEqual([1, 2, 3]);
    const nested = values(table, 'nested')[0] as Iterable<Iterable<number> | null>;
    expect([...nested].map((inner) => (inner === null ? null : [...inner]))).toEqual([[1], null, []]);
    expect(values(table, 'iv')).toEqual(['1 day 02:00:00', null, null]);
    expect(values(table, 'id')[0]).toBe('b8d5e2a0-1234-4abc-8def-0123456789ab');
    expect(field('en')).toEqual(['Utf8', "ENUM('a', 'b')"]);
    expect(values(table, 'en')[0]).toBe('b');
    expect(values(table, 'bits')[0]).toBe('0101');
    expect(values(table, 'ttz')[0]).toBe('12:34:56+02');
    expect(values(table, 'm')[0]).toBe("{'k': 1}");
    expect(field('nothing')[1]).toBe('INTEGER');
    expect(values(table, 'nothing')).toEqual([null, null, null]);
  });

  it('copies strings exactly: inline and long, multi-byte, NULL, across chunks', async () => {
    const result = await engine.query({
      sql: `SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE 'ré' || i || repeat('ü', (i % 17)::INTEGER) END AS s FROM range(5000) t(i)`,
      limit: 5000,
      allowedFiles: [],
      queryId: 'strings',
    });
    const expected = Array.from({ length: 5000 }, (_, i) => (i % 11 === 0 ? null : `ré${i}${'ü'.repeat(i % 17)}`));
    expect(values(decode(result), 's')).toEqual(expected);
  });

  it('keeps the schema of an empty result and duplicate column names', async () => {
    const empty = decode(await run('SELECT id, name FROM persons WHERE false'));
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int32', 'name:Utf8']);
    const twice = await run('SELECT 1 AS a, 2 AS a');
    expect(twice.columns).toEqual([
      { name: 'a', type: 'INTEGER' },
      { name: 'a', type: 'INTEGER' },
    ]);
    const table = decode(twice);
    expect([table.getChildAt(0)!.get(0), table.getChildAt(1)!.get(0)]).toEqual([1, 2]);
  });

  it('runs SUMMARIZE over a dataset and reads a hive-partitioned folder', async () => {
    const summary = decode(await run('SELECT column_name, count FROM (SUMMARIZE persons) ORDER BY column_name'));
    expect(values(summary, 'column_name')).toContain('balance');
    const years = decode(await run('SELECT year, count(*) AS n FROM calls GROUP BY year ORDER BY year'));
    expect(values(years, 'year')).toEqual([2023n, 2024n]);
    expect(values(years, 'n')).toEqual([1000n, 1000n]);
  });
});

describe('parameters', () => {
  it('binds $params by name, as values', async () => {
    const result = await run('SELECT count(*) AS n FROM persons WHERE city = $city AND id < $max', {
      params: { city: 'Lyon', max: 40 },
    });
    expect(values(decode(result), 'n')).toEqual([10n]);
  });

  it('keeps an injection attempt a plain value', async () => {
    const result = await run('SELECT count(*) AS n FROM persons WHERE city = $city', {
      params: { city: "Lyon' OR '1'='1" },
    });
    expect(values(decode(result), 'n')).toEqual([0n]);
    const echoed = await run('SELECT $v AS v', { params: { v: "'); DROP VIEW persons; --" } });
    expect(values(decode(echoed), 'v')).toEqual(["'); DROP VIEW persons; --"]);
  });

  it('says which parameter has no value', async () => {
    const error = await failure(run('SELECT $missing AS v'));
    expect(error).toMatchObject({ kind: 'sql', message: 'no value for parameter $missing' });
  });
});

describe('paging', () => {
  const ids = async (offset: number, limit: number, table = 'persons') => {
    const result = await run(`SELECT id FROM ${table} ORDER BY id`, { offset, limit });
    return { ids: values(decode(result), 'id').map(Number), rowCount: result.rowCount, truncated: result.truncated };
  };

  it('skips offset rows, keeps limit rows and says whether more exist', async () => {
    expect(await ids(295, 3)).toEqual({ ids: [295, 296, 297], rowCount: 3, truncated: true });
    expect(await ids(297, 3)).toEqual({ ids: [297, 298, 299], rowCount: 3, truncated: false });
    expect(await ids(299, 10)).toEqual({ ids: [299], rowCount: 1, truncated: false });
    expect(await ids(0, 0)).toEqual({ ids: [], rowCount: 0, truncated: true });
    expect(await ids(5000, 10)).toEqual({ ids: [], rowCount: 0, truncated: false });
  });

  it('pages across DuckDB chunks of a large result', async () => {
    const big = '(SELECT i AS id FROM range(200000) t(i))';
    expect(await ids(70000, 3, big)).toEqual({ ids: [70000, 70001, 70002], rowCount: 3, truncated: true });
    const all = await ids(100000, 100000, big);
    expect([all.ids.length, all.ids[0], all.ids.at(-1), all.truncated]).toEqual([100000, 100000, 199999, false]);
  });

  it('returns the first page of an endless result without computing it all', async () => {
    const result = await engine.query({
      sql: 'SELECT i FROM range(1000000000000) t(i)',
      limit: 5,
      allowedFiles: [],
      queryId: 'endless',
      timeoutMs: 10_000,
    });
    expect([result.rowCount, result.truncated]).toEqual([5, true]);
  });
});

describe('errors', () => {
  it('gives a syntax error with its position in the SQL that ran', async () => {
    const req = request('SELECT * FORM persons');
    const error = await failure(engine.query(req));
    expect(error.kind).toBe('sql');
    expect(error.message).toMatch(/syntax error at or near "persons"/);
    expect(req.sql.slice(error.position)).toBe('persons');
  });

  it('gives a binder error with its position', async () => {
    const req = request('SELECT nmae FROM persons');
    const error = await failure(engine.query(req));
    expect(error.kind).toBe('sql');
    expect(error.message).toMatch(/Binder Error: Referenced column "nmae" not found/);
    expect(req.sql.slice(error.position).startsWith('nmae')).toBe(true);
  });

  it('refuses a statement before DuckDB runs it', async () => {
    const leak = join(fixtures.dir, 'leak.csv');
    const copy = `COPY (SELECT 42) TO '${leak}'`;
    // Without the guard the sandbox alone would write it (FINDINGS): prove it, then prove the guard.
    const bare = await openSandbox({ dataDir: fixtures.dir, tempDir: join(stateDir, 'bare'), threads: 1, memoryLimit: '256MB', maxTempDirectorySize: '64MB' });
    await bare.connection.run(copy);
    bare.connection.closeSync();
    bare.instance.closeSync();
    expect(existsSync(leak)).toBe(true);
    await rm(leak);

    expect(await failure(engine.query({ sql: copy, limit: 1, allowedFiles: [], queryId: 'copy' }))).toMatchObject({
      kind: 'refused',
      message: 'only SELECT queries can run here (found COPY)',
    });
    const smuggled = await failure(engine.query({ sql: `SELECT 1; ${copy}`, limit: 1, allowedFiles: [], queryId: 'smuggle' }));
    expect(smuggled.kind).toBe('refused');
    const sneaky = request(`SELECT 'é' AS e, * FROM persons, (SELECT * FROM read_csv('${leak}'))`);
    const hidden = await failure(engine.query(sneaky));
    expect(hidden).toMatchObject({ kind: 'refused', message: 'table function "read_csv" is not allowed: datasets are reached by name' });
    expect(sneaky.sql.slice(hidden.position).startsWith('read_csv(')).toBe(true);
    expect(existsSync(leak)).toBe(false);
  });

  it('refuses a dataset the request does not allow', async () => {
    const error = await failure(engine.query({ sql: `SELECT * FROM read_parquet('${persons}')`, limit: 1, allowedFiles: [calls], queryId: 'other' }));
    expect(error.kind).toBe('refused');
    expect(error.message).toContain('is not allowed: datasets are reached by name');
  });

  it('rejects a malformed request at the boundary', async () => {
    const error = await failure(engine.query({ sql: 'SELECT 1', limit: -1, allowedFiles: [], queryId: 'bad' }));
    expect(error).toMatchObject({ kind: 'refused', message: 'invalid query request: limit must be a non-negative integer (got -1)' });
  });
});

describe('time limits and cancelling', () => {
  it('stops a query at its time limit, and the engine answers the next one', async () => {
    const started = Date.now();
    const endless = 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t';
    const error = await failure(engine.query({ sql: endless, limit: 1, allowedFiles: [], queryId: 'endless-cte', timeoutMs: 500 }));
    expect(error).toMatchObject({ kind: 'timeout', message: 'query stopped after 0.5 s (time limit)' });
    expect(Date.now() - started).toBeLessThan(2400);
    expect(values(decode(await run('SELECT 42 AS x')), 'x')).toEqual([42]);
  });

  it('cancels a running query, a queued one, and knows no unknown one', async () => {
    const first = failure(engine.query({ sql: FOREVER, limit: 1, allowedFiles: [], queryId: 'long-1' }));
    const second = failure(engine.query({ sql: FOREVER, limit: 1, allowedFiles: [], queryId: 'long-2' }));
    const queued = failure(engine.query({ sql: 'SELECT 1', limit: 1, allowedFiles: [], queryId: 'queued' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(engine.cancel('queued')).toBe(true);
    expect(await queued).toMatchObject({ kind: 'cancelled', message: 'query cancelled' });
    expect(engine.cancel('long-1')).toBe(true);
    expect(engine.cancel('long-2')).toBe(true);
    expect((await first).kind).toBe('cancelled');
    expect((await second).kind).toBe('cancelled');
    expect(engine.cancel('no-such-query')).toBe(false);
    expect(values(decode(await run('SELECT 7 AS x')), 'x')).toEqual([7]);
  });

  it('runs two queries at once on two workers and queues a third in order', async () => {
    const started = Date.now();
    const settle = (id: string) =>
      engine
        .query({ sql: FOREVER, limit: 1, allowedFiles: [], queryId: id, timeoutMs: 800 })
        .catch((error: QueryError) => ({ kind: error.kind, at: Date.now() - started }));
    const [a, b, c] = (await Promise.all([settle('p1'), settle('p2'), settle('p3')])) as { kind: string; at: number }[];
    expect([a!.kind, b!.kind, c!.kind]).toEqual(['timeout', 'timeout', 'timeout']);
    // The first two ran side by side; the third started only when one of them finished.
    expect(Math.abs(a!.at - b!.at)).toBeLessThan(600);
    expect(c!.at - Math.min(a!.at, b!.at)).toBeGreaterThanOrEqual(700);
  });
});

describe('workers that die', () => {
  it('reports a crash when a worker is killed mid-query, and replaces it', async () => {
    const before = engine.workerPids();
    expect(before).toHaveLength(2);
    const first = failure(engine.query({ sql: FOREVER, limit: 1, allowedFiles: [], queryId: 'doomed-1' }));
    const second = failure(engine.query({ sql: FOREVER, limit: 1, allowedFiles: [], queryId: 'doomed-2' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const pid of before) process.kill(pid, 'SIGTERM');
    expect(await first).toMatchObject({ kind: 'crashed' });
    expect((await second).message).toMatch(/the query engine stopped unexpectedly \(signal SIGTERM\)/);
    expect(values(decode(await run('SELECT 1 AS x')), 'x')).toEqual([1]);
    const after = engine.workerPids();
    expect(after).toHaveLength(2);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
  });

  it('stops a query that blows past the memory limit, and the next query works', async () => {
    const small = await createEngine({
      dataDir: fixtures.dir,
      stateDir,
      workers: 1,
      memoryLimit: '256MB',
      workerMemoryBytes: 1024 ** 3,
    });
    try {
      // memory_limit does not cover this list (FINDINGS: 18 GB with 1 GB set); the OS limit does.
      const error = await failure(small.query({ sql: 'SELECT len(range(200000000)) AS n', limit: 1, allowedFiles: [], queryId: 'oom' }));
      expect(error).toMatchObject({ kind: 'memory', message: 'the query used more memory than allowed and was stopped' });
      const next = await small.query({ sql: 'SELECT 1 AS x', limit: 1, allowedFiles: [], queryId: 'after-oom' });
      expect(next.rowCount).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('leaves no worker behind after close', async () => {
    const other = await createEngine({ dataDir: fixtures.dir, stateDir, workers: 2 });
    const pids = other.workerPids();
    await other.close();
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    await expect(other.query({ sql: 'SELECT 1', limit: 1, allowedFiles: [], queryId: 'closed' })).rejects.toMatchObject({ kind: 'crashed' });
  });
});
