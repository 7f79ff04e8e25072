import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGraph, compileCell, compileSql, findReferences, locate, runOrder, upstreamOrder,
  type CompileResult, type CompiledQuery,
} from '../../core/compile/index.js';
import { asCellId, type CellId } from '../../core/ids.js';
import type { CellData } from '../../core/notebook/model.js';

const sql = (id: string, source: string, name?: string): CellData =>
  name === undefined ? { id: asCellId(id), kind: 'sql', source } : { id: asCellId(id), kind: 'sql', name, source };
const md = (id: string, source: string): CellData => ({ id: asCellId(id), kind: 'markdown', source });
const ids = (...xs: string[]): CellId[] => xs.map(asCellId);

/** Datasets as tiny relations, so compiled statements run without files. */
const DATASETS: ReadonlyMap<string, string> = new Map([
  ['persons', 'SELECT x AS id, x % 3 AS city FROM range(10) t(x)'],
  ['calls', 'SELECT x AS caller, (x * 7) % 10 AS callee FROM range(20) t(x)'],
  ['unused', 'SELECT 1 AS never'],
]);

function ok(result: CompileResult): CompiledQuery {
  if (!result.ok) throw new Error(`expected a compiled query, got: ${result.error}`);
  return result;
}

function refs(source: string, names: string[]): string[] {
  return [...findReferences(source, new Set(names))];
}

describe('findReferences', () => {
  const names = ['suspects', 'persons', 'calls'];

  it('finds cell and dataset names used as relations, case-insensitively, in order of use', () => {
    expect(refs('SELECT * FROM Suspects s JOIN "persons" p ON s.id = p.id', names)).toStrictEqual(['suspects', 'persons']);
    expect(refs('select * from calls, SUSPECTS', names)).toStrictEqual(['calls', 'suspects']);
  });

  it('ignores names in strings and comments', () => {
    const source = "SELECT 'suspects', $$persons$$ FROM t -- calls\n/* suspects */ WHERE e = E'calls'";
    expect(refs(source, names)).toStrictEqual([]);
  });

  it('ignores qualified columns, functions and aliases', () => {
    expect(refs('SELECT t.suspects, suspects.name FROM t', names)).toStrictEqual([]);
    expect(refs('SELECT persons(1), calls (2) FROM t', names)).toStrictEqual([]);
    expect(refs('SELECT count(*) AS calls FROM t AS suspects', names)).toStrictEqual([]);
  });

  it('lets a CTE defined in the cell shadow the outer name', () => {
    const source = 'WITH suspects AS (SELECT * FROM persons), x AS MATERIALIZED (SELECT 1) SELECT * FROM suspects, x';
    expect(refs(source, [...names, 'x'])).toStrictEqual(['persons']);
    expect(refs('WITH RECURSIVE "Calls"(n) AS NOT MATERIALIZED (SELECT 1) SELECT * FROM calls', names)).toStrictEqual([]);
  });
});

describe('dependency graph', () => {
  const cells = [
    md('m', '# Notes'),
    sql('a', 'SELECT * FROM persons', 'a'),
    sql('b', 'SELECT * FROM a', 'b'),
    sql('c', 'SELECT * FROM a JOIN calls ON true', 'c'),
    sql('d', 'SELECT * FROM b, c', 'd'),
    sql('e', 'SELECT 1'),
  ];

  it('orders transitive upstream cells, a diamond only once', () => {
    const graph = buildGraph(cells, new Set(DATASETS.keys()));
    expect(graph.errors).toStrictEqual([]);
    expect(upstreamOrder(graph, asCellId('d'))).toStrictEqual({ ok: true, cells: ids('a', 'b', 'c'), datasets: ['persons', 'calls'] });
    expect(upstreamOrder(graph, asCellId('a'))).toStrictEqual({ ok: true, cells: [], datasets: ['persons'] });
  });

  it('orders every SQL cell for Run all, upstream first', () => {
    const reversed = [cells[4]!, cells[3]!, cells[2]!, cells[1]!, cells[5]!];
    expect(runOrder(buildGraph(reversed, new Set()))).toStrictEqual(ids('a', 'b', 'c', 'd', 'e'));
  });

  it('names both cells of a duplicate name', () => {
    const graph = buildGraph([sql('x', 'SELECT 1', 'suspects'), md('m', ''), sql('y', 'SELECT 2', 'Suspects')], new Set());
    expect(graph.errors).toStrictEqual([{ message: 'two cells are named "suspects": cells 1 and 3', cellIds: ids('x', 'y') }]);
  });

  it('refuses a cell named like a dataset', () => {
    const graph = buildGraph([sql('x', 'SELECT 1', 'Persons')], new Set(['persons']));
    expect(graph.errors).toStrictEqual([{ message: 'cell "Persons" has the same name as a dataset; rename the cell', cellIds: ids('x') }]);
  });

  it('names the cells of a cycle in order', () => {
    const graph = buildGraph(
      [sql('1', 'SELECT * FROM b', 'a'), sql('2', 'SELECT * FROM c', 'b'), sql('3', 'SELECT * FROM a', 'c'), sql('4', 'SELECT * FROM self', 'self')],
      new Set(),
    );
    expect(graph.errors.map((e) => e.message)).toStrictEqual(['reference cycle: a → b → c → a', 'reference cycle: self → self']);
    expect(upstreamOrder(graph, asCellId('2'))).toStrictEqual({ ok: false, error: 'reference cycle: b → c → a → b', cellIds: ids('2', '3', '1') });
    expect(runOrder(graph)).toStrictEqual(ids('1', '2', '3', '4'));
  });
});

