import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NotebookId, ResultId } from '../../core/ids.js';
import type { ColumnInfo } from '../engine/types.js';

export interface StoredResult {
  id: ResultId;
  arrow: Uint8Array;
  columns: ColumnInfo[];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
  createdAt: string;
  /** The highest marking of the datasets it read (issue 6); absent without access control. */
  marking?: { level: string; compartments: string[] };
  /**
   * The notebook whose cell run stored it: reading it needs a role on that notebook. Absent
   * for a free query (see `userId`) and for results stored before results recorded it.
   */
  notebookId?: NotebookId;
  /** The user (AuthUser id) whose free query (`POST /api/query`) stored it: only they may read it. */
  userId?: string;
}

/** What produced a result, kept with it so that reading it follows the same access. */
export type ResultOrigin = { notebookId: NotebookId } | { userId: string };

type ResultMeta = Omit<StoredResult, 'arrow'>;

const RESULT_ID = /^[a-f0-9]{24}$/;

/**
 * Query results by id. Recent results stay in memory within a byte budget
 * (least recently used go first); results of notebook cells are also kept on
 * disk, so the latest output of every cell survives a restart and a newcomer
 * sees it. Results are never put in the shared document.
 */
export class ResultStore {
  private readonly memory = new Map<string, StoredResult>();
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly budgetBytes = 256 * 1024 * 1024,
  ) {}

  static isId(s: string): s is ResultId {
    return RESULT_ID.test(s);
  }

  async put(result: Omit<StoredResult, 'id' | 'createdAt'>, persist: boolean): Promise<StoredResult> {
    const stored: StoredResult = { ...result, id: randomBytes(12).toString('hex') as ResultId, createdAt: new Date().toISOString() };
    this.remember(stored);
    if (persist) {
      await mkdir(this.dir, { recursive: true });
      const { arrow, ...meta } = stored;
      await writeAtomic(join(this.dir, `${stored.id}.arrow`), arrow);
      await writeAtomic(join(this.dir, `${stored.id}.json`), JSON.stringify(meta));
    }
    return stored;
  }

  async get(id: ResultId): Promise<StoredResult | undefined> {
    const hit = this.memory.get(id);
    if (hit) {
      this.memory.delete(id);
      this.memory.set(id, hit);
      return hit;
    }
    try {
      const [arrow, meta] = await Promise.all([
        readFile(join(this.dir, `${id}.arrow`)),
        readFile(join(this.dir, `${id}.json`), 'utf8'),
      ]);
      const stored: StoredResult = { ...(JSON.parse(meta) as ResultMeta), arrow: new Uint8Array(arrow) };
      this.remember(stored);
      return stored;
    } catch {
      return undefined;
    }
  }

  private remember(r: StoredResult): void {
    this.memory.set(r.id, r);
    this.bytes += r.arrow.byteLength;
    for (const [id, old] of this.memory) {
      if (this.bytes <= this.budgetBytes || id === r.id) break;
      this.memory.delete(id);
      this.bytes -= old.arrow.byteLength;
    }
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
