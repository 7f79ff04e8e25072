/**
 * Notebook history on a real collab server: automatic versions after a pause crediting the
 * people whose connections sent edits, named versions, comparing, restoring as one change
 * every client receives; and the HTTP routes.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellMap, cellSource } from '../../core/notebook/ydoc.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { History } from '../../server/history/index.js';
import { connectClient, removeDir, sampleNotebook, startHarness, synced, waitFor, type Harness } from '../helpers/ws-client.js';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A collab server whose connections are Ana (token "ana") or Bruno, wired to a history. */
async function setup(options: { pauseMs?: number; minIntervalMs?: number; maxIntervalMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'carnet-history-'));
  let history!: History;
  const files = new Map<string, NotebookData>([['nb1', sampleNotebook()]]);
  const h: Harness = await startHarness({
    files,
    save: async (id, data) => {
      files.set(id, structuredClone(data));
      history.noteSaved(id, data);
    },
    onEdit: (id, author) => history.noteEdit(id, author),
    authorize: async (req) => {
      const who = new URL(req.url ?? '', 'http://x').searchParams.get('as') ?? 'bruno';
      return { userId: who, name: who, displayName: who === 'ana' ? 'Ana Lima' : 'Bruno', canEdit: true };
    },
    saveDebounceMs: 10,
  });
  history = new History({ dir, docs: h.collab, pauseMs: options.pauseMs ?? 30, minIntervalMs: options.minIntervalMs ?? 0, maxIntervalMs: options.maxIntervalMs });
  cleanups.push(async () => {
    await h.stop();
    await history.close();
    await removeDir(dir);
    await removeDir(h.stateDir);
  });
  return { h, history };
}

const sql = (doc: Y.Doc) => cellSource(cellMap(doc, 'c1')!);

