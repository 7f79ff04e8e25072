/**
 * Test harness for server/collab: a real http server on port 0 with the collab upgrade
 * handler, notebooks kept in memory, y-websocket clients and raw websockets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { asCellId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { createCollab, type Collab, type CollabOptions } from '../../server/collab/index.js';

/** A small notebook with two cells. */
export function sampleNotebook(title = 'Réseau'): NotebookData {
  return {
    meta: { title, classification: 'DIFFUSION RESTREINTE' },
    cells: [
      { id: asCellId('m1'), kind: 'markdown', source: '# Notes' },
      { id: asCellId('c1'), kind: 'sql', name: 'suspects', source: 'SELECT 1' },
    ],
  };
}

export interface Harness {
  url: string;
  port: number;
  stateDir: string;
  collab: Collab;
  server: Server;
  /** The notebook "files". */
  files: Map<string, NotebookData>;
  /** Every save() call, in order. */
  saves: Array<{ id: string; data: NotebookData }>;
  warnings: string[];
  errors: unknown[];
  /** Closes clients' server side and the http server; `shutdown` false simulates a crash. */
  stop(opts?: { shutdown?: boolean }): Promise<void>;
}

/** Starts a collab server. Pass `stateDir` to restart on an earlier state. */
export async function startHarness(
  options: Partial<CollabOptions> & { stateDir?: string; files?: Map<string, NotebookData> } = {},
): Promise<Harness> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'carnet-collab-')));
  const files = options.files ?? new Map<string, NotebookData>([['nb1', sampleNotebook()]]);
  const saves: Harness['saves'] = [];
  const warnings: string[] = [];
  const errors: unknown[] = [];
  const collab = createCollab({
    load: async (id) => structuredClone(files.get(id) ?? null),
    save: async (id, data) => {
      saves.push({ id, data: structuredClone(data) });
      files.set(id, structuredClone(data));
    },
    warn: (m) => warnings.push(m),
    onError: (e) => errors.push(e),
    saveDebounceMs: 50,
    unloadDelayMs: 0,
    ...options,
    stateDir,
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    collab.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `ws://127.0.0.1:${port}/collab`,
    port,
    stateDir,
    collab,
    server,
    files,
    saves,
    warnings,
    errors,
    async stop({ shutdown = true } = {}) {
      if (stopped) return;
      stopped = true;
      if (shutdown) await collab.shutdown();
      // Upgraded sockets are no longer the http server's: cut them like a dying process would.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A y-websocket client on notebook `id`, as the browser runs it. */
export function connectClient(
  url: string,
  id: string,
  doc = new Y.Doc(),
  params: Record<string, string> = {},
): WebsocketProvider {
  return new WebsocketProvider(url, id, doc, {
    params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
}

export function synced(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => provider.once('sync', (s: boolean) => s && resolve())),
    timeoutMs,
    `provider for "${provider.roomname}" did not sync`,
  );
}

/** Polls `check` until it returns true. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw websocket, for speaking the protocol by hand (or breaking it). */
export interface RawClient {
  ws: WebSocket;
  /** Frames received so far. */
  received: Uint8Array[];
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves when open, rejects with the HTTP status when refused before upgrade. */
  opened: Promise<void>;
}

export function rawClient(
  url: string,
  id: string,
  headers: Record<string, string> = {},
  options: WebSocket.ClientOptions = {},
): RawClient {
  const ws = new WebSocket(`${url}/${id}`, { ...options, headers });
  const received: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
  opened.catch(() => undefined);
  return { ws, received, closed, opened };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    }),
  ]);
}

/** The text of cell `index` of a notebook doc. */
export function cellText(doc: Y.Doc, index: number): string {
  const cell = doc.getArray<Y.Map<unknown>>('cells').get(index);
  return (cell?.get('source') as Y.Text | undefined)?.toString() ?? '';
}
