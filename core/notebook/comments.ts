/**
 * Comment threads in the live notebook document:
 *
 *     doc.getMap('comments')  thread id → Y.Map {
 *         id, cellId,
 *         start, end          Yjs relative positions (encoded) in the cell's Y.Text, when the
 *                             thread is about a range: they follow the text as people edit it
 *         resolvedBy, resolvedByAccount?: {id}, resolvedAt   while resolved
 *         messages            Y.Array of plain {id, author, authorId?, at, text}, oldest first
 *     }
 *
 * Threads live beside the cells, not inside them, so a cell can be deleted and brought back
 * (undo, restore) with its discussion. A thread whose cell is gone is kept in the document
 * but not read out (docToNotebook, the panel). Everything read here came from some client:
 * malformed threads and messages are skipped, never trusted.
 */
import * as Y from 'yjs';
import { asCellId } from '../ids.js';
import type { CommentMessage, CommentThread } from './model.js';

export const COMMENTS = 'comments';
/** A resolved thread's resolver account, `{id}`: an object, so servers check it like a message's authorId. */
export const RESOLVER_ACCOUNT = 'resolvedByAccount';
const MAX_TEXT = 10_000;
const THREAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Finds a cell's live text by cell id. */
export type TextOf = (cellId: string) => Y.Text | undefined;

/** The threads map. */
export function getComments(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(COMMENTS);
}

/** A new random id for a thread or message: a letter and 11 base-36 characters. */
export function newCommentId(prefix: 't' | 'm'): string {
  const bytes = new Uint8Array(11);
  globalThis.crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/** Checks a message from a person before it enters the document. Throws naming the problem. */
export function checkMessage(m: CommentMessage): void {
  if (m.text.trim() === '') throw new Error('a comment cannot be empty');
  if (m.text.length > MAX_TEXT) throw new Error(`a comment is at most ${MAX_TEXT} characters (this one has ${m.text.length})`);
  if (m.author.trim() === '') throw new Error('a comment needs an author');
}

/** Starts a thread on a cell (about `anchor` of `text` when given). */
export function addThread(
  doc: Y.Doc,
  thread: { id: string; cellId: string; anchor?: { from: number; to: number }; message: CommentMessage },
  text: Y.Text | undefined,
  origin?: unknown,
): void {
  checkMessage(thread.message);
  doc.transact(() => {
    getComments(doc).set(thread.id, threadMap({ id: thread.id, cellId: asCellId(thread.cellId), messages: [thread.message], ...(thread.anchor ? { anchor: thread.anchor } : {}) }, text));
  }, origin);
}

/** Adds a reply; false when the thread is gone. */
export function addReply(doc: Y.Doc, threadId: string, message: CommentMessage, origin?: unknown): boolean {
  checkMessage(message);
  let found = false;
  doc.transact(() => {
    const thread = getComments(doc).get(threadId);
    const messages = thread?.get('messages');
    if (!(messages instanceof Y.Array)) return;
    messages.push([{ ...message }]);
    found = true;
  }, origin);
  return found;
}

/** Resolves (`resolved` given) or reopens (null) a thread. */
export function setResolved(doc: Y.Doc, threadId: string, resolved: { by: string; byId?: string; at: string } | null, origin?: unknown): void {
  doc.transact(() => {
    const thread = getComments(doc).get(threadId);
    if (!thread) return;
    if (resolved) {
      thread.set('resolvedBy', resolved.by);
      if (resolved.byId !== undefined) thread.set(RESOLVER_ACCOUNT, { id: resolved.byId });
      else if (thread.has(RESOLVER_ACCOUNT)) thread.delete(RESOLVER_ACCOUNT);
      thread.set('resolvedAt', resolved.at);
    } else {
      thread.delete('resolvedBy');
      if (thread.has(RESOLVER_ACCOUNT)) thread.delete(RESOLVER_ACCOUNT);
      thread.delete('resolvedAt');
    }
  }, origin);
}

/** Deletes one message; a thread left without messages is deleted too. */
export function deleteMessage(doc: Y.Doc, threadId: string, messageId: string, origin?: unknown): void {
  doc.transact(() => {
    const comments = getComments(doc);
    const messages = comments.get(threadId)?.get('messages');
    if (!(messages instanceof Y.Array)) return;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages.get(i) as { id?: unknown } | null;
      if (m && m.id === messageId) messages.delete(i, 1);
    }
    if (messages.length === 0) comments.delete(threadId);
  }, origin);
}

