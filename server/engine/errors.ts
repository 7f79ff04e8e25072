import { QueryError } from './types.js';

/** What DuckDB reports about a failure when `errors_as_json` is on. */
export interface DuckDBErrorInfo {
  /** DuckDB's exception type, e.g. "Binder", "Parser", "Out of Memory", "INTERRUPT". */
  type: string;
  message: string;
  /** DuckDB's position: a byte offset into the UTF-8 text, except for parser errors (code points). */
  position?: number;
}

export const MEMORY_MESSAGE = 'the query used more memory than allowed and was stopped';

/**
 * Reads DuckDB's error text. With `errors_as_json` the message is a JSON object, sometimes behind a
 * prefix ("Parser Error: {…}"); without it, plain text is kept as it is.
 */
export function parseDuckDBError(text: string): DuckDBErrorInfo {
  const start = text.indexOf('{');
  if (start >= 0) {
    try {
      const json = JSON.parse(text.slice(start)) as Record<string, unknown>;
      if (typeof json['exception_message'] === 'string') {
        const position = Number(json['position']);
        return {
          type: typeof json['exception_type'] === 'string' ? json['exception_type'] : 'Error',
          message: json['exception_message'],
          position: json['position'] !== undefined && Number.isFinite(position) ? position : undefined,
        };
      }
    } catch {
      // Not JSON after all: fall through to the plain text.
    }
  }
  return { type: 'Error', message: text };
}

/**
 * Converts DuckDB's byte offset into a JavaScript string index (UTF-16 code units). Binder errors
 * and parse-tree locations count bytes of the UTF-8 text; parser errors count code points (see
 * {@link codePointToCharOffset}).
 */
export function byteToCharOffset(sql: string, byteOffset: number): number {
  const bytes = Buffer.from(sql, 'utf8');
  if (byteOffset >= bytes.length) return sql.length;
  return bytes.subarray(0, byteOffset).toString('utf8').length;
}

/** Converts a code point offset (DuckDB's parser errors) into a JavaScript string index. */
export function codePointToCharOffset(sql: string, codePoints: number): number {
  let index = 0;
  let count = 0;
  for (const char of sql) {
    if (count === codePoints) return index;
    index += char.length;
    count++;
  }
  return sql.length;
}

/** True for DuckDB's answer to `interrupt()`. */
export function isInterrupt(info: DuckDBErrorInfo): boolean {
  return info.type.toUpperCase() === 'INTERRUPT';
}

/** Maps a DuckDB failure of `sql` to the analyst-facing QueryError. */
export function toQueryError(error: unknown, sql: string): QueryError {
  if (error instanceof QueryError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const info = parseDuckDBError(text);
  if (info.type === 'Out of Memory' || /out of memory/i.test(info.type)) {
    return new QueryError(MEMORY_MESSAGE, 'memory');
  }
  if (isInterrupt(info)) return new QueryError('query interrupted', 'cancelled');
  const toChar = info.type === 'Parser' ? codePointToCharOffset : byteToCharOffset;
  const position = info.position === undefined ? undefined : toChar(sql, info.position);
  const prefix = info.type === 'Error' ? '' : `${info.type} Error: `;
  return new QueryError(`${prefix}${info.message}`, 'sql', position);
}
