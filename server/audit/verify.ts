/**
 * Walks a log file from the first record and names the first one that is altered,
 * missing, out of order or cut short. Read-only: safe to run while a server appends.
 */
import { GENESIS, nextRecord, type ChainHead } from './chain.js';
import { readLines } from './lines.js';
import type { VerifyResult } from './types.js';

/** Verifies the chain in the first `size` bytes of `path` (the whole file when absent). */
export async function verifyAuditFile(path: string, size?: number): Promise<VerifyResult> {
  let head: ChainHead = GENESIS;
  for await (const line of readLines(path, size)) {
    const step = nextRecord(head, line.text);
    if (!step.ok) {
      // An unterminated last line that does not parse is a write that never finished.
      if (!line.terminated) {
        return { ok: false, seq: head.seq + 1, reason: 'last record is incomplete (truncated write)', records: head.seq };
      }
      return { ok: false, seq: step.seq, reason: step.reason, records: head.seq };
    }
    head = step.head;
  }
  return { ok: true, records: head.seq, lastHash: head.hash };
}
