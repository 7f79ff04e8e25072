/**
 * The compiled chart query's result, as Plot wants it: one object per row, numbers as
 * numbers, times as Dates, categories as strings. Accepts an Arrow table (what the server
 * sends) or rows with DuckDB column types (what a test or an export may hold).
 */
import { DataType, type Field, type Table, type Vector } from 'apache-arrow';
import { decimalText } from '../result/values.js';
import { fieldKind, type ChartColumn, type FieldKind } from './fields.js';
import { MARKS_COLUMN, ROWS_COLUMN } from './normalised.js';

export type ChartData = { columns: readonly ChartColumn[]; rows: readonly Record<string, unknown>[] } | Table;

export type ChartRow = Record<string, number | Date | string | null>;

export interface PreparedData {
  rows: ChartRow[];
  /** Rows of the source the chart summarises (`__rows`), when the data says. */
  summarised: number | null;
  /** Marks before the cap (`__marks`): groups, points or rows. */
  marks: number | null;
}

/** Converts `data` to plain rows and reads the summary columns. Pure. */
export function prepareChartData(data: ChartData): PreparedData {
  const rows = 'schema' in data ? arrowRows(data) : plainRows(data.columns, data.rows);
  const first = rows[0];
  return {
    rows,
    summarised: first ? asCount(first[ROWS_COLUMN]) : 0,
    marks: first ? asCount(first[MARKS_COLUMN]) : 0,
  };
}

function asCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function arrowRows(table: Table): ChartRow[] {
  const rows: ChartRow[] = Array.from({ length: table.numRows }, () => ({}));
  table.schema.fields.forEach((field, c) => {
    const vec = table.getChildAt(c) as Vector | null;
    if (!vec) return;
    const conv = arrowConverter(field);
    for (let i = 0; i < rows.length; i++) rows[i]![field.name] = conv(vec.get(i));
  });
  return rows;
}

type Conv = (v: unknown) => number | Date | string | null;

function arrowConverter(field: Field): Conv {
  const t = field.type;
  if (DataType.isTimestamp(t) || DataType.isDate(t)) return (v) => toDate(v);
  if (DataType.isDecimal(t)) return (v) => (v == null ? null : Number(decimalText(v, t.scale)));
  if (DataType.isInt(t) || DataType.isFloat(t)) return (v) => toNumber(v);
  return converterFor(fieldKind(field.metadata.get('duckdb_type') ?? 'VARCHAR'));
}

function plainRows(columns: readonly ChartColumn[], rows: readonly Record<string, unknown>[]): ChartRow[] {
  const convs = columns.map((c) => [c.name, converterFor(fieldKind(c.type))] as const);
  return rows.map((row) => {
    const out: ChartRow = {};
    for (const [name, conv] of convs) out[name] = conv(row[name]);
    return out;
  });
}

function converterFor(kind: FieldKind): Conv {
  if (kind === 'number') return toNumber;
  if (kind === 'time') return toDate;
  return (v) => (v == null ? null : String(v));
}

function toNumber(v: unknown): number | null {
  if (v == null) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isNaN(n) ? null : n;
}

/**
 * Times arrive as epoch milliseconds (Arrow), Dates, or text: ISO 8601 or DuckDB's
 * `2024-01-02 03:04:05`, which carries no zone and means UTC here, as everywhere in Carnet.
 */
function toDate(v: unknown): Date | null {
  if (v == null) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v));
  const s = String(v).trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d(:?\d\d)?)$/.test(s) || !s.includes('T');
  const d = new Date(zoned ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
