/**
 * Commenters (issue 6) may change the comment threads and nothing else. What an update
 * changes is decided on a throwaway copy of the document: the update is applied there and
 * every item it inserted or deleted is shown to a check (here: traced up its parent chain
 * to the root; comment-policy.ts goes further). Run only on updates that apply completely
 * (update-check.ts), so nothing stays pending in the copy.
 */
import * as Y from 'yjs';

/** Whether an item was inserted or deleted by the update. */
export type Change = 'insertion' | 'deletion';

/** Why `item`'s change is refused, or null when it is allowed. Runs on the copy, after the update's transaction. */
export type ItemCheck = (item: Y.Item, change: Change, tr: Y.Transaction) => string | null;

/** The name of the root type `type` hangs from, or null when it cannot be traced. */
export function rootKeyOf(type: unknown): string | null {
  let t = type;
  for (let depth = 0; depth < 10_000; depth++) {
    if (!(t instanceof Y.AbstractType)) return null;
    const item = t._item;
    if (item === null) return Y.findRootTypeKey(t);
    t = item.parent;
  }
  return null;
}

/**
 * Applies `update` to a copy of `doc` and shows `check` every item it inserted, then every
 * item it deleted. Returns the first problem, or null. `doc` is not touched. GC structs
 * (content its sender already collected) change no type and are not shown. `pending`:
 * updates already accepted but not yet applied to `doc` (still being logged), applied to
 * the copy first so that an update building on them is judged against them.
 */
export function checkOnCopy(doc: Y.Doc, update: Uint8Array, check: ItemCheck, pending: Iterable<Uint8Array> = []): string | null {
  // gc off: a deleted item keeps its content, so a check can tell what was deleted.
  const copy = new Y.Doc({ gc: false });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  for (const p of pending) Y.applyUpdate(copy, p);
  let problem: string | null = null;
  copy.on('afterTransaction', (tr: Y.Transaction) => {
    for (const [client, end] of tr.afterState) {
      const start = tr.beforeState.get(client) ?? 0;
      if (end <= start) continue;
      const structs = copy.store.clients.get(client) ?? [];
      for (let i = Y.findIndexSS(structs, start); i < structs.length && structs[i]!.id.clock < end; i++) {
        const s = structs[i]!;
        if (s instanceof Y.Item) problem ??= check(s, 'insertion', tr);
      }
    }
    Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
      if (s instanceof Y.Item) problem ??= check(s, 'deletion', tr);
    });
  });
  try {
    Y.applyUpdate(copy, update);
    if (copy.store.pendingStructs !== null || copy.store.pendingDs !== null) problem ??= 'the update does not apply completely';
  } finally {
    copy.destroy();
  }
  return problem;
}

/**
 * Why applying `update` to `doc` would change something outside the root type `root`
 * (e.g. "comments"), or null when every insertion and deletion is inside it. `doc` is
 * not touched.
 */
export function changeOutsideRoot(doc: Y.Doc, update: Uint8Array, root: string): string | null {
  return checkOnCopy(doc, update, (item, change) => {
    const key = rootKeyOf(item.parent);
    if (key === root) return null;
    const what = change === 'insertion' ? 'insertion' : 'deletion of';
    return `${what} ${item.id.client}:${item.id.clock} is outside "${root}" (in "${key ?? 'unknown'}")`;
  });
}
