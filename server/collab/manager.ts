/**
 * The collaboration service: which notebooks are open, who holds them, and their
 * lifecycle — load (or refuse), serve, save, unload, delete, shut down, replay at start.
 *
 * Rules that keep notebooks from being lost (each a known failure of other servers):
 * a notebook is opened only if load() knows it (no doc for an arbitrary URL); a load that
 * fails leaves no room behind, so nothing can ever save an empty doc over the file; an
 * unload saves before it tears anything down; shutdown saves and compacts every room.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import type { NotebookData } from '../../core/notebook/model.js';
import { docToNotebook, lacksPositions, numberCells } from '../../core/notebook/ydoc.js';
import { NotFoundError } from '../errors.js';
import { CloseCode, defaultConnectionLimits, type AccessDecision, type CollabIdentity, type ConnectionLimits } from './connection.js';
import { loadRoom, notebookHash } from './load-room.js';
import { defaultAwarenessLimits, type AwarenessLimits } from './protocol.js';
import { Room, type RecheckCounts } from './room.js';
import { hasDurableState, moveAside, statePaths, writeSavedHashes, type SavedHashes, type StatePaths } from './state-files.js';
import { createUpgradeHandler, NOTEBOOK_ID } from './ws-server.js';

export interface CollabOptions {
  /** Folder for durable state; logs go to `<stateDir>/collab/`. */
  stateDir: string;
  /** The notebook file's content; null when there is no such notebook. Throws when unreadable. */
  load(id: string): Promise<NotebookData | null>;
  /** Writes the notebook file. Must write exactly serializeNotebook(data) (its hash is kept). */
  save(id: string, data: NotebookData): Promise<void>;
  /** Longest a change waits before its save starts. Default 1000. */
  saveDebounceMs?: number;
  onError?(e: unknown): void;
  /** Notable but handled events (a log tail cut, a file that won over its log). Default: console.warn. */
  warn?(message: string): void;
  /** Who connects; null refuses. Absent: everyone may edit. */
  authorize?(req: IncomingMessage): Promise<CollabIdentity | null>;
  /** Browser origins accepted besides the request's own host. */
  allowedOrigins?: readonly string[];
  /** Compact a log after this many records. Default 1000. */
  compactEvery?: number;
  /** Keepalive ping period; a socket silent for two periods is dropped. Default 15000. */
  pingIntervalMs?: number;
  /** A room nobody holds is unloaded after this delay. Default 2000. */
  unloadDelayMs?: number;
  connectionLimits?: Partial<ConnectionLimits>;
  awarenessLimits?: Partial<AwarenessLimits>;
  /** Awareness client ids one connection may introduce. Default 4. */
  maxAwarenessIdsPerConnection?: number;
  /** Milliseconds clock for rate limits (tests). Default Date.now. */
  now?(): number;
  /**
   * Told after each client edit of notebook `id` is applied, with who made it (the session's
   * user; with authentication off, the name their presence shows). History credits authors.
   */
  onEdit?(id: string, author: { userId: string | null; name: string | null }): void;
}

/** The collaboration service `createCollab` returns. */
export interface Collab {
  /** The live doc of notebook `id`, loaded if needed and kept open until release(). Throws NotFoundError for an unknown id, load()'s error for an unreadable file. */
  open(id: string): Promise<Y.Doc>;
  /** Undoes one open(). */
  release(id: string): void;
  /** For the http server's 'upgrade' event on /collab/<id>. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Saves notebook `id` now if it is open with unsaved changes (e.g. after a rename over HTTP, before listing files). */
  flush(id: string): Promise<void>;
  /** The notebook was deleted: disconnect its clients, never save it again, move its log aside. */
  close(id: string): Promise<void>;
  /** Saves and compacts every open notebook and closes every socket. */
  shutdown(): Promise<void>;
  /**
   * Re-decides the access of every open connection of notebook `id` (null: of every open
   * notebook) after a change the upgrade check could not foresee — a share withdrawn or
   * lowered, a marking raised, an account disabled. `decide` answers as the upgrade check
   * would now: a refusal closes the connection (CloseCode.accessRevoked), an access is set
   * in place. Resolves once every connection is decided.
   */
  recheck(id: string | null, decide: (identity: CollabIdentity, notebookId: string) => Promise<AccessDecision>): Promise<RecheckCounts>;
  /** On start: every notebook in `ids` that has a log is rebuilt from it and its file rewritten if it lags. */
  replayAll(ids: readonly string[]): Promise<void>;
}

