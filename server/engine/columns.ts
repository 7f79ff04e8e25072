/**
 * Column builders: copy DuckDB vectors into Arrow buffers column-wise, one builder per DuckDB type.
 * Values are never turned into JS objects one by one except for rare types shown as text.
 *
 * Type map (DuckDB → Arrow):
 * - BOOLEAN → Bool; TINYINT…BIGINT, UTINYINT…UBIGINT → Int8…Int64, Uint8…Uint64 (bytes copied);
 *   FLOAT/DOUBLE → Float32/Float64.
 * - HUGEINT/UHUGEINT → Float64 (e.g. `sum(bigint)`). Exact up to 2^53; beyond that the nearest
 *   double. The field's `duckdb_type` metadata says HUGEINT so a client can tell.
 * - DECIMAL(p,s) → Arrow Decimal(s, p, 128): the unscaled integer, sign-extended to 128 bits. A
 *   client formats it exactly (apache-arrow returns the unscaled value; divide by 10^s).
 * - VARCHAR → Utf8 and BLOB → Binary: the bytes, copied without decoding.
 * - DATE → DateDay; TIMESTAMP/_S/_MS/_NS → Timestamp of the same unit; TIMESTAMPTZ →
 *   Timestamp(µs, "UTC"); TIME → Time64(µs); TIME_NS → Time64(ns).
 * - LIST → List; ARRAY → FixedSizeList; STRUCT → Struct; children mapped by the same rules.
 * - INTERVAL, UUID, ENUM, BIT, TIME WITH TIME ZONE, BIGNUM, GEOMETRY, UNION, MAP, VARIANT → Utf8 of
 *   the value's text form as @duckdb/node-api renders it (DuckDB's own form, except that MAP reads
 *   `{'a': 1}` instead of `{a=1}`).
 * Every field carries metadata `duckdb_type` = DuckDB's type name.
 */
import {
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBArrayType,
  type DuckDBDecimalType,
  type DuckDBListType,
  type DuckDBStructType,
} from '@duckdb/node-api';
import {
  Binary,
  DateDay,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  TimeMicrosecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';
import type { ColumnBuilder } from './column.js';
import { FixedSizeListBuilder, ListBuilder, StructBuilder } from './nested.js';
import { BoolBuilder, DecimalBuilder, FixedBuilder, HugeIntBuilder, NullBuilder } from './scalars.js';
import { StringBuilder, TextBuilder } from './strings.js';

export { arrowField, type ColumnBuilder } from './column.js';

/** DuckDB's name of a type, e.g. "DECIMAL(18,2)", "VARCHAR[]", "JSON". */
export function duckdbTypeName(type: DuckDBType): string {
  return type.alias ?? type.toString();
}

/** A builder for one column of the given DuckDB type (the type map at the top of this file). */
export function createColumnBuilder(type: DuckDBType): ColumnBuilder {
  const name = duckdbTypeName(type);
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new BoolBuilder(name);
    case DuckDBTypeId.TINYINT:
      return new FixedBuilder(name, new Int8(), 1);
    case DuckDBTypeId.SMALLINT:
      return new FixedBuilder(name, new Int16(), 2);
    case DuckDBTypeId.INTEGER:
      return new FixedBuilder(name, new Int32(), 4);
    case DuckDBTypeId.BIGINT:
      return new FixedBuilder(name, new Int64(), 8);
    case DuckDBTypeId.UTINYINT:
      return new FixedBuilder(name, new Uint8(), 1);
    case DuckDBTypeId.USMALLINT:
      return new FixedBuilder(name, new Uint16(), 2);
    case DuckDBTypeId.UINTEGER:
      return new FixedBuilder(name, new Uint32(), 4);
    case DuckDBTypeId.UBIGINT:
      return new FixedBuilder(name, new Uint64(), 8);
    case DuckDBTypeId.FLOAT:
      return new FixedBuilder(name, new Float32(), 4);
    case DuckDBTypeId.DOUBLE:
      return new FixedBuilder(name, new Float64(), 8);
    case DuckDBTypeId.DATE:
      return new FixedBuilder(name, new DateDay(), 4);
    case DuckDBTypeId.TIMESTAMP:
      return new FixedBuilder(name, new TimestampMicrosecond(), 8);
    case DuckDBTypeId.TIMESTAMP_S:
      return new FixedBuilder(name, new TimestampSecond(), 8);
    case DuckDBTypeId.TIMESTAMP_MS:
      return new FixedBuilder(name, new TimestampMillisecond(), 8);
    case DuckDBTypeId.TIMESTAMP_NS:
      return new FixedBuilder(name, new TimestampNanosecond(), 8);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new FixedBuilder(name, new TimestampMicrosecond('UTC'), 8);
    case DuckDBTypeId.TIME:
      return new FixedBuilder(name, new TimeMicrosecond(), 8);
    case DuckDBTypeId.TIME_NS:
      return new FixedBuilder(name, new TimeNanosecond(), 8);
    case DuckDBTypeId.HUGEINT:
      return new HugeIntBuilder(name, true);
    case DuckDBTypeId.UHUGEINT:
      return new HugeIntBuilder(name, false);
    case DuckDBTypeId.DECIMAL:
      return new DecimalBuilder(name, type as DuckDBDecimalType);
    case DuckDBTypeId.VARCHAR:
      return new StringBuilder(name, new Utf8());
    case DuckDBTypeId.BLOB:
      return new StringBuilder(name, new Binary());
    case DuckDBTypeId.LIST:
      return new ListBuilder(name, createColumnBuilder((type as DuckDBListType).valueType));
    case DuckDBTypeId.ARRAY: {
      const array = type as DuckDBArrayType;
      return new FixedSizeListBuilder(name, createColumnBuilder(array.valueType), array.length);
    }
    case DuckDBTypeId.STRUCT: {
      const struct = type as DuckDBStructType;
      return new StructBuilder(name, struct.entryNames, struct.entryTypes.map(createColumnBuilder));
    }
    case DuckDBTypeId.SQLNULL:
      return new NullBuilder(name);
    default:
      // INTERVAL, UUID, ENUM, BIT, TIME_TZ, BIGNUM, GEOMETRY, UNION, MAP, VARIANT and anything newer.
      return new TextBuilder(name, type);
  }
}
