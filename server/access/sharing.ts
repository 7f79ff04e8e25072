/**
 * Who owns each notebook, who it is shared with, and the marking its owner raised it to,
 * in `<stateDir>/access/notebooks.json` (never in the notebook file, which every editor can
 * change). The file is validated on every read: a hand-edited entry that does not parse
 * stops the server with its name rather than silently granting or losing access.
 */
import { join } from 'node:path';
import { JsonFile } from '../auth/json-file.js';
import type { AuditActor, AuditLog } from '../audit/index.js';
import { accessDirOf } from './access.js';
import { canonicalCompartments, canonicalLevel, loadLevels, rankOf, type LevelsConfig, type Marking } from './levels.js';
import { notebookRole, parseOwner, parseShares, type NotebookRole, type RoleSubject, type Share, type SharingEntry } from './notebook-role.js';

/** A sharing entry as stored: plus the owner's raise of the notebook's marking, if any. */
interface StoredEntry extends SharingEntry {
  raised?: Marking;
}

interface SharingDoc {
  entries: Record<string, StoredEntry>;
}

export interface SharingOptions {
  stateDir: string;
  /** False (authentication off): everyone is the owner of every notebook. */
  enforce: boolean;
  audit?: AuditLog;
  /** The levels a raise is checked against; default: loaded as createAccess loads them. */
  levels?: LevelsConfig;
  env?: NodeJS.ProcessEnv;
}

export type Sharing = Awaited<ReturnType<typeof createSharing>>;

/** Opens the sharing state of a workspace. */
export async function createSharing(opts: SharingOptions) {
  const levels = opts.levels ?? (await loadLevels(accessDirOf(opts.stateDir), opts.env));
  const file = new JsonFile<SharingDoc>(join(accessDirOf(opts.stateDir), 'notebooks.json'), () => ({ entries: {} }), (raw, path) => validateDoc(levels, raw, path));

  const entry = async (id: string): Promise<SharingEntry | undefined> => {
    const e = (await file.read()).entries[id];
    return e && { owner: e.owner, shares: e.shares };
  };

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
     * `raised`: the marking it starts at (a copy keeps its original's, which its file and
     * its missing runs would otherwise lose). With authentication off there is no one to record.
     */
    async created(id: string, user: { name: string }, raised?: Marking): Promise<void> {
      if (!opts.enforce) return;
      // The lowest level is what every notebook is anyway: no raise to record.
      const above = raised && (raised.compartments.length > 0 || rankOf(levels, raised.level) !== 0);
      const entry: StoredEntry = { owner: user.name.toLowerCase(), shares: [], ...(raised && above ? { raised: { level: raised.level, compartments: [...raised.compartments] } } : {}) };
      await file.update((doc) => ({ doc: { entries: { ...doc.entries, [id]: entry } }, result: undefined }));
    },

    /** Replaces the owner and shares of notebook `id` (audited as 'share'), keeping its raised marking. Inputs must be validated already. */
    async set(actor: AuditActor, id: string, next: SharingEntry): Promise<SharingEntry> {
      const value: SharingEntry = { owner: next.owner, shares: next.shares.map((s) => ({ ...s })) };
      await file.update((doc) => {
        const raised = doc.entries[id]?.raised;
        return { doc: { entries: { ...doc.entries, [id]: raised ? { ...value, raised } : value } }, result: undefined };
      });
      await opts.audit?.append({ actor, action: 'share', target: id, details: { owner: value.owner, shares: value.shares } });
      return value;
    },

    /** The marking the owner raised notebook `id` to; undefined when not raised. */
    async raisedOf(id: string): Promise<Marking | undefined> {
      return (await file.read()).entries[id]?.raised;
    },

    /**
     * Sets (or, with null, drops) the raised marking of notebook `id`, in the configured
     * spelling; audited as a role change, like a dataset's marking. Throws on an unknown
     * level or compartment. Who may raise, and how high, is the caller's to check.
     */
    async setRaised(actor: AuditActor, id: string, m: { level: string; compartments?: readonly string[] } | null): Promise<Marking | undefined> {
      const where = `marking of notebook "${id}"`;
      const raised: Marking | undefined = m ? { level: canonicalLevel(levels, m.level, where), compartments: canonicalCompartments(levels, m.compartments ?? [], where) } : undefined;
      const previous = await file.update((doc) => {
        const current: StoredEntry = doc.entries[id] ?? { owner: null, shares: [] };
        const { raised: before, ...rest } = current;
        return { doc: { entries: { ...doc.entries, [id]: raised ? { ...rest, raised } : rest } }, result: before ?? null };
      });
      await opts.audit?.append({ actor, action: 'role_change', target: id, details: { change: 'notebook_marking', raised: raised ?? null, previous } });
      return raised;
    },
  };
}

function validateDoc(levels: LevelsConfig, raw: unknown, path: string): SharingDoc {
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new Error(`${path}: expected {"entries": {notebookId: {owner, shares, raised?}}}`);
  const out: Record<string, StoredEntry> = {};
  for (const [id, e] of Object.entries(entries as Record<string, unknown>)) {
    const where = `${path}: notebook "${id.slice(0, 100)}"`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`${where}: expected {"owner", "shares"}`);
    const { owner: rawOwner, shares: rawShares, raised: rawRaised } = e as Record<string, unknown>;
    const owner = parseOwner(rawOwner ?? null, where);
    if (owner !== null && typeof owner === 'object') throw new Error(owner.problem);
    const shares = parseShares(rawShares ?? [], where);
    if (typeof shares === 'string') throw new Error(shares);
    const raised = rawRaised === undefined || rawRaised === null ? undefined : parseRaised(levels, rawRaised, `${where}: "raised"`);
    out[id] = raised ? { owner, shares, raised } : { owner, shares };
  }
  return { entries: out };
}

/** A stored raise: `{level, compartments}` with configured levels and compartments. */
function parseRaised(levels: LevelsConfig, raw: unknown, where: string): Marking {
  const { level, compartments = [] } = (typeof raw === 'object' && raw !== null ? raw : {}) as { level?: unknown; compartments?: unknown };
  if (typeof level !== 'string') throw new Error(`${where}: expected {"level", "compartments"}`);
  if (!Array.isArray(compartments) || compartments.some((c) => typeof c !== 'string')) throw new Error(`${where}: "compartments" must be a list of names`);
  return { level: canonicalLevel(levels, level, where), compartments: canonicalCompartments(levels, compartments as string[], where) };
}

export type { Share, SharingEntry };
