import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createCatalog, importBytes, importFile, ImportError, type Catalog, type DatasetInfo } from '../../server/datasets/index.js';
import { describeCsvError } from '../../server/datasets/import-source.js';

let home: string;
let dataDir: string;
let db: DuckDBInstance;
let sql: DuckDBConnection;
let catalog: Catalog;

/** `n` rows of a small table with the types analysts meet: int, bigint past 2^53, text, date, timestamp, decimal. */
async function writePeople(path: string, n: number): Promise<void> {
  await sql.run(`COPY (
    SELECT i::INTEGER AS id, (i * 100000000000000)::BIGINT AS big, 'person ' || i AS name,
           DATE '2025-01-01' + i::INTEGER AS born, TIMESTAMP '2025-01-01 08:00:00' + INTERVAL (i) MINUTE AS seen_at,
           (i * 1.25)::DECIMAL(10,2) AS amount
    FROM range(1, ${n} + 1) t(i)
  ) TO '${path}' (FORMAT parquet)`);
}

const byName = (list: DatasetInfo[], name: string) => list.find((d) => d.name === name);

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'carnet-datasets-'));
  dataDir = join(home, 'data');
  await mkdir(dataDir, { recursive: true });
  db = await DuckDBInstance.create(':memory:');
  sql = await db.connect();
  await writePeople(join(dataDir, 'people.parquet'), 300);
  await sql.run(`COPY (
    SELECT i AS call_id, 1 + i % 300 AS caller, (i % 600)::INTEGER AS duration_s, '2025-0' || (1 + i % 3) AS month
    FROM range(0, 3000) t(i)
  ) TO '${join(dataDir, 'calls')}' (FORMAT parquet, PARTITION_BY (month))`);
  await writePeople(join(dataDir, '2024-calls.parquet'), 5);
  await writeFile(join(dataDir, 'broken.parquet'), 'these are random bytes, not a Parquet file at all');
  const whole = await readFile(join(dataDir, 'people.parquet'));
  await writeFile(join(dataDir, 'truncated.parquet'), whole.subarray(0, whole.length - 64));
  await writePeople(join(dataDir, 'dup.parquet'), 3);
  await mkdir(join(dataDir, 'DUP'));
  await writePeople(join(dataDir, 'DUP', 'part-0.parquet'), 3);
  await writePeople(join(dataDir, '.hidden.parquet'), 3);
  await writePeople(join(dataDir, '.import-x-123.parquet.tmp'), 3);
  await writeFile(join(dataDir, 'notes.csv'), 'a,b\n1,2\n');
  catalog = await createCatalog(dataDir);
});

