import { resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { parseDuckDBError } from './errors.js';

/** How one engine DuckDB instance is locked down. */
export interface SandboxOptions {
  /** The only directory the instance may read (datasets). */
  dataDir: string;
  /** Single files outside dataDir that may be read (DuckDB's allowed_paths); absent: none. */
  readableFiles?: readonly string[];
  /** A private spill directory (under the workspace state dir). */
  tempDir: string;
  threads: number;
  /** DuckDB's memory_limit, e.g. "1GB". Not a hard cap (FINDINGS): the worker's OS limit is. */
  memoryLimit: string;
  /** DuckDB's max_temp_directory_size, e.g. "4GB". */
  maxTempDirectorySize: string;
}

export interface Sandbox {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/**
 * Opens an in-memory DuckDB locked down for users' SQL. The SQL settings run in the one order that
 * works (FINDINGS): errors_as_json, allowed_directories (and allowed_paths), enable_external_access=false,
 * lock_configuration=true. Then {@link verifySandbox} proves the lock holds before anything runs.
 */
export async function openSandbox(options: SandboxOptions): Promise<Sandbox> {
  const dataDir = withTrailingSlash(resolve(options.dataDir));
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads),
    memory_limit: options.memoryLimit,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: resolve(options.tempDir),
    max_temp_directory_size: options.maxTempDirectorySize,
  });
  const connection = await instance.connect();
  try {
    await connection.run('SET errors_as_json = true');
    await connection.run(`SET allowed_directories = [${sqlString(dataDir)}]`);
    const files = options.readableFiles ?? [];
    if (files.length > 0) await connection.run(`SET allowed_paths = [${files.map((f) => sqlString(resolve(f))).join(', ')}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
    await verifySandbox(connection);
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return { instance, connection };
}

/**
 * Fails unless the configuration is locked and files outside the data directory are unreachable,
 * so a DuckDB upgrade that changes either behaviour stops the engine instead of opening it.
 */
export async function verifySandbox(connection: DuckDBConnection): Promise<void> {
  await expectFailure(connection, 'SET threads = 1', /locked/i, 'configuration is not locked');
  await expectFailure(
    connection,
    "SELECT * FROM read_csv('/etc/passwd')",
    /Permission|disabled by configuration/i,
    'files outside the data directory are readable',
  );
}

async function expectFailure(connection: DuckDBConnection, sql: string, expected: RegExp, problem: string) {
  let failure: string | undefined;
  try {
    await connection.run(sql);
  } catch (error) {
    const info = parseDuckDBError(error instanceof Error ? error.message : String(error));
    failure = `${info.type}: ${info.message}`;
  }
  if (failure === undefined || !expected.test(failure)) {
    throw new Error(`DuckDB sandbox check failed: ${problem} (\`${sql}\` gave ${failure ?? 'no error'})`);
  }
}

function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** A SQL string literal; used only for paths the server chooses. */
function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
