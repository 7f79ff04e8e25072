import type { JsonValue, ResultColumn } from '../../core/result/values.js';

/** A plain-text table for the terminal, numbers right-aligned, long values cut. */
export function formatTable(columns: ResultColumn[], rows: JsonValue[][], maxWidth = 40): string {
  const cell = (v: JsonValue) => {
    const s = v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.length > maxWidth ? s.slice(0, maxWidth - 1) + '…' : s;
  };
  const text = rows.map((r) => r.map(cell));
  const numeric = columns.map((_, i) => rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...text.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(columns.map((c) => c.name)), rule, ...text.map(line)].join('\n');
}
