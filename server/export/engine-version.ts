/**
 * The DuckDB version that runs users' SQL, as `SELECT version()` reports it, for the
 * provenance appendix. The sandboxed workers load the same @duckdb/node-api package as this
 * process, so a trusted in-memory instance answers for them.
 */
import { openTrustedDuckDB, withConnection } from '../datasets/duck.js';

let cached: Promise<string> | undefined;

/** E.g. `DuckDB v1.4.3`. Asked once per process. */
export function engineVersion(): Promise<string> {
  cached ??= (async () => {
    const instance = await openTrustedDuckDB({ threads: 1 });
    try {
      const reader = await withConnection(instance, (c) => c.runAndReadAll('SELECT version() AS v'));
      return `DuckDB ${String(reader.getRowsJson()[0]?.[0] ?? 'unknown')}`;
    } finally {
      instance.closeSync();
    }
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
