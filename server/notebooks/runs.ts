import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { CellId, NotebookId, ResultId } from '../../core/ids.js';

/** What every participant learns about a run: small, never the rows themselves. */
export interface RunRecord {
  cellId: CellId;
  status: 'ok' | 'error';
  resultId?: ResultId;
  rowCount?: number;
  truncated?: boolean;
  elapsedMs: number;
  ranAt: string;
  ranBy?: string;
  error?: { message: string; kind: string; cellId?: CellId; cellName?: string; line?: number; column?: number };
  /** The highest marking of the datasets the run read (issue 6), when access control is on. */
  marking?: { level: string; compartments: string[] };
  /** sourceHash of each cell whose source fed this run (target and upstream). */
  inputs: Record<string, string>;
  /** Parameters bound to the run, when there were any (for provenance). */
  params?: Record<string, string | number | boolean | null>;
}

/** The latest run record of each cell, per notebook, kept in the workspace state. */
export class RunLog {
  private readonly cache = new Map<NotebookId, Record<string, RunRecord>>();
  private writing = Promise.resolve();

  constructor(private readonly dir: string) {}

  async latest(id: NotebookId): Promise<Record<string, RunRecord>> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    let runs: Record<string, RunRecord> = {};
    try {
      runs = JSON.parse(await readFile(this.file(id), 'utf8')) as Record<string, RunRecord>;
    } catch {
      // No run yet, or an unreadable file: start empty rather than fail the notebook.
    }
    this.cache.set(id, runs);
    return runs;
  }

  async record(id: NotebookId, run: RunRecord): Promise<void> {
    const runs = await this.latest(id);
    runs[run.cellId] = run;
    const text = JSON.stringify(runs);
    // Writes are serialised so an older snapshot never lands after a newer one.
    this.writing = this.writing.then(async () => {
      await mkdir(this.dir, { recursive: true });
      const tmp = `${this.file(id)}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file(id));
    });
    await this.writing;
  }

  forget(id: NotebookId): void {
    this.cache.delete(id);
  }

  private file(id: NotebookId): string {
    return join(this.dir, `${id}.json`);
  }
}
