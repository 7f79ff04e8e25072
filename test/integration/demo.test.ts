import { mkdtemp, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createCatalog, DEMO_DATASETS, ensureDemoData, generateDemoData, type Catalog } from '../../server/datasets/index.js';
import { RING, RING_TRIPS } from '../../server/datasets/demo-story.js';
import { parseNotebook } from '../../core/notebook/format.js';
import { compileCell } from '../../core/compile/index.js';
import { compileChartSql, extentSql, normaliseChart, parseChartSpec, parseLineExtent } from '../../core/chart/index.js';

const SCALE = 0.01;
const EXAMPLES = fileURLToPath(new URL('../../notebooks/', import.meta.url));

let home: string;
let dataA: string;
let dataB: string;
let db: DuckDBInstance;
let sql: DuckDBConnection;
let catalog: Catalog;
let relations: Map<string, string>;

/** Runs `query` with every dataset of `rel` in scope as a CTE, as the compiler would (merging a leading WITH). */
async function rows(query: string, rel = relations): Promise<Record<string, unknown>[]> {
  const ctes = [...rel].map(([name, body]) => `"${name}" AS NOT MATERIALIZED (${body})`).join(',\n');
  const own = /^\s*WITH\s+/i.exec(query);
  const text = own ? `WITH ${ctes},\n${query.slice(own[0].length)}` : `WITH ${ctes}\n${query}`;
  return (await sql.runAndReadAll(text)).getRowObjectsJson();
}

/** Order-independent fingerprint of a dataset's rows. */
async function fingerprint(name: string, rel = relations): Promise<string> {
  const [row] = await rows(`SELECT count(*)::VARCHAR || ':' || sum(hash(t)::HUGEINT)::VARCHAR AS f FROM ${name} t`, rel);
  return String(row!['f']);
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'carnet-demo-'));
  dataA = join(home, 'a', 'data');
  dataB = join(home, 'b', 'data');
  await generateDemoData(dataA, { scale: SCALE });
  await generateDemoData(dataB, { scale: SCALE });
  db = await DuckDBInstance.create(':memory:');
  sql = await db.connect();
  catalog = await createCatalog(dataA);
  relations = await catalog.relations();
}, 60_000);

