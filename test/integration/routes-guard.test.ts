/**
 * Every API route of the real app, with accounts on, is guarded: the test enumerates the
 * routes Hono knows (a route added later is checked too), requires each to be classified
 * below, and asks each one as an anonymous client (401 unless open), and as a signed-in
 * analyst with no share and no administration rights (403 for notebook and admin routes).
 * The collaboration websocket follows the same rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { rawClient } from '../helpers/ws-client.js';
import { workspacePaths } from '../../server/workspace.js';

type Guard = 'open' | 'user' | 'notebook' | 'admin';

/** Every route by `METHOD path`. A route missing here fails the test with its name. */
const ROUTES: Record<string, Guard> = {
  'POST /api/auth/login': 'open',
  'POST /api/auth/setup': 'open',
  'GET /api/health': 'open',
  'POST /api/auth/logout': 'user',
  'GET /api/auth/me': 'user',
  'POST /api/auth/password': 'user',
  'GET /api/datasets': 'user',
  'GET /api/datasets/:name': 'user',
  'POST /api/datasets/import': 'user',
  'GET /api/notebooks': 'user',
  'POST /api/notebooks': 'user',
  'GET /api/directory': 'user',
  'POST /api/query': 'user',
  'POST /api/queries/:queryId/cancel': 'user',
  'GET /api/sql-vocabulary': 'user',
  'GET /api/access/levels': 'user',
  // The result id used is that of a notebook cell's run: reading it needs a role on the notebook.
  'GET /api/results/:id': 'notebook',
  'GET /api/results/:id/download': 'notebook',
  'PATCH /api/notebooks/:id': 'notebook',
  'POST /api/notebooks/:id/duplicate': 'notebook',
  'DELETE /api/notebooks/:id': 'notebook',
  'GET /api/notebooks/:id/runs': 'notebook',
  'GET /api/notebooks/:id/events': 'notebook',
  'POST /api/notebooks/:id/cells/:cellId/run': 'notebook',
  'POST /api/notebooks/:id/export': 'notebook',
  'GET /api/notebooks/:id/briefing': 'notebook',
  'GET /api/notebooks/:id/sharing': 'notebook',
  'PUT /api/notebooks/:id/sharing': 'notebook',
  'GET /api/notebooks/:id/versions': 'notebook',
  'POST /api/notebooks/:id/versions': 'notebook',
  'GET /api/notebooks/:id/versions/:vid': 'notebook',
  'POST /api/notebooks/:id/versions/:vid/restore': 'notebook',
  'GET /api/access/notebooks/:id': 'notebook',
  'PUT /api/access/notebooks/:id/marking': 'notebook',
  'GET /api/access/datasets': 'admin',
  'PUT /api/access/datasets/:name': 'admin',
  'PUT /api/access/clearances/:user': 'admin',
};

/** Whole families, so their own helpers may add routes without editing this table. */
function classify(method: string, path: string): Guard | undefined {
  const exact = ROUTES[`${method} ${path}`];
  if (exact) return exact;
  if (path.startsWith('/api/admin/')) return 'admin';
  if (path.startsWith('/api/auth/oidc/') || path === '/api/auth/providers') return 'open';
  return undefined;
}

/** Routes whose call as the analyst would end the analyst's own credential or change it. */
const SELF_AFFECTING = new Set(['POST /api/auth/logout', 'POST /api/auth/password']);

describe('every API route is guarded', () => {
  let t: TestApp;
  let routes: Array<{ method: string; path: string; url: string; guard: Guard | undefined }>;
  const tokens: Record<string, string> = {};
  const NB = 'guarded';

  const call = (method: string, url: string, token?: string) =>
    t.app.request(url, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
    });

  beforeAll(async () => {
    t = await makeTestApp({ authRequired: true });
    for (const [name, role] of [['root', 'admin'], ['ana', 'analyst']] as const) {
      await t.services.auth.users.add({ name, role, password: 'correct horse battery staple' });
      tokens[name] = (await t.services.auth.createToken({ name: 'test' }, name, 'test')).token;
    }
    await writeFile(join(workspacePaths(t.home).notebooksDir, `${NB}.md`), '---\ntitle: Guarded\n---\n\n```sql name=k id=c1\nSELECT count(*) AS n FROM calls\n```\n');
    // Real ids for the path parameters: a result and a version of the notebook.
    const run = await call('POST', `/api/notebooks/${NB}/cells/c1/run`, tokens.root);
    expect(run.status).toBe(200);
    const runs = (await (await call('GET', `/api/notebooks/${NB}/runs`, tokens.root)).json()) as { runs: Record<string, { resultId: string }> };
    const resultId = runs.runs.c1!.resultId;
    const version = await t.app.request(`/api/notebooks/${NB}/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.root}` },
      body: JSON.stringify({ name: 'first' }),
    });
    expect(version.status).toBe(201);
    const vid = ((await version.json()) as { version: { id: string } }).version.id;
    const params: Record<string, string> = { name: 'people', user: 'ana', queryId: 'q1', cellId: 'c1', vid };
    const seen = new Set<string>();
    routes = [];
    for (const r of t.app.routes) {
      // Middleware and catch-alls are mounted for every method ('ALL'); the static pages live outside /api.
      if (r.method === 'ALL' || !r.path.startsWith('/api/')) continue;
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const url = r.path.replace(/:(\w+)/g, (_m, p: string) => (p === 'id' ? (r.path.startsWith('/api/results/') ? resultId : NB) : params[p] ?? `unknown-${p}`));
      routes.push({ method: r.method, path: r.path, url, guard: classify(r.method, r.path) });
    }
  });
  afterAll(() => t.close());

  it('finds the routes and every one is classified', () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(ROUTES).length);
    for (const key of Object.keys(ROUTES)) expect(routes.map((r) => `${r.method} ${r.path}`), `${key} is gone: update the table`).toContain(key);
    const unclassified = routes.filter((r) => r.guard === undefined).map((r) => `${r.method} ${r.path}`);
    expect(unclassified, 'routes missing from the table in routes-guard.test.ts').toEqual([]);
  });

  it('answers 401 to an anonymous client on every route but the open ones', async () => {
    for (const r of routes) {
      const res = await call(r.method, r.url);
      if (r.guard === 'open') expect(res.status, `${r.method} ${r.path}`).not.toBe(401);
      else expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('answers 403 to an analyst on notebook routes without a share and on administration routes', async () => {
    for (const r of routes) {
      if (r.guard === 'open' || SELF_AFFECTING.has(`${r.method} ${r.path}`)) continue;
      const res = await call(r.method, r.url, tokens.ana);
      const what = `${r.method} ${r.path} as an analyst`;
      if (r.guard === 'notebook' || r.guard === 'admin') expect(res.status, what).toBe(403);
      else expect([401, 403], what).not.toContain(res.status);
    }
  });

  it('the notebook routes let the administrator in (the 403 above is about the share)', async () => {
    for (const r of routes.filter((x) => x.guard === 'notebook' && x.method === 'GET' && !x.path.endsWith('/events'))) {
      expect((await call(r.method, r.url, tokens.root)).status, `${r.method} ${r.path} as the administrator`).toBe(200);
    }
  });

  it('refuses the websocket upgrade: anonymous 401, analyst without a share 403', async () => {
    const server = await t.listen();
    try {
      await expect(rawClient(server.wsUrl, NB).opened).rejects.toThrow('HTTP 401');
      await expect(rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.ana}` }).opened).rejects.toThrow('HTTP 403');
      const admin = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.root}` });
      await admin.opened;
      admin.ws.close();
    } finally {
      await server.stop();
    }
  });
});
