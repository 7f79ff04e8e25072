/**
 * One open notebook: the server's Y.Doc replica, its connections, presence, update log
 * and debounced saver. This is where every websocket message is checked and acted on.
 *
 * An update from a client goes: decode-check (protocol.ts) → append to the log and
 * fdatasync → apply to the doc with the connection as origin → broadcast to the others.
 * A change made on the server itself (the HTTP layer editing the doc returned by open())
 * is already in the doc when we hear of it: it is logged, then broadcast.
 */
import * as Y from 'yjs';
import { CloseCode, Connection, type AccessDecision, type CollabIdentity } from './connection.js';
import { Presence } from './presence.js';
import {
  decodeClientMessage,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
  type AwarenessLimits,
  type ClientMessage,
  type ClientMessageKind,
} from './protocol.js';
import { DebouncedSaver } from './saver.js';
import { extents, forbiddenContent, incompleteReason, isEmptyUpdate, type DecodedUpdate } from './update-check.js';
import type { UpdateLog } from './update-log.js';
import { commentPolicyProblem, mayCarryMessages } from './comment-policy.js';

export interface RoomOptions {
  id: string;
  doc: Y.Doc;
  log: UpdateLog;
  /** Client ids of replicas from before the notebook was reloaded from its file. */
  retiredClients: ReadonlySet<number>;
  /** Writes the doc to the notebook file (manager.ts supplies it). */
  save: () => Promise<void>;
  saveDebounceMs: number;
  /** Compact the log after this many records. */
  compactEvery: number;
  awarenessLimits: AwarenessLimits;
  maxAwarenessIdsPerConnection: number;
  onError: (e: unknown) => void;
  warn: (message: string) => void;
  /** Told who made each client edit the room applied (history credits its authors). */
  onEdit?: (author: { userId: string | null; name: string | null }) => void;
}

/** What a re-check did: connections decided on, closed, and given another access. */
export interface RecheckCounts {
  checked: number;
  closed: number;
  changed: number;
}

type Handler<K extends ClientMessageKind> = (room: Room, conn: Connection, message: Extract<ClientMessage, { kind: K }>) => void;

/** Every client message kind and what it does; a kind without a handler is a type error. */
const handlers: { [K in ClientMessageKind]: Handler<K> } = {
  syncStep1: (room, conn, { stateVector }) => room.answerSyncStep1(conn, stateVector),
  syncStep2: (room, conn, { update, decoded }) => room.receiveUpdate(conn, update, decoded),
  update: (room, conn, { update, decoded }) => room.receiveUpdate(conn, update, decoded),
  awareness: (room, conn, { entries }) => room.presence.receive(conn, entries),
  queryAwareness: (room, conn) => {
    const everyone = room.presence.everyone();
    if (everyone) conn.send(everyone);
  },
  // Permission messages only flow server → client.
  auth: () => undefined,
};

export class Room {
  readonly id: string;
  readonly doc: Y.Doc;
  readonly presence: Presence;
  private readonly connections = new Set<Connection>();
  /** Per client, the clock reached by accepted updates (some may not be applied yet). */
  private readonly accepted = new Map<number, number>();
  private readonly saver: DebouncedSaver;
  /** Set when unloading starts: no one joins any more. */
  private closing = false;
  /** Set once the doc no longer takes updates. */
  private closed = false;

  constructor(private readonly options: RoomOptions) {
    this.id = options.id;
    this.doc = options.doc;
    this.presence = new Presence(this.doc, options.maxAwarenessIdsPerConnection, (frame) => this.broadcast(frame, null));
    this.saver = new DebouncedSaver(options.save, options.saveDebounceMs, options.onError);
    this.doc.on('update', this.onDocUpdate);
  }

  /** Connections, for keepalive. */
  get allConnections(): ReadonlySet<Connection> {
    return this.connections;
  }

  /** Starts serving `conn`: it gets the current presence; the client opens with sync step 1. */
  join(conn: Connection): void {
    if (this.closing) {
      conn.close(CloseCode.tryAgainLater, `notebook "${this.id}" is closing; reconnect`);
      return;
    }
    this.connections.add(conn);
    const everyone = this.presence.everyone();
    if (everyone) conn.send(everyone);
  }

