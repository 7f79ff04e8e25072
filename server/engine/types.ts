/** What a query may bind: `$name` parameters of a prepared statement. Never spliced into SQL. */
export type ParamValue = string | number | boolean | null;

export interface ColumnInfo {
  name: string;
  /** DuckDB's type name, e.g. "BIGINT", "DECIMAL(18,2)", "VARCHAR[]". */
  type: string;
}

export interface QueryRequest {
  /** One SELECT, already compiled (datasets and upstream cells as CTEs). */
  sql: string;
  params?: Record<string, ParamValue>;
  /** Rows to skip before the first returned row. */
  offset?: number;
  /** Maximum rows returned; the engine never materialises more than offset + limit (+1 to detect more). */
  limit: number;
  /** Files the statement may read via read_parquet: the datasets the user may read. */
  allowedFiles: string[];
  timeoutMs?: number;
  /** Caller-chosen id, used to cancel. */
  queryId: string;
}

export interface QueryResult {
  /** Apache Arrow IPC stream bytes. */
  arrow: Uint8Array;
  columns: ColumnInfo[];
  rowCount: number;
  /** True when rows exist beyond offset + limit. */
  truncated: boolean;
  elapsedMs: number;
}

export type QueryErrorKind = 'sql' | 'refused' | 'timeout' | 'cancelled' | 'crashed' | 'memory';

/** A query failed; the message is meant for the analyst. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly kind: QueryErrorKind,
    /** 0-based character offset into the SQL that ran, when DuckDB reports one. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface Engine {
  query(req: QueryRequest): Promise<QueryResult>;
  /** Stops a running or queued query; false when no such query is known. */
  cancel(queryId: string): boolean;
  close(): Promise<void>;
  /** Process ids of the live query workers, for tests and diagnostics; absent when queries run in-process. */
  workerPids?(): number[];
}
