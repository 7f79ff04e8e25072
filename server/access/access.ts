/**
 * Who may read which dataset. Each dataset has a marking (admin-set in
 * `<stateDir>/access/datasets.json`; default the lowest level, no compartment), each user a
 * clearance (`<stateDir>/access/clearances.json`, by login name; default the lowest level).
 * `scopeFor` narrows a query's DatasetScope to what the user may read: since the engine's
 * guard only lets a statement read the files in its scope, this is enforced where SQL runs.
 */
import { join } from 'node:path';
import { JsonFile } from '../auth/json-file.js';
import { scopeOf, type DatasetScope } from '../notebooks/scope.js';
import type { AuditActor, AuditLog } from '../audit/index.js';
import {
  canonicalCompartments, canonicalLevel, covers, highest, loadLevels, type LevelsConfig, type Marking,
} from './levels.js';

/** The user a decision is about (AuthUser or an audit actor's name). */
export interface Subject {
  name: string;
  role?: string;
}

interface MarkingsDoc {
  entries: Record<string, Marking>;
}

export interface AccessOptions {
  stateDir: string;
  /** False (authentication off): the one local user is cleared for everything. */
  enforce: boolean;
  audit?: AuditLog;
  env?: NodeJS.ProcessEnv;
}

export const accessDirOf = (stateDir: string) => join(stateDir, 'access');

export type Access = Awaited<ReturnType<typeof createAccess>>;

/** Opens the access state of a workspace. Throws on an invalid levels configuration. */
export async function createAccess(opts: AccessOptions) {
  const dir = accessDirOf(opts.stateDir);
  const levels: LevelsConfig = await loadLevels(dir, opts.env);
  const lowest = (): Marking => ({ level: levels.levels[0]!.label, compartments: [] });
  const datasets = new JsonFile<MarkingsDoc>(join(dir, 'datasets.json'), () => ({ entries: {} }), (raw, path) => validateDoc(levels, raw, path));
  const clearances = new JsonFile<MarkingsDoc>(join(dir, 'clearances.json'), () => ({ entries: {} }), (raw, path) => validateDoc(levels, raw, path));

  const datasetMarking = async (name: string): Promise<Marking> => (await datasets.read()).entries[name.toLowerCase()] ?? lowest();
  const clearanceOf = async (user: Subject): Promise<Marking> => (await clearances.read()).entries[user.name.toLowerCase()] ?? lowest();
  const everything = (): Marking => ({ level: levels.levels[levels.levels.length - 1]!.label, compartments: [...levels.compartments] });
  /** The clearance decisions are made with: the local user's is everything. */
  const effective = async (user: Subject): Promise<Marking> => (opts.enforce ? clearanceOf(user) : everything());

  const set = async (file: JsonFile<MarkingsDoc>, key: string, m: { level: string; compartments?: readonly string[] }, where: string) => {
    const marking: Marking = { level: canonicalLevel(levels, m.level, where), compartments: canonicalCompartments(levels, m.compartments ?? [], where) };
    await file.update((doc) => ({ doc: { entries: { ...doc.entries, [key.toLowerCase()]: marking } }, result: undefined }));
    return marking;
  };

  return {
    levels,
    enforced: opts.enforce,
    /** The audit log file, which administrators query as the dataset `audit_log`; absent without a log. */
    auditPath: opts.audit?.path,
    datasetMarking,
    clearanceOf,

    /** Admin: sets a dataset's level and compartments (audited as a role change). */
    async setDatasetMarking(actor: AuditActor, name: string, m: { level: string; compartments?: readonly string[] }): Promise<Marking> {
      const marking = await set(datasets, name, m, `dataset "${name}"`);
      await opts.audit?.append({ actor, action: 'role_change', target: name, details: { change: 'dataset_marking', ...marking } });
      return marking;
    },

    /** Admin: sets a user's clearance (audited as a role change). */
    async setClearance(actor: AuditActor, userName: string, m: { level: string; compartments?: readonly string[] }): Promise<Marking> {
      const marking = await set(clearances, userName, m, `clearance of "${userName}"`);
      await opts.audit?.append({ actor, action: 'role_change', target: userName, details: { change: 'clearance', ...marking } });
      return marking;
    },

    /** True when `user` may read a dataset marked `marking`. */
    async mayRead(user: Subject, marking: Marking): Promise<boolean> {
      return covers(levels, await effective(user), marking);
    },

    /** The datasets of `list` that `user` may read, in order. */
    async readable<D extends { name: string }>(user: Subject, list: readonly D[]): Promise<D[]> {
      const clearance = await effective(user);
      const doc = await datasets.read();
      return list.filter((d) => covers(levels, clearance, doc.entries[d.name.toLowerCase()] ?? lowest()));
    },

    /**
     * The scope of one query by `user`: only the datasets they may read. A dataset left
     * out is unknown to the compiler and its files are outside the guard's allowlist.
     */
    async scopeFor(user: Subject, list: ReadonlyArray<{ name: string; relation: string; readPaths: string[]; error?: string }>): Promise<DatasetScope> {
      return scopeOf(await this.readable(user, list));
    },

    /** The marking of a result that reads `names`: the highest of theirs; the lowest level for none. */
    async resultMarking(names: readonly string[]): Promise<Marking> {
      const doc = await datasets.read();
      return highest(levels, names.map((n) => doc.entries[n.toLowerCase()] ?? lowest())) ?? lowest();
    },

    /**
     * A notebook's marking: the highest of the file's classification, the marking its owner
     * raised it to (server-side, see Sharing.setRaised) and its cells' results — never lower
     * than what its results show, whatever the file or the owner says.
     */
    notebookMarking(classification: string | undefined, cells: Iterable<Marking | undefined>, raised?: Marking): Marking {
      const fromFile = classification?.trim() ? { level: classification.replace(/\s+/g, ' ').trim(), compartments: [] } : undefined;
      return highest(levels, [fromFile, raised, ...cells]) ?? lowest();
    },

    /** The lowest level, no compartment: what an unmarked notebook or result is. */
    lowest,
  };
}

function validateDoc(levels: LevelsConfig, raw: unknown, path: string): MarkingsDoc {
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new Error(`${path}: expected {"entries": {name: {level, compartments}}}`);
  const out: Record<string, Marking> = {};
  for (const [name, m] of Object.entries(entries as Record<string, unknown>)) {
    const where = `${path}: "${name}"`;
    const { level, compartments } = (m ?? {}) as { level?: unknown; compartments?: unknown };
    if (typeof level !== 'string') throw new Error(`${where}: "level" is missing`);
    if (!Array.isArray(compartments) || compartments.some((c) => typeof c !== 'string')) throw new Error(`${where}: "compartments" must be a list of names`);
    out[name.toLowerCase()] = { level: canonicalLevel(levels, level, where), compartments: canonicalCompartments(levels, compartments as string[], where) };
  }
  return { entries: out };
}