/** Transaction origin of the server giving an old document's cells their order keys. */
const MIGRATE_ORIGIN = 'carnet-collab-migrate';

interface Entry {
  holders: number;
  ready: Promise<Room>;
  unloading: Promise<void> | null;
  timer: NodeJS.Timeout | null;
}

export function createCollab(options: CollabOptions): Collab {
  const onError = options.onError ?? ((e: unknown) => console.error('collab:', e));
  const warn = options.warn ?? ((m: string) => console.warn(`collab: ${m}`));
  const now = options.now ?? Date.now;
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  const rooms = new Map<string, Entry>();
  let accepting = true;

  const openRoom = async (id: string): Promise<Room> => {
    const data = await options.load(id);
    if (data === null) throw new NotFoundError(`notebook "${id}" not found`);
    const loaded = await loadRoom({ stateDir: options.stateDir, id, data, stamp, warn });
    const room: Room = new Room({
      id,
      doc: loaded.doc,
      log: loaded.log,
      retiredClients: new Set(loaded.hashes.retired ?? []),
      save: fileWriter(id, loaded.doc, loaded.paths, loaded.hashes),
      saveDebounceMs: options.saveDebounceMs ?? 1000,
      compactEvery: options.compactEvery ?? 1000,
      awarenessLimits: { ...defaultAwarenessLimits, ...options.awarenessLimits },
      maxAwarenessIdsPerConnection: options.maxAwarenessIdsPerConnection ?? 4,
      onError,
      warn,
      ...(options.onEdit ? { onEdit: (author: { userId: string | null; name: string | null }) => options.onEdit!(id, author) } : {}),
    });
    if (loaded.differsFromFile) room.markChanged();
    // A log from before cells had order keys: number them once, here, as a logged server
    // change, rather than let clients race to do it (see core/notebook/ydoc.ts).
    if (lacksPositions(loaded.doc)) numberCells(loaded.doc, MIGRATE_ORIGIN);
    return room;
  };

  /** Writes the doc to the file, recording the text's hash before and after (see state-files). */
  const fileWriter = (id: string, doc: Y.Doc, paths: StatePaths, initial: SavedHashes) => {
    let hashes = initial;
    return async () => {
      try {
        const data = docToNotebook(doc);
        const hash = notebookHash(data);
        if (hash === hashes.saved) return;
        hashes = { ...hashes, pending: hash };
        await writeSavedHashes(paths, hashes);
        await options.save(id, data);
        const { pending: _, ...rest } = hashes;
        hashes = { ...rest, saved: hash };
        await writeSavedHashes(paths, hashes);
      } catch (e) {
        throw new Error(`notebook "${id}": save failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    };
  };

  const acquire = async (id: string): Promise<Room> => {
    if (!NOTEBOOK_ID.test(id)) throw new NotFoundError(`notebook "${id.slice(0, 100)}" not found`);
    for (;;) {
      if (!accepting) throw new Error(`notebook "${id}": collaboration is shutting down`);
      const existing = rooms.get(id);
      if (existing?.unloading) {
        await existing.unloading;
        continue;
      }
      const entry = existing ?? newEntry(id);
      entry.holders++;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      try {
        return await entry.ready;
      } catch (e) {
        entry.holders--;
        throw e;
      }
    }
  };

  const newEntry = (id: string): Entry => {
    const entry: Entry = { holders: 0, ready: openRoom(id), unloading: null, timer: null };
    // A failed load leaves nothing behind: the next open() tries again from scratch.
    entry.ready.catch(() => {
      if (rooms.get(id) === entry) rooms.delete(id);
    });
    rooms.set(id, entry);
    return entry;
  };

  const release = (id: string): void => {
    const entry = rooms.get(id);
    if (!entry || entry.holders === 0 || entry.unloading) return;
    entry.holders--;
    if (entry.holders > 0) return;
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (entry.holders === 0) void unload(id, entry, { save: true, code: CloseCode.goingAway, reason: 'notebook closed' });
    }, options.unloadDelayMs ?? 2000);
    entry.timer.unref();
  };

  const unload = (id: string, entry: Entry, how: Parameters<Room['unload']>[0]): Promise<void> => {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    entry.unloading ??= entry.ready
      .then((room) => room.unload(how), () => undefined)
      .catch(onError)
      .finally(() => {
        if (rooms.get(id) === entry) rooms.delete(id);
      });
    return entry.unloading;
  };

  const upgrades = createUpgradeHandler({
    allowedOrigins: options.allowedOrigins,
    authorize: options.authorize,
    acquire,
    release,
    accepting: () => accepting,
    limits: { ...defaultConnectionLimits, ...options.connectionLimits },
    now,
    onError,
  });

  const keepalive = setInterval(async () => {
    for (const entry of rooms.values()) {
      const room = await entry.ready.catch(() => null);
      for (const conn of room?.allConnections ?? []) {
        if (!conn.alive) {
          conn.terminate();
          continue;
        }
        conn.alive = false;
        conn.socket.ping();
      }
    }
  }, options.pingIntervalMs ?? 15_000);
  keepalive.unref();

  return {
    open: async (id) => (await acquire(id)).doc,
    release,
    handleUpgrade: (req, socket, head) => upgrades.handleUpgrade(req, socket, head),

    async flush(id) {
      const entry = rooms.get(id);
      if (!entry || entry.unloading) return entry?.unloading ?? undefined;
      const room = await entry.ready.catch(() => null);
      await room?.flushSave();
    },

    async close(id) {
      const entry = rooms.get(id);
      if (entry) {
        // Before anything else: an unload already under way must not save it back.
        (await entry.ready.catch(() => null))?.stopSaving();
        await unload(id, entry, { save: false, code: CloseCode.notebookGone, reason: `notebook "${id}" was deleted` });
      }
      if (!NOTEBOOK_ID.test(id)) return;
      const paths = statePaths(options.stateDir, id);
      if (!rooms.has(id) && (await hasDurableState(paths))) await moveAside(paths, stamp());
    },

    async shutdown() {
      accepting = false;
      clearInterval(keepalive);
      await Promise.all(
        [...rooms].map(([id, entry]) =>
          unload(id, entry, { save: true, code: CloseCode.goingAway, reason: 'server shutting down; reconnecting' }),
        ),
      );
      await closeSockets(upgrades.clients);
      upgrades.close();
    },

    async recheck(id, decide) {
      const total: RecheckCounts = { checked: 0, closed: 0, changed: 0 };
      const entries = id === null ? [...rooms.values()] : [rooms.get(id)].filter((e): e is Entry => e !== undefined);
      for (const entry of entries) {
        // A room being unloaded is closing its connections anyway.
        if (entry.unloading) continue;
        const room = await entry.ready.catch(() => null);
        if (!room) continue;
        const counts = await room.recheck(decide);
        total.checked += counts.checked;
        total.closed += counts.closed;
        total.changed += counts.changed;
      }
      return total;
    },

    async replayAll(ids) {
      for (const id of ids) {
        if (!NOTEBOOK_ID.test(id) || rooms.has(id)) continue;
        if (!(await hasDurableState(statePaths(options.stateDir, id)))) continue;
        try {
          const room = await acquire(id);
          try {
            await room.flushSave();
          } finally {
            release(id);
          }
        } catch (e) {
          if (e instanceof NotFoundError) warn(`notebook "${id}": has an update log but no file; log left as is`);
          else onError(e);
        }
      }
    },
  };
}

/** Gives closing sockets a moment to finish their handshake, then drops the rest. */
async function closeSockets(clients: Set<WebSocket>): Promise<void> {
  for (let waited = 0; clients.size > 0 && waited < 1000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const ws of clients) ws.terminate();
}
