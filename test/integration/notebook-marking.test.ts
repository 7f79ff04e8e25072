/**
 * The owner's raise of a notebook's marking (issue 6), with accounts on: kept by the server
 * beside the notebook's sharing, never in the file; owner or administrator only, never
 * above the raiser's own clearance, never below what the results read; audited. Once
 * raised, the marking is what every check uses: the banner route, opening the notebook's
 * routes and its websocket, the home list, duplicates and exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { rawClient } from '../helpers/ws-client.js';
import { workspacePaths } from '../../server/workspace.js';
import { bearerCaller, jsonOf, errorMessage } from '../helpers/api-calls.js';

const PASSWORD = 'correct horse battery staple';
const NB = 'raised';
const HOT = 'hot';
// `calls` keeps the lowest marking: only the raise lifts this notebook.
const NB_FILE = '---\ntitle: Raised one\n---\n\n```sql name=k id=c1\nSELECT count(*) AS n FROM calls\n```\n';
// `people` is marked SECRET below: its result is SECRET.
const HOT_FILE = '---\ntitle: Hot one\n---\n\n```sql name=p id=c1\nSELECT count(*) AS n FROM people\n```\n';

type Who = 'root' | 'olga' | 'ed' | 'dana';
/** olga owns both notebooks (cleared SECRET); ed edits (SECRET); dana views (DIFFUSION RESTREINTE). */
const ACCOUNTS: Array<[Who, 'admin' | 'analyst', string]> = [
  ['root', 'admin', 'TRÈS SECRET'],
  ['olga', 'analyst', 'SECRET'],
  ['ed', 'analyst', 'SECRET'],
  ['dana', 'analyst', 'DIFFUSION RESTREINTE'],
];

interface MarkingView {
  marking: { label: string; level: string; colour: string };
  cells: Record<string, { label: string }>;
  raised: { level: string; compartments: string[] } | null;
  canRaise: boolean;
}

