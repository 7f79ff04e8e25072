/**
 * The collaboration wire protocol, defined once: y-websocket's message layout
 * (a varUint message type, then its body) as the stock `WebsocketProvider` speaks it.
 *
 * Pure functions only. `decodeClientMessage` is the boundary check for every frame a
 * client sends: it either returns one well-formed message or throws a ProtocolError
 * saying what was wrong and where; nothing behind it sees raw bytes.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { DecodedUpdate } from './update-check.js';

/** Top-level message types (y-websocket numbering). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
/** Sub-types of a `sync` message (y-protocols/sync numbering). */
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;
/** Sub-type of an `auth` message (y-protocols/auth numbering). */
const authPermissionDenied = 0;

/** Limits applied while decoding awareness updates. */
export interface AwarenessLimits {
  /** Largest JSON text of one client's state, in bytes. */
  maxStateBytes: number;
  /** Most entries accepted in one awareness message. */
  maxEntries: number;
}

/**
 * The stock client echoes every awareness change it receives, so one honest message can
 * carry an entry per participant: the entry cap is high, the state cap is not.
 */
export const defaultAwarenessLimits: AwarenessLimits = { maxStateBytes: 8 * 1024, maxEntries: 256 };

/** One client's entry in an awareness update; `state` null means "this client left". */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** A message from a client, decoded and checked. */
export type ClientMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2'; update: Uint8Array; decoded: DecodedUpdate }
  | { kind: 'update'; update: Uint8Array; decoded: DecodedUpdate }
  /** `oversize`: how many entries were dropped for exceeding the state size cap. */
  | { kind: 'awareness'; entries: AwarenessEntry[]; oversize: number }
  | { kind: 'queryAwareness' }
  | { kind: 'auth' };

export type ClientMessageKind = ClientMessage['kind'];

/** A frame that does not follow the protocol. `closeCode` is the websocket code to answer with. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    /** 1003: a kind of data we do not accept; 1007: data inconsistent with its type. */
    readonly closeCode: 1003 | 1007,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/**
 * Decodes one binary frame from a client. Throws ProtocolError on bad varints, unknown
 * types, trailing bytes, undecodable Yjs updates or state vectors, too many awareness
 * entries and awareness states that are not JSON objects. Oversize awareness states are
 * dropped and counted, not fatal.
 */
export function decodeClientMessage(
  frame: Uint8Array,
  limits: AwarenessLimits = defaultAwarenessLimits,
): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  const type = readUint(decoder, 'message type');
  let message: ClientMessage;
  switch (type) {
    case MessageType.sync:
      message = decodeSync(decoder);
      break;
    case MessageType.awareness:
      message = decodeAwareness(readBytes(decoder, 'awareness update'), limits);
      break;
    case MessageType.queryAwareness:
      message = { kind: 'queryAwareness' };
      break;
    case MessageType.auth:
      // Clients have nothing to say in the auth channel; its body is ignored unread.
      return { kind: 'auth' };
    default:
      throw new ProtocolError(`unknown message type: ${type}`, 1003);
  }
  if (decoding.hasContent(decoder)) {
    throw new ProtocolError(`${message.kind} message: ${frame.length - decoder.pos} trailing bytes`, 1007);
  }
  return message;
}

function decodeSync(decoder: decoding.Decoder): ClientMessage {
  const syncType = readUint(decoder, 'sync message type');
  switch (syncType) {
    case SyncType.step1: {
      const stateVector = readBytes(decoder, 'sync step 1 state vector');
      try {
        Y.decodeStateVector(stateVector);
      } catch (e) {
        throw new ProtocolError(`sync step 1: malformed state vector (${errorText(e)})`, 1007);
      }
      return { kind: 'syncStep1', stateVector };
    }
    case SyncType.step2: {
      const update = readBytes(decoder, 'sync step 2 update');
      return { kind: 'syncStep2', update, decoded: decodeUpdate(update, 'sync step 2') };
    }
    case SyncType.update: {
      const update = readBytes(decoder, 'update');
      return { kind: 'update', update, decoded: decodeUpdate(update, 'update') };
    }
    default:
      throw new ProtocolError(`unknown sync message type: ${syncType}`, 1003);
  }
}

