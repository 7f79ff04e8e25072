/**
 * Notebook history: versions saved automatically after a pause in activity (at most one every
 * few minutes, and one at least every so often while people keep typing), versions saved by
 * name, each crediting the people who edited since the previous one; reading a version,
 * comparing it with now, and restoring it as a new change.
 *
 * Effects: timers, the version store, the live documents. The comparisons and the restore
 * itself are pure core functions (core/notebook/diff.ts, restore.ts).
 */
import type * as Y from 'yjs';
import { diffNotebooks, type NotebookDiff } from '../../core/notebook/diff.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { restoreNotebook, type RestoreSummary } from '../../core/notebook/restore.js';
import { docToNotebook } from '../../core/notebook/ydoc.js';
import { BadRequestError } from '../errors.js';
import { contentHash, VersionStore, type VersionInfo } from './version-store.js';

/** Origin of a restore's transaction: the server logs and broadcasts it like any server change. */
export const RESTORE_ORIGIN = 'carnet-restore';
const MAX_NAME = 200;

/** The live documents, as history needs them (server/collab's Collab fits). */
export interface LiveDocuments {
  open(id: string): Promise<Y.Doc>;
  release(id: string): void;
  /** Writes the notebook file now if it has unsaved changes. */
  flush(id: string): Promise<void>;
}

export interface HistoryOptions {
  /** Folder of the version store (`<stateDir>/history`). */
  dir: string;
  docs: LiveDocuments;
  /** Quiet time after the last save before an automatic version. Default 60 s. */
  pauseMs?: number;
  /** Least time between two automatic versions. Default 5 min. */
  minIntervalMs?: number;
  /** Most time between automatic versions while people keep editing without a pause. Default 20 min. */
  maxIntervalMs?: number;
  now?(): Date;
  onError?(e: unknown): void;
}

export interface VersionWithDiff {
  version: VersionInfo;
  notebook: NotebookData;
  /** From the version to the notebook as it is now. */
  diff: NotebookDiff;
}

interface Pending {
  authors: Set<string>;
  data: NotebookData | null;
  timer: NodeJS.Timeout | null;
  /** When the first unsaved-in-history change happened. */
  since: number | null;
}

export class History {
  private readonly store: VersionStore;
  private readonly pending = new Map<string, Pending>();
  private readonly pauseMs: number;
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly now: () => Date;
  private readonly onError: (e: unknown) => void;
  private closed = false;

  constructor(private readonly options: HistoryOptions) {
    this.store = new VersionStore(options.dir);
    this.pauseMs = options.pauseMs ?? 60_000;
    this.minIntervalMs = options.minIntervalMs ?? 5 * 60_000;
    this.maxIntervalMs = options.maxIntervalMs ?? 20 * 60_000;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError ?? ((e) => console.error('history:', e));
  }

  /** Someone edited notebook `id` (the collab server tells, per applied update). */
  noteEdit(id: string, author: { name: string | null }): void {
    if (author.name) this.entry(id).authors.add(author.name);
  }

  /** Notebook `id` was just saved to its file as `data`: maybe time for an automatic version. */
  noteSaved(id: string, data: NotebookData): void {
    if (this.closed) return;
    const p = this.entry(id);
    p.data = data;
    const now = this.now().getTime();
    p.since ??= now;
    if (p.timer) clearTimeout(p.timer);
    // Long stretches of editing without a pause still get a version now and then.
    const wait = now - p.since >= this.maxIntervalMs ? 0 : this.pauseMs;
    p.timer = setTimeout(() => {
      p.timer = null;
      void this.autoVersion(id).catch(this.onError);
    }, wait);
    p.timer.unref();
  }

  /** Versions of notebook `id`, newest first. */
  async list(id: string): Promise<VersionInfo[]> {
    return (await this.store.list(id)).reverse();
  }

  /** Saves the notebook as it is now under `name`, crediting the edits since the last version and `by`. */
  async create(id: string, name: string, by: string | null): Promise<VersionInfo> {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (clean === '') throw new BadRequestError('POST versions: "name" must not be empty');
    if (clean.length > MAX_NAME) throw new BadRequestError(`POST versions: "name" is too long (${clean.length} characters; at most ${MAX_NAME})`);
    const data = await this.current(id);
    return this.save(id, data, { name: clean, auto: false, extraAuthor: by });
  }

  /** A version and how the notebook changed since. */
  async get(id: string, versionId: string): Promise<VersionWithDiff> {
    const { info, data } = await this.store.read(id, versionId);
    const now = await this.current(id);
    return { version: info, notebook: data, diff: diffNotebooks(data, now) };
  }

  /**
   * Makes the notebook hold version `versionId` again, as one new change with the restore
   * origin. The state before is saved as a version first (unless the latest already holds
   * it), so the restore itself can be undone by restoring that one.
   */
  async restore(id: string, versionId: string, by: string | null): Promise<{ summary: RestoreSummary; before: VersionInfo }> {
    const { info, data } = await this.store.read(id, versionId);
    const doc = await this.options.docs.open(id);
    try {
      const before = await this.save(id, docToNotebook(doc), { beforeRestore: info.id, auto: true, extraAuthor: null, skipIfUnchanged: true });
      const summary = restoreNotebook(doc, data, RESTORE_ORIGIN);
      if (by) this.entry(id).authors.add(by);
      await this.options.docs.flush(id);
      return { summary, before };
    } finally {
      this.options.docs.release(id);
    }
  }

  /** Takes any versions still due (shutdown), then stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    const due = [...this.pending.entries()].filter(([, p]) => p.timer !== null);
    for (const [, p] of due) {
      clearTimeout(p.timer!);
      p.timer = null;
    }
    await Promise.all(due.map(([id]) => this.autoVersion(id).catch(this.onError)));
  }

  private async autoVersion(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p?.data) return;
    const latest = (await this.store.list(id)).at(-1);
    const now = this.now().getTime();
    const since = latest ? now - new Date(latest.at).getTime() : Infinity;
    if (since < this.minIntervalMs && !this.closed) {
      // Too soon after the last one: try again when the interval is over.
      p.timer = setTimeout(() => {
        p.timer = null;
        void this.autoVersion(id).catch(this.onError);
      }, this.minIntervalMs - since);
      p.timer.unref();
      return;
    }
    await this.save(id, p.data, { auto: true, extraAuthor: null, skipIfUnchanged: true });
  }

  private async save(
    id: string,
    data: NotebookData,
    how: { name?: string; beforeRestore?: string; auto: boolean; extraAuthor: string | null; skipIfUnchanged?: boolean },
  ): Promise<VersionInfo> {
    const latest = (await this.store.list(id)).at(-1);
    const p = this.entry(id);
    if (how.skipIfUnchanged && latest && latest.hash === contentHash(data)) {
      p.data = null;
      p.since = null;
      return latest;
    }
    const authors = [...p.authors, ...(how.extraAuthor ? [how.extraAuthor] : [])];
    p.authors = new Set();
    p.data = null;
    p.since = null;
    return this.store.add(id, data, {
      at: this.now(),
      ...(how.name ? { name: how.name } : {}),
      ...(how.beforeRestore ? { beforeRestore: how.beforeRestore } : {}),
      auto: how.auto,
      authors,
    });
  }

  private async current(id: string): Promise<NotebookData> {
    const doc = await this.options.docs.open(id);
    try {
      return docToNotebook(doc);
    } finally {
      this.options.docs.release(id);
    }
  }

  private entry(id: string): Pending {
    let p = this.pending.get(id);
    if (!p) this.pending.set(id, (p = { authors: new Set(), data: null, timer: null, since: null }));
    return p;
  }
}
