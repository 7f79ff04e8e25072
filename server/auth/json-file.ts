/**
 * A small JSON document on disk (users.json, tokens.json) shared by the server and the
 * `carnet` commands: reads are cached until the file changes (a `carnet user disable`
 * takes effect at the server's next request), writes are atomic (temp file, fsync,
 * rename) and updates hold a lock file so two processes never lose each other's change.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withFileLock } from '../audit/file-lock.js';
import { randomId } from './secrets.js';

export class JsonFile<T> {
  private cache: { key: string; doc: T } | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * @param validate turns the parsed file into a document, throwing a message that names the
   *   file and the problem (a hand-edited file must not silently grant or lose access).
   */
  constructor(
    readonly path: string,
    private readonly empty: () => T,
    private readonly validate: (raw: unknown, path: string) => T,
  ) {}

  /** The document as the file holds it now. */
  async read(): Promise<T> {
    const info = await stat(this.path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (info === null) return this.empty();
    // A rename gives a new inode, so an atomic write by another process always changes the key.
    const key = `${info.ino}:${info.size}:${info.mtimeMs}`;
    if (this.cache?.key === key) return this.cache.doc;
    const doc = await this.load();
    this.cache = { key, doc };
    return doc;
  }

  /** Reads the latest document, applies `change`, writes the result. Serialised across processes. */
  update<R>(change: (doc: T) => Promise<{ doc: T; result: R }> | { doc: T; result: R }): Promise<R> {
    const run = this.queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      return withFileLock(`${this.path}.lock`, async () => {
        const current = (await stat(this.path).then(() => true, () => false)) ? await this.load() : this.empty();
        const { doc, result } = await change(current);
        await this.write(doc);
        return result;
      });
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async load(): Promise<T> {
    const text = await readFile(this.path, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`${this.path} is not valid JSON (${(e as Error).message}); restore it from a backup or fix it by hand`);
    }
    return this.validate(raw, this.path);
  }

  private async write(doc: T): Promise<void> {
    const tmp = `${this.path}.${randomId(4)}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(doc, null, 2) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    // The rename is durable only once the folder is synced.
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.cache = null;
  }
}