/**
 * Yjs can apply a corrupt update partly before it throws, so every update is decoded
 * in full before anything is logged or applied.
 */
function decodeUpdate(update: Uint8Array, where: string): DecodedUpdate {
  try {
    return Y.decodeUpdate(update);
  } catch (e) {
    throw new ProtocolError(`${where}: malformed Yjs update (${errorText(e)})`, 1007);
  }
}

function decodeAwareness(bytes: Uint8Array, limits: AwarenessLimits): ClientMessage {
  const decoder = decoding.createDecoder(bytes);
  const count = readUint(decoder, 'awareness entry count');
  if (count > limits.maxEntries) {
    throw new ProtocolError(`awareness: ${count} entries, at most ${limits.maxEntries} accepted`, 1007);
  }
  const entries: AwarenessEntry[] = [];
  let oversize = 0;
  for (let i = 0; i < count; i++) {
    const clientId = readUint(decoder, `awareness entry ${i} client id`);
    const clock = readUint(decoder, `awareness entry ${i} clock`);
    const json = readBytes(decoder, `awareness entry ${i} state`);
    if (json.length > limits.maxStateBytes) {
      oversize++;
      continue;
    }
    entries.push({ clientId, clock, state: parseState(json, i) });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('awareness: trailing bytes', 1007);
  return { kind: 'awareness', entries, oversize };
}

function parseState(json: Uint8Array, index: number): Record<string, unknown> | null {
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new ProtocolError(`awareness entry ${index}: state is not JSON (${errorText(e)})`, 1007);
  }
  if (state === null) return null;
  if (typeof state !== 'object' || Array.isArray(state)) {
    throw new ProtocolError(`awareness entry ${index}: state must be an object or null`, 1007);
  }
  return state as Record<string, unknown>;
}

function readUint(decoder: decoding.Decoder, what: string): number {
  try {
    const n = decoding.readVarUint(decoder);
    if (Number.isSafeInteger(n)) return n;
  } catch {
    // reported below
  }
  throw new ProtocolError(`${what}: malformed varint at byte ${decoder.pos}`, 1007);
}

function readBytes(decoder: decoding.Decoder, what: string): Uint8Array {
  const length = readUint(decoder, `${what} length`);
  if (length > decoder.arr.length - decoder.pos) {
    throw new ProtocolError(`${what}: length ${length} runs past the end of the message`, 1007);
  }
  return decoding.readUint8Array(decoder, length);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---- server → client messages -------------------------------------------------------

/** Sync step 1: our state vector, asking the client for what we lack. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return frame(MessageType.sync, (e) => {
    encoding.writeVarUint(e, SyncType.step1);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  });
}

/** Sync step 2: everything in `doc` the client (with `stateVector`) lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return frame(MessageType.sync, (e) => {
    encoding.writeVarUint(e, SyncType.step2);
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector));
  });
}

/** One document update, to broadcast. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  return frame(MessageType.sync, (e) => {
    encoding.writeVarUint(e, SyncType.update);
    encoding.writeVarUint8Array(e, update);
  });
}

/** An awareness message carrying an encoded awareness update (y-protocols/awareness). */
export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
  return frame(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, awarenessUpdate));
}

/** An awareness update built from entries (the inverse of the awareness decoding above). */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(e, entry.clientId);
    encoding.writeVarUint(e, entry.clock);
    encoding.writeVarString(e, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(e);
}

/** Tells a client its edits are refused (y-websocket logs the reason). */
export function encodePermissionDenied(reason: string): Uint8Array {
  return frame(MessageType.auth, (e) => {
    encoding.writeVarUint(e, authPermissionDenied);
    encoding.writeVarString(e, reason);
  });
}

function frame(type: number, body: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  body(e);
  return encoding.toUint8Array(e);
}
