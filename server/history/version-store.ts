/**
 * Saved versions of notebooks, on disk under `<stateDir>/history/<notebook id>/`:
 *
 *     index.json      [{id, at, name?, auto, authors, cells, hash}, …] oldest first
 *     <version>.md    the notebook as it was, in the notebook file format
 *
 * A version's text is written (fsynced) before the index names it, and the index is replaced
 * by rename, so a crash leaves at worst an unlisted file, never a listed version without text.
 * Each new version thins the older automatic ones (thinning.ts).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseNotebook, serializeNotebook } from '../../core/notebook/format.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { textHash } from '../collab/state-files.js';
import { NotFoundError } from '../errors.js';
import { thinVersions } from './thinning.js';

/** What the list of versions shows. */
export interface VersionInfo {
  id: string;
  /** ISO 8601. */
  at: string;
  /** Given by a person ("before the 12 March briefing"); absent for automatic versions. */
  name?: string;
  /** True for versions saved automatically (after a pause, before a restore). */
  auto: boolean;
  /** Set on the version saved just before a restore: the id of the version that was restored. */
  beforeRestore?: string;
  /** Who edited the notebook between the previous version and this one. */
  authors: string[];
  cells: number;
  /** Hash of the version's text without its `updated` stamp: equal hashes, same content. */
  hash: string;
}

const NOTEBOOK_ID = /^[A-Za-z0-9_-]{1,100}$/;
const VERSION_ID = /^v[0-9a-z]{1,20}$/;

/** Fingerprint of a notebook's content for "did anything change since the last version". */
export function contentHash(data: NotebookData): string {
  const meta = { ...data.meta };
  delete meta.updated;
  return textHash(serializeNotebook({ ...data, meta }));
}

export class VersionStore {
  /** Writes to one notebook's history run one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  async list(notebookId: string): Promise<VersionInfo[]> {
    return this.readIndex(this.folder(notebookId));
  }

  /** The notebook as version `versionId` holds it. Throws NotFoundError. */
  async read(notebookId: string, versionId: string): Promise<{ info: VersionInfo; data: NotebookData }> {
    const folder = this.folder(notebookId);
    const info = VERSION_ID.test(versionId) ? (await this.readIndex(folder)).find((v) => v.id === versionId) : undefined;
    if (!info) throw new NotFoundError(`notebook "${notebookId}" has no version "${versionId.slice(0, 40)}"`);
    const text = await fs.readFile(path.join(folder, `${info.id}.md`), 'utf8');
    return { info, data: parseNotebook(text) };
  }

  /** Saves a version; returns its entry. `at` is the time it is saved. */
  add(notebookId: string, data: NotebookData, entry: { at: Date; name?: string; beforeRestore?: string; auto: boolean; authors: string[] }): Promise<VersionInfo> {
    const folder = this.folder(notebookId);
    return this.serial(notebookId, async () => {
      await fs.mkdir(folder, { recursive: true });
      const info: VersionInfo = {
        id: `v${entry.at.getTime().toString(36)}${randomBytes(3).toString('hex')}`,
        at: entry.at.toISOString(),
        ...(entry.name ? { name: entry.name } : {}),
        auto: entry.auto,
        ...(entry.beforeRestore ? { beforeRestore: entry.beforeRestore } : {}),
        authors: [...new Set(entry.authors)].sort((a, b) => a.localeCompare(b)),
        cells: data.cells.length,
        hash: contentHash(data),
      };
      await writeDurably(path.join(folder, `${info.id}.md`), serializeNotebook(data));
      const index = await this.readIndex(folder);
      index.push(info);
      const { kept, dropped } = thinVersions(index, entry.at);
      await writeDurably(path.join(folder, 'index.json'), JSON.stringify(kept, null, 1) + '\n');
      // Only once the index no longer names them: a crash in between leaves unlisted files, no more.
      for (const id of dropped) {
        await fs.unlink(path.join(folder, `${id}.md`)).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
      }
      return kept.find((v) => v.id === info.id) ?? info;
    });
  }

  /** Removes a notebook's history (the notebook was deleted). The folder is moved aside, not erased. */
  async retire(notebookId: string, stamp: string): Promise<void> {
    const folder = this.folder(notebookId);
    await fs.rename(folder, `${folder}.deleted-${stamp}`).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  private folder(notebookId: string): string {
    if (!NOTEBOOK_ID.test(notebookId)) throw new NotFoundError(`notebook "${notebookId.slice(0, 100)}" not found`);
    return path.join(this.dir, notebookId);
  }

  private async readIndex(folder: string): Promise<VersionInfo[]> {
    let text: string;
    try {
      text = await fs.readFile(path.join(folder, 'index.json'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) throw new Error(`${folder}/index.json: expected a list of versions`);
    return value as VersionInfo[];
  }

  private serial<T>(key: string, f: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(f, f);
    this.queues.set(key, next.catch(() => undefined));
    return next;
  }
}

async function writeDurably(file: string, text: string): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}