describe('compileCell', () => {
  it('puts referenced datasets and upstream cells in front as CTEs', () => {
    const cells = [
      sql('s', "SELECT * FROM persons WHERE city = 1;\n", 'suspects'),
      sql('t', 'SELECT count(*) AS n FROM suspects'),
    ];
    const compiled = ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS }));
    expect(compiled.sql).toBe(
      'WITH "persons" AS NOT MATERIALIZED (\n' +
        'SELECT x AS id, x % 3 AS city FROM range(10) t(x)\n' +
        '), "suspects" AS (\n' +
        'SELECT * FROM persons WHERE city = 1\n' +
        ')\n' +
        'SELECT count(*) AS n FROM suspects\n',
    );
    expect(compiled.cells).toStrictEqual(ids('s', 't'));
    expect(compiled.datasets).toStrictEqual(['persons']);
  });

  it('compiles a cell that reads nothing to its own SQL', () => {
    const compiled = ok(compileCell({ cells: [sql('t', 'SELECT 42 -- answer ;')], target: asCellId('t'), datasets: DATASETS }));
    expect(compiled.sql).toBe('SELECT 42 -- answer ;\n');
    expect(compiled.datasets).toStrictEqual([]);
  });

  it('strips one trailing semicolon with the comments after it, and keeps trailing comments apart', () => {
    const cells = [sql('a', 'SELECT 1 AS v -- note', 'a'), sql('t', 'SELECT * FROM a; -- done\n  ')];
    const compiled = ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS }));
    expect(compiled.sql).toBe('WITH "a" AS (\nSELECT 1 AS v -- note\n)\nSELECT * FROM a\n');
  });

  it('merges a target that has its own WITH clause', () => {
    const cells = [sql('a', 'SELECT * FROM persons', 'a'), sql('t', '-- mine\nWITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3)\nSELECT * FROM r, a')];
    const compiled = ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS }));
    expect(compiled.sql).toMatch(/^WITH RECURSIVE "persons" AS NOT MATERIALIZED \(\n[^]*\n\), "a" AS \(\nSELECT \* FROM persons\n\), r\(n\) AS \(SELECT 1 UNION/);
    const target = compiled.segments.at(-1)!;
    expect(target).toMatchObject({ cellId: 't', line: 2, column: 15 });
  });

  it('refuses a WITH clause that redefines a name the upstream cells use', () => {
    const cells = [sql('a', 'SELECT * FROM persons', 'a'), sql('t', 'WITH x AS (SELECT 1), persons AS (SELECT 2) SELECT * FROM a')];
    const result = compileCell({ cells, target: asCellId('t'), datasets: DATASETS });
    expect(result).toStrictEqual({
      ok: false,
      error: 'cell 2: its WITH clause defines "persons", a name the cells it reads also use; rename it in the WITH clause',
      cellIds: ids('t'),
    });
  });

  it('reports errors that concern the target or what it reads, naming the cells', () => {
    const cells = [
      md('m', '# x'),
      sql('a', 'SELECT 1', 'dup'),
      sql('b', 'SELECT 2', 'dup'),
      sql('c', 'SELECT * FROM dup', 'reader'),
      sql('d', ' ;\n-- nothing', 'blank'),
      sql('e', 'SELECT * FROM blank'),
      sql('f', 'SELECT 1 AS fine'),
    ];
    const compile = (target: string) => compileCell({ cells, target: asCellId(target), datasets: DATASETS });
    expect(compile('c')).toStrictEqual({ ok: false, error: 'two cells are named "dup": cells 2 and 3', cellIds: ids('a', 'b') });
    expect(compile('a')).toMatchObject({ ok: false, error: 'two cells are named "dup": cells 2 and 3' });
    expect(compile('d')).toStrictEqual({ ok: false, error: 'cell "blank" is empty', cellIds: ids('d') });
    expect(compile('e')).toStrictEqual({ ok: false, error: 'cell 6 reads cell "blank", which is empty', cellIds: ids('e', 'd') });
    expect(compile('m')).toStrictEqual({ ok: false, error: 'cell 1 is a markdown cell; only SQL cells run', cellIds: ids('m') });
    expect(compile('zz')).toMatchObject({ ok: false, error: 'no cell with id "zz" in this notebook' });
    expect(compile('f').ok).toBe(true);
  });

  it('does not crash on several statements, leaving them for the engine to refuse', () => {
    const compiled = ok(compileCell({ cells: [sql('t', 'SELECT 1; SELECT 2;')], target: asCellId('t'), datasets: DATASETS }));
    expect(compiled.sql).toBe('SELECT 1; SELECT 2\n');
  });
});

