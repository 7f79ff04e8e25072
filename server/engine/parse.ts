import type { DuckDBConnection } from '@duckdb/node-api';
import { codePointToCharOffset } from './errors.js';
import { checkSqlSize, statementKeyword } from './guard.js';
import { QueryError } from './types.js';

/**
 * Parses a statement without binding or running it and returns its parse tree (one element of
 * `json_serialize_sql(sql).statements`). Throws QueryError: 'sql' for syntax errors (with position),
 * 'refused' for several statements, a statement that is not a SELECT, or an oversized text.
 */
export async function parseStatement(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const size = checkSqlSize(sql);
  if (!size.ok) throw new QueryError(size.message, 'refused');

  const count = await countStatements(connection, sql);
  if (count > 1) throw new QueryError(`one statement at a time, please (found ${count})`, 'refused');

  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const text = reader.getRowsJS()[0]?.[0];
  if (typeof text !== 'string') throw new Error('json_serialize_sql returned no text');
  const parsed = JSON.parse(text) as {
    error?: boolean;
    error_type?: string;
    error_message?: string;
    position?: string;
    statements?: unknown[];
  };
  if (parsed.error) {
    if (parsed.error_type === 'parser') {
      const byte = Number(parsed.position);
      const position = parsed.position !== undefined && Number.isFinite(byte) ? codePointToCharOffset(sql, byte) : undefined;
      throw new QueryError(`Parser Error: ${parsed.error_message ?? 'syntax error'}`, 'sql', position);
    }
    // json_serialize_sql serialises SELECT statements only: everything else lands here.
    throw new QueryError(`only SELECT queries can run here (found ${statementKeyword(sql)})`, 'refused');
  }
  const statements = parsed.statements ?? [];
  if (statements.length === 0) throw new QueryError('the query is empty', 'sql');
  if (statements.length !== 1) {
    throw new QueryError(`one statement at a time, please (found ${statements.length})`, 'refused');
  }
  return statements[0];
}

/**
 * Counts statements as DuckDB splits them (comments and strings included). When the text does not
 * split (a syntax error, or nothing but blanks), answers 1 and lets json_serialize_sql report it:
 * that one gives the error's position whatever the connection's settings.
 */
async function countStatements(connection: DuckDBConnection, sql: string): Promise<number> {
  try {
    return (await connection.extractStatements(sql)).count;
  } catch {
    return 1;
  }
}
