import { DuckDBInstance } from '@duckdb/node-api';

export interface SqlVocabulary {
  functions: string[];
  keywords: string[];
}

/**
 * DuckDB's own list of functions and keywords, for the editor's autocomplete.
 * Read once from a data-less instance. Table functions are left out except the
 * few the sandbox allows: suggesting read_csv would only lead to a refusal.
 */
export function sqlVocabulary(): () => Promise<SqlVocabulary> {
  let cached: Promise<SqlVocabulary> | undefined;
  return () => (cached ??= load());
}

async function load(): Promise<SqlVocabulary> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    enable_external_access: 'false',
  });
  const conn = await instance.connect();
  try {
    const fns = await conn.runAndReadAll(
      "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_name NOT LIKE '\\_\\_%' ESCAPE '\\' AND function_name NOT LIKE 'pragma\\_%' ESCAPE '\\' AND function_type IN ('scalar', 'aggregate', 'macro') UNION SELECT unnest(['range', 'generate_series', 'unnest']) ORDER BY 1",
    );
    const kws = await conn.runAndReadAll('SELECT keyword_name FROM duckdb_keywords() ORDER BY 1');
    return {
      functions: fns.getRows().map((r) => String(r[0])),
      keywords: kws.getRows().map((r) => String(r[0]).toUpperCase()),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
