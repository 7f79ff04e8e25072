import { mkdir, readFile, readdir, rename, stat, open, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CellId, NotebookId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { parseNotebook, serializeNotebook } from '../../core/notebook/format.js';
import { NotFoundError, BadRequestError } from '../errors.js';

const ID = /^[A-Za-z0-9_-]{1,100}$/;

export interface NotebookSummary {
  id: NotebookId;
  title: string;
  classification?: string;
  created?: string;
  updated?: string;
  /** File modification time, ISO 8601. */
  modified: string;
  cells: number;
  /** Set when the file cannot be parsed; the file is then left untouched. */
  error?: string;
}

/** Checks a notebook id taken from a URL or a file name. */
export function parseNotebookId(raw: string): NotebookId {
  if (!ID.test(raw)) throw new BadRequestError(`invalid notebook id "${raw.slice(0, 40)}": use letters, digits, - and _`);
  return raw as NotebookId;
}

/** The notebooks folder of a workspace: one Markdown file per notebook, named `<id>.md`. */
export class NotebookStore {
  constructor(
    readonly dir: string,
    private readonly trashDir: string,
  ) {}

  path(id: NotebookId): string {
    return join(this.dir, `${id}.md`);
  }

  async exists(id: NotebookId): Promise<boolean> {
    return stat(this.path(id)).then((s) => s.isFile(), () => false);
  }

  async list(): Promise<NotebookSummary[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.md') && ID.test(n.slice(0, -3)));
    const out = await Promise.all(names.map((n) => this.summary(n.slice(0, -3) as NotebookId)));
    return out.sort((a, b) => (b.updated ?? b.modified).localeCompare(a.updated ?? a.modified));
  }

  private async summary(id: NotebookId): Promise<NotebookSummary> {
    const file = this.path(id);
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const modified = info.mtime.toISOString();
    try {
      const { meta, cells } = parseNotebook(text);
      return { id, title: meta.title, classification: meta.classification, created: meta.created, updated: meta.updated, modified, cells: cells.length };
    } catch (e) {
      return { id, title: id, modified, cells: 0, error: `${id}.md: ${(e as Error).message}` };
    }
  }

  /** Reads and parses a notebook; a malformed file is an error naming the line, never replaced. */
  async read(id: NotebookId): Promise<NotebookData> {
    let text: string;
    try {
      text = await readFile(this.path(id), 'utf8');
    } catch {
      throw new NotFoundError(`notebook "${id}" not found`);
    }
    try {
      return parseNotebook(text);
    } catch (e) {
      throw new BadRequestError(`notebook "${id}" cannot be opened: ${id}.md ${(e as Error).message}`);
    }
  }

  /** Writes atomically: a crash leaves either the old file or the new one, never half of one. */
  async write(id: NotebookId, data: NotebookData): Promise<void> {
    const text = serializeNotebook(withUniqueCellIds(data));
    const tmp = join(this.dir, `.${id}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path(id));
  }

  async create(title: string, cells: NotebookData['cells'] = []): Promise<NotebookId> {
    const id = await this.freshId(title);
    const now = new Date().toISOString();
    await this.write(id, { meta: { title, created: now, updated: now }, cells });
    return id;
  }

  /** Moves the file to the workspace trash, keeping every earlier deleted copy. */
  async trash(id: NotebookId): Promise<string> {
    if (!(await this.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
    await mkdir(this.trashDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(this.trashDir, `${id}.${stamp}.md`);
    await rename(this.path(id), target);
    return target;
  }

  /** Copies seed notebooks that are not yet present (never overwrites). */
  async seed(fromDir: string): Promise<string[]> {
    const added: string[] = [];
    const names = await readdir(fromDir).catch(() => [] as string[]);
    for (const n of names) {
      if (!n.endsWith('.md') || !ID.test(n.slice(0, -3))) continue;
      const target = join(this.dir, n);
      if (await stat(target).then(() => true, () => false)) continue;
      await copyFile(join(fromDir, n), target);
      added.push(n.slice(0, -3));
    }
    return added;
  }

  private async freshId(title: string): Promise<NotebookId> {
    const slug = title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'notebook';
    for (;;) {
      const id = `${slug}-${randomBytes(3).toString('hex')}` as NotebookId;
      if (!(await this.exists(id))) return id;
    }
  }
}

/**
 * Two people moving the same cell at once can leave two copies with one id (a move
 * is a delete and an insert). The file must stay readable, so later copies get a
 * derived id; the document itself is left as it is.
 */
function withUniqueCellIds(data: NotebookData): NotebookData {
  const seen = new Set<string>();
  let changed = false;
  const cells = data.cells.map((c) => {
    if (!seen.has(c.id)) {
      seen.add(c.id);
      return c;
    }
    changed = true;
    let n = 2;
    while (seen.has(`${c.id}-${n}`)) n++;
    const id = `${c.id}-${n}` as CellId;
    seen.add(id);
    return { ...c, id };
  });
  return changed ? { ...data, cells } : data;
}
