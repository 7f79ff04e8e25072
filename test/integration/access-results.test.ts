/**
 * Results, runs and notebooks follow clearance with accounts on: a stored result keeps
 * its marking, and a user not cleared for it cannot page it, download it, find its id in
 * the run listing, open the notebook over the websocket, or see the notebook listed.
 * With authentication off nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { workspacePaths } from '../../server/workspace.js';
import { createAuth, type Auth } from '../../server/auth/index.js';
import { authorizeUpgrade } from '../../server/http/session.js';
import { createAccess, authorizeNotebook, type Access } from '../../server/access/index.js';
import { createApp } from '../../server/http/app.js';
import type { NotebookId } from '../../core/ids.js';
import { bearerCaller, errorMessage } from '../helpers/api-calls.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple';

describe('results and notebooks follow clearance', () => {
  let t: TestApp;
  let auth: Auth;
  let access: Access;
  let app: ReturnType<typeof createApp>;
  const tokens: Record<string, string> = {};
  let secretResult = '';
  let plainResult = '';

  const call = bearerCaller(() => app, tokens);
  const message = errorMessage;

  beforeAll(async () => {
    t = await makeTestApp();
    const { stateDir, notebooksDir } = workspacePaths(t.home);
    auth = await createAuth({ stateDir, required: true, audit: t.deps.audit, hashParams: CHEAP });
    access = await createAccess({ stateDir, enforce: true, audit: t.deps.audit });
    app = createApp({ ...t.deps, auth, access });
    for (const [name, role] of [['admin', 'admin'], ['ana', 'analyst'], ['sam', 'analyst']] as const) {
      await auth.users.add({ name, role, password: PASSWORD });
      tokens[name] = (await auth.createToken({ name: 'test' }, name, 'test')).token;
    }
    expect((await call('admin', 'PUT', '/api/access/datasets/people', { level: 'SECRET' })).status).toBe(200);
    expect((await call('admin', 'PUT', '/api/access/clearances/sam', { level: 'SECRET' })).status).toBe(200);
    await writeFile(join(notebooksDir, 'nb.md'), '---\ntitle: Secret one\n---\n\n```sql name=p id=c1\nSELECT count(*) AS n FROM people\n```\n\n```sql name=k id=c2\nSELECT count(*) AS n FROM calls\n```\n');
    await writeFile(join(notebooksDir, 'plain.md'), '---\ntitle: Plain one\n---\n\n```sql name=k id=c1\nSELECT count(*) AS n FROM calls\n```\n');
    // Ana runs the harmless cell while the notebook is still unmarked; Sam's run then marks it SECRET.
    const plain = await call('ana', 'POST', '/api/notebooks/nb/cells/c2/run', {});
    expect(plain.status).toBe(200);
    plainResult = ((await plain.json()) as { resultId: string }).resultId;
    const secret = await call('sam', 'POST', '/api/notebooks/nb/cells/c1/run', {});
    expect(secret.status).toBe(200);
    secretResult = ((await secret.json()) as { resultId: string }).resultId;
  });

  afterAll(async () => {
    await auth.close();
    await t.close();
  });

  it('a stored result keeps its marking, on disk too', async () => {
    const stored = await t.deps.results.get(secretResult as never);
    expect(stored?.marking).toEqual({ level: 'SECRET', compartments: [] });
    const { stateDir } = workspacePaths(t.home);
    const { readFile } = await import('node:fs/promises');
    const sidecar = JSON.parse(await readFile(join(stateDir, 'results', `${secretResult}.json`), 'utf8')) as { marking?: unknown };
    expect(sidecar.marking).toEqual({ level: 'SECRET', compartments: [] });
  });

  it('an uncleared user cannot page or download a SECRET result; a cleared one can', async () => {
    for (const path of [`/api/results/${secretResult}`, `/api/results/${secretResult}/download`]) {
      const refused = await call('ana', 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(await message(refused), path).toMatch(/marked SECRET/);
      expect((await call('sam', 'GET', path)).status, path).toBe(200);
    }
    // Her own earlier result is the notebook's too, which is SECRET now: reading it is opening it.
    const closed = await call('ana', 'GET', `/api/results/${plainResult}`);
    expect(closed.status).toBe(403);
    expect(await message(closed)).toMatch(/notebook "nb" is marked SECRET/);
    expect((await call('sam', 'GET', `/api/results/${plainResult}`)).status).toBe(200);
  });

  it('a free query result is refused the same way', async () => {
    const ok = await call('sam', 'POST', '/api/query', { sql: 'SELECT max(id) AS m FROM people' });
    const id = ((await ok.json()) as { resultId: string }).resultId;
    expect((await call('sam', 'GET', `/api/results/${id}`)).status).toBe(200);
    expect((await call('ana', 'GET', `/api/results/${id}`)).status).toBe(403);
  });

  it('the run listing and run events of a notebook marked above one’s clearance are refused', async () => {
    type Runs = { runs: Record<string, { status: string; resultId?: string; rowCount?: number }> };
    for (const path of ['/api/notebooks/nb/runs', '/api/notebooks/nb/events']) {
      const refused = await call('ana', 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(await message(refused), path).toMatch(/notebook "nb" is marked SECRET/);
    }
    const sam = ((await (await call('sam', 'GET', '/api/notebooks/nb/runs')).json()) as Runs).runs;
    expect(sam.c1!.resultId).toBe(secretResult);
    expect(sam.c1!.rowCount).toBe(1);
    expect(sam.c2!.resultId).toBe(plainResult);
  });

  it('an uncleared user cannot open the notebook: marking route 403, hidden from the list', async () => {
    const refused = await call('ana', 'GET', '/api/access/notebooks/nb');
    expect(refused.status).toBe(403);
    expect(await message(refused)).toMatch(/notebook "nb" is marked SECRET/);
    expect((await call('sam', 'GET', '/api/access/notebooks/nb')).status).toBe(200);
    const ids = async (who: string) => ((await (await call(who, 'GET', '/api/notebooks')).json()) as { notebooks: { id: string }[] }).notebooks.map((n) => n.id).sort();
    expect(await ids('ana')).toEqual(['plain']);
    expect(await ids('sam')).toEqual(['nb', 'plain']);
  });

  it('the briefing and the export of the notebook are refused to an uncleared user', async () => {
    const briefing = await call('ana', 'GET', '/api/notebooks/nb/briefing');
    expect(briefing.status).toBe(403);
    expect(await message(briefing)).toMatch(/marked SECRET/);
    expect((await call('ana', 'POST', '/api/notebooks/nb/export', { format: 'md' })).status).toBe(403);
    expect((await call('sam', 'GET', '/api/notebooks/nb/briefing')).status).toBe(200);
  });

  it('the websocket upgrade is refused to an uncleared user', async () => {
    const authorize = authorizeNotebook(
      access,
      { classification: async (id) => (await t.deps.docs.read(id)).meta.classification, latestRuns: (id) => t.deps.runs.latest(id) },
      authorizeUpgrade(auth),
    );
    const upgrade = (who: string, id: string) => authorize({ url: `/collab/${id}`, headers: { authorization: `Bearer ${tokens[who]}` } } as unknown as IncomingMessage);
    expect(await upgrade('ana', 'nb')).toBeNull();
    expect((await upgrade('sam', 'nb'))?.name).toBe('sam');
    expect((await upgrade('ana', 'plain'))?.name).toBe('ana');
  });

  it('a notebook raised by its classification is refused even without marked runs', async () => {
    const { notebooksDir } = workspacePaths(t.home);
    await writeFile(join(notebooksDir, 'raised.md'), '---\ntitle: Raised\nclassification: DIFFUSION RESTREINTE\n---\n\n```sql name=k id=c1\nSELECT 1\n```\n');
    expect((await call('ana', 'GET', '/api/access/notebooks/raised')).status).toBe(403);
    expect((await call('sam', 'GET', '/api/access/notebooks/raised')).status).toBe(200);
  });

  it('with authentication off, nothing is refused', async () => {
    const { stateDir } = workspacePaths(t.home);
    const off = createApp({ ...t.deps, access: await createAccess({ stateDir, enforce: false }) });
    expect((await off.request(`/api/results/${secretResult}`)).status).toBe(200);
    const runs = ((await (await off.request('/api/notebooks/nb/runs')).json()) as { runs: Record<string, { resultId?: string }> }).runs;
    expect(runs.c1!.resultId).toBe(secretResult);
    expect((await off.request('/api/access/notebooks/nb')).status).toBe(200);
    const list = ((await (await off.request('/api/notebooks')).json()) as { notebooks: unknown[] }).notebooks;
    expect(list.length).toBe(3);
    // A run record read back for the marking route still carries it.
    expect((await t.deps.runs.latest('nb' as NotebookId)).c1!.marking?.level).toBe('SECRET');
  });
});

describe('carnet user clear / dataset mark', () => {
  let t: TestApp;
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), stdin: async () => null };

  beforeAll(async () => {
    t = await makeTestApp();
    const { stateDir } = workspacePaths(t.home);
    const auth = await createAuth({ stateDir, required: true, audit: t.deps.audit, hashParams: CHEAP });
    await auth.users.add({ name: 'ana', role: 'analyst', password: PASSWORD });
    await auth.close();
  });
  afterAll(() => t.close());

  it('sets a clearance and a dataset marking that the access state then uses, and audits both', async () => {
    const { userClear, datasetMark } = await import('../../server/cli/access.js');
    expect(await userClear(t.home, 'ana', { level: 'secret' }, io)).toBe(0);
    expect(await datasetMark(t.home, 'people', { level: 'DIFFUSION RESTREINTE' }, io)).toBe(0);
    const { stateDir } = workspacePaths(t.home);
    const access = await createAccess({ stateDir, enforce: true });
    expect(await access.clearanceOf({ name: 'ana' })).toEqual({ level: 'SECRET', compartments: [] });
    expect(await access.datasetMarking('people')).toEqual({ level: 'DIFFUSION RESTREINTE', compartments: [] });
    const audit = await import('../../server/audit/index.js').then((m) => m.createAuditLog(m.auditDirOf(stateDir)));
    const page = await audit.search({ action: 'role_change', limit: 10, offset: 0 });
    await audit.close();
    expect(page.records.map((r) => r.target).sort()).toEqual(['ana', 'people']);
  });

  it('refuses an unknown level, compartment, account or dataset by name', async () => {
    const { userClear, datasetMark } = await import('../../server/cli/access.js');
    lines.length = 0;
    expect(await userClear(t.home, 'ana', { level: 'TOP SECRET' }, io)).toBe(1);
    expect(lines.join('\n')).toMatch(/"TOP SECRET" is not a level/);
    expect(await datasetMark(t.home, 'people', { level: 'SECRET', compartments: 'ALPHA' }, io)).toBe(1);
    expect(lines.join('\n')).toMatch(/"ALPHA" is not a compartment/);
    expect(await userClear(t.home, 'nobody', { level: 'SECRET' }, io)).toBe(1);
    expect(await datasetMark(t.home, 'nothing', { level: 'SECRET' }, io)).toBe(1);
    expect(lines.join('\n')).toMatch(/no account "nobody"[\s\S]*no dataset "nothing"/);
    expect(await userClear(t.home, 'ana', {}, io)).toBe(2);
  });
});
