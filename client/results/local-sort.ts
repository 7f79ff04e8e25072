/**
 * Sorting a result in the browser, for readers of a notebook, who may not run its cells
 * (sorting an editor's way re-runs the cell on the server). The client always holds the
 * whole stored result (see Runner.fetchResult), so sorting it here gives exactly what the
 * server would give by sorting the stored result; neither can sort rows a truncated query
 * never returned. The order follows the server's sort (`ORDER BY … NULLS LAST`, strings by
 * code point, as DuckDB's default collation), and is stable. Pure.
 */
import { DataType, type Table } from 'apache-arrow';
import { compositeText } from './format.js';

type Key = number | bigint | string | Uint8Array;

/**
 * The row order of `table` sorted by column `col`: position → row index. Nulls come last
 * in both directions; equal values keep their order.
 */
export function sortedOrder(table: Table, col: number, desc: boolean): Uint32Array {
  const n = table.numRows;
  const vector = table.getChildAt(col);
  const field = table.schema.fields[col];
  const keyOf = field ? keyFunction(field.type as DataType) : (v: unknown) => compositeText(v);
  const keys: (Key | null)[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const v: unknown = vector?.get(r);
    keys[r] = v === null || v === undefined ? null : keyOf(v);
  }
  const rows = Array.from({ length: n }, (_, r) => r);
  const sign = desc ? -1 : 1;
  rows.sort((a, b) => {
    const ka = keys[a] as Key | null;
    const kb = keys[b] as Key | null;
    if (ka === null || kb === null) return ka === kb ? a - b : ka === null ? 1 : -1;
    return sign * compareKeys(ka, kb) || a - b;
  });
  return Uint32Array.from(rows);
}

/** Orders two keys of one column. NaN after every number, as DuckDB does. Pure. */
export function compareKeys(a: Key, b: Key): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  if (typeof a === 'number' && Number.isNaN(a)) return typeof b === 'number' && Number.isNaN(b) ? 0 : 1;
  if (typeof b === 'number' && Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a column's values become comparable keys, chosen once from its Arrow type. */
function keyFunction(type: DataType): (v: unknown) => Key {
  if (DataType.isDecimal(type)) return (v) => unscaled(v as Uint32Array);
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return (v) => (v instanceof Date ? v.getTime() : (v as number | bigint));
  if (DataType.isBool(type)) return (v) => (v ? 1 : 0);
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return (v) => String(v);
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return (v) => v as Uint8Array;
  // Integers, floats, times and durations come as numbers or bigints; nested values as their text.
  return (v) => (typeof v === 'number' || typeof v === 'bigint' ? v : compositeText(v));
}

/** An Arrow decimal (unscaled two's-complement words, low first) as a bigint; one column shares one scale. */
function unscaled(words: Uint32Array): bigint {
  let n = 0n;
  for (let i = words.length - 1; i >= 0; i--) n = (n << 32n) | BigInt(words[i]!);
  const bits = BigInt(words.length * 32);
  return n >> (bits - 1n) ? n - (1n << bits) : n;
}
