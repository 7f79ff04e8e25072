/**
 * One client's websocket in a room: who it is, what it may do, the awareness client ids
 * it introduced, its rate limit and liveness. Sending and closing never throw: a socket
 * that went away is simply skipped.
 */
import type { WebSocket } from 'ws';
import type { Credential } from '../auth/types.js';

/** Who is on the other end, as the `authorize` hook established it on upgrade. */
export interface CollabIdentity {
  userId: string;
  /** Login name (access checks use it). */
  name: string;
  /** What others see (presence, history authors); defaults to `name`. */
  displayName?: string;
  /** Viewers (false) read and show presence; their document updates are dropped. */
  canEdit: boolean;
  /**
   * A commenter (with canEdit false): their updates are taken when they change nothing but
   * the comment threads (`doc.getMap('comments')`), and dropped like a viewer's otherwise.
   */
  commentOnly?: boolean;
  /**
   * Authentication is off: the server vouches for no name, so presence keeps the name the
   * person picked in their browser (and history credits it).
   */
  anonymous?: boolean;
  /** How the user signed in (session cookie or API token): re-checks ask whether it still holds. */
  credential?: Credential;
}

export interface ConnectionLimits {
  /** Token bucket: burst size, in messages. */
  burst: number;
  /** Token bucket: sustained rate, in messages per second. */
  perSecond: number;
  /** A client that lets this many bytes pile up unread is dropped. */
  maxBufferedBytes: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  burst: 200,
  perSecond: 100,
  maxBufferedBytes: 16 * 1024 * 1024,
};

/** Close codes a client sees. 4400–4499 make y-websocket stop reconnecting. */
export const CloseCode = {
  goingAway: 1001,
  unsupportedData: 1003,
  invalidData: 1007,
  policyViolation: 1008,
  serverError: 1011,
  tryAgainLater: 1013,
  /** The notebook is gone (deleted) or cannot be opened as it is. */
  notebookGone: 4404,
  /** The client's replica belongs to an earlier version of the notebook: reload the page. */
  staleReplica: 4409,
  /** The notebook file could not be read; a person must fix it. */
  notebookUnreadable: 4422,
  /**
   * The user may no longer open the notebook (share withdrawn, marking raised above their
   * clearance, account disabled): reconnecting would be refused, so the client stops.
   */
  accessRevoked: 4403,
} as const;

/** What a connection may do, as a re-check of its access decides it (see Room.recheck). */
export interface CollabAccess {
  canEdit: boolean;
  commentOnly?: boolean;
}

/** A re-check's answer: the access now, or a refusal and why (null: refused, no reason given). */
export type AccessDecision = CollabAccess | { refused: string } | null;

export class Connection {
  /** Awareness client ids this connection introduced: the only ones it may change. */
  readonly clientIds = new Set<number>();
  /** Cleared on each ping, set by pong or any message; still clear at the next ping = dead. */
  alive = true;
  private tokens: number;
  private lastRefill: number;
  private deniedOnce = false;
  private lastResync = -Infinity;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    private who: CollabIdentity | null,
    private readonly limits: ConnectionLimits,
    private readonly now: () => number,
  ) {
    this.tokens = limits.burst;
    this.lastRefill = now();
  }

  /** Who is on the other end, with what they may do now (a re-check may lower or raise it). */
  get identity(): CollabIdentity | null {
    return this.who;
  }

  /**
   * Changes what this connection may do from its next message on: a downgraded editor's
   * updates are dropped as a viewer's. A connection without an identity (no authorize hook)
   * has nothing to change.
   */
  setAccess(access: CollabAccess): void {
    if (!this.who) return;
    const { commentOnly: _old, ...rest } = this.who;
    // Told again, once, under the new access.
    this.deniedOnce = false;
    this.who = { ...rest, canEdit: access.canEdit, ...(access.commentOnly ? { commentOnly: true } : {}) };
  }

  get canEdit(): boolean {
    return this.identity?.canEdit ?? true;
  }

  /** May change the comment threads only (a commenter). */
  get commentOnly(): boolean {
    return !this.canEdit && this.identity?.commentOnly === true;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  /** Takes one message from the bucket; false means the client is over its rate. */
  takeToken(): boolean {
    const now = this.now();
    const elapsed = Math.max(0, now - this.lastRefill) / 1000;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.perSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Returns true the first time only: a viewer is told once that its edits are refused. */
  firstDenial(): boolean {
    const first = !this.deniedOnce;
    this.deniedOnce = true;
    return first;
  }

  /** At most one resync request a second: a client cannot make us talk faster than that. */
  mayAskResync(): boolean {
    const now = this.now();
    if (now - this.lastResync < 1000) return false;
    this.lastResync = now;
    return true;
  }

  send(frame: Uint8Array): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CloseCode.tryAgainLater, 'client too slow: send buffer full');
      return;
    }
    this.socket.send(frame, { binary: true }, (e) => {
      if (e) this.terminate();
    });
  }

  /** Closes with a code and a reason the client can show (cut to the 123-byte limit). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close(code, truncateReason(reason));
    } catch {
      this.socket.terminate();
    }
  }

  /** Drops the socket without a closing handshake (dead peer). */
  terminate(): void {
    this.closed = true;
    this.socket.terminate();
  }
}

/** A close reason must fit in 123 bytes of UTF-8. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  let cut = 120;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return `${bytes.subarray(0, cut).toString('utf8')}...`;
}