afterAll(async () => {
  await catalog?.close();
  sql?.closeSync();
  db?.closeSync();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('catalog listing', () => {
  it('lists file and hive-partitioned folder datasets with schema, row counts and sizes', async () => {
    const list = await catalog.list();
    expect(list.map((d) => d.name).sort()).toEqual(['2024-calls', 'DUP', 'broken', 'calls', 'dup', 'people', 'truncated']);

    const people = byName(list, 'people')!;
    expect(people).toMatchObject({ kind: 'file', files: 1, rowCount: 300, path: join(dataDir, 'people.parquet') });
    expect(people.error).toBeUndefined();
    expect(people.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'big', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'born', type: 'DATE' },
      { name: 'seen_at', type: 'TIMESTAMP' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
    ]);
    expect(people.bytes).toBe((await stat(people.path)).size);
    expect(people.version).toMatch(/^[0-9a-f]{24}$/);
    expect(people.readPaths).toEqual([people.path]);
    expect(people.relation).toBe(`SELECT * FROM read_parquet('${people.path}')`);

    const calls = byName(list, 'calls')!;
    expect(calls).toMatchObject({ kind: 'folder', files: 3, rowCount: 3000 });
    expect(calls.columns.map((c) => c.name)).toEqual(['call_id', 'caller', 'duration_s', 'month']);
    expect(calls.readPaths).toEqual([`${join(dataDir, 'calls')}/**/*.parquet`]);
    expect(calls.relation).toContain('hive_partitioning = true');
  });

  it('gives relations the compiler can run as CTEs, and only for usable datasets', async () => {
    const relations = await catalog.relations();
    expect([...relations.keys()].sort()).toEqual(['calls', 'people']);
    const rows = await sql.runAndReadAll(
      `WITH "calls" AS NOT MATERIALIZED (${relations.get('calls')}) SELECT month, count(*)::INTEGER FROM calls GROUP BY ALL ORDER BY 1`,
    );
    expect(rows.getRowsJson()).toEqual([['2025-01', 1000], ['2025-02', 1000], ['2025-03', 1000]]);
    expect([...(await catalog.relations(['PEOPLE', 'nope'])).keys()]).toEqual(['people']);
    expect((await catalog.allowedFiles()).sort()).toEqual([`${join(dataDir, 'calls')}/**/*.parquet`, join(dataDir, 'people.parquet')]);
  });

  it('reports a file whose name is not an identifier, and a name used twice', async () => {
    const list = await catalog.list();
    expect(byName(list, '2024-calls')!.error).toBe(
      '"2024-calls.parquet" is not a valid dataset name: rename it using letters, digits and _ (not starting with a digit)',
    );
    expect(byName(list, 'dup')!.error).toMatch(/dataset name "dup" is used by "DUP\/" and "dup.parquet"/);
    expect(byName(list, 'DUP')!.error).toMatch(/is used by/);
  });

  it('reports unreadable files as errors of their own dataset while the others keep working', async () => {
    const list = await catalog.list();
    expect(byName(list, 'broken')!.error).toMatch(/No magic bytes found at end of file 'broken.parquet'/);
    expect(byName(list, 'truncated')!.error).toMatch(/truncated\.parquet/);
    expect(byName(list, 'broken')!.error).not.toContain(dataDir);
    expect(byName(list, 'people')!.error).toBeUndefined();
    expect(byName(list, 'calls')!.error).toBeUndefined();
  });

  it('finds datasets by name ignoring case', async () => {
    expect((await catalog.get('PeOpLe'))?.name).toBe('people');
    expect(await catalog.get('nobody')).toBeUndefined();
  });

  it('sees files added, rewritten and removed after it was created, without a restart', async () => {
    const added = join(dataDir, 'late.parquet');
    await writePeople(added, 7);
    const first = (await catalog.get('late'))!;
    expect(first.rowCount).toBe(7);

    await unlink(added);
    await writePeople(added, 11);
    const second = (await catalog.get('late'))!;
    expect(second.rowCount).toBe(11);
    expect(second.version).not.toBe(first.version);

    await unlink(added);
    expect(await catalog.get('late')).toBeUndefined();
  });
});

describe('dataset detail', () => {
  it('gives at most 100 sample rows as JSON-safe values and a profile row per column', async () => {
    const detail = await catalog.detail('people');
    expect(detail.sample!.rows).toHaveLength(100);
    expect(detail.sample!.columns.map((c) => c.name)).toEqual(['id', 'big', 'name', 'born', 'seen_at', 'amount']);
    // Row 1: big = 10^14 is exact as a number; row 100: 10^16 is past 2^53, so text.
    expect(detail.sample!.rows[0]).toEqual([1, 100000000000000, 'person 1', '2025-01-02', '2025-01-01T08:01:00.000Z', 1.25]);
    expect(detail.sample!.rows[99]![1]).toBe('10000000000000000');
    expect(JSON.parse(JSON.stringify(detail.sample))).toEqual(detail.sample);

    const profile = detail.profile!;
    expect(profile.rows).toHaveLength(6);
    const col = (name: string) => profile.columns.findIndex((c) => c.name === name);
    const idRow = profile.rows.find((r) => r[col('column_name')] === 'id')!;
    expect(idRow[col('min')]).toBe('1');
    expect(idRow[col('max')]).toBe('300');
    expect(idRow[col('count')]).toBe(300);
    for (const name of ['approx_unique', 'avg', 'std', 'q25', 'q50', 'q75', 'null_percentage']) expect(col(name)).toBeGreaterThan(-1);
  });

  it('gives a folder dataset its hive partition column in the sample', async () => {
    const detail = await catalog.detail('calls');
    expect(detail.sample!.rows).toHaveLength(100);
    expect(detail.profile!.rows.map((r) => r[0])).toEqual(['call_id', 'caller', 'duration_s', 'month']);
  });

  it('refuses an unknown dataset', async () => {
    await expect(catalog.detail('nobody')).rejects.toThrow('dataset "nobody" not found');
  });
});

describe('import', () => {
  const source = (name: string) => join(home, name);
  const dataFiles = async () => (await readdir(dataDir)).sort();

  it('imports a CSV with detected types', async () => {
    await writeFile(source('cities.csv'), 'city;population;counted\nLyon;522000;2021-01-01\nNantes;320000;2020-01-01\n');
    const info = await importFile(dataDir, { sourcePath: source('cities.csv'), name: 'cities_fr' });
    expect(info).toMatchObject({ name: 'cities_fr', kind: 'file', rowCount: 2 });
    expect(info.columns).toEqual([
      { name: 'city', type: 'VARCHAR' },
      { name: 'population', type: 'BIGINT' },
      { name: 'counted', type: 'DATE' },
    ]);
    expect((await catalog.get('cities_fr'))?.rowCount).toBe(2);
  });

  it('imports newline-delimited and array JSON', async () => {
    await writeFile(source('events.jsonl'), '{"id": 1, "kind": "login"}\n{"id": 2, "kind": "logout", "extra": true}\n');
    const nd = await importFile(dataDir, { sourcePath: source('events.jsonl'), name: 'events' });
    expect(nd.rowCount).toBe(2);
    expect(nd.columns.map((c) => c.name)).toEqual(['id', 'kind', 'extra']);

    await writeFile(source('upload.bin'), '[{"a": 1.5}, {"a": 2.5}, {"a": null}]');
    const arr = await importFile(dataDir, { sourcePath: source('upload.bin'), filename: 'values.json', name: 'json_values' });
    expect(arr).toMatchObject({ rowCount: 3, columns: [{ name: 'a', type: 'DOUBLE' }] });
  });

  it('imports a Parquet file after reading it through', async () => {
    await writePeople(source('more.parquet'), 42);
    const info = await importFile(dataDir, { sourcePath: source('more.parquet'), name: 'more_people' });
    expect(info.rowCount).toBe(42);
    expect(info.columns.find((c) => c.name === 'amount')?.type).toBe('DECIMAL(10,2)');
  });

  it('names the bad line of a malformed CSV and leaves nothing behind', async () => {
    const before = await dataFiles();
    await writeFile(source('bad.csv'), 'a,b,c,d\n1,2,3,4\n5,6\n7,8,9,10\n');
    const attempt = importFile(dataDir, { sourcePath: source('bad.csv'), name: 'bad_rows' });
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    await expect(attempt).rejects.toThrow('cannot import "bad.csv": line 3: expected 4 columns, found 2');
    expect(await dataFiles()).toEqual(before);
  });

  it('reports a file that is not Parquet and malformed JSON, leaving nothing behind', async () => {
    const before = await dataFiles();
    await writeFile(source('fake.parquet'), 'not parquet at all');
    await expect(importFile(dataDir, { sourcePath: source('fake.parquet'), name: 'fake' })).rejects.toThrow(
      /cannot import "fake.parquet": No magic bytes found at end of file/,
    );
    await writeFile(source('broken.json'), '{"a": 1,');
    await expect(importFile(dataDir, { sourcePath: source('broken.json'), name: 'broken_json' })).rejects.toThrow(
      /cannot import "broken.json": Malformed JSON in file "broken.json"/,
    );
    expect(await dataFiles()).toEqual(before);
  });

  it('refuses an existing name (ignoring case) unless asked to replace it', async () => {
    await writeFile(source('p.csv'), 'id\n1\n2\n3\n');
    const taken = importFile(dataDir, { sourcePath: source('p.csv'), name: 'People' });
    await expect(taken).rejects.toThrow('cannot import "p.csv": a dataset named "people" already exists');
    await expect(taken).rejects.toMatchObject({ status: 409 });
    expect((await catalog.get('people'))?.rowCount).toBe(300);

    await writeFile(source('small.csv'), 'id\n1\n');
    await importFile(dataDir, { sourcePath: source('small.csv'), name: 'replaceable' });
    const replaced = await importFile(dataDir, { sourcePath: source('p.csv'), name: 'replaceable', replace: true });
    expect(replaced.rowCount).toBe(3);
  });

  it('refuses names that are not identifiers and files of unknown format', async () => {
    await writeFile(source('ok.csv'), 'id\n1\n');
    await expect(importFile(dataDir, { sourcePath: source('ok.csv'), name: '2bad' })).rejects.toThrow(/"2bad" is not a valid dataset name/);
    await expect(importFile(dataDir, { sourcePath: source('ok.csv'), name: 'select' })).rejects.toThrow(/not a valid dataset name/);
    await writeFile(source('data.xlsx'), 'PK');
    await expect(importFile(dataDir, { sourcePath: source('data.xlsx'), name: 'sheet' })).rejects.toThrow(/unknown format/);
    await expect(importFile(dataDir, { sourcePath: source('missing.csv'), name: 'missing' })).rejects.toThrow(/file not found/);
  });

  it('imports uploaded bytes through the state folder and cleans up after itself', async () => {
    const stateDir = join(home, 'state');
    const info = await importBytes(dataDir, { bytes: new TextEncoder().encode('x,y\n1,2\n3,4\n'), filename: 'points.csv', name: 'points' });
    expect(info).toMatchObject({ name: 'points', rowCount: 2 });
    expect(await readdir(join(stateDir, 'uploads'))).toEqual([]);
    await expect(
      importBytes(dataDir, { bytes: new TextEncoder().encode('x,y\n1\n'), filename: 'bad points.csv', name: 'bad_points' }),
    ).rejects.toThrow('cannot import "bad points.csv": line 2: expected 2 columns, found 1');
    expect(await readdir(join(stateDir, 'uploads'))).toEqual([]);
  });

  it('words DuckDB CSV errors as line and reason', () => {
    const unterminated =
      'Invalid Input Error: CSV Error on Line: 3\nOriginal Line: 2,"open\n\nValue with unterminated quote found.\n\nPossible fixes:\n* Disable the parser';
    expect(describeCsvError(unterminated)).toBe('line 3: value with unterminated quote found');
    expect(describeCsvError('CSV Error on Line: 12\nOriginal Line: a\nExpected Number of Columns: 3 Found: 1\nPossible fixes:')).toBe(
      'line 12: expected 3 columns, found 1',
    );
  });
});
