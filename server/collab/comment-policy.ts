/**
 * Who may change which part of the comment threads (issue 6), decided on a throwaway copy
 * of the document (comment-only.ts). Threads are laid out as core/notebook/comments.ts says:
 * `comments` thread id → Y.Map {id, cellId, start, end, resolvedBy, resolvedAt, messages},
 * messages a Y.Array of plain {id, author, authorId?, at, text}.
 *
 * A commenter changes nothing outside the threads, and inside them may
 *   - start a thread, and reply to any thread, writing messages under their own user id;
 *   - resolve and reopen any thread (`resolvedBy`, `resolvedAt`);
 *   - delete messages they wrote, and a whole thread only when every message in it is theirs;
 *   - change the other fields (cell, anchor, messages list) only of a thread all theirs.
 * Anyone signed in to an account (editors too) writes messages, and resolves threads, under their
 * own user id only: messages and resolutions are the places in the document that name a person.
 *
 * A plain message is a Y.Array item of JSON content (ContentAny), so the copy, kept without
 * garbage collection, still holds a deleted message's author.
 */
import * as Y from 'yjs';
import { COMMENTS, RESOLVER_ACCOUNT } from '../../core/notebook/comments.js';
import { checkOnCopy, rootKeyOf, type Change } from './comment-only.js';
import type { DecodedUpdate } from './update-check.js';

/** The sender of an update: their account's user id, and whether they are a commenter. */
export interface CommentSender {
  userId: string;
  /** True for a commenter: the full rules above. False: only the authorship of new messages. */
  commenter: boolean;
}

/** Thread fields anyone who may comment may set and clear. */
const RESOLUTION = new Set(['resolvedBy', RESOLVER_ACCOUNT, 'resolvedAt']);
const MESSAGES = 'messages';

/** Where an item sits among the comment threads. */
type Place =
  | { kind: 'outside'; root: string | null }
  /** A value of the comments map: a thread. */
  | { kind: 'thread' }
  /** Inside thread `thread` (a field, or something nested in one), under `key`. */
  | { kind: 'field'; thread: Y.AbstractType<unknown>; key: string | null; nested: boolean }
  /** An element of `thread`'s messages array. */
  | { kind: 'message'; thread: Y.AbstractType<unknown> }
  /** Nested inside an element of a messages array (no honest client writes that). */
  | { kind: 'in-message' };

/**
 * Why applying `update` to `doc` would do something `sender` may not do to the comments
 * (or, for a commenter, anything outside them), or null when it is allowed. `doc` is not
 * touched.
 */
export function commentPolicyProblem(doc: Y.Doc, update: Uint8Array, sender: CommentSender, pending: Iterable<Uint8Array> = []): string | null {
  return checkOnCopy(doc, update, (item, change, tr) => {
    const place = placeOf(item);
    const at = `${change === 'insertion' ? 'insertion' : 'deletion of'} ${item.id.client}:${item.id.clock}`;
    const problem = sender.commenter ? commenterProblem(item, change, place, sender.userId, tr) : authorshipProblem(item, change, place, sender.userId);
    return problem === null ? null : `${at}: ${problem}`;
  }, pending);
}

/**
 * True when `decoded` inserts plain JSON objects somewhere, i.e. might carry comment
 * messages or a thread's resolver: only then is the authorship of an editor's update worth checking on a copy.
 * Typing (strings) and cell changes (strings, numbers, types) never are.
 */
export function mayCarryMessages(decoded: DecodedUpdate): boolean {
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny || s.content instanceof Y.ContentJSON)) continue;
    if (s.content.getContent().some((v) => typeof v === 'object' && v !== null)) return true;
  }
  return false;
}

/** An editor's (or owner's) change: everything goes, except a message or resolution in someone else's name. */
function authorshipProblem(item: Y.Item, change: Change, place: Place, userId: string): string | null {
  if (change !== 'insertion') return null;
  if (place.kind === 'field') return resolverProblem(item, place, userId);
  if (place.kind !== 'message') return null;
  return writtenBy(item, userId) ? null : 'a comment must be written under your own user id';
}

/**
 * A thread's resolver account set to anyone but the sender. It is a plain object ({id}), like a
 * message, so that mayCarryMessages sends an editor's resolution to this check too.
 */
