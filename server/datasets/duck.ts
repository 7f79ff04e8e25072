/**
 * The server's own, trusted DuckDB: catalog scans, profiles, imports and demo generation.
 * Users' SQL never runs here (it runs in the sandboxed engine); this instance may read and
 * write the workspace, but it never downloads or loads extensions.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Opens an in-memory instance with extension auto-install and auto-load switched off. */
export async function openTrustedDuckDB(options: { threads?: number; memoryLimit?: string } = {}): Promise<DuckDBInstance> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
  return DuckDBInstance.create(':memory:', config);
}

/** Runs `fn` on a fresh connection and always closes it. */
export async function withConnection<T>(instance: DuckDBInstance, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
  }
}

/**
 * DuckDB's message made readable for an analyst: the first paragraph only (no "LINE 1: …"
 * caret excerpt of our own SQL), no "Invalid Input Error:" class prefix, and paths inside
 * `baseDir` shown relative to it.
 */
export function cleanDuckDBMessage(error: unknown, baseDir?: string): string {
  let message = error instanceof Error ? error.message : String(error);
  message = message.split(/\n\s*\n/)[0] ?? message;
  message = message.split(/\n\s*LINE \d+:/)[0] ?? message;
  message = message.replace(/^(?:[A-Z][A-Za-z]*\s)*Error:\s*/, '');
  if (baseDir) {
    const prefix = baseDir.endsWith('/') ? baseDir : `${baseDir}/`;
    message = message.split(prefix).join('');
  }
  return message.replace(/\s+/g, ' ').trim();
}
