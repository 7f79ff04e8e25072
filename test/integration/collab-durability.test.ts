/**
 * The durable update log: what survives a crash. Torn tails, corrupt records, compaction
 * interrupted at every step, and a server killed with SIGKILL while clients type.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asCellId } from '../../core/ids.js';
import { cellMap, docToNotebook, insertCell, loadNotebookIntoDoc } from '../../core/notebook/ydoc.js';
import { UpdateLog } from '../../server/collab/index.js';
import { statePaths } from '../../server/collab/state-files.js';
import { connectClient, removeDir, sampleNotebook, startHarness, synced, waitFor, withTimeout } from '../helpers/ws-client.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'carnet-durability-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeDir(dir);
});

/** A notebook doc and the updates that built it, one per edit. */
function editedDoc(edits: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  loadNotebookIntoDoc(doc, sampleNotebook());
  const text = cellMap(doc, 'c1')!.get('source') as Y.Text;
  for (let i = 0; i < edits; i++) {
    if (i % 7 === 3) insertCell(doc, 1, { id: asCellId(`k${i}`), kind: 'markdown', source: `cell ${i}` });
    else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  }
  return { doc, updates };
}

function rebuilt(snapshot: Uint8Array | null, updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const u of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, u);
  return doc;
}

const same = (a: Y.Doc, b: Y.Doc) => expect(docToNotebook(a)).toEqual(docToNotebook(b));

async function openLog(dir: string) {
  const warnings: string[] = [];
  const opened = await UpdateLog.open(statePaths(dir, 'nb'), (m) => warnings.push(m));
  return { ...opened, warnings };
}

