/**
 * Presence in a room: the y-protocols Awareness, guarded so that a connection can only
 * set or clear the awareness client ids it introduced itself, at most a few of them, and
 * signed with the name its session gave it. Oversize states never get here (protocol.ts
 * drops them).
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Connection } from './connection.js';
import { encodeAwareness, encodeAwarenessEntries, type AwarenessEntry } from './protocol.js';

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly owners = new Map<number, Connection>();

  constructor(
    doc: Y.Doc,
    private readonly maxIdsPerConnection: number,
    /** Sends a frame to every connection. */
    private readonly broadcast: (frame: Uint8Array) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    // The server is not a participant: no presence of its own.
    this.awareness.setLocalState(null);
    // The sender hears its own change back too: a y-websocket client alone in a room
    // otherwise receives nothing for 30 s and drops the connection as dead.
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChange) => {
      const changed = [...added, ...updated, ...removed];
      this.broadcast(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)));
    });
  }

  /**
   * Applies the entries `conn` may change and ignores the rest. The stock client echoes
   * every state it hears about, so foreign entries are normal traffic, not an attack.
   */
  receive(conn: Connection, entries: readonly AwarenessEntry[]): void {
    const accepted: AwarenessEntry[] = [];
    for (const entry of entries) {
      if (!this.mayChange(conn, entry)) continue;
      accepted.push(conn.identity && entry.state ? { ...entry, state: signed(entry.state, conn) } : entry);
    }
    if (accepted.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), conn);
  }

  /** Every current state, for a newcomer or a query; null when nobody is present. */
  everyone(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length === 0) return null;
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }

  /** Removes the states `conn` introduced (telling the others) and frees its ids. */
  disconnect(conn: Connection): void {
    const ids = [...conn.clientIds];
    for (const id of ids) {
      if (this.owners.get(id) === conn) this.owners.delete(id);
    }
    conn.clientIds.clear();
    awarenessProtocol.removeAwarenessStates(this.awareness, ids, 'disconnect');
  }

  /**
   * The name to credit `conn`'s edits to: the session's, or with authentication off the one
   * its presence shows (the name the person picked), else null.
   */
  nameOf(conn: Connection): string | null {
    if (conn.identity && !conn.identity.anonymous) return conn.identity.displayName || conn.identity.name;
    for (const id of conn.clientIds) {
      const name = userName(this.awareness.getStates().get(id));
      if (name !== null) return name;
    }
    return conn.identity?.name ?? null;
  }

  destroy(): void {
    this.awareness.destroy();
  }

  private mayChange(conn: Connection, entry: AwarenessEntry): boolean {
    if (entry.clientId === this.awareness.clientID) return false;
    const owner = this.owners.get(entry.clientId);
    if (owner === conn) return true;
    if (owner !== undefined) return false;
    // An unowned id is claimed only by news about it: a state with a newer clock than the
    // one we hold. Echoes of states we sent out carry a clock we already have.
    const known = this.awareness.meta.get(entry.clientId);
    if (entry.state === null || (known !== undefined && entry.clock <= known.clock)) return false;
    if (conn.clientIds.size >= this.maxIdsPerConnection) return false;
    conn.clientIds.add(entry.clientId);
    this.owners.set(entry.clientId, conn);
    return true;
  }
}

/**
 * Replaces whatever name and id the client claims by the ones its session established (with
 * authentication off the picked name stays, capped in length).
 */
function signed(state: Record<string, unknown>, conn: Connection): Record<string, unknown> {
  const identity = conn.identity!;
  const user = typeof state.user === 'object' && state.user !== null && !Array.isArray(state.user) ? (state.user as Record<string, unknown>) : {};
  const claimed = typeof user.name === 'string' && user.name.trim() !== '' ? user.name.slice(0, MAX_NAME) : identity.name;
  // Anonymous: nothing to vouch for, the browser's own id and picked name stay.
  if (identity.anonymous) return { ...state, user: { ...user, name: claimed } };
  return { ...state, user: { ...user, id: identity.userId, name: identity.displayName || identity.name } };
}

const MAX_NAME = 80;

function userName(state: Record<string, unknown> | undefined): string | null {
  const user = state?.user;
  if (typeof user !== 'object' || user === null) return null;
  const name = (user as Record<string, unknown>).name;
  return typeof name === 'string' && name.trim() !== '' ? name.slice(0, MAX_NAME) : null;
}
