/**
 * The append-only, hash-chained audit log: `<dir>/audit.log`, one JSON record per line.
 * An append is on disk (fdatasync) before it resolves, so a caller that awaits it before
 * answering never reports an action the log does not hold. Appends are serialised in
 * this process by a queue and across processes (server and `carnet` commands) by a lock
 * file, so the chain never forks.
 */
import { mkdir, open, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordHash, toJsonValue } from './canonical.js';
import { GENESIS, type ChainHead } from './chain.js';
import { withFileLock } from './file-lock.js';
import { readLastLine } from './lines.js';
import { searchAuditFile } from './search.js';
import { verifyAuditFile } from './verify.js';
import type { AuditEntry, AuditPage, AuditQuery, AuditRecord, VerifyResult } from './types.js';

export const AUDIT_FILE = 'audit.log';

export interface AuditLog {
  /** The log file's path. */
  readonly path: string;
  /** Appends one record; resolves once it is durable. Rejects (and writes nothing) when it cannot. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Checks the whole chain as it stands now. */
  verify(): Promise<VerifyResult>;
  /** A page of records, newest first. */
  search(q: AuditQuery): Promise<AuditPage>;
  /** The last record's seq and hash: an operator may note it elsewhere to detect a cut tail. */
  head(): ChainHead;
  close(): Promise<void>;
}

export interface AuditLogOptions {
  /** Clock for record times (tests). Default: the system clock. */
  now?: () => Date;
  /** Told when opening cut a half-written last line. Default console.warn. */
  warn?: (message: string) => void;
}

/** The folder of the audit log inside a workspace's state folder. */
export const auditDirOf = (stateDir: string) => join(stateDir, 'audit');

/**
 * Opens (creating if needed) the log in `dir`. A half-written last line — a crash in
 * the middle of an append, which therefore was never acknowledged — is moved to
 * `audit.log.torn` and the cut is itself recorded, so it stays visible in the chain.
 * A log whose last complete line is not a record refuses to open: it was altered.
 */
export async function createAuditLog(dir: string, opts: AuditLogOptions = {}): Promise<AuditLog> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, AUDIT_FILE);
  const lockPath = `${path}.lock`;
  const now = opts.now ?? (() => new Date());
  const warn = opts.warn ?? ((m: string) => console.warn(`[carnet] ${m}`));
  const fh = await open(path, 'a+', 0o600);

  let head: ChainHead = GENESIS;
  let size = 0;
  let broken: Error | null = null;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  /** Re-reads where the chain ends: at opening, and when another process appended. */
  const syncHead = async (): Promise<string | null> => {
    size = (await fh.stat()).size;
    const last = await readLastLine(fh, size);
    if (last === null) {
      head = GENESIS;
      return null;
    }
    const parsed = parseHead(last.text);
    if (parsed && !last.terminated) {
      // Complete but for its newline: finish the line instead of cutting a good record.
      await fh.write('\n');
      await fh.datasync();
      size += 1;
    }
    if (parsed) {
      head = parsed;
      return null;
    }
    if (last.terminated) {
      throw new Error(`audit log ${path}: the last record is unreadable, so the log was altered; keep a copy for investigation, then move the file aside to start a new log (carnet audit verify names the first bad record)`);
    }
    const torn = Buffer.alloc(size - last.offset);
    await fh.read(torn, 0, torn.length, last.offset);
    const note = Buffer.from(`# ${now().toISOString()} cut ${torn.length} bytes at offset ${last.offset}\n`);
    await appendFile(`${path}.torn`, Buffer.concat([note, torn, Buffer.from('\n')]), { mode: 0o600 });
    await fh.truncate(last.offset);
    await fh.datasync();
    size = last.offset;
    const before = await readLastLine(fh, size);
    const prev = before === null ? GENESIS : parseHead(before.text);
    if (prev === null) throw new Error(`audit log ${path}: the record before a half-written last line is unreadable; the log was altered`);
    head = prev;
    return `cut ${torn.length} bytes of a half-written last record at offset ${last.offset} (kept in ${AUDIT_FILE}.torn)`;
  };

  /** Writes one record after the current head. The caller holds the lock. */
  const writeRecord = async (entry: AuditEntry): Promise<AuditRecord> => {
    const fields = toJsonValue({
      seq: head.seq + 1,
      time: now().toISOString(),
      prevHash: head.hash,
      actor: entry.actor,
      action: entry.action,
      ...(entry.target !== undefined ? { target: entry.target } : {}),
      details: entry.details ?? {},
    });
    const hash = recordHash(fields);
    const { seq, time, prevHash, actor, action, target, details } = fields;
    // Field order for people reading the file; the hash does not depend on it.
    const record: AuditRecord = { seq, time, prevHash, hash, actor, action, ...(target !== undefined ? { target } : {}), details };
    const bytes = Buffer.from(JSON.stringify(record) + '\n');
    try {
      let done = 0;
      while (done < bytes.length) done += (await fh.write(bytes, done)).bytesWritten;
      await fh.datasync();
    } catch (e) {
      // Undo a partial line so the next append does not continue a torn one.
      await fh.truncate(size).catch((t: unknown) => {
        broken = new Error(`audit log ${path} cannot be written (${(t as Error).message}); actions that must be audited are refused`);
      });
      throw new Error(`audit log ${path}: append failed: ${(e as Error).message}`);
    }
    size += bytes.length;
    head = { seq: record.seq, hash };
    return record;
  };

  /** Catches up with another process's appends; records anything odd found on the way. */
  const write = async (entry: AuditEntry): Promise<AuditRecord> => {
    if (broken) throw broken;
    return withFileLock(lockPath, async () => {
      const actual = (await fh.stat()).size;
      if (actual !== size) {
        const known = size;
        const repaired = await syncHead();
        const shrank = actual < known ? `the log shrank from ${known} to ${actual} bytes while open: records were removed outside Carnet` : null;
        for (const reason of [shrank, repaired]) {
          if (!reason) continue;
          warn(`audit log: ${reason}`);
          await writeRecord({ actor: { name: 'carnet' }, action: 'audit_repair', details: { reason } });
        }
      }
      return writeRecord(entry);
    });
  };

  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  try {
    await withFileLock(lockPath, async () => {
      const repaired = await syncHead();
      if (!repaired) return;
      warn(`audit log: ${repaired}`);
      await writeRecord({ actor: { name: 'carnet' }, action: 'audit_repair', details: { reason: repaired } });
    });
  } catch (e) {
    await fh.close();
    throw e;
  }

  return {
    path,
    append(entry) {
      if (closed) return Promise.reject(new Error(`audit log ${path} is closed`));
      return enqueue(() => write(entry));
    },
    // The size is taken inside the queue so a record being written is not read half-way.
    verify: () => enqueue(async () => size).then((s) => verifyAuditFile(path, s)),
    search: (q) => enqueue(async () => size).then((s) => searchAuditFile(path, q, s)),
    head: () => ({ ...head }),
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await fh.close();
    },
  };
}

/** The chain head a complete record line gives, or null when it is not one. */
function parseHead(line: string): ChainHead | null {
  let r: { seq?: unknown; hash?: unknown };
  try {
    r = JSON.parse(line) as typeof r;
  } catch {
    return null;
  }
  if (typeof r !== 'object' || r === null || !Number.isSafeInteger(r.seq) || typeof r.hash !== 'string') return null;
  return { seq: r.seq as number, hash: r.hash };
}
