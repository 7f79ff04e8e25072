/**
 * Dataset names are SQL identifiers that users type bare in FROM clauses (`FROM persons`).
 * Pure. The shared rule is core/sql/identifiers.ts; datasets additionally refuse the DuckDB
 * keywords that the shared list lacks but that break a bare `FROM name`.
 */
import { isSqlIdentifier } from '../../core/sql/identifiers.js';

/**
 * DuckDB 1.5 keywords that fail as a bare table name (`duckdb_keywords()` categories
 * "reserved" and "type_function", each checked with `WITH k AS (…) SELECT * FROM k`).
 */
const DUCKDB_NOT_BARE = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'default deferrable desc describe distinct do else end except false fetch for foreign from group having in ' +
    'initially intersect into lambda lateral leading limit not null offset on only or order pivot pivot_longer ' +
    'pivot_wider placing primary qualify references returning select show some summarize symmetric table then to ' +
    'trailing true union unique unpivot using variadic when where window with ' +
    'anti asof at authorization binary by collation concurrently cross freeze full glob ilike ' +
    'inner is isnull join left like natural notnull outer overlaps positional right semi similar ' +
    'tablesample unpack verbose'
  ).split(' '),
);

/** True when `name` can be a dataset name. */
export function isDatasetName(name: string): boolean {
  return isSqlIdentifier(name) && !DUCKDB_NOT_BARE.has(name.toLowerCase());
}

/** Why `name` (from the entry `entry`, e.g. "2024-calls.parquet") cannot name a dataset; undefined when it can. */
export function datasetNameProblem(name: string, entry: string): string | undefined {
  if (isDatasetName(name)) return undefined;
  if (/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    return `"${entry}" is not a valid dataset name: "${name}" is a reserved SQL word, rename it`;
  }
  return `"${entry}" is not a valid dataset name: rename it using letters, digits and _ (not starting with a digit)`;
}
