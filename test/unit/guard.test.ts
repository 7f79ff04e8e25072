/**
 * The statement guard against real DuckDB parse trees: hostile statements are refused with a clear
 * message, ordinary analytical SQL passes, and for a sample of the hostile ones the sandbox settings
 * alone (guard bypassed) stop them too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStatement, isAllowedTableFunction, isDeniedFunction, isReservedTableName, MAX_SQL_BYTES } from '../../server/engine/guard.js';
import { parseStatement } from '../../server/engine/parse.js';
import { openSandbox, type Sandbox } from '../../server/engine/sandbox.js';
import { QueryError } from '../../server/engine/types.js';

const PERSONS = '/data/persons.parquet';
const CALLS = '/data/calls/**/*.parquet';
const ALLOWED = [PERSONS, CALLS];
/** The form the server compiles datasets into. */
const DATASETS =
  `WITH "persons" AS NOT MATERIALIZED (SELECT * FROM read_parquet('${PERSONS}')), ` +
  `"calls" AS NOT MATERIALIZED (SELECT * FROM read_parquet('${CALLS}', hive_partitioning = true)) `;

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

type Outcome = { verdict: 'ok' } | { verdict: 'refused' | 'sql'; message: string };

/** Parses with DuckDB and runs the guard, as the worker does; never executes anything. */
async function judge(sql: string, allowedFiles: readonly string[] = ALLOWED): Promise<Outcome> {
  try {
    const verdict = checkStatement(await parseStatement(connection, sql), allowedFiles);
    return verdict.ok ? { verdict: 'ok' } : { verdict: 'refused', message: verdict.message };
  } catch (error) {
    if (error instanceof QueryError && (error.kind === 'refused' || error.kind === 'sql')) {
      return { verdict: error.kind, message: error.message };
    }
    throw error;
  }
}

const tableFunction = (name: string) => new RegExp(`table function "${name}" is not allowed: datasets are reached by name`);
const onlySelect = (kind: string) => new RegExp(`only SELECT queries can run here \\(found ${kind}\\)`);
const passwd = "read_text('/etc/passwd')";

