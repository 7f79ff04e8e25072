/**
 * Collaboration at scale (`npm run bench -- collab`), the server in its own process and the
 * clients spread over several others (one client process saturates before the server does):
 *
 * - 50 clients on one notebook, each typing 5 characters a second for 30 s: latency from one
 *   client's keystroke to the others (p50, p99), server CPU (share of one core) and memory;
 * - 200 notebooks of 200 cells open with 5 clients each: server memory per open notebook;
 * - a newcomer joining a 200-cell notebook: connect to synced, warm (open) and cold (loaded);
 * - opening a notebook with 100k updates of history: from a 100k-record log, and compacted.
 *
 * Targets: p50 ≤ 10 ms, p99 ≤ 100 ms, server < 20 % of a core, ≤ 2 MB per open notebook,
 * newcomer ≤ 50 ms, 100k-update notebook opens < 1 s.
 *
 * CARNET_BENCH_TYPING_S shortens the typing run; CARNET_BENCH_PROFILE=1 writes the server's
 * CPU profile to .bench/profiles.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { asCellId } from '../core/ids.js';
import { serializeNotebook } from '../core/notebook/format.js';
import type { CellData, NotebookData } from '../core/notebook/model.js';
import { cellSource, loadNotebookIntoDoc, orderedCells } from '../core/notebook/ydoc.js';
import { createCollab } from '../server/collab/index.js';
import { notebookHash } from '../server/collab/load-room.js';
import { statePaths, writeSavedHashes } from '../server/collab/state-files.js';
import { UpdateLog } from '../server/collab/update-log.js';
import { ROOT, mb, median, ms } from './common.js';

const HOME = join(ROOT, 'collab-workspace');
const CLIENT_PROCESSES = 4;
const TYPISTS = 50;
const TYPING_SECONDS = Number(process.env.CARNET_BENCH_TYPING_S ?? 30);
const NOTEBOOKS = 200;
const CLIENTS_PER_NOTEBOOK = 5;
const CELLS = 200;

interface Stats {
  cpu: NodeJS.CpuUsage;
  at: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Event-loop delay since the last reset, ms. */
  delay: { p50: number; p99: number };
}

/** A notebook of `cells` cells: SQL of five lines and some narrative. */
function bigNotebook(title: string, cells: number): NotebookData {
  const list: CellData[] = [];
  for (let i = 0; i < cells; i++) {
    list.push(i % 4 === 3
      ? { id: asCellId(`m${i}`), kind: 'markdown', source: `## Step ${i}\n\nWhat the query above shows about the transfers of week ${i}, in a sentence or two.` }
      : { id: asCellId(`c${i}`), kind: 'sql', name: `q${i}`, source: `SELECT account_id, count(*) AS n, sum(amount) AS total\nFROM bank_transfers\nWHERE executed_at >= DATE '2025-01-01' + ${i}\nGROUP BY ALL\nORDER BY total DESC` });
  }
  return { meta: { title }, cells: list };
}

function forkTs(script: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(resolve(script), args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
}

function request<T>(child: ChildProcess, message: object, answer: string): Promise<T> {
  return new Promise((ok) => {
    const on = (m: { type: string }) => {
      if (m.type !== answer) return;
      child.off('message', on);
      ok(m as T);
    };
    child.on('message', on);
    child.send(message);
  });
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = forkTs('bench/collab-server.ts', [HOME], ['--expose-gc', ...(process.env.CARNET_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'profiles')}`] : [])]);
  const port = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`collab server exited (${code})`)));
  });
  return { child, url: `ws://127.0.0.1:${port}/collab` };
}

/** Asks the server to stop (it saves and exits); kills it if it has not within 15 s. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  child.send({ type: 'stop' });
  await exited;
  clearTimeout(timer);
}

const stats = (server: ChildProcess, gc = false, reset = false) => request<Stats>(server, { type: 'stats', gc, reset }, 'stats');
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Spreads `rooms` over the client processes and connects them all; returns connect-to-synced times. */
async function connectAll(processes: ChildProcess[], url: string, rooms: Array<{ notebook: string; clients: number }>): Promise<number[]> {
  const shares: Array<Array<{ notebook: string; clients: number }>> = processes.map(() => []);
  let k = 0;
  for (const room of rooms) for (let i = 0; i < room.clients; i++) shares[k++ % processes.length]!.push({ notebook: room.notebook, clients: 1 });
  const answers = await Promise.all(processes.map((p, i) => request<{ ms: number[] }>(p, { type: 'connect', url, rooms: shares[i] }, 'synced')));
  return answers.flatMap((a) => a.ms);
}

async function closeClients(processes: ChildProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => new Promise<void>((ok) => {
    p.once('exit', () => ok());
    p.send({ type: 'close' });
  })));
}

