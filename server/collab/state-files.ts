/**
 * Where a notebook's durable collaboration state lives, and the small crash-safe file
 * operations on it. Layout under `<stateDir>/collab/`:
 *
 *   <id>.ylog       append-only update log (update-log.ts)
 *   <id>.ysnap      last compacted state; replaced only by rename
 *   <id>.meta.json  hashes of the notebook text last saved (or being saved) to its file
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface StatePaths {
  dir: string;
  log: string;
  snapshot: string;
  /** The snapshot being written; never read, removed when found. */
  snapshotTmp: string;
  meta: string;
}

/** Paths of notebook `id`'s state. `id` must already be validated (no path separators). */
export function statePaths(stateDir: string, id: string): StatePaths {
  const dir = path.join(stateDir, 'collab');
  const base = path.join(dir, id);
  return {
    dir,
    log: `${base}.ylog`,
    snapshot: `${base}.ysnap`,
    snapshotTmp: `${base}.ysnap.tmp`,
    meta: `${base}.meta.json`,
  };
}

/** True when a log or a snapshot exists: the notebook has edits the file may not hold. */
export async function hasDurableState(paths: StatePaths): Promise<boolean> {
  return (await exists(paths.log)) || (await exists(paths.snapshot));
}

/**
 * Renames the log and snapshot to `<name>.bak-<stamp>` so that a fresh start ignores
 * them while a person can still recover edits from them. Returns the new paths.
 */
export async function moveAside(paths: StatePaths, stamp: string): Promise<string[]> {
  const moved: string[] = [];
  for (const file of [paths.log, paths.snapshot]) {
    if (await exists(file)) {
      const target = `${file}.bak-${stamp}`;
      await fs.rename(file, target);
      moved.push(target);
    }
  }
  await fs.rm(paths.snapshotTmp, { force: true });
  await fsyncDir(paths.dir);
  return moved;
}

/**
 * Hashes of the notebook text as last handed to `save()`. `pending` is written before a
 * save starts and `saved` after it ends, so a crash mid-save leaves the file matching one
 * of them and the file is still recognised as ours.
 */
export interface SavedHashes {
  saved?: string;
  pending?: string;
  /**
   * Yjs client ids found in logs that were moved aside because the file won: a client
   * still holding such a replica must reload instead of merging it back (duplicated cells).
   */
  retired?: number[];
}

/** Oldest retired ids are forgotten past this many. */
const MAX_RETIRED = 10_000;

export async function readSavedHashes(paths: StatePaths): Promise<SavedHashes> {
  let text: string;
  try {
    text = await fs.readFile(paths.meta, 'utf8');
  } catch (e) {
    if (isNotFound(e)) return {};
    throw e;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return {};
    const { saved, pending, retired } = value as Record<string, unknown>;
    return {
      ...(typeof saved === 'string' ? { saved } : {}),
      ...(typeof pending === 'string' ? { pending } : {}),
      ...(Array.isArray(retired) ? { retired: retired.filter((n): n is number => Number.isSafeInteger(n)) } : {}),
    };
  } catch {
    // A torn meta file cannot happen (atomic rename); a hand-edited one means "unknown".
    return {};
  }
}

export async function writeSavedHashes(paths: StatePaths, hashes: SavedHashes): Promise<void> {
  await fs.mkdir(paths.dir, { recursive: true });
  const value = hashes.retired ? { ...hashes, retired: hashes.retired.slice(-MAX_RETIRED) } : hashes;
  await atomicWrite(paths.meta, `${paths.meta}.tmp`, Buffer.from(JSON.stringify(value)));
}

/** sha256 of a text, hex. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Writes `bytes` to `tmp`, fsyncs it, renames it over `target`, fsyncs the folder. */
export async function atomicWrite(target: string, tmp: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, target);
  await fsyncDir(path.dirname(target));
}

/** Makes a rename or a file creation in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

export function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}