const hostile: [string, string, RegExp][] = [
  // reading files
  ['read_csv', "SELECT * FROM read_csv('/etc/passwd')", tableFunction('read_csv')],
  ['read_csv_auto', "SELECT * FROM read_csv_auto('/etc/passwd')", tableFunction('read_csv_auto')],
  ['read_json', "SELECT * FROM read_json('/data/x.json')", /read_json of "\/data\/x\.json" is not allowed/],
  ['read_json_auto', "SELECT * FROM read_json_auto('/data/x.json')", tableFunction('read_json_auto')],
  ['read_json of an allowed file, unknown option', `SELECT * FROM read_json('${PERSONS}', filename = true)`, /only constant options/],
  ['read_text', `SELECT * FROM ${passwd}`, tableFunction('read_text')],
  ['read_blob', "SELECT * FROM read_blob('/etc/shadow')", tableFunction('read_blob')],
  ['glob', "SELECT * FROM glob('/*')", tableFunction('glob')],
  ['sniff_csv', "SELECT * FROM sniff_csv('/etc/passwd')", tableFunction('sniff_csv')],
  ['replacement scan, string', "SELECT * FROM '/etc/passwd'", /reading "\/etc\/passwd" directly is not allowed/],
  ['replacement scan, identifier', 'SELECT * FROM "persons.csv"', /reading "persons.csv" directly is not allowed/],
  ['parquet_metadata', `SELECT * FROM parquet_metadata('${PERSONS}')`, tableFunction('parquet_metadata')],
  ['parquet_schema', `SELECT * FROM parquet_schema('${PERSONS}')`, tableFunction('parquet_schema')],
  ['../ path', "SELECT * FROM read_parquet('/data/../etc/x.parquet')", /read_parquet of "\/data\/\.\.\/etc\/x\.parquet" is not allowed/],
  ['file:// path', `SELECT * FROM read_parquet('file://${PERSONS}')`, /read_parquet of "file:\/\/\/data\/persons\.parquet" is not allowed/],
  ['another dataset', "SELECT * FROM read_parquet('/data/secret.parquet')", /read_parquet of "\/data\/secret\.parquet" is not allowed/],
  ['parquet_scan alias', "SELECT * FROM parquet_scan('/data/secret.parquet')", /parquet_scan of "\/data\/secret\.parquet" is not allowed/],
  ['allowed path built by an expression', "SELECT * FROM read_parquet('/data/' || 'persons.parquet')", /read_parquet needs a constant file path/],
  ['allowed path as a parameter', 'SELECT * FROM read_parquet($path)', /read_parquet needs a constant file path/],
  ['a list smuggling a path', `SELECT * FROM read_parquet(['${PERSONS}', '/etc/x.parquet'])`, /"\/etc\/x\.parquet" is not allowed/],
  ['an unknown read_parquet option', `SELECT * FROM read_parquet('${PERSONS}', encryption_config = {'footer_key': 'k'})`, /only constant options/],
  // writing
  ['COPY TO', "COPY (SELECT 1) TO '/data/out.csv'", onlySelect('COPY')],
  ['EXPORT DATABASE', "EXPORT DATABASE '/data/out'", onlySelect('EXPORT')],
  ['CREATE TABLE AS', 'CREATE TABLE t AS SELECT 1', onlySelect('CREATE')],
  ['INSERT', 'INSERT INTO t VALUES (1)', onlySelect('INSERT')],
  // attaching
  ['ATTACH', "ATTACH ':memory:' AS m", onlySelect('ATTACH')],
  ['DETACH', 'DETACH m', onlySelect('DETACH')],
  ['USE', 'USE m', onlySelect('USE')],
  // extensions
  ['INSTALL', 'INSTALL httpfs', onlySelect('INSTALL')],
  ['LOAD', 'LOAD httpfs', onlySelect('LOAD')],
  ['FORCE INSTALL', 'FORCE INSTALL httpfs', onlySelect('FORCE')],
  // settings
  ['SET', 'SET threads = 1', onlySelect('SET')],
  ['RESET', 'RESET threads', onlySelect('RESET')],
  ['PRAGMA', 'PRAGMA enable_profiling', onlySelect('PRAGMA')],
  ['current_setting', "SELECT current_setting('allowed_directories')", /function "current_setting" is not allowed here/],
  ['duckdb_settings()', 'SELECT * FROM duckdb_settings()', tableFunction('duckdb_settings')],
  ['getvariable', "SELECT getvariable('x')", /function "getvariable" is not allowed here/],
  ['setseed', 'SELECT setseed(0.5)', /function "setseed" is not allowed here/],
  // logging
  ['CALL enable_logging()', 'CALL enable_logging()', onlySelect('CALL')],
  ['enable_logging() in FROM', 'SELECT * FROM enable_logging()', tableFunction('enable_logging')],
  ['duckdb_logs view', 'SELECT * FROM duckdb_logs', /table "duckdb_logs" is not allowed: it belongs to DuckDB's system catalog/],
  ['duckdb_logs()', 'SELECT * FROM duckdb_logs()', tableFunction('duckdb_logs')],
  ['write_log', "SELECT write_log('x')", /function "write_log" is not allowed here/],
  // catalog changes
  ['CREATE MACRO', 'CREATE MACRO lower(x) AS x', onlySelect('CREATE')],
  ['CREATE OR REPLACE VIEW', 'CREATE OR REPLACE VIEW persons AS SELECT 1', onlySelect('CREATE')],
  ['DROP VIEW', 'DROP VIEW persons', onlySelect('DROP')],
  // several statements
  ['SELECT then COPY', "SELECT 1; COPY (SELECT 1) TO '/data/out.csv'", /one statement at a time, please \(found 2\)/],
  ['a second statement after a comment', "SELECT 1 -- harmless\n; COPY (SELECT 1) TO '/data/out.csv'", /found 2/],
  ['a statement after a string holding a semicolon', "SELECT ';'; COPY (SELECT 1) TO '/data/out.csv'", /found 2/],
  ['a statement inside a block comment then a real one', "/* ; */ SELECT 1; ATTACH ':memory:' AS m", /found 2/],
  // dynamic SQL
  ['query()', "SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')", tableFunction('query')],
  ['query_table()', "SELECT * FROM query_table('persons')", tableFunction('query_table')],
  ['json_execute_serialized_sql', "SELECT * FROM json_execute_serialized_sql('{}')", tableFunction('json_execute_serialized_sql')],
  ['histogram table macro (calls query_table)', `${DATASETS}SELECT * FROM histogram(persons, id)`, tableFunction('histogram')],
  // hidden in the tree
  ['in a subquery', `SELECT * FROM (SELECT * FROM ${passwd})`, tableFunction('read_text')],
  ['in a CTE', `WITH x AS (SELECT * FROM ${passwd}) SELECT * FROM x`, tableFunction('read_text')],
  ['in a lateral join', `SELECT * FROM range(3) r, LATERAL (SELECT * FROM ${passwd}) l`, tableFunction('read_text')],
  ['in IN (subquery)', `SELECT 1 WHERE 'x' IN (SELECT content FROM ${passwd})`, tableFunction('read_text')],
  ['in a scalar subquery of the select list', `SELECT (SELECT content FROM ${passwd})`, tableFunction('read_text')],
  ['in a UNION branch', "SELECT 'a' UNION ALL SELECT file FROM glob('/*')", tableFunction('glob')],
  ['in a PIVOT source', "SELECT * FROM (SELECT * FROM read_csv('/etc/passwd')) PIVOT (count(*) FOR column0 IN ('a'))", tableFunction('read_csv')],
  ['in a recursive CTE', `WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r, ${passwd} WHERE n < 2) SELECT * FROM r`, tableFunction('read_text')],
  ['in SUMMARIZE', "SUMMARIZE SELECT * FROM read_csv('/etc/passwd')", tableFunction('read_csv')],
  ['in a window ORDER BY subquery', `SELECT row_number() OVER (ORDER BY (SELECT content FROM ${passwd})) FROM range(2)`, tableFunction('read_text')],
  // the catalog
  ['catalog-qualified table function', 'SELECT * FROM system.main.duckdb_settings()', /function "system\.main\.duckdb_settings" is not allowed/],
  ['information_schema', 'SELECT * FROM information_schema.tables', /table "information_schema\.tables" is not allowed/],
  ['pg_catalog', 'SELECT * FROM pg_catalog.pg_class', /table "pg_catalog\.pg_class" is not allowed/],
  ['an unqualified system view', 'SELECT * FROM duckdb_tables', /system catalog/],
  ['a system view named after an out-of-scope CTE', 'SELECT * FROM (WITH duckdb_tables AS (SELECT 1) SELECT 1), duckdb_tables', /system catalog/],
  ['SHOW TABLES', 'SHOW TABLES', /SHOW is not allowed here/],
  ['a table that is neither dataset nor cell', 'SELECT * FROM secrets', /unknown table "secrets"/],
  ['a macro reading the catalog', 'SELECT pg_get_viewdef(1)', /function "pg_get_viewdef" is not allowed here/],
  ['a schema-qualified denied function', "SELECT pg_catalog.current_setting('threads')", /function "pg_catalog\.current_setting" is not allowed/],
  ['sleeping', 'SELECT sleep_ms(100000)', /function "sleep_ms" is not allowed here/],
  ['sequences', "SELECT nextval('s')", /function "nextval" is not allowed here/],
];

describe('the guard refuses', () => {
  it.each(hostile)('%s', async (_label, sql, message) => {
    const outcome = await judge(sql);
    expect(outcome).toEqual({ verdict: 'refused', message: expect.stringMatching(message) });
  });

  it('a statement over 1 MB, before parsing it', async () => {
    const sql = `SELECT '${'x'.repeat(MAX_SQL_BYTES)}'`;
    expect(await judge(sql)).toEqual({ verdict: 'refused', message: expect.stringMatching(/too large/) });
  });
});

const accepted: [string, string][] = [
  ['the compiled dataset form', `${DATASETS}SELECT * FROM persons`],
  ['a folder dataset with hive partitions', `${DATASETS}SELECT year, count(*) FROM calls GROUP BY year`],
  ['a list of allowed files', `SELECT * FROM read_parquet(['${PERSONS}'])`],
  ['joins', `${DATASETS}SELECT p.name, count(*) FROM persons p JOIN calls c ON c.caller = p.id LEFT JOIN persons q ON q.id = c.callee GROUP BY p.name`],
  ['window functions and QUALIFY', `${DATASETS}SELECT city, name, rank() OVER (PARTITION BY city ORDER BY score DESC) AS r FROM persons QUALIFY r <= 3`],
  ['nested CTEs', `${DATASETS}, adults AS (SELECT * FROM persons WHERE born < DATE '2000-01-01') SELECT * FROM adults`],
  ['WITH RECURSIVE', 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT * FROM t'],
  ['GROUP BY ALL / ORDER BY ALL', `${DATASETS}SELECT city, avg(score) FROM persons GROUP BY ALL ORDER BY ALL`],
  ['SUMMARIZE a query', 'SUMMARIZE SELECT * FROM range(10)'],
  ['SUMMARIZE a dataset (in a subquery, as it follows WITH)', `${DATASETS}SELECT * FROM (SUMMARIZE persons)`],
  ['DESCRIBE a dataset', `${DATASETS}SELECT * FROM (DESCRIBE persons)`],
  ['unnest in the select list', 'SELECT unnest([1, 2, 3])'],
  ['unnest in FROM', 'SELECT * FROM unnest([1, 2, 3])'],
  ['range and generate_series', 'SELECT * FROM range(10) a, generate_series(1, 3) b'],
  ['string, regexp and date functions', "SELECT upper('a'), regexp_extract('a1', '\\d'), strftime(DATE '2024-01-01', '%Y'), date_trunc('month', TIMESTAMP '2024-05-05')"],
  ['list and struct literals', "SELECT [1, 2][1], {'a': 1, 'b': [2]}, list_transform([1, 2], x -> x * 2), map {'k': 1}"],
  ['$param placeholders', `${DATASETS}SELECT * FROM persons WHERE city = $city AND score > $min`],
  ['FROM-first syntax', `${DATASETS}FROM persons SELECT name LIMIT 3`],
  ['PIVOT with an IN list', `${DATASETS}SELECT * FROM persons PIVOT (count(*) FOR city IN ('Lyon', 'Paris'))`],
  ['UNPIVOT', "SELECT * FROM (SELECT 1 AS a, 2 AS b) UNPIVOT (v FOR k IN (a, b))"],
  ['set operations', 'SELECT 1 UNION SELECT 2 EXCEPT SELECT 3 INTERSECT SELECT 1'],
  ['VALUES', "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, label)"],
  ['error() for a deliberate failure', "SELECT error('stop here')"],
  ['json_each', `SELECT * FROM json_each('{"a": 1}')`],
  ['a string that looks like a second statement', "SELECT '; COPY (SELECT 1) TO ''/tmp/x'''"],
  ['case-insensitive dataset names', `${DATASETS}SELECT * FROM PERSONS`],
  ['duplicate column names', 'SELECT 1 AS a, 2 AS a'],
];

describe('the guard accepts', () => {
  it.each(accepted)('%s', async (_label, sql) => {
    expect(await judge(sql)).toEqual({ verdict: 'ok' });
  });

  it('a syntax error as an SQL error with its position, not a refusal', async () => {
    await expect(parseStatement(connection, 'SELECT * FORM x')).rejects.toMatchObject({ kind: 'sql', position: 14 });
    await expect(parseStatement(connection, "SELECT 'é', * FORM x")).rejects.toMatchObject({ kind: 'sql', position: 19 });
    await expect(parseStatement(connection, '  -- nothing\n')).rejects.toMatchObject({ kind: 'sql', message: 'the query is empty' });
  });
});

describe('the guard stays in step with this DuckDB build', () => {
  it('refuses every built-in macro whose body calls a table function that is not allowed', async () => {
    const reader = await connection.runAndReadAll(
      "SELECT function_name, function_type, macro_definition FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')",
    );
    const risky: string[] = [];
    for (const [name, type, body] of reader.getRowsJS() as [string, string, string][]) {
      const sql = type === 'macro' ? `SELECT ${body}` : body;
      const tree = await parseStatement(connection, sql).catch(() => undefined);
      if (tree === undefined) continue;
      const called = JSON.stringify(tree).match(/"type":"TABLE_FUNCTION"[^}]*?"function_name":"([a-z_]+)"/g) ?? [];
      if (called.some((hit) => !isAllowedTableFunction(/"function_name":"([a-z_]+)"/.exec(hit)?.[1] ?? ''))) {
        risky.push(`${type} ${name}`);
        if (type === 'macro') expect(isDeniedFunction(name), name).toBe(true);
        else expect(isAllowedTableFunction(name), name).toBe(false);
      }
    }
    // Proves the scan finds something: these read the catalog or run dynamic SQL.
    expect(risky).toEqual(expect.arrayContaining(['macro pg_get_viewdef', 'table_macro histogram']));
  });

  it('treats every system view or table reachable without a schema as reserved', async () => {
    const reader = await connection.runAndReadAll(
      "SELECT view_name FROM duckdb_views() WHERE schema_name IN ('main', 'pg_catalog') UNION ALL " +
        "SELECT table_name FROM duckdb_tables() WHERE schema_name IN ('main', 'pg_catalog')",
    );
    const names = reader.getRowsJS().map(([name]) => String(name));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !isReservedTableName(name))).toEqual([]);
  });
});

