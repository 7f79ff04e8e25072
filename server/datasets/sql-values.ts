/** Small constant tables as SQL text, for the demo generator. Pure. */
import { quoteIdentifier, quoteString } from '../../core/sql/identifiers.js';

/** A SQL literal for a string, finite number or boolean. */
export function sqlValue(value: string | number | boolean): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** `[…]`: a SQL list literal of strings and numbers. */
export function sqlList(items: readonly (string | number)[]): string {
  return `[${items.map(sqlValue).join(', ')}]`;
}

/** `(VALUES (…), (…)) AS alias(col, …)` for a small constant table. */
export function valuesTable(alias: string, columns: readonly string[], rows: readonly (readonly (string | number | boolean)[])[]): string {
  if (rows.length === 0) throw new Error(`valuesTable ${alias}: no rows`);
  const body = rows
    .map((row, i) => {
      if (row.length !== columns.length) throw new Error(`valuesTable ${alias}, row ${i}: expected ${columns.length} values, found ${row.length}`);
      return `(${row.map(sqlValue).join(', ')})`;
    })
    .join(',\n  ');
  return `(VALUES\n  ${body}\n) AS ${quoteIdentifier(alias)}(${columns.map(quoteIdentifier).join(', ')})`;
}
