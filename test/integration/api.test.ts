import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC, Type } from 'apache-arrow';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ timeoutMs: 4_000 });
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: unknown, json = true) =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(json ? { Accept: 'application/json' } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('datasets', () => {
  it('lists file and folder datasets with columns, rows and bytes', async () => {
    const res = await t.app.request('/api/datasets');
    expect(res.status).toBe(200);
    const { datasets } = (await res.json()) as { datasets: { name: string; kind: string; rowCount: number; bytes: number; columns: { name: string; type: string }[]; path?: string }[] };
    const people = datasets.find((d) => d.name === 'people')!;
    const calls = datasets.find((d) => d.name === 'calls')!;
    expect(people).toMatchObject({ kind: 'file', rowCount: 300 });
    expect(people.columns.find((c) => c.name === 'amount')?.type).toBe('DECIMAL(10,2)');
    expect(people.bytes).toBeGreaterThan(0);
    expect(people.path).toBeUndefined();
    expect(calls).toMatchObject({ kind: 'folder', rowCount: 3000 });
  });

  it('gives a sample and a profile of one dataset', async () => {
    const res = await t.app.request('/api/datasets/people');
    const d = (await res.json()) as { sample: { rows: unknown[][] }; profile: { rows: unknown[][] } };
    expect(d.sample.rows.length).toBe(100);
    expect(d.profile.rows.length).toBe(10);
  });

  it('answers 404 for an unknown dataset', async () => {
    expect((await t.app.request('/api/datasets/nope')).status).toBe(404);
  });
});

describe('POST /api/query', () => {
  it('answers JSON rows with column types', async () => {
    const res = await post('/api/query', { sql: 'SELECT id, name, born, even, amount FROM people ORDER BY id LIMIT 2' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { columns: { name: string; type: string }[]; rows: unknown[][]; rowCount: number; truncated: boolean; elapsedMs: number };
    expect(body.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'born', type: 'DATE' },
      { name: 'even', type: 'BOOLEAN' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
    ]);
    expect(body.rows[0]).toEqual([1, 'person 1', '2025-01-02', false, expect.stringMatching(/^1\.25$|^1.25$/)]);
    expect(body.rowCount).toBe(2);
    expect(body.truncated).toBe(false);
    expect(typeof body.elapsedMs).toBe('number');
  });

  it('answers an Arrow stream by default, each type mapped explicitly', async () => {
    const res = await post('/api/query', { sql: 'SELECT * FROM people ORDER BY id' }, false);
    expect(res.headers.get('content-type')).toContain('application/vnd.apache.arrow.stream');
    expect(res.headers.get('x-carnet-row-count')).toBe('300');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    const type = (n: string) => table.schema.fields.find((f) => f.name === n)!.type.typeId;
    expect(type('id')).toBe(Type.Int);
    expect(type('big')).toBe(Type.Int);
    expect(type('ratio')).toBe(Type.Float);
    expect(type('name')).toBe(Type.Utf8);
    expect(type('born')).toBe(Type.Date);
    expect(type('seen_at')).toBe(Type.Timestamp);
    expect(type('even')).toBe(Type.Bool);
    expect([Type.Decimal, Type.Float]).toContain(type('amount'));
    expect(type('pair')).toBe(Type.List);
    const row = table.get(1)!.toJSON() as Record<string, unknown>;
    expect(row.id).toBe(2);
    expect(row.big).toBe(20000000000n);
    expect(row.name).toBe('person 2');
    expect(row.born).toBe(Date.UTC(2025, 0, 3));
    expect(row.seen_at).toBe(Date.UTC(2025, 0, 1, 10));
    expect(row.even).toBe(true);
    expect(Array.from(row.pair as Iterable<bigint>)).toEqual([2n, 3n]);
    expect(table.get(4)!.toJSON().maybe).toBeNull();
    expect(table.schema.fields.find((f) => f.name === 'amount')!.metadata.get('duckdb_type')).toBe('DECIMAL(10,2)');
  });

  it('audits every query before answering: who, the compiled SQL, the datasets, rows, status', async () => {
    await post('/api/query', { sql: 'SELECT count(*) AS n FROM people WHERE even' });
    await post('/api/query', { sql: 'SELECT nope FROM people' });
    const { records } = await t.deps.audit.search({ action: 'query', limit: 2, offset: 0 });
    const [failed, ok] = records as unknown as { details: { compiledSql: string; datasets: string[]; rows?: number; status: string } }[];
    expect(ok!.details).toMatchObject({ datasets: ['people'], rows: 1, status: 'ok' });
    expect(ok!.details.compiledSql).toContain("read_parquet(");
    expect(failed!.details.status).not.toBe('ok');
    expect(await t.deps.audit.verify()).toMatchObject({ ok: true });
  });

  it('pages: limit and offset, truncated, then pages of the stored result by id', async () => {
    const res = await post('/api/query', { sql: 'SELECT id FROM people ORDER BY id', limit: 50, offset: 10 });
    const body = (await res.json()) as { rows: number[][]; truncated: boolean; resultId: string };
    expect(body.rows.length).toBe(50);
    expect(body.rows[0]).toEqual([11]);
    expect(body.truncated).toBe(true);
    const page = await t.app.request(`/api/results/${body.resultId}?offset=45&limit=10`, { headers: { Accept: 'application/json' } });
    const p = (await page.json()) as { rows: number[][] };
    expect(p.rows.map((r) => r[0])).toEqual([56, 57, 58, 59, 60]);
    const arrowPage = await t.app.request(`/api/results/${body.resultId}?offset=1&limit=2`);
    expect(tableFromIPC(new Uint8Array(await arrowPage.arrayBuffer())).numRows).toBe(2);
  });

  it('caps a result at the row cap and says it was truncated', async () => {
    const capped = await makeTestApp({ rowCap: 100 });
    try {
      const res = await capped.app.request('/api/query', { method: 'POST', headers: { Accept: 'application/json' }, body: JSON.stringify({ sql: 'SELECT * FROM range(1000000)', limit: 5000 }) });
      const body = (await res.json()) as { rowCount: number; truncated: boolean };
      expect(body).toMatchObject({ rowCount: 100, truncated: true });
    } finally {
      await capped.close();
    }
  });

  it('sorts server-side without rewriting the SQL', async () => {
    const res = await post('/api/query', { sql: 'SELECT id, name FROM people', sort: { column: 'id', desc: true }, limit: 3 });
    const body = (await res.json()) as { rows: unknown[][] };
    expect(body.rows.map((r) => r[0])).toEqual([300, 299, 298]);
  });

  it('reads a hive-partitioned folder by name, with its partition column', async () => {
    const res = await post('/api/query', { sql: 'SELECT month, count(*) AS n FROM calls GROUP BY ALL ORDER BY 1' });
    const body = (await res.json()) as { rows: unknown[][] };
    expect(body.rows).toEqual([['2025-01', 1000], ['2025-02', 1000], ['2025-03', 1000]]);
  });

  it('binds parameters, never splices them', async () => {
    const res = await post('/api/query', { sql: 'SELECT count(*) AS n FROM people WHERE name = $who', params: { who: "person 7' OR '1'='1" } });
    expect(((await res.json()) as { rows: number[][] }).rows).toEqual([[0]]);
    const ok = await post('/api/query', { sql: 'SELECT id FROM people WHERE name = $who', params: { who: 'person 7' } });
    expect(((await ok.json()) as { rows: number[][] }).rows).toEqual([[7]]);
  });

  it('reports a SQL error with its line and column, and the server keeps answering', async () => {
    const res = await post('/api/query', { sql: 'SELECT id,\n       nmae\nFROM people' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; line: number; column: number } };
    expect(error.message).toMatch(/nmae/);
    expect(error).toMatchObject({ line: 2, column: 8 });
    expect((await post('/api/query', { sql: 'SELECT 1 AS one' })).status).toBe(200);
  });

  it.each([
    ["COPY people TO '/tmp/carnet-leak.csv'"],
    ["SELECT * FROM read_csv('/etc/passwd')"],
    ["ATTACH ':memory:' AS x"],
    ['SELECT 1; DROP VIEW people'],
    ["SELECT current_setting('allowed_directories')"],
  ])('refuses %s with a clear message', async (sql) => {
    const res = await post('/api/query', { sql });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('refuses malformed bodies with a message that says what is wrong', async () => {
    const bad = await post('/api/query', '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const noSql = await post('/api/query', { sql: 42 });
    expect(((await noSql.json()) as { error: { message: string } }).error.message).toMatch(/"sql" must be a non-empty string/);
    const badLimit = await post('/api/query', { sql: 'SELECT 1', limit: -3 });
    expect(((await badLimit.json()) as { error: { message: string } }).error.message).toMatch(/"limit" must be an integer/);
  });

  it('stops a query at the time limit; the next query works', async () => {
    const res = await post('/api/query', { sql: 'SELECT count(*) FROM range(100000000000) a' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { kind: string } };
    expect(error.kind).toBe('timeout');
    expect((await post('/api/query', { sql: 'SELECT 42 AS x' })).status).toBe(200);
  });

  it('cancels a running query by its id', async () => {
    const running = post('/api/query', { sql: 'SELECT count(*) FROM range(100000000000) a', queryId: 'cancel-me' });
    await new Promise((r) => setTimeout(r, 400));
    const cancel = await t.app.request('/api/queries/cancel-me/cancel', { method: 'POST' });
    expect(((await cancel.json()) as { cancelled: boolean }).cancelled).toBe(true);
    const res = await running;
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { kind: string } }).error.kind).toBe('cancelled');
  });

  it('recovers when a worker dies mid-query', async () => {
    const running = post('/api/query', { sql: 'SELECT count(*) FROM range(100000000000) a' });
    await new Promise((r) => setTimeout(r, 400));
    for (const pid of t.deps.engine.workerPids?.() ?? []) process.kill(pid, 'SIGKILL');
    const res = await running;
    expect(res.status).toBe(400);
    const next = await post('/api/query', { sql: 'SELECT count(*) AS n FROM people' });
    expect(((await next.json()) as { rows: number[][] }).rows).toEqual([[300]]);
  });
});

describe('notebooks', () => {
  async function createNotebook(title: string) {
    const res = await post('/api/notebooks', { title });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it('runs a cell with its upstream cells compiled in, and remembers the run', async () => {
    const id = await createNotebook('Dépistage');
    const file = join(t.home, 'notebooks', `${id}.md`);
    const text = (await readFile(file, 'utf8')).trimEnd() + [
      '',
      '',
      '```sql name=evens id=c1',
      'SELECT * FROM people WHERE even',
      '```',
      '',
      '```sql name=busy id=c2',
      'SELECT caller, count(*) AS n FROM calls JOIN evens ON evens.id = calls.caller GROUP BY ALL',
      '```',
      '',
      '```sql id=c3',
      'SELECT count(*) AS callers FROM busy',
      '```',
      '',
    ].join('\n');
    await (await import('node:fs/promises')).writeFile(file, text);
    const res = await post(`/api/notebooks/${id}/cells/c3/run`, {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: number[][]; resultId: string };
    expect(body.rows).toEqual([[150]]);
    const runs = (await (await t.app.request(`/api/notebooks/${id}/runs`)).json()) as { runs: Record<string, { status: string; resultId: string; inputs: Record<string, string> }> };
    expect(runs.runs.c3).toMatchObject({ status: 'ok', resultId: body.resultId });
    const withParams = await post(`/api/notebooks/${id}/cells/c1/run`, { params: { unused: 7 } });
    expect(withParams.status).toBe(200);
    const after = (await (await t.app.request(`/api/notebooks/${id}/runs`)).json()) as { runs: Record<string, { params?: Record<string, unknown> }> };
    expect(after.runs.c1!.params).toEqual({ unused: 7 });
    expect(Object.keys(runs.runs.c3!.inputs).sort()).toEqual(['c1', 'c2', 'c3']);
    const stored = await t.app.request(`/api/results/${body.resultId}`, { headers: { Accept: 'application/json' } });
    expect(((await stored.json()) as { rows: number[][] }).rows).toEqual([[150]]);
  });

  it('places an error in the upstream cell where it is, with its line', async () => {
    const id = await createNotebook('Erreur');
    const file = join(t.home, 'notebooks', `${id}.md`);
    const text = (await readFile(file, 'utf8')).trimEnd() + '\n\n```sql name=base id=b1\nSELECT id,\n  nmae\nFROM people\n```\n\n```sql id=b2\nSELECT * FROM base\n```\n';
    await (await import('node:fs/promises')).writeFile(file, text);
    const res = await post(`/api/notebooks/${id}/cells/b2/run`, {});
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; cellId: string; cellName: string; line: number; column: number } };
    expect(error).toMatchObject({ cellId: 'b1', cellName: 'base', line: 2, column: 3 });
    expect(error.message).toMatch(/^cell "base", line 2: /);
  });

  it('refuses a cell named like a dataset, and a reference cycle, naming the cells', async () => {
    const id = await createNotebook('Cycles');
    const file = join(t.home, 'notebooks', `${id}.md`);
    const text = (await readFile(file, 'utf8')).trimEnd() + '\n\n```sql name=a id=x1\nSELECT * FROM b\n```\n\n```sql name=b id=x2\nSELECT * FROM a\n```\n\n```sql name=people id=x3\nSELECT 1\n```\n';
    await (await import('node:fs/promises')).writeFile(file, text);
    const cycle = await post(`/api/notebooks/${id}/cells/x1/run`, {});
    expect(cycle.status).toBe(400);
    expect(((await cycle.json()) as { error: { message: string } }).error.message).toMatch(/cycle.*a.*b/);
    const shadow = await post(`/api/notebooks/${id}/cells/x3/run`, {});
    expect(((await shadow.json()) as { error: { message: string } }).error.message).toMatch(/people/);
  });

  it('runs once when two people press Run on the same cell at once, and tells every participant', async () => {
    const id = await createNotebook('Ensemble');
    const file = join(t.home, 'notebooks', `${id}.md`);
    const text = (await readFile(file, 'utf8')).trimEnd() + '\n\n```sql name=slow id=s1\nSELECT count(*) AS n FROM range(30000000) a, range(3) b\n```\n';
    await (await import('node:fs/promises')).writeFile(file, text);
    const events: { type: string; cellId?: string; run?: { status: string } }[] = [];
    const off = t.deps.events.subscribe(id as never, (e) => events.push(e as never));
    const [a, b] = await Promise.all([post(`/api/notebooks/${id}/cells/s1/run`, { queryId: 'ana' }), post(`/api/notebooks/${id}/cells/s1/run`, { queryId: 'bob' })]);
    off();
    const ra = (await a.json()) as { resultId: string; rows: number[][] };
    const rb = (await b.json()) as { resultId: string };
    expect(ra.rows).toEqual([[90000000]]);
    expect(rb.resultId).toBe(ra.resultId);
    expect(events.map((e) => e.type)).toEqual(['started', 'finished']);
    expect(events[1]!.run!.status).toBe('ok');
  });

  it('streams run events to subscribers over server-sent events', async () => {
    const id = await createNotebook('Flux');
    const file = join(t.home, 'notebooks', `${id}.md`);
    await (await import('node:fs/promises')).writeFile(file, (await readFile(file, 'utf8')).trimEnd() + '\n\n```sql id=e1\nSELECT 1 AS one\n```\n');
    const res = await t.app.request(`/api/notebooks/${id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await post(`/api/notebooks/${id}/cells/e1/run`, {});
    let text = '';
    while (!text.includes('"finished"')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/event: run\ndata: \{"type":"started","cellId":"e1"/);
    expect(text).toContain('"status":"ok"');
  });

  it('runs a chart cell as an aggregation over its source: few rows back, whatever the source size', async () => {
    const id = await createNotebook('Graphique');
    const file = join(t.home, 'notebooks', `${id}.md`);
    const text = (await readFile(file, 'utf8')).trimEnd() + [
      '', '',
      '```sql name=long_calls id=q1',
      'SELECT * FROM calls WHERE duration_s > 60',
      '```', '',
      '```chart id=g1',
      '{"source": "long_calls", "mark": "bar", "x": {"field": "month"}, "y": {"field": "duration_s", "aggregate": "sum"}}',
      '```', '',
      '```chart id=g2',
      '{"source": "calls", "mark": "bar", "x": {"field": "duration_s", "bin": {"thresholds": 10}}}',
      '```', '',
      '```chart id=g3',
      '{"source": "long_calls", "mark": "bar", "x": {"field": "nope"}, "y": {"aggregate": "count"}}',
      '```', '',
    ].join('\n');
    await (await import('node:fs/promises')).writeFile(file, text);
    const res = await post(`/api/notebooks/${id}/cells/g1/run`, { width: 600 }, false);
    expect(res.status).toBe(200);
    const meta = JSON.parse(decodeURIComponent(res.headers.get('x-carnet-chart')!)) as { chartKind: string; columns: { name: string }[] };
    expect(meta.chartKind).toBe('aggregate');
    expect(meta.columns.map((c) => c.name)).toContain('duration_s');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.numRows).toBe(3);
    const hist = await post(`/api/notebooks/${id}/cells/g2/run`, { width: 600 }, false);
    expect(hist.status).toBe(200);
    expect(tableFromIPC(new Uint8Array(await hist.arrayBuffer())).numRows).toBeLessThanOrEqual(12);
    const bad = await post(`/api/notebooks/${id}/cells/g3/run`, {});
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/x: column "nope"/);
  });

  it('lists, renames, duplicates and deletes to the trash', async () => {
    const id = await createNotebook('À renommer');
    const renamed = await t.app.request(`/api/notebooks/${id}`, { method: 'PATCH', body: JSON.stringify({ title: 'Renommé' }) });
    expect(renamed.status).toBe(200);
    const dup = await post(`/api/notebooks/${id}/duplicate`, {});
    expect(dup.status).toBe(201);
    const copyId = ((await dup.json()) as { id: string }).id;
    const list = (await (await t.app.request('/api/notebooks')).json()) as { notebooks: { id: string; title: string }[] };
    expect(list.notebooks.find((n) => n.id === id)?.title).toBe('Renommé');
    expect(list.notebooks.find((n) => n.id === copyId)?.title).toBe('Renommé (copy)');
    const del = await t.app.request(`/api/notebooks/${copyId}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await readdir(join(t.home, 'trash'))).some((f) => f.startsWith(copyId))).toBe(true);
    expect((await t.app.request(`/api/notebooks/${copyId}/runs`)).status).toBe(404);
  });

  it('refuses bad notebook ids and unknown cells', async () => {
    expect((await post('/api/notebooks/..%2Fetc/cells/x/run', {})).status).toBe(400);
    const id = await createNotebook('Vide');
    expect((await post(`/api/notebooks/${id}/cells/none/run`, {})).status).toBe(404);
  });
});

describe('import', () => {
  it('imports an uploaded CSV as a dataset that can be queried by name', async () => {
    const csv = 'city,population\nLyon,522000\nNantes,320000\n';
    const res = await t.app.request('/api/datasets/import?name=cities_up&filename=cities.csv', { method: 'POST', body: csv });
    expect(res.status).toBe(201);
    const q = await post('/api/query', { sql: 'SELECT city FROM cities_up ORDER BY population DESC' });
    expect(((await q.json()) as { rows: string[][] }).rows).toEqual([['Lyon'], ['Nantes']]);
  });

  it('refuses a bad name and a malformed file, leaving nothing behind', async () => {
    const bad = await t.app.request('/api/datasets/import?name=2bad&filename=x.csv', { method: 'POST', body: 'a\n1\n' });
    expect(bad.status).toBe(400);
    const broken = await t.app.request('/api/datasets/import?name=broken_up&filename=x.parquet', { method: 'POST', body: 'this is not parquet' });
    expect(broken.status).toBe(400);
    const files = await readdir(join(t.home, 'data'));
    expect(files.filter((f) => f.includes('broken_up'))).toEqual([]);
  });
});