async function typingBench(url: string, server: ChildProcess): Promise<string[][]> {
  const processes = Array.from({ length: CLIENT_PROCESSES }, () => forkTs('bench/collab-clients.ts', []));
  await connectAll(processes, url, [{ notebook: 'typing', clients: TYPISTS }]);
  const before = await stats(server, false, true);
  const answers = await Promise.all(processes.map((p) => request<{ latencies: number[]; sent: number; cpuShare: number }>(p, { type: 'type', seconds: TYPING_SECONDS, perSecond: 5 }, 'typed')));
  const after = await stats(server);
  await closeClients(processes);
  const latencies = answers.flatMap((a) => a.latencies).sort((a, b) => a - b);
  const sent = answers.reduce((s, a) => s + a.sent, 0);
  const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  const share = cpuMs / (after.at - before.at);
  return [
    [`${TYPISTS} clients × 5 chars/s, ${TYPING_SECONDS} s (${CLIENT_PROCESSES} client processes)`, `${sent} keystrokes, ${latencies.length} deliveries`, ''],
    ['  propagation p50 / p99', `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`, '≤ 10 ms / ≤ 100 ms'],
    ['  server CPU', `${(share * 100).toFixed(1)} % of a core`, '< 20 %'],
    ['  server memory (rss / heap)', `${mb(after.rss)} / ${mb(after.heapUsed)}`, ''],
    ['  server event-loop delay p50 / p99', `${ms(after.delay.p50)} / ${ms(after.delay.p99)}`, ''],
    ['  client processes, CPU each', answers.map((a) => `${(a.cpuShare * 100).toFixed(0)} %`).join(', '), ''],
  ];
}

async function manyNotebooksBench(url: string, server: ChildProcess): Promise<string[][]> {
  const base = await stats(server, true);
  const processes = Array.from({ length: CLIENT_PROCESSES }, () => forkTs('bench/collab-clients.ts', [], ['--max-old-space-size=4096']));
  const rooms = Array.from({ length: NOTEBOOKS }, (_, i) => ({ notebook: `many-${i}`, clients: CLIENTS_PER_NOTEBOOK }));
  await connectAll(processes, url, rooms);
  const loaded = await stats(server, true);
  await closeClients(processes);
  const heap = (loaded.heapUsed + loaded.arrayBuffers - base.heapUsed - base.arrayBuffers) / NOTEBOOKS;
  const rss = (loaded.rss - base.rss) / NOTEBOOKS;
  return [
    [`${NOTEBOOKS} notebooks of ${CELLS} cells open, ${CLIENTS_PER_NOTEBOOK} clients each`, `${NOTEBOOKS * CLIENTS_PER_NOTEBOOK} connections`, ''],
    ['  server memory per open notebook (heap / rss)', `${mb(heap)} / ${mb(rss)}`, '≤ 2 MB'],
  ];
}

/** Ends a client for good: the provider leaves its awareness' timer running, which would keep the process alive. */
function closeProvider(provider: WebsocketProvider): void {
  provider.destroy();
  provider.awareness.destroy();
  provider.doc.destroy();
}

