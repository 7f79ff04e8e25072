/**
 * Dataset clearance through the HTTP API with accounts on: a user not cleared for a
 * SECRET dataset cannot read it by any SQL (the engine never gets its files), does not
 * see it in the catalog, and the refusal is in the audit log; results carry markings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { workspacePaths } from '../../server/workspace.js';
import { createAuth, type Auth } from '../../server/auth/index.js';
import { createAccess, parseLevels, covers, highest, DEFAULT_LEVELS, type Access } from '../../server/access/index.js';
import { createApp } from '../../server/http/app.js';
import type { NotebookId } from '../../core/ids.js';
import { bearerCaller } from '../helpers/api-calls.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple';

describe('dataset clearance', () => {
  let t: TestApp;
  let auth: Auth;
  let access: Access;
  let app: ReturnType<typeof createApp>;
  const tokens: Record<string, string> = {};

  const call = bearerCaller(() => app, tokens);

  beforeAll(async () => {
    t = await makeTestApp();
    const { stateDir, notebooksDir } = workspacePaths(t.home);
    auth = await createAuth({ stateDir, required: true, audit: t.deps.audit, hashParams: CHEAP });
    await mkdir(join(stateDir, 'access'), { recursive: true });
    await writeFile(join(stateDir, 'access', 'levels.json'), JSON.stringify({ ...DEFAULT_LEVELS, compartments: ['ALPHA', 'BRAVO'] }));
    access = await createAccess({ stateDir, enforce: true, audit: t.deps.audit });
    app = createApp({ ...t.deps, auth, access });
    for (const [name, role] of [['admin', 'admin'], ['ana', 'analyst'], ['sam', 'analyst']] as const) {
      await auth.users.add({ name, role, password: PASSWORD });
      tokens[name] = (await auth.createToken({ name: 'test' }, name, 'test')).token;
    }
    expect((await call('admin', 'PUT', '/api/access/datasets/people', { level: 'SECRET', compartments: ['alpha'] })).status).toBe(200);
    expect((await call('admin', 'PUT', '/api/access/clearances/sam', { level: 'TRÈS SECRET', compartments: ['ALPHA'] })).status).toBe(200);
    // ana keeps the default clearance: the lowest level.
    await writeFile(join(notebooksDir, 'nb.md'), '---\ntitle: Clearance\n---\n\n```sql name=p id=c1\nSELECT count(*) AS n FROM people\n```\n\n```sql name=k id=c2\nSELECT count(*) AS n FROM calls\n```\n');
  });

  afterAll(async () => {
    await auth.close();
    await t.close();
  });

  it('the catalog shows a user only the datasets they may read', async () => {
    const names = async (who: string) => ((await (await call(who, 'GET', '/api/datasets')).json()) as { datasets: { name: string }[] }).datasets.map((d) => d.name).sort();
    expect(await names('ana')).toEqual(['calls']);
    expect(await names('sam')).toEqual(['calls', 'people']);
    expect((await call('ana', 'GET', '/api/datasets/people')).status).toBe(404);
    expect((await call('sam', 'GET', '/api/datasets/people')).status).toBe(200);
  });

  it('a user not cleared for SECRET cannot read the dataset by any SQL', async () => {
    const attempts = [
      'SELECT * FROM people',
      'WITH x AS (SELECT * FROM people) SELECT * FROM x',
      'SUMMARIZE people',
      'SELECT * FROM (SELECT id FROM people) s',
      "SELECT * FROM read_parquet('people.parquet')",
      `SELECT * FROM read_parquet('${join(workspacePaths(t.home).dataDir, 'people.parquet')}')`,
    ];
    for (const sql of attempts) {
      const res = await call('ana', 'POST', '/api/query', { sql });
      expect(res.status, sql).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message, sql).not.toMatch(/person 1/);
    }
    // The same SQL works for someone cleared, so the refusal is about clearance, not syntax.
    const ok = await call('sam', 'POST', '/api/query', { sql: 'SELECT count(*) AS n FROM people' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { rows: unknown[][] }).rows[0]![0]).toBe(300);
    expect(decodeURIComponent(ok.headers.get('X-Carnet-Marking') ?? '')).toBe('SECRET // ALPHA');
  });

  it('the audit log records the refused query', async () => {
    const page = await t.deps.audit.search({ action: 'query', actor: 'ana', text: 'people', limit: 100, offset: 0 });
    expect(page.records.every((r) => (r.details as { status?: string }).status !== 'ok')).toBe(true);
    // One record per attempt of the previous test, each with the reason it failed.
    expect(page.records.length).toBe(6);
    for (const r of page.records) expect(String((r.details as { error?: string }).error)).not.toBe('undefined');
  });

  it('a cell reading a SECRET dataset fails for an uncleared user, and is marked for a cleared one', async () => {
    const refused = await call('ana', 'POST', '/api/notebooks/nb/cells/c1/run', {});
    expect(refused.status).toBe(400);
    const ok = await call('sam', 'POST', '/api/notebooks/nb/cells/c1/run', {});
    expect(ok.status).toBe(200);
    expect(decodeURIComponent(ok.headers.get('X-Carnet-Marking') ?? '')).toBe('SECRET // ALPHA');
    const runs = (await t.deps.runs.latest('nb' as NotebookId)) as Record<string, { marking?: unknown }>;
    expect(runs.c1!.marking).toEqual({ level: 'SECRET', compartments: ['ALPHA'] });
    // The notebook is now SECRET // ALPHA: running even its harmless cell is opening it.
    const closed = await call('ana', 'POST', '/api/notebooks/nb/cells/c2/run', {});
    expect(closed.status).toBe(403);
    expect(((await closed.json()) as { error: { message: string } }).error.message).toMatch(/notebook "nb" is marked SECRET/);
    const nb = (await (await call('sam', 'GET', '/api/access/notebooks/nb')).json()) as { marking: { label: string } };
    expect(nb.marking.label).toBe('SECRET // ALPHA');
  });

  it('only an administrator sets markings and clearances; unknown levels are refused by name', async () => {
    expect((await call('ana', 'PUT', '/api/access/clearances/ana', { level: 'TRÈS SECRET' })).status).toBe(403);
    const bad = await call('admin', 'PUT', '/api/access/datasets/calls', { level: 'TOP SECRET' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/"TOP SECRET" is not a level/);
  });
});

describe('levels and clearance rules', () => {
  const config = parseLevels({ ...DEFAULT_LEVELS, compartments: ['A', 'B'] }, 'test');

  it('a clearance covers a marking only at or above its level and with every compartment', () => {
    expect(covers(config, { level: 'SECRET', compartments: ['A'] }, { level: 'diffusion  restreinte', compartments: [] })).toBe(true);
    expect(covers(config, { level: 'SECRET', compartments: ['A'] }, { level: 'SECRET', compartments: ['A', 'B'] })).toBe(false);
    expect(covers(config, { level: 'DIFFUSION RESTREINTE', compartments: ['A', 'B'] }, { level: 'SECRET', compartments: [] })).toBe(false);
    expect(covers(config, { level: 'TRÈS SECRET', compartments: [] }, { level: 'UNKNOWN', compartments: [] })).toBe(false);
  });

  it('the highest marking takes the highest level and all compartments; an unknown label is above all', () => {
    expect(highest(config, [{ level: 'SECRET', compartments: ['B'] }, { level: 'NON PROTÉGÉ', compartments: ['A'] }])).toEqual({ level: 'SECRET', compartments: ['A', 'B'] });
    expect(highest(config, [{ level: 'TRÈS SECRET', compartments: [] }, { level: 'COSMIC', compartments: [] }])?.level).toBe('COSMIC');
  });

  it('a levels file with a bad colour or a repeated label is refused, naming the entry', () => {
    expect(() => parseLevels({ levels: [{ label: 'A', colour: 'red' }] }, 'levels.json')).toThrow(/levels\[0\] \(A\): "colour"/);
    expect(() => parseLevels({ levels: [{ label: 'A', colour: '#000000' }, { label: 'a', colour: '#000000' }] }, 'levels.json')).toThrow(/appears twice/);
  });
});
