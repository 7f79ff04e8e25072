import type { JsonValue, ResultColumn } from './values.js';

/** RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they need it. */
export function toCsv(columns: ResultColumn[], rows: JsonValue[][]): string {
  const lines = [columns.map((c) => field(c.name)).join(',')];
  for (const row of rows) lines.push(row.map((v) => field(v)).join(','));
  return lines.join('\r\n') + '\r\n';
}

function field(v: JsonValue): string {
  if (v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