/** One client joining: connect to synced. */
function join1(url: string, notebook: string): Promise<number> {
  const doc = new Y.Doc();
  const started = performance.now();
  const provider = new WebsocketProvider(url, notebook, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
  return new Promise((ok) => {
    provider.on('sync', (s: boolean) => {
      if (!s) return;
      const t = performance.now() - started;
      if (orderedCells(doc).length !== CELLS) throw new Error(`newcomer got ${orderedCells(doc).length} cells`);
      closeProvider(provider);
      ok(t);
    });
  });
}

async function newcomerBench(url: string): Promise<string[][]> {
  // Cold: each join opens a notebook nobody holds (loaded from its file).
  const cold: number[] = [];
  for (let i = 0; i < 10; i++) cold.push(await join1(url, `join-cold-${i}`));
  // Warm: someone is already in it.
  const host = new WebsocketProvider(url, 'join-warm', new Y.Doc(), { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
  await new Promise((ok) => host.once('sync', ok));
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) warm.push(await join1(url, 'join-warm'));
  closeProvider(host);
  return [
    [`newcomer joins a ${CELLS}-cell notebook (connect → synced)`, '', ''],
    ['  already open (median of 20)', ms(median(warm)), '≤ 50 ms'],
    ['  first to open it (median of 10)', ms(median(cold)), ''],
  ];
}

/** Writes notebook `id`'s durable state as 100k single-keystroke updates on top of its file. */
async function historyOf(stateDir: string, id: string, data: NotebookData, updates: number): Promise<void> {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(doc, data);
  const paths = statePaths(stateDir, id);
  await writeSavedHashes(paths, { saved: notebookHash(data) });
  const { log } = await UpdateLog.open(paths, () => undefined);
  await log.compact(() => Y.encodeStateAsUpdate(doc));
  const pending: Promise<void>[] = [];
  doc.on('update', (u: Uint8Array) => pending.push(log.append(u)));
  const cells = orderedCells(doc);
  for (let i = 0; i < updates; i++) {
    const text = cellSource(cells[i % 20]!);
    // Typing, with a deletion now and then, as people do.
    if (i % 10 === 9) text.delete(text.length - 1, 1);
    else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  }
  await Promise.all(pending);
  await log.close();
}

async function openTime(stateDir: string, data: NotebookData, id: string): Promise<{ ms: number; close: () => Promise<void> }> {
  const collab = createCollab({ stateDir, load: async () => structuredClone(data), save: async () => undefined, warn: () => undefined, compactEvery: 1_000_000 });
  const t = performance.now();
  await collab.open(id);
  const took = performance.now() - t;
  return { ms: took, close: () => collab.shutdown() };
}

async function historyBench(): Promise<string[][]> {
  const stateDir = join(HOME, 'history-state');
  await rm(stateDir, { recursive: true, force: true });
  const data = bigNotebook('History', CELLS);
  await historyOf(stateDir, 'h100k', data, 100_000);
  const raw = await openTime(stateDir, data, 'h100k');
  // Closing compacts: the next open reads one snapshot.
  await raw.close();
  const compacted = await openTime(stateDir, data, 'h100k');
  await compacted.close();
  return [
    ['a notebook with 100k updates of history opens', '', ''],
    ['  from a 100k-record log (never compacted)', ms(raw.ms), ''],
    ['  compacted (snapshot; the default compacts every 1000 records)', ms(compacted.ms), '< 1 s'],
  ];
}

/** Progress on stderr: the section takes a few minutes. */
const step = (what: string) => console.error(`collab bench: ${what} (${new Date().toISOString().slice(11, 19)})`);

export async function collabBench(): Promise<string[][]> {
  step('writing notebooks');
  await rm(HOME, { recursive: true, force: true });
  await mkdir(join(HOME, 'notebooks'), { recursive: true });
  const write = (id: string, data: NotebookData) => writeFile(join(HOME, 'notebooks', `${id}.md`), serializeNotebook(data));
  await write('typing', bigNotebook('Typing', 60));
  for (let i = 0; i < NOTEBOOKS; i++) await write(`many-${i}`, bigNotebook(`Many ${i}`, CELLS));
  for (let i = 0; i < 10; i++) await write(`join-cold-${i}`, bigNotebook(`Join ${i}`, CELLS));
  await write('join-warm', bigNotebook('Join', CELLS));

  const rows: string[][] = [['measure', 'figure', 'target']];
  const server = await startServer();
  try {
    step(`${TYPISTS} clients typing for ${TYPING_SECONDS} s`);
    rows.push(...(await typingBench(server.url, server.child)));
    step('newcomers joining');
    rows.push(...(await newcomerBench(server.url)));
    step(`${NOTEBOOKS} notebooks × ${CLIENTS_PER_NOTEBOOK} clients`);
    rows.push(...(await manyNotebooksBench(server.url, server.child)));
  } finally {
    await stopServer(server.child);
  }
  step('100k updates of history');
  rows.push(...(await historyBench()));
  step('done');
  return rows;
}
