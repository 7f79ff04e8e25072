import { DataType, type Field, type Table, type Vector } from 'apache-arrow';

export interface ResultColumn {
  name: string;
  /** DuckDB's type name when the field carries it, else Arrow's. */
  type: string;
}

/** A value as JSON can carry it without loss of meaning. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** The DuckDB type name kept in the field metadata by the engine. */
export function duckdbType(field: Field): string {
  return field.metadata.get('duckdb_type') ?? String(field.type);
}

export function columnsOf(table: Table): ResultColumn[] {
  return table.schema.fields.map((f) => ({ name: f.name, type: duckdbType(f) }));
}

/**
 * Rows of an Arrow table as JSON-safe arrays, column by column (one converter per
 * column, chosen once from its type). 64-bit integers stay numbers while exact,
 * else become strings; dates and timestamps become ISO 8601 text; decimals exact text.
 */
export function rowsOf(table: Table, offset = 0, limit = table.numRows): JsonValue[][] {
  const end = Math.min(table.numRows, offset + limit);
  const rows: JsonValue[][] = [];
  for (let i = offset; i < end; i++) rows.push(new Array<JsonValue>(table.numCols));
  table.schema.fields.forEach((field, c) => {
    const vec = table.getChildAt(c) as Vector | null;
    if (!vec) return;
    const conv = converter(field.type);
    for (let i = offset; i < end; i++) rows[i - offset]![c] = conv(vec.get(i));
  });
  return rows;
}

type Conv = (v: unknown) => JsonValue;

function converter(type: DataType): Conv {
  if (DataType.isDate(type)) return nullable((v) => new Date(v as number).toISOString().slice(0, 10));
  if (DataType.isTimestamp(type)) return nullable((v) => new Date(v as number).toISOString());
  if (DataType.isDecimal(type)) return nullable((v) => decimalText(v, type.scale));
  if (DataType.isInt(type) || DataType.isFloat(type)) return nullable(num);
  if (DataType.isBinary(type)) return nullable((v) => base64(v as Uint8Array));
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const child = converter(type.children[0]!.type);
    return nullable((v) => Array.from(v as Iterable<unknown>, child));
  }
  if (DataType.isStruct(type)) {
    const kids = type.children.map((f) => [f.name, converter(f.type)] as const);
    return nullable((v) => {
      const row = v as Record<string, unknown>;
      return Object.fromEntries(kids.map(([n, conv]) => [n, conv(row[n])]));
    });
  }
  return nullable((v) => (typeof v === 'bigint' ? num(v) : (v as JsonValue)));
}

function nullable(f: Conv): Conv {
  return (v) => (v === null || v === undefined ? null : f(v));
}

function num(v: unknown): JsonValue {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v as number;
}

/** Arrow decimals arrive as unscaled 128-bit integers; place the point by hand for exact text. */
export function decimalText(v: unknown, scale: number): string {
  const words = v as Uint32Array;
  let n = 0n;
  for (let i = words.length - 1; i >= 0; i--) n = (n << 32n) | BigInt(words[i]!);
  const bits = BigInt(words.length * 32);
  if (n >> (bits - 1n)) n -= 1n << bits;
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}
