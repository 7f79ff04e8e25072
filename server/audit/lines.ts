/**
 * Reading a JSON Lines file without holding it in memory: forwards line by line (verify,
 * search) and backwards to the last line (opening the log). The log grows for years;
 * neither reads more than a line at a time.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export interface Line {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** False for a last line with no newline after it (a write cut short, or in progress). */
  terminated: boolean;
}

const NL = 0x0a;

/** The lines of `path` within its first `size` bytes (all of it when absent). */
export async function* readLines(path: string, size?: number): AsyncGenerator<Line> {
  if (size === 0) return;
  const stream = createReadStream(path, size === undefined ? {} : { end: size - 1 });
  let pending: Buffer[] = [];
  let pendingOffset = 0;
  let offset = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = chunk.indexOf(NL); i !== -1; i = chunk.indexOf(NL, start)) {
      pending.push(chunk.subarray(start, i));
      yield { text: Buffer.concat(pending).toString('utf8'), offset: pendingOffset, terminated: true };
      pending = [];
      start = i + 1;
      pendingOffset = offset + start;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    offset += chunk.length;
  }
  if (pending.length) yield { text: Buffer.concat(pending).toString('utf8'), offset: pendingOffset, terminated: false };
}

/** The last line of the first `size` bytes of an open file, or null when empty. */
export async function readLastLine(fh: FileHandle, size: number): Promise<Line | null> {
  if (size === 0) return null;
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, size - 1);
  const terminated = last[0] === NL;
  const end = terminated ? size - 1 : size;
  const chunks: Buffer[] = [];
  const step = 64 * 1024;
  let pos = end;
  while (pos > 0) {
    const from = Math.max(0, pos - step);
    const buf = Buffer.alloc(pos - from);
    await fh.read(buf, 0, buf.length, from);
    const nl = buf.lastIndexOf(NL);
    if (nl !== -1) {
      chunks.unshift(buf.subarray(nl + 1));
      return { text: Buffer.concat(chunks).toString('utf8'), offset: from + nl + 1, terminated };
    }
    chunks.unshift(buf);
    pos = from;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), offset: 0, terminated };
}
