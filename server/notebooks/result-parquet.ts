/**
 * A stored result as a Parquet file. The result is Arrow; DuckDB writes Parquet. The rows go
 * through a temporary NDJSON file read back with every column's DuckDB type, so the Parquet
 * file carries the types the analyst saw (DECIMAL stays DECIMAL, TIMESTAMP stays TIMESTAMP).
 * It runs on a fresh in-memory DuckDB of the server's own, never on the sandboxed engine,
 * with extension downloads and auto-loading off.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { columnsOf, rowsOf, type JsonValue } from '../../core/result/values.js';
import { quoteIdentifier, quoteString } from '../../core/sql/identifiers.js';
import { cleanDuckDBMessage, openTrustedDuckDB, withConnection } from '../datasets/duck.js';

/** Rows converted and written per step, so a 100k-row result never becomes one huge string. */
const ROWS_PER_WRITE = 5000;

/**
 * Types the engine sends as text (see server/engine/columns.ts) that DuckDB cannot read back
 * from that text: their Parquet column is the text. Everything else is read with its type.
 */
const KEPT_AS_TEXT = /\b(MAP|UNION|GEOMETRY|VARIANT)\b/i;

/** How one column is read from the NDJSON file and selected into the Parquet file. Pure. */
export interface ColumnPlan {
  /** Key in the NDJSON objects: positional (`c0`, `c1`, …), so any name and duplicates are safe. */
  key: string;
  /** The type given to read_json. */
  readType: string;
  /** The SELECT expression over `key`. */
  select: string;
  /** The column's name in the Parquet file (duplicates get `_2`, `_3`, … as DuckDB requires). */
  name: string;
}

/** Plans how each column of a result travels NDJSON → DuckDB → Parquet. Pure. */
export function planColumns(columns: readonly { name: string; type: string }[]): ColumnPlan[] {
  const used = new Set<string>();
  return columns.map((c, i) => {
    const key = `c${i}`;
    const type = c.type.trim().toUpperCase();
    let name = c.name === '' ? `column${i}` : c.name;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${c.name}_${n}`;
    used.add(name.toLowerCase());
    const col = quoteIdentifier(key);
    // Blobs travel as base64 (core/result/values.ts), times as microseconds (or nanoseconds) since midnight.
    if (type === 'BLOB' || type === 'BYTEA') return { key, readType: 'VARCHAR', select: `from_base64(${col})`, name };
    if (type === 'TIME') return { key, readType: 'BIGINT', select: `TIME '00:00:00' + to_microseconds(${col})`, name };
    if (type === 'TIME_NS') return { key, readType: 'BIGINT', select: `TIME '00:00:00' + to_microseconds(${col} // 1000)`, name };
    if (KEPT_AS_TEXT.test(type)) return { key, readType: 'VARCHAR', select: col, name };
    return { key, readType: c.type, select: col, name };
  });
}

/** The COPY statement turning the NDJSON file at `jsonPath` into Parquet at `parquetPath`. Pure. */
export function copyStatement(plans: readonly ColumnPlan[], jsonPath: string, parquetPath: string): string {
  const columns = plans.map((p) => `${quoteIdentifier(p.key)}: ${quoteString(p.readType)}`).join(', ');
  const select = plans.map((p) => `${p.select} AS ${quoteIdentifier(p.name)}`).join(', ');
  return `COPY (SELECT ${select} FROM read_json(${quoteString(jsonPath)}, format = 'newline_delimited', columns = {${columns}})) TO ${quoteString(parquetPath)} (FORMAT parquet)`;
}

/**
 * Converts Arrow IPC bytes to Parquet bytes, using `tmpDir` for the two temporary files,
 * which are always removed. Throws an Error naming what failed.
 */
export async function arrowToParquet(arrow: Uint8Array, tmpDir: string): Promise<Uint8Array> {
  const table = tableFromIPC(arrow);
  const plans = planColumns(columnsOf(table));
  if (plans.length === 0) throw new Error('a result without columns cannot be written as Parquet');
  await mkdir(tmpDir, { recursive: true });
  const base = join(tmpDir, `download-${randomBytes(8).toString('hex')}`);
  const jsonPath = `${base}.ndjson`;
  const parquetPath = `${base}.parquet`;
  try {
    await writeNdjson(table, plans, jsonPath);
    const db = await openTrustedDuckDB({ threads: 1 });
    try {
      await withConnection(db, (c) => c.run(copyStatement(plans, jsonPath, parquetPath)));
    } catch (e) {
      throw new Error(`writing Parquet: ${cleanDuckDBMessage(e, tmpDir)}`);
    } finally {
      db.closeSync();
    }
    return await readFile(parquetPath);
  } finally {
    await Promise.all([rm(jsonPath, { force: true }), rm(parquetPath, { force: true })]);
  }
}

async function writeNdjson(table: Table, plans: readonly ColumnPlan[], path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let offset = 0; offset < table.numRows; offset += ROWS_PER_WRITE) {
      const lines = rowsOf(table, offset, ROWS_PER_WRITE).map((row) => {
        const obj: Record<string, JsonValue> = {};
        plans.forEach((p, i) => (obj[p.key] = row[i] ?? null));
        return JSON.stringify(obj);
      });
      await file.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await file.close();
  }
}
