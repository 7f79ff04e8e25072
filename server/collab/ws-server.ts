/**
 * The HTTP `upgrade` boundary of /collab/<notebookId>: everything about a connection is
 * decided here, before a websocket exists — path, Origin, identity, and that the
 * notebook exists and loads. A refused request gets a plain HTTP answer (404, 403, …);
 * a notebook whose file cannot be read is refused after the upgrade with a close reason
 * the browser can show (browsers hide HTTP answers to websocket requests).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CarnetError } from '../errors.js';
import { CloseCode, Connection, truncateReason, type CollabIdentity, type ConnectionLimits } from './connection.js';
import type { Room } from './room.js';

/**
 * Thrown by an `authorize` hook to refuse with a status other than 403: 401 when the
 * request carries no valid session or token (null still means "signed in, not allowed").
 */
export class UpgradeRefusal extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'UpgradeRefusal';
  }
}

/** Notebook ids as the notebook store accepts them. */
export const NOTEBOOK_ID = /^[A-Za-z0-9_-]{1,100}$/;
const PATH = /^\/collab\/([^/]+)$/;
const MAX_PAYLOAD = 1024 * 1024;

export interface UpgradeOptions {
  /** Browser origins allowed besides the server's own (e.g. "https://carnet.example"). */
  allowedOrigins?: readonly string[];
  /** Who is connecting; null refuses. Absent: everyone may edit (no auth yet). */
  authorize?: (req: IncomingMessage) => Promise<CollabIdentity | null>;
  /** Opens (or joins) the room of `id`; throws NotFound for an unknown notebook. */
  acquire: (id: string) => Promise<Room>;
  /** Undoes one acquire. */
  release: (id: string) => void;
  accepting: () => boolean;
  limits: ConnectionLimits;
  now: () => number;
  onError: (e: unknown) => void;
}

export interface UpgradeHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open websockets, for shutdown. */
  readonly clients: Set<WebSocket>;
  close(): void;
}

export function createUpgradeHandler(options: UpgradeOptions): UpgradeHandler {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });
  wss.on('error', options.onError);

  const accept = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    if (!options.accepting()) return refuse(socket, 503, 'server shutting down');
    const id = notebookIdOf(req.url);
    if (id === null) return refuse(socket, 404, 'not a notebook: use /collab/<notebook id>');
    if (!originAllowed(req, options.allowedOrigins ?? [])) return refuse(socket, 403, 'origin not allowed');
    let identity: CollabIdentity | null = null;
    if (options.authorize) {
      try {
        identity = await options.authorize(req);
      } catch (e) {
        if (e instanceof UpgradeRefusal) return refuse(socket, e.status, e.message);
        throw e;
      }
      if (identity === null) return refuse(socket, 403, 'not allowed to open this notebook');
    }
    let room: Room | null = null;
    let loadProblem: string | null = null;
    try {
      room = await options.acquire(id);
    } catch (e) {
      if (e instanceof CarnetError && e.status === 404) return refuse(socket, 404, `notebook "${id}" not found`);
      loadProblem = e instanceof Error ? e.message : String(e);
      options.onError(e);
    }
    if (socket.destroyed) {
      if (room) options.release(id);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      if (room === null) {
        ws.close(CloseCode.notebookUnreadable, truncateReason(loadProblem ?? 'notebook cannot be opened'));
        return;
      }
      serve(room, ws, identity, id);
    });
  };

  const serve = (room: Room, ws: WebSocket, identity: CollabIdentity | null, id: string): void => {
    const conn = new Connection(ws, identity, options.limits, options.now);
    let released = false;
    ws.on('message', (data: RawData, isBinary: boolean) => room.receive(conn, toBytes(data), isBinary));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('close', () => {
      room.leave(conn);
      if (!released) {
        released = true;
        options.release(id);
      }
    });
    room.join(conn);
  };

  return {
    clients: wss.clients,
    handleUpgrade(req, socket, head) {
      // A reset during the async checks must not become an uncaught 'error'.
      socket.on('error', () => socket.destroy());
      accept(req, socket, head).catch((e: unknown) => {
        options.onError(e);
        refuse(socket, 500, 'internal error');
      });
    },
    close() {
      wss.close();
    },
  };
}

/** The notebook id of a /collab/<id> request URL, or null. */
export function notebookIdOf(url: string | undefined): string | null {
  let pathname: string;
  try {
    pathname = new URL(url ?? '', 'http://localhost').pathname;
  } catch {
    return null;
  }
  const id = PATH.exec(pathname)?.[1];
  return id !== undefined && NOTEBOOK_ID.test(id) ? id : null;
}

/**
 * Browsers always send Origin on websocket requests; a page elsewhere must not reach the
 * notebook with the user's cookies (cross-site websocket hijacking). Non-browser clients
 * send none and are let through (authentication still applies).
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.some((a) => sameOrigin(a, parsed.origin))) return true;
  const host = req.headers.host;
  return host !== undefined && parsed.host.toLowerCase() === host.toLowerCase();
}

function sameOrigin(a: string, origin: string): boolean {
  try {
    return new URL(a).origin === origin;
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A private copy: lib0 decoders read `.buffer`, and ws may hand out views of a shared one. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data);
}
