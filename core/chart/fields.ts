/**
 * What a chart can do with a column, read from its DuckDB type name. The builder lists
 * columns with these kinds; validation and compilation decide from them alone.
 */

/** A column the chart builder can offer: name and DuckDB type name, e.g. "DECIMAL(14,2)". */
export interface ChartColumn {
  name: string;
  type: string;
}

/**
 * - `number`: can be summed, binned, drawn on a linear or log scale;
 * - `time`: DATE and TIMESTAMP kinds, binned by calendar interval;
 * - `category`: text, booleans, enums, uuids, times of day: grouped, never summed;
 * - `other`: lists, structs, maps, blobs, intervals: not chartable.
 */
export type FieldKind = 'number' | 'time' | 'category' | 'other';

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT1|INT2|INT4|INT8|LONG|SHORT)$/;
const FLOAT = /^(FLOAT|REAL|DOUBLE|FLOAT4|FLOAT8|DECIMAL|NUMERIC)(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?$/;
const TIME = /^(DATE|TIMESTAMP|DATETIME|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP_US|TIMESTAMPTZ|TIMESTAMP WITH TIME ZONE)$/;
const CATEGORY = /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|BOOLEAN|BOOL|UUID|JSON|TIME|TIME_NS|TIMETZ|TIME WITH TIME ZONE|ENUM\(.*\)|VARCHAR\(\d+\))$/s;

/** The kind of a DuckDB type name; unknown and nested types are `other`. */
export function fieldKind(duckType: string): FieldKind {
  const t = duckType.trim().toUpperCase();
  if (INTEGER.test(t) || FLOAT.test(t)) return 'number';
  if (TIME.test(t)) return 'time';
  if (CATEGORY.test(t)) return 'category';
  return 'other';
}

/** True for whole-number types: their bins are never narrower than 1. */
export function isIntegerType(duckType: string): boolean {
  return INTEGER.test(duckType.trim().toUpperCase());
}

/** True when the type carries a time of day, so hourly bins make sense. */
export function hasTimeOfDay(duckType: string): boolean {
  const t = duckType.trim().toUpperCase();
  return TIME.test(t) && t !== 'DATE';
}

/**
 * The column called `name`: an exact match first, else the only case-insensitive match,
 * as DuckDB resolves identifiers case-insensitively.
 */
export function findColumn(columns: readonly ChartColumn[], name: string): ChartColumn | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}
