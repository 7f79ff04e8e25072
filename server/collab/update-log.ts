/**
 * A notebook's durable update log: every accepted Yjs update is written and fdatasync'ed
 * here before anyone else sees it, so an acknowledged edit survives kill -9.
 *
 * Log file: an 8-byte magic, then records of
 *   [u32 LE payload length][u32 LE crc32 of payload][payload = one Yjs update (v1)]
 * Snapshot file (`.ysnap`): the same magic family and a single record holding
 * Y.encodeStateAsUpdate of the whole document at compaction time.
 *
 * The state is always "snapshot, then every log record": compaction writes a new snapshot
 * by temp file + fsync + rename and only then empties the log, so a crash at any step
 * leaves a state that replays to the same document (records may be applied twice, which
 * Yjs ignores).
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { atomicWrite, fsyncDir, isNotFound, type StatePaths } from './state-files.js';

const LOG_MAGIC = Buffer.from('CRNYLOG1', 'latin1');
const SNAP_MAGIC = Buffer.from('CRNYSNP1', 'latin1');
const RECORD_HEADER = 8;
/** Larger lengths are garbage, not records: no update the server accepts comes near. */
const MAX_RECORD = 512 * 1024 * 1024;

/** What a log held when it was opened. */
export interface Replayed {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
}

export class CorruptStateError extends Error {
  override name = 'CorruptStateError';
}

interface Pending {
  record: Buffer;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class UpdateLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  private paused = false;
  private closed = false;
  /** Bytes of the log known to be good; writes go here, a failed write is cut back to it. */
  private size: number;
  private records: number;

  private constructor(
    private readonly paths: StatePaths,
    private readonly handle: FileHandle,
    size: number,
    records: number,
  ) {
    this.size = size;
    this.records = records;
  }

