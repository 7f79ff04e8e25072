/**
 * How a result value is shown and copied. Pure: given an Arrow type and a value,
 * a display text (locale-formatted), an alignment, and the plain text a copy gives.
 */
import { DataType } from 'apache-arrow';
import { decimalText } from '../../core/result/values.js';
import { dateFormat, numberFormat } from '../i18n/index.js';

export type Align = 'left' | 'right' | 'center';

/** How to show the values of one column, chosen once per column from its type. */
export interface ColumnFormat {
  align: Align;
  /** Locale-formatted text for the table. */
  display(value: unknown): string;
  /** Plain, locale-free text for the clipboard (ISO dates, unformatted numbers). */
  raw(value: unknown): string;
}

/**
 * Whether a column's integers read as quantities (grouped: 12,345) rather than labels
 * (ids, years, codes: 1979, not 1,979). Judged from the column name. Pure.
 */
export function groupsDigits(columnName: string): boolean {
  return !/(^|_)(id|ids|year|yr|code|zip|postcode|number|num|no|phone|siren|siret|iban)$|^id_|(?<=[a-z])Id$|year/i.test(columnName);
}

/** The formatter for a column of `type` (Arrow), with DuckDB's type name and the column name to refine it. */
export function columnFormat(type: DataType, duckdbType = '', columnName = ''): ColumnFormat {
  if (DataType.isInt(type)) {
    const useGrouping = groupsDigits(columnName);
    return { align: 'right', display: (v) => numberFormat({ useGrouping }).format(v as number | bigint), raw: String };
  }
  if (DataType.isFloat(type)) {
    return { align: 'right', display: (v) => formatFloat(v as number), raw: (v) => String(v) };
  }
  if (DataType.isDecimal(type)) {
    const scale = type.scale;
    const fmt = () => numberFormat({ minimumFractionDigits: scale, maximumFractionDigits: scale });
    // Intl formats decimal strings exactly (no float rounding).
    return { align: 'right', display: (v) => fmt().format(decimalText(v, scale) as unknown as number), raw: (v) => decimalText(v, scale) };
  }
  if (DataType.isDate(type)) {
    return {
      align: 'left',
      display: (v) => dateFormat({ year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(toDate(v)),
      raw: (v) => toDate(v).toISOString().slice(0, 10),
    };
  }
  if (DataType.isTimestamp(type)) {
    // DuckDB TIMESTAMP has no zone: show its wall time as stored (UTC). TIMESTAMPTZ is an instant: show local time.
    const zoned = Boolean(type.timezone) || /TIME ZONE|TZ/i.test(duckdbType);
    return {
      align: 'left',
      display: (v) =>
        dateFormat({
          year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
          second: '2-digit', hourCycle: 'h23', timeZone: zoned ? undefined : 'UTC',
          timeZoneName: zoned ? 'short' : undefined,
        }).format(toDate(v)),
      raw: (v) => (zoned ? toDate(v).toISOString() : toDate(v).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '')),
    };
  }
  if (DataType.isBool(type)) {
    return { align: 'center', display: (v) => (v ? 'true' : 'false'), raw: String };
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    return { align: 'left', display: (v) => String(v), raw: String };
  }
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return { align: 'left', display: (v) => hex(v as Uint8Array), raw: (v) => hex(v as Uint8Array) };
  }
  // Lists, structs, maps, intervals, times…: a JSON-like text that shows the whole value.
  return { align: 'left', display: (v) => compositeText(v), raw: (v) => compositeText(v) };
}

function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-4)) return numberFormat({ notation: 'scientific', maximumFractionDigits: 4 }).format(v);
  return numberFormat({ maximumFractionDigits: abs >= 100 ? 2 : 4 }).format(v);
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(Number(v));
}

function hex(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('');
  return `\\x${shown}${bytes.length > 64 ? '…' : ''}`;
}

/** Text for nested values (Arrow vectors, rows, maps), bigints as digits. */
export function compositeText(v: unknown): string {
  return JSON.stringify(plain(v)) ?? String(v);
}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  const obj = v as { toArray?: () => unknown; toJSON?: () => unknown; [Symbol.iterator]?: unknown };
  if (typeof obj.toJSON === 'function') return plain(obj.toJSON());
  if (typeof obj[Symbol.iterator] === 'function') return Array.from(v as Iterable<unknown>, plain);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
}