afterAll(async () => {
  await catalog?.close();
  sql?.closeSync();
  db?.closeSync();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('demo data', () => {
  it('writes every dataset with the expected columns, calls as a folder partitioned by month', async () => {
    const list = await catalog.list();
    expect(list.map((d) => d.name).sort()).toEqual([...DEMO_DATASETS].sort());
    for (const d of list) expect(d.error).toBeUndefined();
    const columns = Object.fromEntries(list.map((d) => [d.name, d.columns.map((c) => `${c.name} ${c.type}`)]));
    expect(columns).toEqual({
      cities: ['city VARCHAR', 'code VARCHAR', 'country VARCHAR', 'lat DOUBLE', 'lon DOUBLE'],
      persons: ['person_id INTEGER', 'first_name VARCHAR', 'last_name VARCHAR', 'birth_year INTEGER', 'nationality VARCHAR', 'city VARCHAR', 'phone_number VARCHAR'],
      accounts: ['account_id VARCHAR', 'holder_person_id INTEGER', 'bank VARCHAR', 'opened DATE', 'currency VARCHAR'],
      bank_transfers: ['transfer_id BIGINT', 'from_account VARCHAR', 'to_account VARCHAR', 'amount DECIMAL(14,2)', 'currency VARCHAR', 'executed_at TIMESTAMP', 'reference VARCHAR'],
      phone_calls: ['call_id BIGINT', 'caller VARCHAR', 'callee VARCHAR', 'started_at TIMESTAMP', 'duration_s INTEGER', 'cell_tower VARCHAR', 'month VARCHAR'],
      travel: ['person_id INTEGER', 'from_city VARCHAR', 'to_city VARCHAR', 'departed_on DATE', 'mode VARCHAR', 'carrier VARCHAR'],
    });
    const calls = list.find((d) => d.name === 'phone_calls')!;
    expect(calls.kind).toBe('folder');
    expect((await readdir(calls.path)).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `month=2025-${String(i + 1).padStart(2, '0')}`));
    expect(list.find((d) => d.name === 'persons')!.rowCount).toBe(500);
  });

  it('keeps ids, phone numbers and accounts consistent across tables', async () => {
    const [r] = await rows(`SELECT
      (SELECT count(*) FROM persons) = (SELECT count(DISTINCT phone_number) FROM persons) AS unique_phones,
      (SELECT count(*) FROM accounts) = (SELECT count(DISTINCT account_id) FROM accounts) AS unique_accounts,
      (SELECT count(*) FROM bank_transfers t LEFT JOIN accounts a ON a.account_id = t.from_account WHERE a.account_id IS NULL) AS orphan_transfers,
      (SELECT count(*) FROM phone_calls c LEFT JOIN persons p ON p.phone_number = c.caller WHERE p.person_id IS NULL) AS orphan_calls,
      (SELECT count(*) FROM travel t LEFT JOIN cities c ON c.city = t.to_city WHERE c.city IS NULL) AS unknown_cities,
      (SELECT count(*) FROM phone_calls c LEFT JOIN cities ci ON ci.code = split_part(c.cell_tower, '-', 1) WHERE ci.code IS NULL) AS unknown_towers,
      (SELECT min(executed_at) >= TIMESTAMP '2025-01-01' AND max(executed_at) < TIMESTAMP '2026-01-01' FROM bank_transfers) AS transfers_in_2025`);
    expect(r).toEqual({
      unique_phones: true, unique_accounts: true, orphan_transfers: '0', orphan_calls: '0', unknown_cities: '0', unknown_towers: '0', transfers_in_2025: true,
    });
  });

  it('is deterministic: two generations hold identical rows', async () => {
    const other = await createCatalog(dataB);
    try {
      const relB = await other.relations();
      for (const name of DEMO_DATASETS) expect(await fingerprint(name, relB), name).toBe(await fingerprint(name));
    } finally {
      await other.close();
    }
  });

  it('regenerates only missing datasets, identical to before, and never overwrites a user file', async () => {
    const before = { persons: await fingerprint('persons'), phone_calls: await fingerprint('phone_calls') };
    const relB = await (async () => {
      const c = await createCatalog(dataB);
      try {
        return await c.relations();
      } finally {
        await c.close();
      }
    })();
    await unlink(join(dataB, 'persons.parquet'));
    await rm(join(dataB, 'phone_calls'), { recursive: true });
    await unlink(join(dataB, 'travel.parquet'));
    await sql.run(`COPY (SELECT 1 AS mine) TO '${join(dataB, 'Travel.parquet')}' (FORMAT parquet)`);
    const travelMtime = (await stat(join(dataB, 'Travel.parquet'))).mtimeMs;

    expect(await ensureDemoData(dataB, { scale: SCALE })).toEqual(['persons', 'phone_calls']);
    expect(await fingerprint('persons', relB)).toBe(before.persons);
    expect(await fingerprint('phone_calls', relB)).toBe(before.phone_calls);
    expect((await stat(join(dataB, 'Travel.parquet'))).mtimeMs).toBe(travelMtime);
    expect(await ensureDemoData(dataB, { scale: SCALE })).toEqual([]);
    expect((await readdir(dataB)).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('the planted story', () => {
  const ringNames = RING.map((m) => `('${m.firstName}', '${m.lastName}')`).join(', ');
  const ring = `(SELECT p.* FROM persons p JOIN (VALUES ${ringNames}) n(f, l) ON p.first_name = n.f AND p.last_name = n.l AND p.city IN (${RING.map((m) => `'${m.city}'`).join(', ')}))`;

  it('has eight members who call each other mostly at night, unlike everyone else', async () => {
    const [r] = await rows(`
      WITH ring AS ${ring},
      ring_calls AS (SELECT c.* FROM phone_calls c JOIN ring a ON a.phone_number = c.caller JOIN ring b ON b.phone_number = c.callee)
      SELECT (SELECT count(*) FROM ring)::INTEGER AS members,
             (SELECT count(*) FROM ring_calls)::INTEGER AS calls,
             (SELECT avg((hour(started_at) >= 23 OR hour(started_at) < 4)::INTEGER) FROM ring_calls) AS ring_night,
             (SELECT avg((hour(started_at) >= 23 OR hour(started_at) < 4)::INTEGER) FROM phone_calls) AS all_night`);
    expect(r!['members']).toBe(8);
    expect(r!['calls']).toBeGreaterThan(1000);
    expect(r!['ring_night']).toBeGreaterThan(0.5);
    expect(r!['all_night']).toBeLessThan(0.1);
  });

  it('moves round sums just under 10,000 EUR through nine accounts held by the members', async () => {
    const found = await rows(`
      WITH ring AS ${ring},
      round_sums AS (SELECT * FROM bank_transfers WHERE amount >= 9000 AND amount < 10000 AND amount % 50 = 0),
      touched AS (SELECT from_account AS account_id FROM round_sums UNION ALL SELECT to_account FROM round_sums)
      SELECT t.account_id, count(*) AS n, bool_and(a.holder_person_id IN (SELECT person_id FROM ring)) AS held_by_ring
      FROM touched t JOIN accounts a USING (account_id)
      GROUP BY ALL HAVING count(*) >= 20`);
    expect(found).toHaveLength(9);
    for (const account of found) expect(account['held_by_ring']).toBe(true);
  });

  it('meets on the planted days in the planted cities', async () => {
    const meetings = await rows(`
      WITH ring AS ${ring}
      SELECT strftime(departed_on, '%Y-%m-%d') AS day, to_city AS city, count(DISTINCT person_id)::INTEGER AS members
      FROM travel JOIN ring USING (person_id)
      GROUP BY ALL HAVING count(DISTINCT person_id) >= 3 ORDER BY day`);
    expect(meetings.map((m) => [m['day'], m['city']])).toEqual(RING_TRIPS.map((t) => [t.date, t.city]));
  });
});

describe('example notebooks', async () => {
  const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.md')).sort();

  it('include at least one English and one French investigation', () => {
    expect(files).toContain('shell-company-network.md');
    expect(files).toContain('reseau-societe-ecran.md');
  });

  for (const file of files) {
    it(`${file}: every SQL cell compiles, runs on the demo data and returns rows`, async () => {
      const notebook = parseNotebook(await readFile(join(EXAMPLES, file), 'utf8'));
      expect(notebook.meta.title.length).toBeGreaterThan(0);
      const sqlCells = notebook.cells.filter((c) => c.kind === 'sql');
      expect(sqlCells.length).toBeGreaterThanOrEqual(5);
      const names = sqlCells.map((c) => c.name?.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(DEMO_DATASETS as readonly (string | undefined)[]).not.toContain(name);

      for (const cell of sqlCells) {
        const compiled = compileCell({ cells: notebook.cells, target: cell.id, datasets: relations });
        if (!compiled.ok) throw new Error(`${file}, cell "${cell.name}": ${compiled.error}`);
        const result = await sql.runAndReadAll(compiled.sql).catch((e: Error) => {
          throw new Error(`${file}, cell "${cell.name}": ${e.message}`);
        });
        expect(result.currentRowCount, `${file}, cell "${cell.name}"`).toBeGreaterThan(0);
        expect(result.currentRowCount, `${file}, cell "${cell.name}"`).toBeLessThan(5000);
      }
    });

    it(`${file}: charts its findings, and every chart compiles over its source and draws marks`, async () => {
      const notebook = parseNotebook(await readFile(join(EXAMPLES, file), 'utf8'));
      const charts = notebook.cells.filter((c) => c.kind === 'chart');
      // A bar over time, a line per series and a map: what a reader of the example should see.
      expect(charts.map((c) => parseChartSpec(c.source).mark).sort()).toEqual(['bar', 'line', 'map-points']);
      for (const cell of charts) {
        const spec = parseChartSpec(cell.source);
        const source = notebook.cells.find((c) => c.kind === 'sql' && c.name?.toLowerCase() === spec.source.toLowerCase());
        if (!source) throw new Error(`${file}, chart ${cell.id}: no SQL cell named "${spec.source}"`);
        const compiled = compileCell({ cells: notebook.cells, target: source.id, datasets: relations });
        if (!compiled.ok) throw new Error(`${file}, chart ${cell.id}: ${compiled.error}`);
        const described = (await sql.runAndReadAll(`DESCRIBE ${compiled.sql}`)).getRowObjectsJson();
        const norm = normaliseChart(spec, described.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) })));
        if (!norm.ok) throw new Error(`${file}, chart ${cell.id}: ${norm.errors.map((e) => e.message).join('; ')}`);
        const first = extentSql(norm.spec, 'src');
        const extent = first === null ? undefined : parseLineExtent(norm.spec, (await sql.runAndReadAll(`WITH src AS (${compiled.sql}) ${first}`)).getRowObjectsJson()[0]!);
        const chart = compileChartSql(norm.spec, 'src', { width: 640, ...(extent ? { extent } : {}) });
        const marks = await sql.runAndReadAll(`WITH src AS (${compiled.sql}) ${chart.sql}`);
        expect(marks.currentRowCount, `${file}, chart ${cell.id}`).toBeGreaterThan(0);
      }
    });
  }
});
