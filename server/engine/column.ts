/**
 * The contract between the result reader (arrow.ts) and the per-type column builders, and the
 * small helpers every builder uses to read a DuckDB vector's memory.
 */
import duckdb from '@duckdb/node-bindings';
import { Field, type Data, type DataType } from 'apache-arrow';

/** Appends rows of DuckDB vectors and hands them over as Arrow Data. */
export interface ColumnBuilder {
  readonly arrowType: DataType;
  /** DuckDB's type name, also the field's `duckdb_type` metadata. */
  readonly duckdbType: string;
  /** Appends rows [from, from + count) of a (flat) DuckDB vector. */
  append(vector: duckdb.Vector, from: number, count: number): void;
  /** Everything appended since the last call, as Arrow Data; starts again empty. */
  finish(): Data;
}

/** The Arrow field of a column: nullable, with `duckdb_type` metadata. */
export function arrowField(name: string, builder: ColumnBuilder): Field {
  return new Field(name, builder.arrowType, true, new Map([['duckdb_type', builder.duckdbType]]));
}

/** A vector's data: a view of the chunk's memory, valid until the next fetch, so builders copy it. */
export function vectorBytes(vector: duckdb.Vector, byteCount: number): Uint8Array {
  return duckdb.vector_get_data(vector, byteCount);
}

export function validityMask(vector: duckdb.Vector, rowCount: number): Uint8Array | null {
  return duckdb.vector_get_validity(vector, Math.ceil(rowCount / 64) * 8) ?? null;
}

/** A Uint32 view of bytes, copying first if DuckDB's buffer is not 4-byte aligned. */
export function words(bytes: Uint8Array): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
}