describe('update log', () => {
  it('replays every appended update in order', async () => {
    const dir = await tempDir();
    const { updates, doc } = editedDoc(50);
    const { log } = await openLog(dir);
    await Promise.all(updates.map((u) => log.append(u)));
    await log.close();
    const { log: again, replayed, warnings } = await openLog(dir);
    expect(replayed.snapshot).toBeNull();
    expect(replayed.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(updates.map((u) => Buffer.from(u).toString('hex')));
    expect(warnings).toEqual([]);
    same(rebuilt(null, replayed.updates), doc);
    await again.close();
  });

  it('groups concurrent appends into few fsyncs', async () => {
    const dir = await tempDir();
    const { log } = await openLog(dir);
    const handle = (log as unknown as { handle: { datasync: () => Promise<void> } }).handle;
    let syncs = 0;
    const datasync = handle.datasync.bind(handle);
    handle.datasync = () => {
      syncs++;
      return datasync();
    };
    await Promise.all(editedDoc(300).updates.map((u) => log.append(u)));
    expect(syncs).toBeLessThan(20);
    await log.close();
  });

  it.each([
    ['cut in the middle of a record', (b: Buffer) => b.subarray(0, b.length - 3)],
    ['cut in a record header', (b: Buffer) => b.subarray(0, b.length - lastRecordLength(b) + 5)],
    ['garbage after the last record', (b: Buffer) => Buffer.concat([b, Buffer.from([7, 0, 0, 0, 1, 2, 3, 4, 9, 9])])],
    ['a flipped byte in the last record', (b: Buffer) => flip(b, b.length - 2)],
    ['a huge length in the last header', (b: Buffer) => withLength(b, b.length - lastRecordLength(b), 0xfffffff0)],
  ])('drops a torn tail (%s) and keeps every earlier update', async (_what, tear) => {
    const dir = await tempDir();
    const { updates, doc } = editedDoc(30);
    const { log } = await openLog(dir);
    for (const u of updates) await log.append(u);
    await log.close();
    const file = statePaths(dir, 'nb').log;
    await fs.writeFile(file, tear(await fs.readFile(file)));

    const { log: again, replayed, warnings } = await openLog(dir);
    expect(warnings).toHaveLength(1);
    const kept = replayed.updates.length;
    expect(kept).toBeGreaterThanOrEqual(updates.length - 1);
    expect(kept).toBeLessThanOrEqual(updates.length);
    // Appending after the cut works, and the next replay is clean.
    const missing = updates.slice(kept);
    for (const u of missing) await again.append(u);
    await again.close();
    const third = await openLog(dir);
    expect(third.warnings).toEqual([]);
    same(rebuilt(null, third.replayed.updates), doc);
    await third.log.close();
  });

  it('rebuilds the same document from snapshot + log after compaction', async () => {
    const dir = await tempDir();
    const { updates, doc } = editedDoc(60);
    const { log } = await openLog(dir);
    const replica = new Y.Doc();
    for (const [i, u] of updates.entries()) {
      await log.append(u);
      Y.applyUpdate(replica, u);
      if (i === 25) await log.compact(() => Y.encodeStateAsUpdate(replica));
    }
    expect(log.recordCount).toBe(updates.length - 26);
    await log.close();
    const { log: again, replayed } = await openLog(dir);
    expect(replayed.snapshot).not.toBeNull();
    expect(replayed.updates).toHaveLength(updates.length - 26);
    same(rebuilt(replayed.snapshot, replayed.updates), doc);
    await again.close();
  });

  it('survives a crash at every step of compaction', async () => {
    const dir = await tempDir();
    const paths = statePaths(dir, 'nb');
    const { updates, doc } = editedDoc(40);
    const { log } = await openLog(dir);
    const replica = new Y.Doc();
    for (const u of updates.slice(0, 20)) {
      await log.append(u);
      Y.applyUpdate(replica, u);
    }
    await log.compact(() => Y.encodeStateAsUpdate(replica));
    for (const u of updates.slice(20)) {
      await log.append(u);
      Y.applyUpdate(replica, u);
    }
    await log.close();
    const logBefore = await fs.readFile(paths.log);
    const snapBefore = await fs.readFile(paths.snapshot);

    // 1. Died while writing the temp snapshot: it is ignored (and removed).
    await fs.writeFile(paths.snapshotTmp, Buffer.from('half a snapshot'));
    let opened = await openLog(dir);
    same(rebuilt(opened.replayed.snapshot, opened.replayed.updates), doc);
    await opened.log.close();
    expect(await readdir(paths.dir)).not.toContain('nb.ysnap.tmp');

    // 2. Died after the rename, before the log was emptied: records apply twice, harmlessly.
    const { log: l2 } = await openLog(dir);
    await l2.compact(() => Y.encodeStateAsUpdate(replica));
    await l2.close();
    await fs.writeFile(paths.log, logBefore);
    opened = await openLog(dir);
    expect(opened.replayed.updates.length).toBe(updates.length - 20);
    same(rebuilt(opened.replayed.snapshot, opened.replayed.updates), doc);
    await opened.log.close();

    // 3. Died before the rename: the old snapshot and the full log are still there.
    await fs.writeFile(paths.snapshot, snapBefore);
    opened = await openLog(dir);
    same(rebuilt(opened.replayed.snapshot, opened.replayed.updates), doc);
    await opened.log.close();
  });

  it('refuses a file that is not an update log rather than overwrite it', async () => {
    const dir = await tempDir();
    const paths = statePaths(dir, 'nb');
    await fs.mkdir(paths.dir, { recursive: true });
    await fs.writeFile(paths.log, 'not a log at all');
    await expect(openLog(dir)).rejects.toThrow(/not a Carnet update log/);
    expect(await fs.readFile(paths.log, 'utf8')).toBe('not a log at all');
  });
});

describe('server restarts', () => {
  it('rebuilds from snapshot + log after periodic compaction', async () => {
    const h1 = await startHarness({ compactEvery: 10, saveDebounceMs: 60_000 });
    dirs.push(h1.stateDir);
    const a = connectClient(h1.url, 'nb1');
    await synced(a);
    const text = cellMap(a.doc, 'c1')!.get('source') as Y.Text;
    for (let i = 0; i < 35; i++) text.insert(text.length, String(i % 10));
    const expected = docToNotebook(a.doc);
    const live = await h1.collab.open('nb1');
    await waitFor(() => JSON.stringify(docToNotebook(live)) === JSON.stringify(expected), 'edits at the server');
    a.destroy();
    await h1.stop({ shutdown: false });
    // A compaction may still be running in the "crashed" server: it is not what this is about.
    const files = (await readdir(join(h1.stateDir, 'collab'))).filter((f) => !f.endsWith('.tmp'));
    expect(files.sort()).toEqual(['nb1.meta.json', 'nb1.ylog', 'nb1.ysnap']);
    await new Promise((r) => setTimeout(r, 100));

    const h2 = await startHarness({ stateDir: h1.stateDir, files: h1.files });
    expect(docToNotebook(await h2.collab.open('nb1'))).toEqual(expected);
    h2.collab.release('nb1');
    await h2.stop();
    await h1.collab.shutdown();
  });
});

// ---- kill -9 -----------------------------------------------------------------------

const CHILD = `
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, existsSync, appendFileSync } from 'node:fs';
import { createCollab } from ${JSON.stringify(resolve('server/collab/index.ts'))};
const [stateDir, file, logFile] = process.argv.slice(2);
const collab = createCollab({
  stateDir,
  load: async (id) => (id === 'nb1' && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null),
  save: async (_id, data) => writeFileSync(file, JSON.stringify(data)),
  saveDebounceMs: 60000,
  warn: (m) => appendFileSync(logFile, 'WARN ' + m + String.fromCharCode(10)),
  onError: (e) => appendFileSync(logFile, 'ERROR ' + e + String.fromCharCode(10)),
});
const server = createServer((_q, r) => r.end());
server.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

function startChild(script: string, stateDir: string, file: string, logFile: string): Promise<{ child: ChildProcess; url: string }> {
  // node itself with tsx's loader: the tsx command runs the script in a grandchild that
  // SIGKILL would not reach.
  const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir, file, logFile], {
    cwd: resolve('.'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return withTimeout(
    new Promise((ok, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const port = /PORT (\d+)/.exec(out)?.[1];
        if (port) ok({ child, url: `ws://127.0.0.1:${port}/collab` });
      });
      child.on('exit', (code) => fail(new Error(`child exited early: ${code}`)));
    }),
    15_000,
    'child server to start',
  );
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('kill -9', () => {
  it('loses no update the server had broadcast', async () => {
    const dir = await tempDir();
    const script = join(dir, 'child.ts');
    const file = join(dir, 'nb1.json');
    const logFile = join(dir, 'child.log');
    await fs.writeFile(script, CHILD);
    await fs.writeFile(file, JSON.stringify(sampleNotebook()));
    const rand = prng(7);
    const state = join(dir, 'state');
    // Each restarted server is checked, then edited and killed in its turn.
    let server = await startChild(script, state, file, logFile);
    try {
      for (let round = 0; round < 3; round++) {
        const editor = connectClient(server.url, 'nb1');
        const watcher = connectClient(server.url, 'nb1');
        await Promise.all([synced(editor), synced(watcher)]);
        const text = cellMap(editor.doc, 'c1')!.get('source') as Y.Text;
        // Type in bursts and kill in the middle of it, while writes are in flight.
        const killAfter = 40 + Math.floor(rand() * 80);
        for (let i = 0; i < killAfter; i++) {
          text.insert(text.length, String.fromCharCode(97 + ((round * 7 + i) % 26)));
          if (i % 8 === 7) await new Promise((r) => setImmediate(r));
        }
        const exited = new Promise((r) => server.child.once('exit', r));
        server.child.kill('SIGKILL');
        // What the watcher holds is what the server had made durable and broadcast.
        const seen = Y.encodeStateVector(watcher.doc);
        const seenText = (cellMap(watcher.doc, 'c1')!.get('source') as Y.Text).toString();
        editor.destroy(); // it must not re-send its edits to the next server
        watcher.destroy();
        await exited;

        server = await startChild(script, state, file, logFile);
        const probe = connectClient(server.url, 'nb1');
        await synced(probe);
        const have = Y.decodeStateVector(Y.encodeStateVector(probe.doc));
        for (const [client, clock] of Y.decodeStateVector(seen)) {
          expect(have.get(client) ?? 0, `round ${round}: client ${client}`).toBeGreaterThanOrEqual(clock);
        }
        expect((cellMap(probe.doc, 'c1')!.get('source') as Y.Text).toString().startsWith(seenText)).toBe(true);
        probe.destroy();
      }
    } finally {
      server.child.kill('SIGKILL');
    }
    // Cut tails are expected after kill -9 (a warning each); errors are not.
    const log = existsSync(logFile) ? await fs.readFile(logFile, 'utf8') : '';
    expect(log.split('\n').filter((l) => l.startsWith('ERROR'))).toEqual([]);
  }, 20_000);
});

function lastRecordLength(b: Buffer): number {
  // Walk the records: 8-byte magic, then [len u32][crc u32][payload].
  let pos = 8;
  let last = 0;
  while (pos < b.length) {
    last = 8 + b.readUInt32LE(pos);
    pos += last;
  }
  return last;
}

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at] = c[at]! ^ 0xff;
  return c;
}

function withLength(b: Buffer, at: number, length: number): Buffer {
  const c = Buffer.from(b);
  c.writeUInt32LE(length, at);
  return c;
}
