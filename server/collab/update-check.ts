/**
 * Checks on a decoded Yjs update before it is logged or applied. Pure functions.
 *
 * Yjs accepts an update that refers to content it does not have and keeps it "pending"
 * until that content arrives. On the server that is a hazard: a hostile or broken update
 * that never completes sits in the doc forever, is merged into every sync step 2 (where a
 * crafted one can make newcomers see a different document than the server holds), and
 * slows every later update. So the server only takes updates that apply completely on top
 * of what it already has; an honest client that raced ahead of itself is asked to resync.
 */
import * as Y from 'yjs';

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** True when the update carries no structs and no deletions (e.g. an idle sync step 2). */
export function isEmptyUpdate(decoded: DecodedUpdate): boolean {
  return decoded.structs.length === 0 && decoded.ds.clients.size === 0;
}

/** Content a notebook never holds and the server refuses outright, or null. */
export function forbiddenContent(decoded: DecodedUpdate): string | null {
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentDoc) {
      return `struct ${struct.id.client}:${struct.id.clock}: subdocuments are not part of a notebook`;
    }
  }
  return null;
}

/**
 * Why `decoded` would not apply completely on top of a document whose next clock per
 * client is `known(client)`, or null when it would. It must not skip clocks, refer to
 * items (origins, parents) it neither brings nor the document has, nor delete such items.
 */
export function incompleteReason(decoded: DecodedUpdate, known: (client: number) => number): string | null {
  // Extents after this update: structs of one client come in clock order.
  const extent = new Map<number, number>();
  const next = (client: number) => extent.get(client) ?? known(client);
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (struct instanceof Y.Skip) return `client ${client}: skips clocks ${clock}–${clock + struct.length - 1}`;
    const have = next(client);
    if (clock > have) return `client ${client}: starts at clock ${clock}, the document has up to ${have}`;
    extent.set(client, Math.max(have, clock + struct.length));
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const dep of [struct.origin, struct.rightOrigin, parent]) {
      if (dep === null) continue;
      // Within one client, only earlier content can be referred to.
      const limit = dep.client === struct.id.client ? struct.id.clock : next(dep.client);
      if (dep.clock >= limit) {
        return `struct ${struct.id.client}:${struct.id.clock} refers to unknown item ${dep.client}:${dep.clock}`;
      }
    }
  }
  for (const [client, deletes] of decoded.ds.clients) {
    for (const { clock, len } of deletes) {
      if (clock + len > next(client)) return `deletes unknown items ${client}:${clock}–${clock + len - 1}`;
    }
  }
  return null;
}

/** The furthest clock per client an accepted update reaches (to track updates still being logged). */
export function extents(decoded: DecodedUpdate): Map<number, number> {
  const out = new Map<number, number>();
  for (const struct of decoded.structs) {
    const end = struct.id.clock + struct.length;
    out.set(struct.id.client, Math.max(out.get(struct.id.client) ?? 0, end));
  }
  return out;
}
