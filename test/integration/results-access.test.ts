/**
 * Issue 6, "viewers see results; only editors run cells", with accounts on: a stored result
 * is read as what produced it is (a notebook cell's result needs a role on that notebook, a
 * free query's result is its author's alone, a result from before results recorded either
 * is the administrators'); a reader exports from the stored results without running
 * anything; an administrator's export sees `audit_log`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { workspacePaths } from '../../server/workspace.js';
import type { NotebookId } from '../../core/ids.js';
import { bearerCaller, errorMessage } from '../helpers/api-calls.js';

const PASSWORD = 'correct horse battery staple';
const NB = 'evidence';
const NB_FILE = '---\ntitle: Evidence\n---\n\n```sql name=k id=c1\nSELECT count(*) AS n FROM calls\n```\n\n```sql name=p id=c2\nSELECT count(*) AS n FROM people\n```\n';
const AUDIT_NB = 'trail';
const AUDIT_FILE = '---\ntitle: Trail\n---\n\n```sql name=trail id=a1\nSELECT count(*) AS logged FROM audit_log\n```\n';

type Who = 'root' | 'olga' | 'ed' | 'cara' | 'vic' | 'nora';

describe('results follow the notebook that produced them', () => {
  let t: TestApp;
  const tokens = {} as Record<Who, string>;
  let cellResult = '';

  const call = bearerCaller(() => t.app, tokens);
  const message = errorMessage;

  beforeAll(async () => {
    t = await makeTestApp({ authRequired: true });
    for (const [name, role] of [['root', 'admin'], ['olga', 'analyst'], ['ed', 'analyst'], ['cara', 'analyst'], ['vic', 'analyst'], ['nora', 'analyst']] as const) {
      await t.services.auth.users.add({ name, role, password: PASSWORD });
      tokens[name] = (await t.services.auth.createToken({ name: 'test' }, name, 'test')).token;
    }
    const { notebooksDir } = workspacePaths(t.home);
    await writeFile(join(notebooksDir, `${NB}.md`), NB_FILE);
    await writeFile(join(notebooksDir, `${AUDIT_NB}.md`), AUDIT_FILE);
    const shares = [
      { kind: 'user', name: 'ed', role: 'editor' },
      { kind: 'user', name: 'cara', role: 'commenter' },
      { kind: 'user', name: 'vic', role: 'viewer' },
    ];
    expect((await call('root', 'PUT', `/api/notebooks/${NB}/sharing`, { shares, owner: 'olga' })).status).toBe(200);
    const run = await call('ed', 'POST', `/api/notebooks/${NB}/cells/c1/run`, {});
    expect(run.status).toBe(200);
    cellResult = ((await run.json()) as { resultId: string }).resultId;
  });
  afterAll(() => t.close());

  it('a stored cell result records its notebook, on disk too', async () => {
    expect((await t.deps.results.get(cellResult as never))?.notebookId).toBe(NB);
    const sidecar = JSON.parse(await readFile(join(workspacePaths(t.home).stateDir, 'results', `${cellResult}.json`), 'utf8')) as { notebookId?: string };
    expect(sidecar.notebookId).toBe(NB);
  });

  it('a user without a role on the notebook gets 403 on its result and its download; readers get 200', async () => {
    for (const path of [`/api/results/${cellResult}`, `/api/results/${cellResult}/download`]) {
      const refused = await call('nora', 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(await message(refused), path).toMatch(/notebook "evidence" is not shared with you/);
      for (const who of ['vic', 'cara', 'ed', 'olga', 'root'] as const) expect((await call(who, 'GET', path)).status, `${who} ${path}`).toBe(200);
    }
    const page = (await (await call('vic', 'GET', `/api/results/${cellResult}`)).json()) as { rows: unknown[][] };
    expect(page.rows).toEqual([[3000]]);
  });

  it('losing the share loses the results with it', async () => {
    const { shares } = (await (await call('olga', 'GET', `/api/notebooks/${NB}/sharing`)).json()) as { shares: Array<{ name: string }> };
    expect((await call('olga', 'PUT', `/api/notebooks/${NB}/sharing`, { shares: shares.filter((s) => s.name !== 'vic') })).status).toBe(200);
    expect((await call('vic', 'GET', `/api/results/${cellResult}`)).status).toBe(403);
    expect((await call('olga', 'PUT', `/api/notebooks/${NB}/sharing`, { shares })).status).toBe(200);
    expect((await call('vic', 'GET', `/api/results/${cellResult}`)).status).toBe(200);
  });

  it('a free query result is readable by the user who ran it only', async () => {
    const ran = await call('vic', 'POST', '/api/query', { sql: 'SELECT 41 + 1 AS answer' });
    expect(ran.status).toBe(200);
    const id = ((await ran.json()) as { resultId: string }).resultId;
    expect((await call('vic', 'GET', `/api/results/${id}`)).status).toBe(200);
    expect((await call('vic', 'GET', `/api/results/${id}/download`)).status).toBe(200);
    for (const who of ['ed', 'root'] as const) {
      const refused = await call(who, 'GET', `/api/results/${id}`);
      expect(refused.status, who).toBe(403);
      expect(await message(refused)).toMatch(/another user's query: only they may read it/);
    }
  });

  it('a result stored before results recorded their notebook is refused to non-administrators, asking to run again', async () => {
    const stored = await t.deps.results.get(cellResult as never);
    const { id: _id, createdAt: _at, notebookId: _nb, ...rest } = stored!;
    const legacy = await t.deps.results.put(rest, true);
    expect(legacy.notebookId).toBeUndefined();
    const refused = await call('vic', 'GET', `/api/results/${legacy.id}`);
    expect(refused.status).toBe(403);
    expect(await message(refused)).toMatch(/run the cell again/);
    expect((await call('root', 'GET', `/api/results/${legacy.id}`)).status).toBe(200);
  });

  it('a viewer exports from the stored results: nothing runs, cells never run say so, audited as an export', async () => {
    const queriesBefore = (await t.deps.audit.search({ action: 'query', offset: 0, limit: 500 })).records.length;
    const res = await call('vic', 'POST', `/api/notebooks/${NB}/export`, { format: 'html' });
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Carnet-Export-Mode')).toBe('stored');
    const html = await res.text();
    expect(html).toContain('cell &quot;p&quot; has no result: it has not been run');
    // c2 was never run, and still is not.
    expect((await t.deps.runs.latest(NB as NotebookId)).c2).toBeUndefined();
    expect((await t.deps.audit.search({ action: 'query', offset: 0, limit: 500 })).records.length).toBe(queriesBefore);
    // Newest first.
    const latest = (await t.deps.audit.search({ action: 'export', target: NB, offset: 0, limit: 10 })).records[0]!;
    expect(latest.actor.name).toBe('vic');
    expect(latest.details).toMatchObject({ format: 'html', refresh: false, refreshedCells: [], tables: 1 });
    expect((await call('cara', 'POST', `/api/notebooks/${NB}/export`, { format: 'md' })).status).toBe(200);
    const refused = await call('nora', 'POST', `/api/notebooks/${NB}/export`, { format: 'html' });
    expect(refused.status).toBe(403);
    expect(await message(refused)).toMatch(/not shared with you/);
  });

  it('an editor’s export still runs the missing cells first', async () => {
    const res = await call('ed', 'POST', `/api/notebooks/${NB}/export`, { format: 'html' });
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Carnet-Export-Mode')).toBe('refreshed');
    expect((await t.deps.runs.latest(NB as NotebookId)).c2?.status).toBe('ok');
    const latest = (await t.deps.audit.search({ action: 'export', target: NB, offset: 0, limit: 10 })).records[0]!;
    expect(latest.actor.name).toBe('ed');
    expect(latest.details).toMatchObject({ refresh: true, refreshedCells: ['c2'], tables: 2 });
  });

  it('an administrator’s export and briefing of a notebook reading audit_log see it', async () => {
    const res = await call('root', 'POST', `/api/notebooks/${AUDIT_NB}/export`, { format: 'html' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/failed|has no result/);
    expect((await t.deps.runs.latest(AUDIT_NB as NotebookId)).a1?.status).toBe('ok');
    const briefing = await call('root', 'GET', `/api/notebooks/${AUDIT_NB}/briefing`);
    expect(briefing.status).toBe(200);
    expect(await briefing.text()).toContain('logged');
  });
});
