/**
 * Running SQL: an ad-hoc query or a notebook cell. Answers are Arrow IPC streams;
 * the run's facts travel in X-Carnet-* headers.
 */
import { tableFromIPC, type Table } from 'apache-arrow';
import { ApiError, errorFrom } from './http.js';
import type { Column } from './datasets.js';

export interface SortSpec {
  column: string;
  desc?: boolean;
}

export interface RunOptions {
  params?: Record<string, string | number | boolean | null>;
  limit?: number;
  offset?: number;
  sort?: SortSpec;
  /** Chosen by the client so the run can be cancelled. */
  queryId?: string;
}

/** A page of a result, decoded. */
export interface ResultPage {
  table: Table;
  columns: Column[];
  resultId?: string;
  /** Rows in the whole result as the server reports it (at least the rows of this page). */
  rowCount: number;
  /** More rows exist than the result holds. */
  truncated: boolean;
  elapsedMs?: number;
}

/** Column names and DuckDB types of an Arrow table (the `duckdb_type` field metadata, else Arrow's type). */
export function columnsOf(table: Table): Column[] {
  return table.schema.fields.map((f) => ({ name: f.name, type: f.metadata.get('duckdb_type') ?? String(f.type) }));
}

async function readPage(res: Response, offset = 0): Promise<ResultPage> {
  if (!res.ok) throw await errorFrom(res);
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  const header = (name: string) => res.headers.get(name);
  const count = Number(header('X-Carnet-Row-Count'));
  const elapsed = Number(header('X-Carnet-Elapsed-Ms'));
  return {
    table,
    columns: columnsOf(table),
    resultId: header('X-Carnet-Result-Id') ?? undefined,
    rowCount: Number.isFinite(count) && header('X-Carnet-Row-Count') !== null ? Math.max(count, offset + table.numRows) : offset + table.numRows,
    truncated: header('X-Carnet-Truncated') === 'true',
    elapsedMs: Number.isFinite(elapsed) && header('X-Carnet-Elapsed-Ms') !== null ? elapsed : undefined,
  };
}

async function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/vnd.apache.arrow.stream' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw new ApiError(0, { message: 'cancelled', kind: 'cancelled' });
    throw new ApiError(0, { message: `${path}: ${(err as Error).message}`, kind: 'network' });
  }
}

/** Runs one SELECT. */
export async function runQuery(sql: string, options: RunOptions = {}, signal?: AbortSignal): Promise<ResultPage> {
  return readPage(await post('/api/query', { sql, ...options }, signal), options.offset);
}

/** Runs a notebook cell, compiled by the server with its upstream cells. */
export async function runCell(notebookId: string, cellId: string, options: RunOptions = {}, signal?: AbortSignal): Promise<ResultPage> {
  const path = `/api/notebooks/${encodeURIComponent(notebookId)}/cells/${encodeURIComponent(cellId)}/run`;
  return readPage(await post(path, options, signal), options.offset);
}

/** Fetches rows [offset, offset + limit) of a stored result; the whole result without a range. */
export async function fetchResultPage(resultId: string, range?: { offset: number; limit: number }, signal?: AbortSignal): Promise<ResultPage> {
  const query = range ? `?${new URLSearchParams({ offset: String(range.offset), limit: String(range.limit) })}` : '';
  let res: Response;
  try {
    res = await fetch(`/api/results/${encodeURIComponent(resultId)}${query}`, { headers: { Accept: 'application/vnd.apache.arrow.stream' }, signal });
  } catch (err) {
    throw new ApiError(0, { message: `result ${resultId}: ${(err as Error).message}`, kind: 'network' });
  }
  const page = await readPage(res, range?.offset);
  return { ...page, resultId: page.resultId ?? resultId };
}

/** Asks the server to stop a running query; false when it had already finished. */
export async function cancelQuery(queryId: string): Promise<boolean> {
  try {
    const res = await fetch(`/api/queries/${encodeURIComponent(queryId)}/cancel`, { method: 'POST' });
    if (!res.ok) return false;
    const body = (await res.json()) as { cancelled?: unknown };
    return body.cancelled === true;
  } catch {
    return false;
  }
}

/** The URL that downloads a stored result as a file. */
export function downloadUrl(resultId: string, format: 'csv' | 'parquet'): string {
  return `/api/results/${encodeURIComponent(resultId)}/download?format=${format}`;
}

/**
 * Downloads a stored result as a file. Fetched first (not a plain link) so that a refusal
 * from the server reaches the analyst as a message instead of a silently failed download.
 */
export async function downloadResult(resultId: string, format: 'csv' | 'parquet'): Promise<void> {
  let res: Response;
  try {
    res = await fetch(downloadUrl(resultId, format));
  } catch (err) {
    throw new ApiError(0, { message: `download: ${(err as Error).message}`, kind: 'network' });
  }
  if (!res.ok) throw await errorFrom(res);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `result-${resultId.slice(0, 8)}.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A fresh query id. crypto.randomUUID needs a secure context; plain http on an intranet host is not one. */
export function newQueryId(): string {
  if (typeof crypto.randomUUID === 'function' && globalThis.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
