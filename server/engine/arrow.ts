import duckdb from '@duckdb/node-bindings';
import type { DuckDBResult } from '@duckdb/node-api';
import { RecordBatch, Schema, Struct, Table, makeData, tableToIPC } from 'apache-arrow';
import { arrowField, createColumnBuilder, type ColumnBuilder } from './columns.js';
import type { ColumnInfo } from './types.js';

/** A page of a result, as Arrow IPC stream bytes. */
export interface ArrowPage {
  arrow: Uint8Array;
  columns: ColumnInfo[];
  rowCount: number;
  /** True when rows exist beyond offset + limit. */
  truncated: boolean;
}

/** Rows per Arrow record batch: small DuckDB chunks are coalesced, huge pages split. */
const BATCH_ROWS = 64 * 1024;

/**
 * Reads rows [offset, offset + limit) of a streaming result into Arrow, chunk by chunk. Rows before
 * `offset` are skipped without conversion; after `limit` rows it fetches at most one more chunk, to
 * tell whether the result was truncated, and stops. The caller releases the result.
 */
export async function readPage(result: DuckDBResult, offset: number, limit: number): Promise<ArrowPage> {
  const names = result.columnNames();
  const builders = result.columnTypes().map(createColumnBuilder);
  const fields = builders.map((builder, i) => arrowField(names[i] ?? `column${i}`, builder));
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  let pending = 0;
  let kept = 0;
  let toSkip = offset;
  let truncated = false;

  for (;;) {
    const chunk = await result.fetchChunk();
    const size = chunk?.rowCount ?? 0;
    if (chunk === null || size === 0) break;
    let from = 0;
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, size);
      toSkip -= skipped;
      from = skipped;
      if (from === size) continue;
    }
    const available = size - from;
    if (kept >= limit) {
      truncated = true;
      break;
    }
    const take = Math.min(available, limit - kept);
    appendChunk(builders, chunk.chunk, from, take);
    kept += take;
    pending += take;
    if (take < available) {
      truncated = true;
      break;
    }
    if (pending >= BATCH_ROWS) {
      batches.push(finishBatch(schema, builders, pending));
      pending = 0;
    }
  }
  if (pending > 0) batches.push(finishBatch(schema, builders, pending));

  return {
    arrow: tableToIPC(new Table(schema, batches), 'stream'),
    columns: builders.map((builder, i) => ({ name: names[i] ?? `column${i}`, type: builder.duckdbType })),
    rowCount: kept,
    truncated,
  };
}

function appendChunk(builders: ColumnBuilder[], chunk: duckdb.DataChunk, from: number, count: number): void {
  builders.forEach((builder, column) => builder.append(duckdb.data_chunk_get_vector(chunk, column), from, count));
}

function finishBatch(schema: Schema, builders: ColumnBuilder[], length: number): RecordBatch {
  const children = builders.map((builder) => builder.finish());
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children }));
}