/** Deletes a whole thread. */
export function deleteThread(doc: Y.Doc, threadId: string, origin?: unknown): void {
  doc.transact(() => getComments(doc).delete(threadId), origin);
}

/** Writes `threads` into the comments map (inside the caller's transaction: loading a file). */
export function loadComments(doc: Y.Doc, threads: readonly CommentThread[], textOf: TextOf): void {
  const map = getComments(doc);
  for (const thread of threads) map.set(thread.id, threadMap(thread, textOf(thread.cellId)));
}

/**
 * The threads whose cell exists, with anchors as current offsets, oldest first (by the time
 * of their first message, then id). Malformed entries are skipped.
 */
export function readComments(doc: Y.Doc, textOf: TextOf): CommentThread[] {
  const out: CommentThread[] = [];
  for (const [key, map] of getComments(doc).entries()) {
    if (!(map instanceof Y.Map)) continue;
    const thread = readThread(doc, key, map, textOf);
    if (thread) out.push(thread);
  }
  return out.sort((a, b) => {
    const at = a.messages[0]!.at;
    const bt = b.messages[0]!.at;
    return at < bt ? -1 : at > bt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function threadMap(thread: CommentThread, text: Y.Text | undefined): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', thread.id);
  map.set('cellId', thread.cellId);
  if (thread.anchor && text) {
    const length = text.length;
    const from = clamp(thread.anchor.from, 0, length);
    const to = clamp(thread.anchor.to, from, length);
    // The start sticks to the character after it, the end to the one before: text typed
    // at either edge stays outside the range.
    map.set('start', Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, from, 0)));
    map.set('end', Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, to, -1)));
  }
  if (thread.resolved) {
    map.set('resolvedBy', thread.resolved.by);
    if (thread.resolved.byId !== undefined) map.set(RESOLVER_ACCOUNT, { id: thread.resolved.byId });
    map.set('resolvedAt', thread.resolved.at);
  }
  map.set('messages', Y.Array.from(thread.messages.map((m) => ({ ...m }))));
  return map;
}

function readThread(doc: Y.Doc, key: string, map: Y.Map<unknown>, textOf: TextOf): CommentThread | null {
  const id = map.get('id');
  const cellId = map.get('cellId');
  const messages = map.get('messages');
  // Only what the file format can hold: a thread it could not save would make the notebook unsavable.
  if (id !== key || !THREAD_ID.test(id) || typeof cellId !== 'string' || !(messages instanceof Y.Array)) return null;
  const text = textOf(cellId);
  if (!text) return null;
  const list = messages.toArray().map(readMessage).filter((m): m is CommentMessage => m !== null);
  if (list.length === 0) return null;
  const thread: CommentThread = { id, cellId: asCellId(cellId), messages: list };
  const anchor = readAnchor(doc, map, text);
  if (anchor) thread.anchor = anchor;
  const by = map.get('resolvedBy');
  const at = map.get('resolvedAt');
  const account = map.get(RESOLVER_ACCOUNT) as { id?: unknown } | undefined;
  const byId = typeof account === 'object' && account !== null && typeof account.id === 'string' ? account.id : undefined;
  if (typeof by === 'string' && typeof at === 'string') thread.resolved = { by, ...(byId !== undefined ? { byId } : {}), at };
  return thread;
}

function readMessage(value: unknown): CommentMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (typeof m.id !== 'string' || typeof m.author !== 'string' || typeof m.at !== 'string' || typeof m.text !== 'string') return null;
  const out: CommentMessage = { id: m.id, author: m.author, at: m.at, text: m.text };
  if (typeof m.authorId === 'string') out.authorId = m.authorId;
  return out;
}

/** The anchor's current offsets in `text`, or undefined when it has none (or it no longer resolves there). */
function readAnchor(doc: Y.Doc, map: Y.Map<unknown>, text: Y.Text): { from: number; to: number } | undefined {
  const start = map.get('start');
  const end = map.get('end');
  if (!(start instanceof Uint8Array) || !(end instanceof Uint8Array)) return undefined;
  try {
    const a = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(start), doc);
    const b = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(end), doc);
    if (!a || !b || a.type !== text || b.type !== text) return undefined;
    return { from: a.index, to: Math.max(a.index, b.index) };
  } catch {
    return undefined;
  }
}

function clamp(n: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, n));
}
