/**
 * The hash chain as a pure step function: given the last good record and the next
 * line, either the line extends the chain or the first problem is named. Both the
 * log (on opening) and `carnet audit verify` walk a file with it.
 */
import { recordHash } from './canonical.js';
import { AUDIT_ACTIONS, GENESIS_HASH, type AuditRecord } from './types.js';

/** Where the chain stands: the last good record's seq and hash (0 and 64 zeros at the start). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

export type ChainStep = { ok: true; head: ChainHead; record: AuditRecord } | { ok: false; seq: number; reason: string };

const HEX64 = /^[0-9a-f]{64}$/;
const ACTIONS = new Set<string>(AUDIT_ACTIONS);

/** Checks that `line` (without its newline) is the record that follows `head`. */
export function nextRecord(head: ChainHead, line: string): ChainStep {
  const expected = head.seq + 1;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, seq: expected, reason: `record ${expected}: not a readable record (altered)` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, seq: expected, reason: `record ${expected}: not a readable record (altered)` };
  }
  const fields = parsed as Record<string, unknown>;
  // The hash is checked first: an edited seq or prevHash is an alteration, not a gap.
  // Records are named by their place in the chain, since an edit may have changed `seq` too.
  if (typeof fields.hash !== 'string' || recordHash(fields) !== fields.hash) {
    return { ok: false, seq: expected, reason: `record ${expected}: hash does not match its content (altered)` };
  }
  const shape = shapeProblem(fields);
  if (shape) return { ok: false, seq: expected, reason: `record ${expected}: ${shape} (altered)` };
  const record = fields as unknown as AuditRecord;
  if (record.seq !== expected) {
    const after = head.seq === 0 ? 'the start of the log' : `record ${head.seq}`;
    return { ok: false, seq: expected, reason: `record ${expected}: missing or out of order (record ${record.seq} follows ${after})` };
  }
  if (record.prevHash !== head.hash) {
    const prev = head.seq === 0 ? 'the start of the log' : `record ${head.seq}`;
    return { ok: false, seq: record.seq, reason: `record ${record.seq}: previous hash does not match ${prev} (missing or reordered record)` };
  }
  return { ok: true, head: { seq: record.seq, hash: record.hash }, record };
}

/** What is wrong with a hash-consistent object as a record, or null. */
function shapeProblem(f: Record<string, unknown>): string | null {
  if (!Number.isSafeInteger(f.seq) || (f.seq as number) < 1) return 'seq is not a positive integer';
  if (typeof f.time !== 'string' || Number.isNaN(Date.parse(f.time))) return 'time is not a date';
  if (typeof f.prevHash !== 'string' || !HEX64.test(f.prevHash)) return 'prevHash is not a sha256';
  if (typeof f.hash !== 'string' || !HEX64.test(f.hash)) return 'hash is not a sha256';
  if (typeof f.action !== 'string' || !ACTIONS.has(f.action)) return `unknown action ${JSON.stringify(f.action)}`;
  if (typeof f.actor !== 'object' || f.actor === null || Array.isArray(f.actor)) return 'actor is not an object';
  if (typeof f.details !== 'object' || f.details === null || Array.isArray(f.details)) return 'details is not an object';
  if (f.target !== undefined && typeof f.target !== 'string') return 'target is not a string';
  return null;
}