describe('with the guard bypassed, the sandbox settings still stop', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'carnet-guard-'));
    await writeFile(join(dir, 'outside.csv'), 'secret\n42\n');
    sandbox = await openSandbox({
      dataDir: join(dir, 'data'),
      tempDir: join(dir, 'tmp'),
      threads: 1,
      memoryLimit: '256MB',
      maxTempDirectorySize: '64MB',
    });
  });

  afterAll(async () => {
    sandbox.connection.closeSync();
    sandbox.instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  const blocked: [string, (dir: string) => string, RegExp][] = [
    ['read_csv outside the data dir', () => "SELECT * FROM read_csv('/etc/passwd')", /Permission/],
    ['read_text', () => "SELECT * FROM read_text('/etc/passwd')", /Permission/],
    ['read_blob', () => "SELECT * FROM read_blob('/etc/hostname')", /Permission/],
    ['glob', () => "SELECT * FROM glob('/*')", /Permission/],
    ['a file next to the data dir', (d) => `SELECT * FROM read_csv('${d}/outside.csv')`, /Permission/],
    ['../ out of the data dir', (d) => `SELECT * FROM read_csv('${d}/data/../outside.csv')`, /Permission/],
    ['file:// out of the data dir', (d) => `SELECT * FROM read_csv('file://${d}/outside.csv')`, /Permission/],
    ['parquet_metadata outside', () => "SELECT * FROM parquet_metadata('/etc/x.parquet')", /Permission/],
    ['INSTALL', () => 'INSTALL httpfs', /Permission|disabled/],
    ['LOAD', () => 'LOAD httpfs', /disabled/],
    ['SET', () => 'SET threads = 4', /locked/],
    ['RESET', () => 'RESET memory_limit', /locked/],
    ['PRAGMA', () => 'PRAGMA threads = 4', /locked/],
    ['SET enable_external_access', () => 'SET enable_external_access = true', /locked/],
  ];

  it.each(blocked)('%s', async (_label, sql, expected) => {
    await expect(sandbox.connection.run(sql(dir))).rejects.toThrow(expected);
  });
});