  /**
   * Opens (creating if needed) the log at `paths` and reads what it holds: the snapshot and
   * the log records in order. A half-written or corrupt tail record ends the replay: the
   * file is cut back to the last good record and `warn` is called once. A corrupt snapshot
   * throws CorruptStateError (snapshots are replaced by rename, so that is not a crash).
   */
  static async open(paths: StatePaths, warn: (message: string) => void): Promise<{ log: UpdateLog; replayed: Replayed }> {
    await fs.mkdir(paths.dir, { recursive: true });
    // A temp snapshot is a compaction that did not finish: the old snapshot and log hold it all.
    await fs.rm(paths.snapshotTmp, { force: true });
    const snapshot = await readSnapshot(paths.snapshot);

    let handle: FileHandle;
    let created = false;
    try {
      handle = await fs.open(paths.log, 'r+');
    } catch (e) {
      if (!isNotFound(e)) throw e;
      handle = await fs.open(paths.log, 'w+');
      created = true;
    }
    try {
      const bytes = created ? Buffer.alloc(0) : await handle.readFile();
      const { updates, goodLength, problem } = parseLog(bytes, paths.log);
      if (problem !== null) {
        warn(`${paths.log}: ${problem}; cut ${bytes.length - goodLength} bytes, kept ${updates.length} updates`);
      }
      if (goodLength < LOG_MAGIC.length) {
        await handle.truncate(0);
        await handle.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
        await handle.datasync();
      } else if (goodLength < bytes.length) {
        await handle.truncate(goodLength);
        await handle.datasync();
      }
      if (created) await fsyncDir(paths.dir);
      const size = Math.max(goodLength, LOG_MAGIC.length);
      return { log: new UpdateLog(paths, handle, size, updates.length), replayed: { snapshot, updates } };
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** Records appended since the last compaction. */
  get recordCount(): number {
    return this.records;
  }

  /**
   * Appends one update; resolves once it is on disk (fdatasync). Appends that arrive while
   * a write is in flight share the next write and fsync (group commit).
   */
  append(update: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.paths.log}: append after close`));
    return new Promise((resolve, reject) => {
      this.queue.push({ record: encodeRecord(update), resolve, reject });
      this.kick();
    });
  }

  /**
   * Replaces snapshot + log by a snapshot of `getState()`. Appends are held while it runs.
   * `getState` is called after every earlier append is durable and its callers have had a
   * turn to apply it, so the snapshot covers everything the log loses.
   */
  compact(getState: () => Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.compacting) return this.compacting;
    this.paused = true;
    this.compacting = (async () => {
      try {
        await this.flushing;
        // Callers apply an update in the continuation of its append(): let those run first.
        await new Promise((resolve) => setImmediate(resolve));
        const state = getState();
        await atomicWrite(this.paths.snapshot, this.paths.snapshotTmp, Buffer.concat([SNAP_MAGIC, encodeRecord(state)]));
        await this.handle.truncate(LOG_MAGIC.length);
        await this.handle.datasync();
        this.size = LOG_MAGIC.length;
        this.records = 0;
      } finally {
        this.paused = false;
        this.compacting = null;
        this.kick();
      }
    })();
    return this.compacting;
  }

  /** Waits for pending appends, then closes the file. Later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.compacting;
    await this.flushing;
    this.closed = true;
    await this.handle.close();
  }

  private kick(): void {
    if (this.flushing || this.paused || this.queue.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0 && !this.paused) {
      const batch = this.queue.splice(0);
      const records = batch.map((p) => p.record);
      try {
        const written = await writeRecords(this.handle, records, this.size);
        await this.handle.datasync();
        this.size += written;
        this.records += batch.length;
        for (const p of batch) p.resolve();
      } catch (e) {
        // Cut a partial write back so that later records do not follow garbage.
        await this.handle.truncate(this.size).catch(() => undefined);
        for (const p of batch) p.reject(e);
      }
    }
  }
}

function encodeRecord(payload: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  record.set(payload, RECORD_HEADER);
  return record;
}

/** Parses records after the magic; stops at the first incomplete or corrupt one. */
function parseLog(bytes: Buffer, file: string): { updates: Uint8Array[]; goodLength: number; problem: string | null } {
  if (bytes.length < LOG_MAGIC.length) {
    return { updates: [], goodLength: 0, problem: bytes.length === 0 ? null : 'incomplete header' };
  }
  if (!bytes.subarray(0, LOG_MAGIC.length).equals(LOG_MAGIC)) {
    throw new CorruptStateError(`${file}: not a Carnet update log (bad magic)`);
  }
  const updates: Uint8Array[] = [];
  let pos = LOG_MAGIC.length;
  while (pos < bytes.length) {
    const record = readRecord(bytes, pos);
    if (typeof record === 'string') {
      return { updates, goodLength: pos, problem: `record ${updates.length + 1} at byte ${pos}: ${record}` };
    }
    updates.push(record);
    pos += RECORD_HEADER + record.length;
  }
  return { updates, goodLength: pos, problem: null };
}

/** The payload at `pos`, or why there is none. */
function readRecord(bytes: Buffer, pos: number): Uint8Array | string {
  if (bytes.length - pos < RECORD_HEADER) return 'incomplete record header';
  const length = bytes.readUInt32LE(pos);
  const checksum = bytes.readUInt32LE(pos + 4);
  if (length > MAX_RECORD) return `implausible length ${length}`;
  if (bytes.length - pos - RECORD_HEADER < length) return `incomplete record (${length} bytes announced)`;
  const payload = bytes.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + length);
  if (crc32(payload) !== checksum) return 'checksum mismatch';
  return new Uint8Array(payload);
}

async function readSnapshot(file: string): Promise<Uint8Array | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
  if (!bytes.subarray(0, SNAP_MAGIC.length).equals(SNAP_MAGIC)) {
    throw new CorruptStateError(`${file}: not a Carnet snapshot (bad magic)`);
  }
  const record = readRecord(bytes, SNAP_MAGIC.length);
  if (typeof record === 'string') throw new CorruptStateError(`${file}: ${record}`);
  return record;
}

/** Writes `records` back to back at `position`; returns the bytes written. */
async function writeRecords(handle: FileHandle, records: Buffer[], position: number): Promise<number> {
  if (records.length === 0) return 0;
  const buffer = records.length === 1 ? records[0]! : Buffer.concat(records);
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, position + offset);
    offset += bytesWritten;
  }
  return buffer.length;
}
