/** The dataset catalog's public shapes. */
import type { DatasetKind } from './scan.js';
import type { JsonTable } from './json-values.js';

export type { DatasetKind } from './scan.js';
export type { JsonTable, JsonValue } from './json-values.js';

export interface DatasetColumn {
  name: string;
  /** DuckDB's type name, e.g. "BIGINT", "DECIMAL(14,2)". */
  type: string;
}

export interface DatasetInfo {
  /** The name users write in SQL; unique ignoring case. */
  name: string;
  kind: DatasetKind;
  /** Absolute path of the file or folder. Server-side only: never send it to a client. */
  path: string;
  files: number;
  columns: DatasetColumn[];
  rowCount: number;
  bytes: number;
  /** Latest modification time of its files, ISO 8601. */
  modified: string;
  /** Content version: changes whenever one of its files is added, removed or rewritten. */
  version: string;
  /** SQL relation body for the dataset's CTE, e.g. `SELECT * FROM read_parquet('/ws/data/x.parquet')`. */
  relation: string;
  /** The exact strings the relation passes to read_parquet: what the engine must allow. */
  readPaths: string[];
  /** Why the dataset cannot be queried (bad name, unreadable file…); absent when it can. */
  error?: string;
}

export interface DatasetDetail extends DatasetInfo {
  /** The first 100 rows; null when they could not be read (see `error`). */
  sample: JsonTable | null;
  /** DuckDB's SUMMARIZE: one row per column; null when it could not be computed. */
  profile: JsonTable | null;
}

export interface Catalog {
  /** The absolute data directory this catalog scans. */
  readonly dataDir: string;
  /** Every dataset, rescanned on each call (stat only; Parquet metadata is cached by version). */
  list(): Promise<DatasetInfo[]>;
  /** One dataset by name, ignoring case. */
  get(name: string): Promise<DatasetInfo | undefined>;
  /** Info plus sample rows and profile; throws NotFoundError for an unknown name. */
  detail(name: string): Promise<DatasetDetail>;
  /** Relation bodies of the usable datasets by lower-cased name, optionally only `names`. */
  relations(names?: Iterable<string>): Promise<Map<string, string>>;
  /** Every read path of the usable datasets. */
  allowedFiles(): Promise<string[]>;
  close(): Promise<void>;
}
