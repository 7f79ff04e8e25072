/**
 * Live sync through the real websocket server with stock y-websocket clients: editing
 * together, refusing what must be refused, saving, and coming back after a restart.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { asCellId } from '../../core/ids.js';
import { parseNotebook, serializeNotebook } from '../../core/notebook/format.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { cellMap, docToNotebook, insertCell, setTitle } from '../../core/notebook/ydoc.js';
import { CloseCode } from '../../server/collab/index.js';
import {
  cellText,
  connectClient,
  rawClient,
  removeDir,
  sampleNotebook,
  startHarness,
  synced,
  waitFor,
  withTimeout,
  type Harness,
} from '../helpers/ws-client.js';

const providers: WebsocketProvider[] = [];
const harnesses: Harness[] = [];

async function harness(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

function client(h: Harness, id = 'nb1', params: Record<string, string> = {}): WebsocketProvider {
  const p = connectClient(h.url, id, new Y.Doc(), params);
  providers.push(p);
  return p;
}

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  const dirs = new Set(harnesses.map((h) => h.stateDir));
  for (const h of harnesses.splice(0)) await h.stop();
  for (const dir of dirs) await removeDir(dir);
});

describe('two clients on one notebook', () => {
  it('see each other’s typing and new cells', async () => {
    const h = await harness();
    const a = client(h);
    const b = client(h);
    await Promise.all([synced(a), synced(b)]);
    expect(cellText(b.doc, 1)).toBe('SELECT 1');

    const source = a.doc.getArray<Y.Map<unknown>>('cells').get(1).get('source') as Y.Text;
    source.insert(source.length, ' AS one');
    await waitFor(() => cellText(b.doc, 1) === 'SELECT 1 AS one', 'typing to reach b');

    insertCell(b.doc, 2, { id: asCellId('c2'), kind: 'sql', name: 'two', source: 'SELECT 2' }, 'test');
    await waitFor(() => a.doc.getArray('cells').length === 3, 'new cell to reach a');
    expect(docToNotebook(a.doc)).toEqual(docToNotebook(b.doc));
    expect(docToNotebook(a.doc).cells[2]).toEqual({ id: 'c2', kind: 'sql', name: 'two', source: 'SELECT 2' });
    expect(h.errors).toEqual([]);
  });

  it('share presence, and a client’s presence goes when it leaves', async () => {
    const h = await harness();
    const a = client(h);
    const b = client(h);
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('user', { name: 'Ada', color: '#c00' });
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as any)?.user?.name === 'Ada', 'a’s presence at b');
    a.destroy();
    await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), 'a’s presence to go');
  });

  it('echo a client’s own presence back to it (y-websocket drops a silent connection after 30 s)', async () => {
    const h = await harness();
    const raw = rawClient(h.url, 'nb1');
    await raw.opened;
    const state = new TextEncoder().encode(JSON.stringify({ user: { name: 'Solo' } }));
    const update = [1, 42, 1, state.length, ...state];
    raw.ws.send(Uint8Array.from([1, update.length, ...update]));
    await waitFor(() => raw.received.some((f) => f[0] === 1 && new TextDecoder().decode(f).includes('Solo')), 'own presence back');
    raw.ws.close();
  });

  it('drop a connection that stops answering pings, and its presence', async () => {
    const h = await harness({ pingIntervalMs: 50 });
    const watcher = client(h);
    await synced(watcher);
    const dead = rawClient(h.url, 'nb1', {}, { autoPong: false });
    await dead.opened;
    const state = new TextEncoder().encode('{"user":{"name":"Ghost"}}');
    const update = [1, 77, 1, state.length, ...state];
    dead.ws.send(Uint8Array.from([1, update.length, ...update]));
    await waitFor(() => watcher.awareness.getStates().has(77), 'ghost presence');
    await withTimeout(dead.closed, 2000, 'dead socket dropped');
    await waitFor(() => !watcher.awareness.getStates().has(77), 'ghost presence removed');
    expect(watcher.wsconnected).toBe(true);
  });

  it('a server-side change (through open()) reaches clients, and flush() saves it at once', async () => {
    const h = await harness({ saveDebounceMs: 60_000 });
    const a = client(h);
    await synced(a);
    const doc = await h.collab.open('nb1');
    setTitle(doc, 'Renamed', 'carnet-server');
    h.collab.release('nb1');
    await waitFor(() => a.doc.getMap('meta').get('title') === 'Renamed', 'title at the client');
    // flush() saves at once instead of after the debounce.
    await h.collab.flush('nb1');
    expect(h.files.get('nb1')?.meta.title).toBe('Renamed');
    expect(h.errors).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses an unknown notebook before the upgrade and creates nothing', async () => {
    const h = await harness();
    for (const id of ['nope', 'x'.repeat(101), '..%2Fetc', 'a.b']) {
      await expect(rawClient(h.url, id).opened).rejects.toThrow(/HTTP 404/);
    }
    expect(await readdir(h.stateDir).catch(() => [])).toEqual([]);
    await expect(h.collab.open('nope')).rejects.toThrow(/not found/);
  });

  it('refuses a foreign Origin, accepts the same host and configured origins', async () => {
    const h = await harness({ allowedOrigins: ['https://carnet.example'] });
    await expect(rawClient(h.url, 'nb1', { Origin: 'https://evil.example' }).opened).rejects.toThrow(/HTTP 403/);
    await expect(rawClient(h.url, 'nb1', { Origin: 'null' }).opened).rejects.toThrow(/HTTP 403/);
    for (const origin of [`http://127.0.0.1:${h.port}`, 'https://carnet.example']) {
      const ok = rawClient(h.url, 'nb1', { Origin: origin });
      await ok.opened;
      ok.ws.close();
    }
  });

  it('refuses a notebook whose file cannot be read, with a reason, and never saves it', async () => {
    const h = await harness({
      load: async () => {
        throw new Error('nb1.md line 3: unclosed cell fence');
      },
    });
    const raw = rawClient(h.url, 'nb1');
    const { code, reason } = await raw.closed;
    expect(code).toBe(CloseCode.notebookUnreadable);
    expect(reason).toContain('line 3');
    await expect(h.collab.open('nb1')).rejects.toThrow(/line 3/);
    await h.collab.shutdown();
    expect(h.saves).toEqual([]);
  });

  it('drops edits from viewers but lets them read', async () => {
    const h = await harness({
      authorize: async (req) => {
        const role = new URL(req.url ?? '', 'http://x').searchParams.get('role');
        return role === null ? null : { userId: role, name: role === 'editor' ? 'Eve Editor' : 'Val Viewer', canEdit: role === 'editor' };
      },
    });
    await expect(rawClient(h.url, 'nb1').opened).rejects.toThrow(/HTTP 403/);
    const editor = client(h, 'nb1', { role: 'editor' });
    const viewer = client(h, 'nb1', { role: 'viewer' });
    await Promise.all([synced(editor), synced(viewer)]);

    // The viewer's edit, then a presence change: the server handles one socket's messages
    // in order, so once the editor sees the presence the edit has been judged.
    insertCell(viewer.doc, 0, { id: asCellId('vandal'), kind: 'markdown', source: 'defaced' }, 'test');
    viewer.awareness.setLocalStateField('marker', 1);
    await waitFor(() => (editor.awareness.getStates().get(viewer.doc.clientID) as any)?.marker === 1, 'viewer presence');
    setTitle(editor.doc, 'Edited', 'test');
    await waitFor(() => viewer.doc.getMap('meta').get('title') === 'Edited', 'editor’s change at the viewer');
    await waitFor(() => h.files.get('nb1')?.meta.title === 'Edited', 'editor’s change saved');
    const server = await h.collab.open('nb1');
    expect(docToNotebook(server).cells.map((c) => c.id)).toEqual(['m1', 'c1']);
    expect(docToNotebook(editor.doc).cells.map((c) => c.id)).toEqual(['m1', 'c1']);
    expect(h.files.get('nb1')!.cells.map((c) => c.id)).toEqual(['m1', 'c1']);
    h.collab.release('nb1');

    // Presence carries the name from the session, not the one the client claims.
    editor.awareness.setLocalStateField('user', { name: 'Impostor' });
    await waitFor(
      () => (viewer.awareness.getStates().get(editor.doc.clientID) as any)?.user?.name === 'Eve Editor',
      'signed presence',
    );
  });
});

describe('saving and restarting', () => {
  it('saves the current notebook after the clients leave', async () => {
    const h = await harness({ saveDebounceMs: 100 });
    const a = client(h);
    await synced(a);
    setTitle(a.doc, 'Après', 'test');
    const text = a.doc.getArray<Y.Map<unknown>>('cells').get(0).get('source') as Y.Text;
    text.insert(text.length, '\nmore');
    const expected = docToNotebook(a.doc);
    await waitFor(() => h.saves.length > 0 && JSON.stringify(h.saves.at(-1)!.data) === JSON.stringify(expected), 'save of the current state');
    a.destroy();
    expect(h.files.get('nb1')).toEqual(expected);
  });

  it('restarts with every acknowledged edit even if the process died before saving', async () => {
    const h1 = await harness({ saveDebounceMs: 60_000 });
    const a = client(h1);
    await synced(a);
    const text = a.doc.getArray<Y.Map<unknown>>('cells').get(1).get('source') as Y.Text;
    for (const ch of ' WHERE x > 1') text.insert(text.length, ch);
    insertCell(a.doc, 0, { id: asCellId('new'), kind: 'markdown', source: 'late cell' }, 'test');
    const expected = docToNotebook(a.doc);
    const live = await h1.collab.open('nb1');
    await waitFor(() => JSON.stringify(docToNotebook(live)) === JSON.stringify(expected), 'server to hold the edits');
    a.destroy();
    await h1.stop({ shutdown: false }); // a crash: no save, no compaction
    expect(h1.saves).toEqual([]);

    const h2 = await harness({ stateDir: h1.stateDir, files: h1.files });
    const doc = await h2.collab.open('nb1');
    expect(docToNotebook(doc)).toEqual(expected);
    h2.collab.release('nb1');
    // A new client sees them too, and the file catches up.
    const b = client(h2);
    await synced(b);
    expect(docToNotebook(b.doc)).toEqual(expected);
    await waitFor(() => JSON.stringify(h2.files.get('nb1')) === JSON.stringify(expected), 'file to catch up');
    expect([...h1.errors, ...h2.errors]).toEqual([]);
    await h1.collab.shutdown();
  });

  it('replayAll rewrites files that lag behind their log', async () => {
    const h1 = await harness({ saveDebounceMs: 60_000 });
    const a = client(h1);
    await synced(a);
    setTitle(a.doc, 'Only in the log', 'test');
    const live = await h1.collab.open('nb1');
    await waitFor(() => live.getMap('meta').get('title') === 'Only in the log', 'server to hold the edit');
    a.destroy();
    await h1.stop({ shutdown: false });

    const h2 = await harness({ stateDir: h1.stateDir, files: h1.files });
    await h2.collab.replayAll(['nb1', 'unknown', '../bad']);
    expect(h2.files.get('nb1')?.meta.title).toBe('Only in the log');
    await h1.collab.shutdown();
  });

  it('lets a file changed by hand win over its log, and turns away stale replicas', async () => {
    const h1 = await harness();
    const a = client(h1);
    await synced(a);
    setTitle(a.doc, 'Before', 'test');
    await waitFor(() => h1.files.get('nb1')?.meta.title === 'Before', 'save');
    await h1.stop({ shutdown: false });

    const files = h1.files;
    files.set('nb1', { ...sampleNotebook('Edited by hand'), cells: [] });
    const h2 = await harness({ stateDir: h1.stateDir, files });
    const doc = await h2.collab.open('nb1');
    expect(docToNotebook(doc)).toEqual({ meta: { title: 'Edited by hand', classification: 'DIFFUSION RESTREINTE' }, cells: [] });
    h2.collab.release('nb1');
    expect(h2.warnings.some((w) => w.includes('changed outside Carnet'))).toBe(true);
    expect((await readdir(join(h1.stateDir, 'collab'))).some((f) => /^nb1\.ylog\.bak-/.test(f))).toBe(true);

    // The tab that was open all along reconnects to the new server: it must reload, not merge.
    const closed = new Promise<{ code: number; reason: string }>((resolve) => a.on('closed', resolve));
    a.serverUrl = h2.url;
    a.bcChannel = h2.url;
    a.disconnect();
    a.connect();
    const { code, reason } = await closed;
    expect(code).toBe(CloseCode.staleReplica);
    expect(reason).toContain('reload');
    expect(docToNotebook(await h2.collab.open('nb1')).cells).toEqual([]);
    h2.collab.release('nb1');
    await h1.collab.shutdown();
  });

  it('recognises its own saved Markdown file after a restart, and a hand edit of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carnet-md-'));
    const file = join(dir, 'nb1.md');
    await writeFile(file, serializeNotebook(sampleNotebook()));
    const mdFiles = {
      load: async (id: string) => (id === 'nb1' ? parseNotebook(await readFile(file, 'utf8')) : null),
      save: async (_id: string, data: NotebookData) => writeFile(file, serializeNotebook(data)),
    };
    // No save on its own: the process "dies" below with the last edit in the log only. With the
    // usual 50 ms it could still save after stop() (its room stays open) and race the restart.
    const h1 = await harness({ ...mdFiles, stateDir: dir, saveDebounceMs: 60_000 });
    const a = client(h1);
    await synced(a);
    setTitle(a.doc, 'Saved « title »', 'test');
    (cellMap(a.doc, 'c1')!.get('source') as Y.Text).insert(0, '-- comment\n');
    const live = await h1.collab.open('nb1');
    await waitFor(() => live.getMap('meta').get('title') === 'Saved « title »', 'title at the server');
    await h1.collab.flush('nb1');
    expect(parseNotebook(await readFile(file, 'utf8')).meta.title).toBe('Saved « title »');
    // An edit that is in the log only.
    (cellMap(a.doc, 'm1')!.get('source') as Y.Text).insert(0, 'unsaved ');
    await waitFor(() => cellText(live, 0).startsWith('unsaved'), 'edit at the server');
    a.destroy();
    await h1.stop({ shutdown: false });

    const h2 = await harness({ ...mdFiles, stateDir: dir });
    expect(cellText(await h2.collab.open('nb1'), 0)).toBe('unsaved # Notes');
    h2.collab.release('nb1');
    expect(h2.warnings).toEqual([]);
    await h2.stop();
    expect(parseNotebook(await readFile(file, 'utf8')).cells[0]!.source).toBe('unsaved # Notes');

    await writeFile(file, (await readFile(file, 'utf8')).replace('unsaved', 'edited by hand'));
    const h3 = await harness({ ...mdFiles, stateDir: dir });
    expect(cellText(await h3.collab.open('nb1'), 0)).toBe('edited by hand # Notes');
    h3.collab.release('nb1');
    expect(h3.warnings).toHaveLength(1);
    await h1.collab.shutdown();
  });

  it('close() kicks clients for good and never saves the notebook again', async () => {
    const h = await harness({ saveDebounceMs: 60_000 });
    const a = client(h);
    await synced(a);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => a.on('closed', resolve));
    setTitle(a.doc, 'Unsaved', 'test');
    await waitFor(() => h.saves.length === 0 && a.synced, 'edit sent');
    h.files.delete('nb1');
    await h.collab.close('nb1');
    expect((await closed).code).toBe(CloseCode.notebookGone);
    await h.collab.shutdown();
    expect(h.saves).toEqual([]);
    await expect(rawClient(h.url, 'nb1').opened).rejects.toThrow();
  });
});