function resolverProblem(item: Y.Item, place: Extract<Place, { kind: 'field' }>, userId: string): string | null {
  if (place.nested || place.key !== RESOLVER_ACCOUNT) return null;
  const ok = item.content instanceof Y.ContentAny && item.content.getContent().every((v) => typeof v === 'object' && v !== null && (v as { id?: unknown }).id === userId);
  return ok ? null : 'a thread must be resolved under your own user id';
}

function commenterProblem(item: Y.Item, change: Change, place: Place, userId: string, tr: Y.Transaction): string | null {
  switch (place.kind) {
    case 'outside':
      return `outside "${COMMENTS}" (in "${place.root ?? 'unknown'}")`;
    case 'in-message':
      return 'inside a comment message';
    case 'message':
      if (change === 'insertion') return writtenBy(item, userId) ? null : 'a comment must be written under your own user id';
      return writtenBy(item, userId) ? null : 'only the author of a comment may delete it';
    case 'thread': {
      const thread = item.content instanceof Y.ContentType ? item.content.type : null;
      if (change === 'insertion') return thread instanceof Y.Map ? null : 'a thread must be a map';
      return thread === null || ownsThread(thread, userId, tr) ? null : 'a thread can be deleted only when all its comments are yours';
    }
    case 'field': {
      const resolver = change === 'insertion' ? resolverProblem(item, place, userId) : null;
      if (resolver !== null) return resolver;
      if (!place.nested && place.key !== null && RESOLUTION.has(place.key)) return null;
      if (isNew(place.thread._item, tr) || ownsThread(place.thread, userId, tr)) return null;
      return `field "${place.key ?? '?'}" of a thread with others' comments cannot be changed`;
    }
  }
}

/** Traces `item` up to its root type and says where among the threads it sits. */
function placeOf(item: Y.Item): Place {
  // chain[0] is the item, each next one the item holding the type the previous one is in.
  const chain: Y.Item[] = [item];
  let type = item.parent;
  for (let depth = 0; ; depth++) {
    if (!(type instanceof Y.AbstractType) || depth > 10_000) return { kind: 'outside', root: null };
    const holder: Y.Item | null = type._item;
    if (holder === null) break;
    chain.push(holder);
    type = holder.parent;
  }
  const root = rootKeyOf(type);
  if (root !== COMMENTS) return { kind: 'outside', root };
  if (chain.length === 1) return { kind: 'thread' };
  const threadItem = chain[chain.length - 1]!;
  const thread = (threadItem.content as Y.ContentType).type;
  // The thread's own field (map entry) the item is in or is.
  const field = chain[chain.length - 2]!;
  const inMessages = field.parentSub === MESSAGES && field.content instanceof Y.ContentType && field.content.type instanceof Y.Array;
  if (inMessages && chain.length === 3) return { kind: 'message', thread };
  if (inMessages && chain.length > 3) return { kind: 'in-message' };
  return { kind: 'field', thread, key: field.parentSub, nested: chain.length > 2 };
}

/** True when every value of `item` is a message object whose `authorId` is `userId`. */
function writtenBy(item: Y.Item, userId: string): boolean {
  if (!(item.content instanceof Y.ContentAny || item.content instanceof Y.ContentJSON)) return false;
  return item.content.getContent().every((v) => typeof v === 'object' && v !== null && (v as { authorId?: unknown }).authorId === userId);
}

/** True when `item` was inserted by the transaction. */
function isNew(item: Y.Item | null, tr: Y.Transaction): boolean {
  return item !== null && item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

/** True when `item` was there before the transaction (not new, and not deleted earlier). */
function wasAlive(item: Y.Item, tr: Y.Transaction): boolean {
  return !isNew(item, tr) && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id));
}

/**
 * True when every message `thread` held before the transaction was written by `userId`
 * (vacuously for a thread with none). Every messages array the thread held counts, in case
 * the transaction replaced it.
 */
function ownsThread(thread: Y.AbstractType<unknown>, userId: string, tr: Y.Transaction): boolean {
  if (!(thread instanceof Y.Map)) return true;
  // Map entries of one key are chained through `left`, newest last.
  for (let entry: Y.Item | null = thread._map.get(MESSAGES) ?? null; entry !== null; entry = entry.left) {
    if (!wasAlive(entry, tr) || !(entry.content instanceof Y.ContentType) || !(entry.content.type instanceof Y.Array)) continue;
    for (let m: Y.Item | null = entry.content.type._start; m !== null; m = m.right) {
      if (wasAlive(m, tr) && !writtenBy(m, userId)) return false;
    }
  }
  return true;
}
