import type { Context } from 'hono';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import type { StoredResult } from '../notebooks/results.js';
import { columnsOf, rowsOf } from '../../core/result/values.js';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

export function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes(ARROW_STREAM);
}

/**
 * A stored result, or a page of it, as Arrow IPC (default) or JSON. The whole
 * result goes out as stored bytes, without decoding; only pages are re-encoded.
 */
export function resultResponse(c: Context, r: StoredResult, page?: { offset: number; limit: number }, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    'X-Carnet-Result-Id': r.id,
    'X-Carnet-Row-Count': String(r.rowCount),
    'X-Carnet-Truncated': String(r.truncated),
    'X-Carnet-Elapsed-Ms': String(Math.round(r.elapsedMs)),
    'Cache-Control': 'no-store',
    ...extra,
  };
  const whole = !page || (page.offset === 0 && page.limit >= r.rowCount);
  if (!wantsJson(c)) {
    let bytes = r.arrow;
    if (!whole) {
      const table = tableFromIPC(r.arrow);
      bytes = tableToIPC(table.slice(page.offset, page.offset + page.limit), 'stream');
    }
    if (page) {
      headers['X-Carnet-Page-Offset'] = String(page.offset);
      headers['X-Carnet-Page-Rows'] = String(Math.max(0, Math.min(page.limit, r.rowCount - page.offset)));
    }
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { ...headers, 'Content-Type': ARROW_STREAM } });
  }
  const table = tableFromIPC(r.arrow);
  const offset = page?.offset ?? 0;
  const limit = page?.limit ?? r.rowCount;
  const rows = rowsOf(table, offset, limit);
  return c.json(
    { resultId: r.id, columns: columnsOf(table), rows, rowCount: r.rowCount, truncated: r.truncated, elapsedMs: r.elapsedMs, offset, ...(page ? { pageRows: rows.length } : {}) },
    200,
    headers,
  );
}