describe("the owner's raise of a notebook's marking", () => {
  let t: TestApp;
  const tokens = {} as Record<Who, string>;

  const call = bearerCaller(() => t.app, tokens);
  const json = jsonOf;
  const message = errorMessage;
  const raise = (who: Who, id: string, body: unknown) => call(who, 'PUT', `/api/access/notebooks/${id}/marking`, body);
  const banner = (who: Who, id: string) => call(who, 'GET', `/api/access/notebooks/${id}`);
  const listed = async (who: Who) => (await json<{ notebooks: Array<{ id: string }> }>(call(who, 'GET', '/api/notebooks'))).notebooks.map((n) => n.id);

  beforeAll(async () => {
    t = await makeTestApp({ authRequired: true });
    const admin = { name: 'root' };
    for (const [name, role, clearance] of ACCOUNTS) {
      await t.services.auth.users.add({ name, role, password: PASSWORD });
      tokens[name] = (await t.services.auth.createToken({ name: 'test' }, name, 'test')).token;
      await t.deps.access!.setClearance(admin, name, { level: clearance });
    }
    await t.deps.access!.setDatasetMarking(admin, 'people', { level: 'SECRET' });
    const dir = workspacePaths(t.home).notebooksDir;
    await writeFile(join(dir, `${NB}.md`), NB_FILE);
    await writeFile(join(dir, `${HOT}.md`), HOT_FILE);
    const shares = [{ kind: 'user', name: 'ed', role: 'editor' }, { kind: 'user', name: 'dana', role: 'viewer' }] as const;
    for (const id of [NB, HOT]) await t.deps.sharing.set(admin, id, { owner: 'olga', shares: shares.map((s) => ({ ...s })) });
    expect((await call('olga', 'POST', `/api/notebooks/${NB}/cells/c1/run`, {})).status).toBe(200);
  });
  afterAll(() => t.close());

  it('before any raise: the lowest level, no raise, and only the owner may raise', async () => {
    const forOwner = await json<MarkingView>(banner('olga', NB));
    expect(forOwner).toMatchObject({ marking: { label: 'NON PROTÉGÉ' }, raised: null, canRaise: true });
    expect(forOwner.cells.c1?.label).toBe('NON PROTÉGÉ');
    expect(await json<MarkingView>(banner('ed', NB))).toMatchObject({ canRaise: false });
    expect(await json<MarkingView>(banner('dana', NB))).toMatchObject({ canRaise: false });
    expect(await json<MarkingView>(banner('root', NB))).toMatchObject({ canRaise: true });
    expect(await listed('dana')).toContain(NB);
  });

  it('an editor or a viewer may not raise it (403 naming the role)', async () => {
    const byEditor = await raise('ed', NB, { level: 'SECRET' });
    expect(byEditor.status).toBe(403);
    expect(await message(byEditor)).toMatch(/changing its marking needs the owner role or higher; you are a editor/);
    expect((await raise('dana', NB, { level: 'SECRET' })).status).toBe(403);
    expect((await json<MarkingView>(banner('olga', NB))).raised).toBeNull();
  });

  it('refuses a raise above the owner’s own clearance, an unknown level and unknown fields, by name', async () => {
    const above = await raise('olga', NB, { level: 'TRÈS SECRET' });
    expect(above.status).toBe(403);
    expect(await message(above)).toMatch(/TRÈS SECRET is above your clearance/);
    const unknown = await raise('olga', NB, { level: 'CONFIDENTIEL' });
    expect(unknown.status).toBe(400);
    expect(await message(unknown)).toMatch(/"CONFIDENTIEL" is not a level/);
    const extra = await raise('olga', NB, { level: 'SECRET', reason: 'x' });
    expect(extra.status).toBe(400);
    expect(await message(extra)).toMatch(/unknown field "reason"/);
    expect((await raise('olga', NB, { level: null, compartments: [] })).status).toBe(400);
    expect((await raise('olga', NB, { level: 'SECRET', compartments: ['ALPHA'] })).status).toBe(400);
    expect((await json<MarkingView>(banner('olga', NB))).raised).toBeNull();
  });

  it('the owner raises it to SECRET: the banner says SECRET for everyone cleared, and the change is audited', async () => {
    const res = await raise('olga', NB, { level: 'secret' });
    expect(res.status).toBe(200);
    expect(await json<MarkingView>(res)).toMatchObject({ marking: { label: 'SECRET', colour: '#a1161d' }, raised: { level: 'SECRET', compartments: [] }, canRaise: true });
    expect((await json<MarkingView>(banner('ed', NB))).marking.label).toBe('SECRET');
    // The cell's own badge keeps its result's marking.
    expect((await json<MarkingView>(banner('ed', NB))).cells.c1?.label).toBe('NON PROTÉGÉ');
    const page = await t.deps.audit.search({ action: 'role_change', target: NB, offset: 0, limit: 50 });
    expect(page.records.map((r) => r.details)).toContainEqual({ change: 'notebook_marking', raised: { level: 'SECRET', compartments: [] }, previous: null });
    expect(page.records.find((r) => (r.details as { change?: string }).change === 'notebook_marking')?.actor.name).toBe('olga');
  });

  it('a viewer cleared only to DIFFUSION RESTREINTE can no longer open it, nor see it listed', async () => {
    const refused = await banner('dana', NB);
    expect(refused.status).toBe(403);
    expect(await message(refused)).toMatch(/marked SECRET: your clearance does not cover it/);
    expect((await call('dana', 'GET', `/api/notebooks/${NB}/versions`)).status).toBe(403);
    expect((await call('dana', 'POST', `/api/notebooks/${NB}/export`, { format: 'html', confirm: true })).status).toBe(403);
    expect((await call('dana', 'GET', `/api/notebooks/${NB}/briefing`)).status).toBe(403);
    expect((await call('dana', 'POST', `/api/notebooks/${NB}/duplicate`, {})).status).toBe(403);
    expect(await listed('dana')).not.toContain(NB);
    expect(await listed('ed')).toContain(NB);
    const server = await t.listen();
    try {
      await expect(rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.dana}` }).opened).rejects.toThrow('HTTP 403');
      const ed = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.ed}` });
      await ed.opened;
      ed.ws.close();
    } finally {
      await server.stop();
    }
  });

  it('the raise survives a change of the sharing, and a copy starts at its original’s marking', async () => {
    const shares = [{ kind: 'user', name: 'ed', role: 'editor' }, { kind: 'user', name: 'dana', role: 'viewer' }];
    expect((await call('olga', 'PUT', `/api/notebooks/${NB}/sharing`, { shares })).status).toBe(200);
    expect((await json<MarkingView>(banner('olga', NB))).raised).toEqual({ level: 'SECRET', compartments: [] });
    const copy = await json<{ id: string }>(call('ed', 'POST', `/api/notebooks/${NB}/duplicate`, {}));
    expect(await json<MarkingView>(banner('ed', copy.id))).toMatchObject({ marking: { label: 'SECRET' }, raised: { level: 'SECRET' }, canRaise: true });
  });

  it('an export carries the raised marking and needs confirming', async () => {
    const unconfirmed = await call('olga', 'POST', `/api/notebooks/${NB}/export`, { format: 'html' });
    expect(unconfirmed.status).toBe(409);
    expect(await message(unconfirmed)).toMatch(/is marked SECRET/);
    const res = await call('olga', 'POST', `/api/notebooks/${NB}/export`, { format: 'html', confirm: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div class="marking marking-top" role="note" aria-label="Classification marking">SECRET</div>');
  });

  it('dropping the raise brings the marking back to what the results read; the viewer opens it again', async () => {
    const res = await raise('olga', NB, { level: null });
    expect(res.status).toBe(200);
    expect(await json<MarkingView>(res)).toMatchObject({ marking: { label: 'NON PROTÉGÉ' }, raised: null });
    expect((await banner('dana', NB)).status).toBe(200);
    expect(await listed('dana')).toContain(NB);
    const page = await t.deps.audit.search({ action: 'role_change', target: NB, offset: 0, limit: 50 });
    expect(page.records.map((r) => r.details)).toContainEqual({ change: 'notebook_marking', raised: null, previous: { level: 'SECRET', compartments: [] } });
  });

  it('a raise never lowers the marking below the results’: a SECRET result keeps the notebook SECRET', async () => {
    expect((await call('olga', 'POST', `/api/notebooks/${HOT}/cells/c1/run`, {})).status).toBe(200);
    const res = await raise('olga', HOT, { level: 'DIFFUSION RESTREINTE' });
    expect(res.status).toBe(200);
    expect(await json<MarkingView>(res)).toMatchObject({ marking: { label: 'SECRET' }, raised: { level: 'DIFFUSION RESTREINTE' } });
    expect((await banner('dana', HOT)).status).toBe(403);
  });

  it('an administrator may raise any notebook', async () => {
    const res = await raise('root', HOT, { level: 'TRÈS SECRET' });
    expect(res.status).toBe(200);
    expect((await json<MarkingView>(res)).marking.label).toBe('TRÈS SECRET');
    // Now above the owner's own clearance: she cannot open it, nor lower it.
    expect((await banner('olga', HOT)).status).toBe(403);
    expect((await raise('olga', HOT, { level: null })).status).toBe(403);
  });

  it('a raise disconnects a connected viewer it puts above their clearance (4403); the editor cleared for it stays', async () => {
    const LIVE = 'raised-live';
    await writeFile(join(workspacePaths(t.home).notebooksDir, `${LIVE}.md`), NB_FILE);
    const shares = [{ kind: 'user', name: 'ed', role: 'editor' }, { kind: 'user', name: 'dana', role: 'viewer' }] as const;
    await t.deps.sharing.set({ name: 'root' }, LIVE, { owner: 'olga', shares: shares.map((s) => ({ ...s })) });
    const server = await t.listen();
    try {
      const dana = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.dana}` });
      const ed = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.ed}` });
      await Promise.all([dana.opened, ed.opened]);
      // A raise both are cleared for keeps both connected.
      expect((await raise('olga', LIVE, { level: 'DIFFUSION RESTREINTE' })).status).toBe(200);
      expect(dana.ws.readyState).toBe(dana.ws.OPEN);

      expect((await raise('olga', LIVE, { level: 'SECRET' })).status).toBe(200);
      const closed = await Promise.race([dana.closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      expect(closed).toMatchObject({ code: 4403 });
      expect(closed?.reason).toMatch(/marked SECRET, above your clearance/);
      expect(ed.ws.readyState).toBe(ed.ws.OPEN);
      ed.ws.close();
    } finally {
      await server.stop();
    }
  });

  it('a run whose result is SECRET disconnects a connected viewer not cleared for it; the editor stays', async () => {
    const LIVE = 'hot-live';
    await writeFile(join(workspacePaths(t.home).notebooksDir, `${LIVE}.md`), HOT_FILE);
    const shares = [{ kind: 'user', name: 'ed', role: 'editor' }, { kind: 'user', name: 'dana', role: 'viewer' }] as const;
    await t.deps.sharing.set({ name: 'root' }, LIVE, { owner: 'olga', shares: shares.map((s) => ({ ...s })) });
    const server = await t.listen();
    try {
      const dana = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.dana}` });
      const ed = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.ed}` });
      await Promise.all([dana.opened, ed.opened]);
      expect((await call('ed', 'POST', `/api/notebooks/${LIVE}/cells/c1/run`, {})).status).toBe(200);
      const closed = await Promise.race([dana.closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      expect(closed).toMatchObject({ code: 4403 });
      expect(closed?.reason).toMatch(/marked SECRET/);
      expect(ed.ws.readyState).toBe(ed.ws.OPEN);
      ed.ws.close();
    } finally {
      await server.stop();
    }
  });
});
