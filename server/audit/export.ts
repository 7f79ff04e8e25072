/**
 * The log as a flat table, for security officers who study it in a notebook: one JSON
 * object per line with fixed columns (DuckDB's read_json infers one schema), the
 * query fields lifted out of `details`, the rest kept as JSON text.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { readLines } from './lines.js';
import type { AuditRecord } from './types.js';

/** One record as a flat row with the same columns for every action. Pure. */
export function flattenRecord(r: AuditRecord) {
  const d = r.details;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    seq: r.seq,
    time: r.time,
    action: r.action,
    actor_user_id: r.actor.userId ?? null,
    actor_name: r.actor.name ?? null,
    actor_address: r.actor.address ?? null,
    target: r.target ?? null,
    notebook_id: str(d.notebookId),
    cell_id: str(d.cellId),
    compiled_sql: str(d.compiledSql),
    datasets: Array.isArray(d.datasets) ? d.datasets.filter((x): x is string => typeof x === 'string') : null,
    rows: num(d.rows),
    duration_ms: num(d.durationMs),
    status: str(d.status),
    error: str(d.error),
    details: JSON.stringify(d),
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

/** Writes the readable records of `logPath` to `outPath` (via a temp file) and returns their count. */
export async function writeAuditNdjson(logPath: string, outPath: string): Promise<number> {
  const tmp = `${outPath}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { mode: 0o600 });
  let count = 0;
  try {
    for await (const line of readLines(logPath)) {
      if (!line.terminated) break;
      let r: AuditRecord;
      try {
        r = JSON.parse(line.text) as AuditRecord;
      } catch {
        continue;
      }
      if (!out.write(JSON.stringify(flattenRecord(r)) + '\n')) await once(out, 'drain');
      count++;
    }
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
  out.end();
  await once(out, 'close');
  await rename(tmp, outPath);
  return count;
}