describe('history', () => {
  it('saves a version after a pause, crediting who edited, and skips when nothing changed', async () => {
    // A pause long enough that a busy machine does not take one between Ana's and Bruno's edits.
    const { h, history } = await setup({ pauseMs: 400 });
    const ana = connectClient(h.url, 'nb1', new Y.Doc(), { as: 'ana' });
    const bruno = connectClient(h.url, 'nb1', new Y.Doc(), { as: 'bruno' });
    await Promise.all([synced(ana), synced(bruno)]);
    sql(ana.doc).insert(8, ' AS one');
    await waitFor(() => sql(bruno.doc).toString() === 'SELECT 1 AS one', 'Ana’s edit at Bruno');
    sql(bruno.doc).insert(0, '-- b\n');
    let versions = await waitForVersions(history, 1);
    expect(versions[0]).toMatchObject({ auto: true, authors: ['Ana Lima', 'Bruno'], cells: 2 });
    // The version holds the notebook as saved.
    const { notebook } = await history.get('nb1', versions[0]!.id);
    expect(notebook.cells[1]!.source).toBe('-- b\nSELECT 1 AS one');
    // A save with nothing new (a flush) makes no second version.
    await h.collab.flush('nb1');
    await new Promise((r) => setTimeout(r, 120));
    versions = await history.list('nb1');
    expect(versions).toHaveLength(1);
    ana.destroy();
    bruno.destroy();
  });

  it('waits for the least interval between automatic versions, and takes one anyway while people keep typing', async () => {
    const { h, history } = await setup({ pauseMs: 40, minIntervalMs: 400, maxIntervalMs: 150 });
    const ana = connectClient(h.url, 'nb1', new Y.Doc(), { as: 'ana' });
    await synced(ana);
    sql(ana.doc).insert(0, 'a');
    await waitForVersions(history, 1);
    const first = Date.now();
    // Typing every 20 ms (never a 40 ms pause): still a version after the interval.
    let typing = true;
    void (async () => {
      for (let i = 0; typing; i++) {
        sql(ana.doc).insert(0, String(i % 10));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitForVersions(history, 2, 3000);
    typing = false;
    expect(Date.now() - first).toBeGreaterThanOrEqual(380);
    ana.destroy();
  });

  it('names versions, compares them with now, and restores one as a change every client receives', async () => {
    const { h, history } = await setup({ pauseMs: 60_000 });
    const ana = connectClient(h.url, 'nb1', new Y.Doc(), { as: 'ana' });
    const bruno = connectClient(h.url, 'nb1', new Y.Doc(), { as: 'bruno' });
    await Promise.all([synced(ana), synced(bruno)]);
    sql(bruno.doc).insert(8, ' AS one');
    await waitFor(() => sql(ana.doc).toString() === 'SELECT 1 AS one', 'the edit at Ana');
    const named = await history.create('nb1', '  before the 12 March   briefing ', 'Ana Lima');
    expect(named).toMatchObject({ name: 'before the 12 March briefing', auto: false, authors: ['Ana Lima', 'Bruno'] });
    await expect(history.create('nb1', '   ', 'Ana Lima')).rejects.toThrow(/must not be empty/);

    // After the version: Ana changes the SQL and Bruno the title.
    sql(ana.doc).insert(sql(ana.doc).length, ' WHERE x');
    bruno.doc.getMap('meta').set('title', 'Réseau v2');
    await waitFor(() => sql(bruno.doc).toString().endsWith('WHERE x') && ana.doc.getMap('meta').get('title') === 'Réseau v2', 'both edits everywhere');
    const { diff } = await history.get('nb1', named.id);
    expect(diff.title).toStrictEqual({ before: 'Réseau', after: 'Réseau v2' });
    expect(diff.counts).toMatchObject({ changed: 1, added: 0, removed: 0 });

    const { summary, before } = await history.restore('nb1', named.id, 'Bruno');
    expect(summary).toMatchObject({ changed: 1 });
    expect(before).toMatchObject({ auto: true, beforeRestore: named.id });
    for (const c of [ana, bruno]) {
      await waitFor(() => sql(c.doc).toString() === 'SELECT 1 AS one' && c.doc.getMap('meta').get('title') === 'Réseau', 'the restore at every client');
    }
    // The file follows, and restoring the "before" version undoes the restore.
    await waitFor(() => h.files.get('nb1')!.cells[1]!.source === 'SELECT 1 AS one', 'the restored file');
    await history.restore('nb1', before.id, 'Bruno');
    await waitFor(() => sql(ana.doc).toString() === 'SELECT 1 AS one WHERE x', 'the undone restore at Ana');
    const list = await history.list('nb1');
    expect(list[0]!.beforeRestore).toBe(before.id);
    expect(list.map((v) => v.id)).toContain(named.id);
    await expect(history.get('nb1', 'vnope')).rejects.toThrow(/has no version/);
    ana.destroy();
    bruno.destroy();
  });
});

describe('history routes', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('list, save by name, read with its differences, restore', async () => {
    t = await makeTestApp();
    const created = await (await t.app.request('/api/notebooks', { method: 'POST', body: JSON.stringify({ title: 'Réseau' }), headers: { 'content-type': 'application/json' } })).json();
    const base = `/api/notebooks/${created.id}/versions`;
    expect(await (await t.app.request(base)).json()).toStrictEqual({ versions: [] });
    const post = (path: string, body: unknown) => t.app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await post(base, { name: '' })).status).toBe(400);
    const saved = await post(base, { name: 'first', author: 'Ana Lima' });
    expect(saved.status).toBe(201);
    const { version } = await saved.json();
    expect(version).toMatchObject({ name: 'first', authors: ['Ana Lima'] });
    await t.deps.docs.setTitle(created.id, 'Réseau renamed');
    const detail = await (await t.app.request(`${base}/${version.id}`)).json();
    expect(detail.notebook.meta.title).toBe('Réseau');
    expect(detail.diff.title).toStrictEqual({ before: 'Réseau', after: 'Réseau renamed' });
    const restored = await post(`${base}/${version.id}/restore`, { author: 'Ana Lima' });
    expect(restored.status).toBe(200);
    expect((await t.deps.docs.read(created.id)).meta.title).toBe('Réseau');
    const { versions } = await (await t.app.request(base)).json();
    expect(versions[0].beforeRestore).toBe(version.id);
    expect((await t.app.request(`${base}/vdoesnotexist`)).status).toBe(404);
    expect((await t.app.request('/api/notebooks/nope/versions')).status).toBe(404);
  });
});

async function waitForVersions(history: History, n: number, timeoutMs = 3000) {
  let versions = await history.list('nb1');
  const deadline = Date.now() + timeoutMs;
  while (versions.length < n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} versions (have ${versions.length})`);
    await new Promise((r) => setTimeout(r, 20));
    versions = await history.list('nb1');
  }
  return versions;
}

