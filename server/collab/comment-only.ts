/**
 * Commenters (issue 6) may change the comment threads and nothing else. Whether an update
 * stays inside one root type is decided on a throwaway copy of the document: the update
 * is applied there and every item it inserted or deleted is traced up its parent chain to
 * the root. Run only on updates that apply completely (update-check.ts), so nothing stays
 * pending in the copy.
 */
import * as Y from 'yjs';

/** The name of the root type `type` hangs from, or null when it cannot be traced. */
function rootKeyOf(type: unknown): string | null {
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
 * Why applying `update` to `doc` would change something outside the root type `root`
 * (e.g. "comments"), or null when every insertion and deletion is inside it. `doc` is
 * not touched.
 */
export function changeOutsideRoot(doc: Y.Doc, update: Uint8Array, root: string): string | null {
  const copy = new Y.Doc({ gc: false });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  let problem: string | null = null;
  const refuse = (item: Y.Item, what: string) => {
    problem ??= `${what} ${item.id.client}:${item.id.clock} is outside "${root}" (in "${rootKeyOf(item.parent) ?? 'unknown'}")`;
  };
  copy.on('afterTransaction', (tr: Y.Transaction) => {
    for (const [client, end] of tr.afterState) {
      const start = tr.beforeState.get(client) ?? 0;
      if (end <= start) continue;
      const structs = copy.store.clients.get(client) ?? [];
      for (let i = Y.findIndexSS(structs, start); i < structs.length && structs[i]!.id.clock < end; i++) {
        const s = structs[i]!;
        // A GC struct is content its sender already collected: it changes no type.
        if (s instanceof Y.Item && rootKeyOf(s.parent) !== root) refuse(s, 'insertion');
      }
    }
    Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
      if (s instanceof Y.Item && rootKeyOf(s.parent) !== root) refuse(s, 'deletion of');
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