describe('locate', () => {
  it('maps an offset in the 2nd upstream cell, 3rd line, back to that cell', () => {
    const cells = [
      sql('a', 'SELECT *\nFROM persons', 'first'),
      sql('b', 'SELECT id,\n  city\n  FROM first\n  WHERE nope', 'second'),
      sql('t', 'SELECT * FROM second'),
    ];
    const compiled = ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS }));
    const offset = compiled.sql.indexOf('FROM first') + 5;
    expect(locate(compiled, offset)).toStrictEqual({ cellId: 'b', name: 'second', line: 3, column: 8 });
    expect(locate(compiled, compiled.sql.lastIndexOf('second'))).toStrictEqual({ cellId: 't', line: 1, column: 15 });
    expect(locate(compiled, compiled.sql.indexOf('range'))).toBeNull();
  });

  it('maps an offset in a merged WITH target to its own line and column', () => {
    const cells = [sql('a', 'SELECT 1 AS v', 'a'), sql('t', 'WITH w AS (SELECT 2)\nSELECT oops FROM a, w')];
    const compiled = ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS }));
    expect(locate(compiled, compiled.sql.indexOf(' w AS'))).toStrictEqual({ cellId: 't', line: 1, column: 5 });
    expect(locate(compiled, compiled.sql.indexOf('oops'))).toStrictEqual({ cellId: 't', line: 2, column: 8 });
  });
});

describe('compileSql', () => {
  it('adds only the datasets a free-standing query reads', () => {
    const compiled = ok(compileSql('SELECT count(*) FROM Calls;', DATASETS));
    expect(compiled.datasets).toStrictEqual(['calls']);
    expect(compiled.sql).toBe('WITH "calls" AS NOT MATERIALIZED (\nSELECT x AS caller, (x * 7) % 10 AS callee FROM range(20) t(x)\n)\nSELECT count(*) FROM Calls\n');
    expect(locate(compiled, compiled.sql.indexOf('Calls'))).toStrictEqual({ line: 1, column: 22 });
    expect(compileSql('  -- nothing\n', DATASETS)).toStrictEqual({ ok: false, error: 'the query is empty', cellIds: [] });
  });
});

describe('compiled statements run in DuckDB', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection?.closeSync();
    instance?.closeSync();
  });
  const rows = async (compiled: CompiledQuery) => (await connection.runAndReadAll(compiled.sql)).getRowObjectsJson();

  it('runs upstream cells, datasets, comments and a diamond', async () => {
    const cells = [
      sql('a', 'SELECT * FROM persons WHERE city = 1 -- Lyon', 'lyon'),
      sql('b', 'WITH c AS (SELECT * FROM calls) SELECT * FROM c WHERE caller IN (SELECT id FROM lyon);', 'lyon_calls'),
      sql('c', 'FROM lyon', 'lyon_again'),
      sql('t', 'SELECT count(*)::INT AS n, (SELECT count(*) FROM lyon_again)::INT AS m FROM lyon_calls -- end'),
    ];
    const compiled = ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS }));
    expect(compiled.cells).toStrictEqual(ids('a', 'c', 'b', 't'));
    expect(await rows(compiled)).toStrictEqual([{ n: 3, m: 3 }]);
  });

  it('runs a merged WITH RECURSIVE target', async () => {
    const cells = [
      sql('a', 'SELECT id FROM persons WHERE id < 2', 'small'),
      sql('t', 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3)\nSELECT (sum(n) * (SELECT count(*) FROM small))::INT AS s FROM r;'),
    ];
    expect(await rows(ok(compileCell({ cells, target: asCellId('t'), datasets: DATASETS })))).toStrictEqual([{ s: 12 }]);
  });

  it('runs a free-standing query', async () => {
    expect(await rows(ok(compileSql('select count(*)::INT AS n from "PERSONS"', DATASETS)))).toStrictEqual([{ n: 10 }]);
  });
});

describe('statements that cannot follow WITH', () => {
  it('wraps SUMMARIZE and DESCRIBE in a subquery so datasets and cells can feed them', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const datasets = new Map([['nums', 'SELECT * FROM range(5) t(x)']]);
    const cells = [
      { id: 'a' as CellId, kind: 'sql' as const, name: 'profile', source: 'SUMMARIZE nums' },
      { id: 'b' as CellId, kind: 'sql' as const, source: 'SELECT count(*) AS n FROM profile' },
      { id: 'c' as CellId, kind: 'sql' as const, source: 'DESCRIBE nums;' },
    ];
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      for (const target of ['a', 'b', 'c'] as CellId[]) {
        const compiled = compileCell({ cells, target, datasets });
        if (!compiled.ok) throw new Error(compiled.error);
        const rows = (await conn.runAndReadAll(compiled.sql)).getRows();
        expect(rows.length).toBeGreaterThan(0);
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});

