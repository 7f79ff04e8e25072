/**
 * The live notebook: a Y.Doc synced with the server over y-websocket at
 * /collab/<id>. Local changes carry `origin`, so undo tracks only this user's edits.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { presenceUser } from './presence.js';

export type SessionStatus = 'connecting' | 'live' | 'offline' | 'gone' | 'stale' | 'unreadable';

/** The collab server's close code for "you may no longer open this notebook" (access withdrawn). */
export const ACCESS_REVOKED = 4403;

/**
 * Close codes of the collab server that end a session (see server/collab/connection.ts).
 * A withdrawn access ends it like a stale replica: no reconnecting, the server's reason shown
 * (the notebook view then replaces the page with it; see `revoked`).
 */
const TERMINAL: Record<number, SessionStatus> = { 4404: 'gone', 4409: 'stale', 4422: 'unreadable', [ACCESS_REVOKED]: 'stale' };

export class NotebookSession {
  readonly doc = new Y.Doc();
  /** The origin of every change this user makes through the UI. */
  readonly origin = { user: 'local' };
  readonly provider: WebsocketProvider;
  readonly awareness: Awareness;
  /** Undo for structure changes (cells added, moved, deleted, renamed); editors keep their own. */
  readonly undo: Y.UndoManager;
  private status: SessionStatus = 'connecting';
  private closeReason = '';
  private closeCode = 0;
  private readonly listeners = new Set<(status: SessionStatus) => void>();
  private readonly synced: Promise<void>;
  /** Local changes made while not live, not yet handed back to the server. */
  private offlineChanges = false;
  private settle: ReturnType<typeof setTimeout> | undefined;
  private readonly warnOnLeave = (e: BeforeUnloadEvent) => {
    if (!this.hasUnsentChanges()) return;
    // The browser asks "Leave site? Changes you made may not be saved." (its own words).
    e.preventDefault();
    e.returnValue = '';
  };

  constructor(readonly notebookId: string) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // BroadcastChannel off: every tab syncs through the server, which is what makes an edit durable.
    this.provider = new WebsocketProvider(`${scheme}://${location.host}/collab`, notebookId, this.doc, { disableBc: true, maxBackoffTime: 5000 });
    this.awareness = this.provider.awareness;
    // The remembered name for now; client/collab replaces it with the account's, or asks for one.
    const { name, color, colorLight, id } = presenceUser();
    this.awareness.setLocalStateField('user', { name, color, colorLight, id });
    this.undo = new Y.UndoManager(this.doc.getArray('cells'), { trackedOrigins: new Set([this.origin]), captureTimeout: 300 });
    this.synced = new Promise((resolve) => {
      if (this.provider.synced) resolve();
      else this.provider.once('sync', () => resolve());
    });
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.set(this.provider.synced ? 'live' : 'connecting');
      else if (status === 'disconnected') this.set('offline');
    });
    this.provider.on('sync', (isSynced: boolean) => {
      if (!isSynced) return;
      this.set('live');
      this.settleOfflineChanges();
    });
    this.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin !== this.provider && this.status !== 'live') this.offlineChanges = true;
    });
    window.addEventListener('beforeunload', this.warnOnLeave);
    this.provider.on('closed', ({ code, reason }: { code: number; reason: string }) => {
      this.closeReason = reason;
      this.closeCode = code;
      this.set(TERMINAL[code] ?? 'offline');
    });
  }

  /** Resolves once the document holds the server's state. */
  whenSynced(): Promise<void> {
    return this.synced;
  }

  getStatus(): SessionStatus {
    return this.status;
  }

  /** Why the server ended the session, when it said. */
  getCloseReason(): string {
    return this.closeReason;
  }

  /** The server ended the session because this user may no longer open the notebook. */
  get revoked(): boolean {
    return this.closeCode === ACCESS_REVOKED;
  }

  onStatus(listener: (status: SessionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * True while this tab holds edits the server may lack: made offline (or after the session
   * ended) and not yet sent back, or still in the socket's send buffer. Closing the tab then
   * loses them, so the page asks first.
   */
  hasUnsentChanges(): boolean {
    return this.offlineChanges || (this.provider.ws?.bufferedAmount ?? 0) > 0;
  }

  /**
   * Offline edits go back when the server asks for what it lacks, which it does right after
   * its answer that makes the provider synced: wait a moment, then for the socket to drain.
   */
  private settleOfflineChanges(): void {
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      if (this.status !== 'live') return;
      if ((this.provider.ws?.bufferedAmount ?? 0) > 0) this.settleOfflineChanges();
      else this.offlineChanges = false;
    }, 250);
  }

  destroy(): void {
    clearTimeout(this.settle);
    window.removeEventListener('beforeunload', this.warnOnLeave);
    this.listeners.clear();
    this.undo.destroy();
    this.awareness.setLocalState(null);
    this.provider.destroy();
    this.doc.destroy();
  }

  private set(status: SessionStatus): void {
    // A terminal state stays: the provider has stopped reconnecting.
    if (this.status === status || this.status === 'gone' || this.status === 'stale' || this.status === 'unreadable') return;
    this.status = status;
    for (const l of this.listeners) l(status);
  }
}
