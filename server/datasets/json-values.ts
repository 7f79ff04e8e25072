/**
 * Converts DuckDB values read by the trusted instance (dataset samples and profiles) into
 * values JSON carries without loss of meaning. Same conventions as core/result/values.ts:
 * 64-bit integers are numbers while exact, else strings; decimals are numbers up to 15
 * digits, else exact text; timestamps are ISO 8601 (UTC); dates are `YYYY-MM-DD`.
 */
import {
  DuckDBDecimalType,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  dateFromTimestampMillisecondsValue,
  dateFromTimestampNanosecondsValue,
  dateFromTimestampSecondsValue,
  dateFromTimestampTZValue,
  dateFromTimestampValue,
  type DuckDBResultReader,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';

export type JsonValue = Json;

/** Rows as arrays, with the columns' names and DuckDB type names. */
export interface JsonTable {
  columns: { name: string; type: string }[];
  rows: JsonValue[][];
}

function integer(value: DuckDBValue): JsonValue {
  const text = String(value);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

function timestamp(toDate: (v: DuckDBValue) => Date): DuckDBValueConverter<Json> {
  return (value) => {
    try {
      return toDate(value).toISOString();
    } catch {
      // Outside JavaScript's date range (e.g. 'infinity'): DuckDB's own text.
      return String(value);
    }
  };
}

const byType: Partial<Record<DuckDBTypeId, DuckDBValueConverter<Json>>> = {
  [DuckDBTypeId.BIGINT]: integer,
  [DuckDBTypeId.UBIGINT]: integer,
  [DuckDBTypeId.HUGEINT]: integer,
  [DuckDBTypeId.UHUGEINT]: integer,
  [DuckDBTypeId.BIGNUM]: integer,
  [DuckDBTypeId.DECIMAL]: (value, type) => {
    const text = String(value);
    return type instanceof DuckDBDecimalType && type.width <= 15 ? Number(text) : text;
  },
  [DuckDBTypeId.TIMESTAMP]: timestamp(dateFromTimestampValue),
  [DuckDBTypeId.TIMESTAMP_S]: timestamp(dateFromTimestampSecondsValue),
  [DuckDBTypeId.TIMESTAMP_MS]: timestamp(dateFromTimestampMillisecondsValue),
  [DuckDBTypeId.TIMESTAMP_NS]: timestamp(dateFromTimestampNanosecondsValue),
  [DuckDBTypeId.TIMESTAMP_TZ]: timestamp(dateFromTimestampTZValue),
};

/** A node-api value converter producing JSON-safe values; nested values recurse through it. */
export const jsonSafeConverter: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null || value === undefined) return null;
  const own = byType[type.typeId];
  return own ? own(value, type, converter) : JsonDuckDBValueConverter(value, type, converter);
};

/** The whole of a read result as a JSON table. */
export function jsonTable(reader: DuckDBResultReader): JsonTable {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  return {
    columns: names.map((name, i) => ({ name, type: String(types[i]) })),
    rows: reader.convertRows(jsonSafeConverter) as JsonValue[][],
  };
}
