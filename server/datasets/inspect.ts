/**
 * What DuckDB says about one dataset: its relation (pure), its schema and row count (from
 * Parquet metadata, fast at any size), and on demand a sample and a SUMMARIZE profile.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { cleanDuckDBMessage } from './duck.js';
import { jsonTable, type JsonTable } from './json-values.js';
import type { ScannedDataset } from './scan.js';
import { quoteString } from '../../core/sql/identifiers.js';
import type { DatasetColumn } from './types.js';

export const SAMPLE_ROWS = 100;

/** The relation body and the exact read_parquet arguments for a scanned dataset. Pure. */
export function relationOf(d: Pick<ScannedDataset, 'kind' | 'path'>): { relation: string; readPaths: string[] } {
  if (d.kind === 'file') {
    return { relation: `SELECT * FROM read_parquet(${quoteString(d.path)})`, readPaths: [d.path] };
  }
  const glob = `${d.path}/**/*.parquet`;
  return { relation: `SELECT * FROM read_parquet(${quoteString(glob)}, hive_partitioning = true)`, readPaths: [glob] };
}

export interface Shape {
  columns: DatasetColumn[];
  rowCount: number;
  error?: string;
}

/** Columns and row count; a file DuckDB cannot read gives an `error`, never a throw. */
export async function shapeOf(connection: DuckDBConnection, relation: string, dataDir: string): Promise<Shape> {
  try {
    const described = await connection.runAndReadAll(`DESCRIBE ${relation}`);
    const columns = described.getRowObjectsJson().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
    // count(*) over read_parquet is answered from the footers, without reading row groups.
    const counted = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${relation})`);
    const rowCount = Number(counted.getRowsJson()[0]?.[0] ?? 0);
    return { columns, rowCount };
  } catch (e) {
    return { columns: [], rowCount: 0, error: cleanDuckDBMessage(e, dataDir) };
  }
}

export interface Detail {
  sample: JsonTable | null;
  profile: JsonTable | null;
  error?: string;
}

/** The first rows and DuckDB's SUMMARIZE profile; failures become `error` (e.g. a corrupt row group). */
export async function detailOf(connection: DuckDBConnection, relation: string, dataDir: string): Promise<Detail> {
  try {
    const sample = jsonTable(await connection.runAndReadAll(`SELECT * FROM (${relation}) LIMIT ${SAMPLE_ROWS}`));
    const profile = jsonTable(await connection.runAndReadAll(`SUMMARIZE ${relation}`));
    return { sample, profile };
  } catch (e) {
    return { sample: null, profile: null, error: cleanDuckDBMessage(e, dataDir) };
  }
}
