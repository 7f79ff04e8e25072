/**
 * Durability under SIGKILL, with the real Markdown notebook files: three clients edit
 * continuously (typing, adding and moving cells, commenting) while the server process is
 * killed at seeded random moments, over 22 rounds. After each restart every update the
 * server had acknowledged — that is, broadcast to a watching client, which it only does once
 * the update is fsynced in the log — is in the document, and the Markdown file has been
 * rewritten from the log to hold exactly that document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { asCellId } from '../../core/ids.js';
import { parseNotebook, serializeNotebook } from '../../core/notebook/format.js';
import { addThread } from '../../core/notebook/comments.js';
import { cellMap, cellSource, docToNotebook, insertCell, moveCell, orderedCells } from '../../core/notebook/ydoc.js';
import { connectClient, removeDir, synced, withTimeout } from '../helpers/ws-client.js';

const ROUNDS = 22;
const EDITORS = 3;
const CHILD = resolve('test/helpers/collab-child.ts');

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function startChild(home: string, logFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, logFile], { cwd: resolve('.'), stdio: ['ignore', 'pipe', 'inherit'] });
  return withTimeout(
    new Promise((ok, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const port = /PORT (\d+)/.exec(out)?.[1];
        if (port) ok({ child, url: `ws://127.0.0.1:${port}/collab` });
      });
      child.once('exit', (code) => fail(new Error(`collab child exited early (${code})`)));
    }),
    20_000,
    'collab child to start',
  );
}

/** Edits a notebook like a person at machine speed (under the server's rate limit) until stopped. */
function editContinuously(client: WebsocketProvider, index: number, random: () => number, stop: () => boolean): Promise<void> {
  const doc = client.doc;
  const mine = `e${index}`;
  let n = 0;
  return (async () => {
    while (!stop()) {
      const roll = random();
      if (roll < 0.9) {
        const text = cellSource(cellMap(doc, mine)!);
        text.insert(text.length, String.fromCharCode(97 + (n % 26)));
      } else if (roll < 0.95) {
        const cells = orderedCells(doc);
        insertCell(doc, Math.floor(random() * (cells.length + 1)), { id: asCellId(`k${index}x${doc.clientID % 100000}x${n}`), kind: 'markdown', source: `added ${n}` }, 'editor', random);
      } else if (roll < 0.98) {
        const cells = orderedCells(doc);
        const id = cells[Math.floor(random() * cells.length)]!.get('id') as string;
        moveCell(doc, asCellId(id), Math.floor(random() * cells.length), 'editor', random);
      } else {
        const text = cellSource(cellMap(doc, mine)!);
        addThread(doc, { id: `t${index}x${doc.clientID % 100000}x${n}`, cellId: mine, anchor: { from: 0, to: Math.min(3, text.length) }, message: { id: `m${n}`, author: `Editor ${index}`, at: new Date(0).toISOString(), text: `note ${n}` } }, text, 'editor');
      }
      n++;
      await new Promise((r) => setTimeout(r, 12 + Math.floor(random() * 8)));
    }
  })();
}

describe('kill -9 while people edit', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it(`loses no acknowledged update over ${ROUNDS} SIGKILLs, and rewrites the Markdown file from the log`, async () => {
    const home = await mkdtemp(join(tmpdir(), 'carnet-kill-'));
    dirs.push(home);
    await fs.mkdir(join(home, 'notebooks'), { recursive: true });
    const file = join(home, 'notebooks', 'nb1.md');
    await fs.writeFile(file, serializeNotebook({
      meta: { title: 'Kill test' },
      cells: [{ id: asCellId('m1'), kind: 'markdown', source: '# Notes' }, ...Array.from({ length: EDITORS }, (_, i) => ({ id: asCellId(`e${i}`), kind: 'sql' as const, source: `-- editor ${i}\n` }))],
    }));
    const logFile = join(home, 'child.log');
    const random = prng(20260312);
    let acknowledged = 0;
    let server = await startChild(home, logFile);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const editors = Array.from({ length: EDITORS }, () => connectClient(server.url, 'nb1'));
        const watcher = connectClient(server.url, 'nb1');
        await Promise.all([...editors, watcher].map((c) => synced(c, 10_000)));
        const before = totalClock(watcher.doc);
        let stopped = false;
        const typing = editors.map((e, i) => editContinuously(e, i, prng(round * 10 + i), () => stopped));
        // Kill at a seeded random moment, while writes are in flight.
        await new Promise((r) => setTimeout(r, 60 + Math.floor(random() * 400)));
        const exited = new Promise((r) => server.child.once('exit', r));
        server.child.kill('SIGKILL');
        await exited;
        stopped = true;
        await Promise.all(typing);
        // What the watcher holds, the server had logged and broadcast.
        await new Promise((r) => setTimeout(r, 30));
        const seen = Y.decodeStateVector(Y.encodeStateVector(watcher.doc));
        const seenData = docToNotebook(watcher.doc);
        acknowledged += totalClock(watcher.doc) - before;
        // The clients go away with the server: none may re-send what the log lost.
        for (const c of [...editors, watcher]) c.destroy();

        server = await startChild(home, logFile);
        const probe = connectClient(server.url, 'nb1');
        await synced(probe, 10_000);
        const have = Y.decodeStateVector(Y.encodeStateVector(probe.doc));
        for (const [client, clock] of seen) {
          expect(have.get(client) ?? 0, `round ${round}: updates of client ${client}`).toBeGreaterThanOrEqual(clock);
        }
        const now = docToNotebook(probe.doc);
        for (const cell of seenData.cells) {
          const there = now.cells.find((c) => c.id === cell.id);
          expect(there, `round ${round}: cell ${cell.id}`).toBeDefined();
          if (cell.id.startsWith('e')) expect(there!.source.startsWith(cell.source), `round ${round}: text of ${cell.id}`).toBe(true);
        }
        expect(new Set(now.cells.map((c) => c.id)).size).toBe(now.cells.length);
        // The restarted server replayed the log into the Markdown file before serving.
        const saved = parseNotebook(await fs.readFile(file, 'utf8'));
        expect(saved.cells.map((c) => [c.id, c.source]), `round ${round}: the file`).toStrictEqual(now.cells.map((c) => [c.id, c.source]));
        expect(saved.comments?.length ?? 0).toBe(now.comments?.length ?? 0);
        probe.destroy();
      }
    } finally {
      server.child.kill('SIGKILL');
    }
    // The clients really edited, and the server really acknowledged most of it.
    expect(acknowledged).toBeGreaterThan(ROUNDS * 20);
    // Cut tails are expected after kill -9 (a warning each); errors are not.
    const log = existsSync(logFile) ? await fs.readFile(logFile, 'utf8') : '';
    expect(log.split('\n').filter((l) => l.startsWith('ERROR'))).toEqual([]);
    console.log(`kill test: ${ROUNDS} SIGKILLs, ${acknowledged} acknowledged updates kept, ${log.split('\n').filter((l) => l.startsWith('WARN')).length} torn tails cut`);
  }, 90_000);
});

/** Sum of the clocks of every client: how many struct units the document holds. */
function totalClock(doc: Y.Doc): number {
  let sum = 0;
  for (const clock of Y.decodeStateVector(Y.encodeStateVector(doc)).values()) sum += clock;
  return sum;
}