  /** Stops serving `conn` and removes its presence. */
  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.presence.disconnect(conn);
  }

  /** Checks and handles one websocket frame. Never throws: a bad frame closes its connection. */
  receive(conn: Connection, data: Uint8Array, isBinary: boolean): void {
    conn.alive = true;
    if (this.closed || !this.connections.has(conn)) return;
    if (!conn.takeToken()) {
      this.refuse(conn, CloseCode.policyViolation, 'rate limit exceeded: too many messages per second');
      return;
    }
    if (!isBinary) {
      this.refuse(conn, CloseCode.unsupportedData, 'text frames are not part of the protocol');
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(data, this.options.awarenessLimits);
    } catch (e) {
      if (e instanceof ProtocolError) this.refuse(conn, e.closeCode, e.message);
      else this.fail(conn, e);
      return;
    }
    try {
      (handlers[message.kind] as (room: Room, conn: Connection, message: ClientMessage) => void)(this, conn, message);
    } catch (e) {
      this.fail(conn, e);
    }
  }

  /** Sync step 1 from a client: answer with what it lacks, then ask for what we lack. */
  answerSyncStep1(conn: Connection, stateVector: Uint8Array): void {
    if (this.isStale(stateVector)) {
      this.refuse(conn, CloseCode.staleReplica, `notebook "${this.id}" was reloaded from its file; reload the page`);
      return;
    }
    conn.send(encodeSyncStep2(this.doc, stateVector));
    conn.send(encodeSyncStep1(this.doc));
  }

  /** A document update (or sync step 2) from a client: check, log, apply, broadcast. */
  receiveUpdate(conn: Connection, update: Uint8Array, decoded: DecodedUpdate): void {
    // An idle sync step 2 is no edit, from a viewer either.
    if (isEmptyUpdate(decoded)) return;
    if (!conn.canEdit && !conn.commentOnly) {
      this.deny(conn, 'read-only access: your edits are not saved');
      return;
    }
    const forbidden = forbiddenContent(decoded);
    if (forbidden) {
      this.refuse(conn, CloseCode.invalidData, forbidden);
      return;
    }
    if (incompleteReason(decoded, this.known) !== null) {
      // Honest clients get here only by racing ahead of themselves (e.g. tabs sharing edits
      // over BroadcastChannel): ask for everything we lack instead.
      if (conn.mayAskResync()) conn.send(encodeSyncStep1(this.doc));
      return;
    }
    const identity = conn.identity;
    if (conn.commentOnly) {
      // Inside the threads and only one's own messages; see comment-policy.ts.
      if (identity === null || commentPolicyProblem(this.doc, update, { userId: identity.userId, commenter: true }, this.inFlight) !== null) {
        this.deny(conn, 'comment-only access: only your comments are saved');
        return;
      }
    } else if (identity && !identity.anonymous && mayCarryMessages(decoded)) {
      // With accounts, no one posts a comment in someone else's name.
      if (commentPolicyProblem(this.doc, update, { userId: identity.userId, commenter: false }, this.inFlight) !== null) {
        this.deny(conn, 'comments are saved only under your own name');
        return;
      }
    }
    for (const [client, end] of extents(decoded)) {
      if (end > this.known(client)) this.accepted.set(client, end);
    }
    this.inFlight.add(update);
    this.options.log.append(update).then(
      () => {
        this.inFlight.delete(update);
        if (this.closed) return;
        try {
          // Broadcast and saving follow from the doc's 'update' event (onDocUpdate).
          Y.applyUpdate(this.doc, update, conn);
        } catch (e) {
          this.fail(conn, e);
          return;
        } finally {
          this.maybeCompact();
        }
        try {
          this.options.onEdit?.({ userId: conn.identity?.userId ?? null, name: this.presence.nameOf(conn) });
        } catch (e) {
          this.options.onError(e);
        }
      },
      (e: unknown) => {
        this.inFlight.delete(update);
        this.options.onError(new Error(`notebook "${this.id}": could not log an update: ${String(e)}`));
        // The client resends what we lack when it reconnects and syncs.
        conn.close(CloseCode.serverError, 'server could not store the update; reconnecting resends it');
      },
    );
  }

  /** Updates accepted and being logged, not yet applied: a check of the next one must see them. */
  private readonly inFlight = new Set<Uint8Array>();

  /**
   * The next clock of `client` counting updates accepted but still being logged, so that
   * a client's quick succession of updates is not taken for a gap.
   */
  private readonly known = (client: number): number =>
    Math.max(Y.getState(this.doc.store, client), this.accepted.get(client) ?? 0);

  /**
   * Re-decides every connection's access (its share, marking or account changed since it
   * connected): a refusal closes it with CloseCode.accessRevoked and the reason, so nothing
   * more reaches it; otherwise what it may do is set in place. Connections without an
   * identity (no authorize hook) are left alone. A decision that throws leaves that
   * connection as it was and is reported.
   */
  async recheck(decide: (identity: CollabIdentity, notebookId: string) => Promise<AccessDecision>): Promise<RecheckCounts> {
    const counts: RecheckCounts = { checked: 0, closed: 0, changed: 0 };
    for (const conn of [...this.connections]) {
      const identity = conn.identity;
      if (!identity) continue;
      let decision: AccessDecision;
      try {
        decision = await decide(identity, this.id);
      } catch (e) {
        this.options.onError(e);
        continue;
      }
      counts.checked++;
      if (!this.connections.has(conn)) continue;
      if (decision === null || 'refused' in decision) {
        const reason = decision?.refused ?? `you may no longer open notebook "${this.id}"`;
        this.options.warn(`notebook "${this.id}": closed the connection of user ${identity.userId}: ${reason}`);
        conn.close(CloseCode.accessRevoked, reason);
        this.leave(conn);
        counts.closed++;
      } else if (decision.canEdit !== conn.canEdit || (decision.commentOnly === true) !== conn.commentOnly) {
        conn.setAccess(decision);
        counts.changed++;
      }
    }
    return counts;
  }

  /** Closes every connection with `code` and `reason`. */
  kick(code: number, reason: string): void {
    for (const conn of [...this.connections]) {
      conn.close(code, reason);
      this.leave(conn);
    }
  }

  /** Saves now if there are unsaved changes. */
  flushSave(): Promise<void> {
    return this.saver.flush();
  }

  /** No more saves from now on (the notebook was deleted); a save already running finishes. */
  stopSaving(): void {
    this.saver.cancel();
  }

  /** Marks the doc changed so that it is saved (e.g. after a replay found edits the file lacks). */
  markChanged(): void {
    this.saver.schedule();
  }

  /** Writes a snapshot of the doc and empties the log. */
  compact(): Promise<void> {
    return this.options.log.compact(() => Y.encodeStateAsUpdate(this.doc));
  }

  /**
   * Ends the room: kicks connections, saves (unless `save` is false: a deleted notebook),
   * compacts, closes the log and destroys the doc. Saving comes before anything is torn
   * down, so an unload never drops a pending save.
   */
  async unload({ save, code, reason }: { save: boolean; code: number; reason: string }): Promise<void> {
    this.closing = true;
    if (!save) this.saver.cancel();
    this.kick(code, reason);
    // Compaction first: it waits for updates still being logged, which then get applied,
    // so the save below sees them.
    await this.compact().catch(this.options.onError);
    if (save) await this.saver.flush();
    this.saver.cancel();
    this.closed = true;
    await this.options.log.close();
    this.doc.off('update', this.onDocUpdate);
    this.presence.destroy();
    this.doc.destroy();
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin instanceof Connection) {
      // Already in the log: receiveUpdate appended it before applying.
      this.broadcast(encodeUpdate(update), origin);
      this.saver.schedule();
      return;
    }
    // A change made on the server: already in memory, so log it before anyone hears of it.
    this.saver.schedule();
    this.options.log.append(update).then(
      () => {
        this.broadcast(encodeUpdate(update), null);
        this.maybeCompact();
      },
      (e: unknown) => this.options.onError(new Error(`notebook "${this.id}": could not log a server-side change: ${String(e)}`)),
    );
  };

  private broadcast(frame: Uint8Array, except: Connection | null): void {
    for (const conn of this.connections) {
      if (conn !== except) conn.send(frame);
    }
  }

  private maybeCompact(): void {
    if (this.closed || this.options.log.recordCount < this.options.compactEvery) return;
    this.compact().catch(this.options.onError);
  }

  private isStale(stateVector: Uint8Array): boolean {
    if (this.options.retiredClients.size === 0) return false;
    for (const [client, clock] of Y.decodeStateVector(stateVector)) {
      if (clock > 0 && this.options.retiredClients.has(client)) return true;
    }
    return false;
  }

  /** Drops an update the connection may not make; the client is told once. */
  private deny(conn: Connection, message: string): void {
    if (conn.firstDenial()) conn.send(encodePermissionDenied(message));
  }

  /** A client broke the protocol: close it, note it once. */
  private refuse(conn: Connection, code: number, reason: string): void {
    const who = conn.identity ? ` (user ${conn.identity.userId})` : '';
    this.options.warn(`notebook "${this.id}": closed a connection${who}: ${reason}`);
    conn.close(code, reason);
    this.leave(conn);
  }

  /** Our own bug or an unexpected state while handling a message. */
  private fail(conn: Connection, e: unknown): void {
    this.options.onError(e);
    conn.close(CloseCode.serverError, 'internal error while handling a message');
    this.leave(conn);
  }
}
