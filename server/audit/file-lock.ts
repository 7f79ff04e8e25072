/**
 * A lock file that serialises writers across processes: the server and a `carnet`
 * command may both append to the audit log or rewrite users.json. Without it two
 * writers would fork the hash chain or lose each other's update.
 */
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

export interface LockOptions {
  /** Give up after waiting this long. Default 10 s. */
  waitMs?: number;
  /** A lock older than this whose owner cannot be checked is taken over. Default 30 s. */
  staleMs?: number;
}

/** Runs `fn` while holding `lockPath` (created exclusively, removed after). */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  await acquire(lockPath, opts.waitMs ?? 10_000, opts.staleMs ?? 30_000);
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => {});
  }
}

async function acquire(lockPath: string, waitMs: number, staleMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lockPath, 'wx');
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (await isStale(lockPath, staleMs)) {
      // Renaming first means only one of several waiters removes the stale lock.
      const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
      if (await rename(lockPath, aside).then(() => true, () => false)) await unlink(aside).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) {
      const owner = (await readFile(lockPath, 'utf8').catch(() => '')).trim();
      throw new Error(`${lockPath} is held by process ${owner || '(unknown)'}; if no carnet process is running, delete the file`);
    }
    await new Promise((ok) => setTimeout(ok, Math.min(10, 1 + attempt)));
  }
}

/** The owner process is gone, or the lock is old and its owner unknown. */
async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  const [text, info] = await Promise.all([readFile(lockPath, 'utf8').catch(() => null), stat(lockPath).catch(() => null)]);
  if (text === null || info === null) return false; // just released: try again
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0) {
    if (pid === process.pid) return false; // ours, held by another writer in this process
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  // Written but not yet filled, or garbage: only old ones are stale.
  return Date.now() - info.mtimeMs > staleMs;
}
