/**
 * Who owns each notebook and who it is shared with, in `<stateDir>/access/notebooks.json`
 * (never in the notebook file, which every editor can change). The file is validated on
 * every read: a hand-edited entry that does not parse stops the server with its name
 * rather than silently granting or losing access.
 */
import { join } from 'node:path';
import { JsonFile } from '../auth/json-file.js';
import type { AuditActor, AuditLog } from '../audit/index.js';
import { accessDirOf } from './access.js';
import { notebookRole, parseOwner, parseShares, type NotebookRole, type RoleSubject, type Share, type SharingEntry } from './notebook-role.js';

interface SharingDoc {
  entries: Record<string, SharingEntry>;
}

export interface SharingOptions {
  stateDir: string;
  /** False (authentication off): everyone is the owner of every notebook. */
  enforce: boolean;
  audit?: AuditLog;
}

export type Sharing = Awaited<ReturnType<typeof createSharing>>;

/** Opens the sharing state of a workspace. */
export async function createSharing(opts: SharingOptions) {
  const file = new JsonFile<SharingDoc>(join(accessDirOf(opts.stateDir), 'notebooks.json'), () => ({ entries: {} }), validateDoc);

  const entry = async (id: string): Promise<SharingEntry | undefined> => (await file.read()).entries[id];

  return {
    enforced: opts.enforce,

    /** The entry of notebook `id`; undefined when it was never owned nor shared. */
    entry,

    /** The role of `user` on notebook `id`, or null. */
    async roleOf(user: RoleSubject, id: string): Promise<NotebookRole | null> {
      return notebookRole(await entry(id), user, opts.enforce);
    },

    /** The role and owner of `user` on each of `ids` (one read of the file, for the home list). */
    async rolesOf(user: RoleSubject, ids: readonly string[]): Promise<Map<string, { role: NotebookRole | null; owner: string | null }>> {
      const doc = await file.read();
      return new Map(ids.map((id) => [id, { role: notebookRole(doc.entries[id], user, opts.enforce), owner: doc.entries[id]?.owner ?? null }]));
    },

    /**
     * A notebook was created by `user` (new, duplicate, the audit notebook): they own it.
     * With authentication off there is no one to record.
     */
    async created(id: string, user: { name: string }): Promise<void> {
      if (!opts.enforce) return;
      await file.update((doc) => ({ doc: { entries: { ...doc.entries, [id]: { owner: user.name.toLowerCase(), shares: [] } } }, result: undefined }));
    },

    /** Replaces the owner and shares of notebook `id` (audited as 'share'). Inputs must be validated already. */
    async set(actor: AuditActor, id: string, next: SharingEntry): Promise<SharingEntry> {
      const value: SharingEntry = { owner: next.owner, shares: next.shares.map((s) => ({ ...s })) };
      await file.update((doc) => ({ doc: { entries: { ...doc.entries, [id]: value } }, result: undefined }));
      await opts.audit?.append({ actor, action: 'share', target: id, details: { owner: value.owner, shares: value.shares } });
      return value;
    },
  };
}

function validateDoc(raw: unknown, path: string): SharingDoc {
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new Error(`${path}: expected {"entries": {notebookId: {owner, shares}}}`);
  const out: Record<string, SharingEntry> = {};
  for (const [id, e] of Object.entries(entries as Record<string, unknown>)) {
    const where = `${path}: notebook "${id.slice(0, 100)}"`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`${where}: expected {"owner", "shares"}`);
    const { owner: rawOwner, shares: rawShares } = e as Record<string, unknown>;
    const owner = parseOwner(rawOwner ?? null, where);
    if (owner !== null && typeof owner === 'object') throw new Error(owner.problem);
    const shares = parseShares(rawShares ?? [], where);
    if (typeof shares === 'string') throw new Error(shares);
    out[id] = { owner, shares };
  }
  return { entries: out };
}

export type { Share, SharingEntry };
