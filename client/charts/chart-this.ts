/**
 * "Chart this": a chart cell right after a SQL cell, drawing its result with the chart its
 * column types suggest. A chart reads its source by name, so a SQL cell without one is
 * named first (like a rename: one transaction, references kept).
 */
import { suggestChart } from '../../core/chart/suggest.js';
import { serializeChartSpec } from '../../core/chart/spec.js';
import type { CellId } from '../../core/ids.js';
import type { CellContext } from '../cells/context.js';
import { markFreshChart } from './fresh.js';

/** `result_1`, `result_2`, …: the first name no cell and no dataset has (compared case-insensitively). Pure. */
export function freeResultName(taken: Iterable<string>): string {
  const lower = new Set([...taken].map((n) => n.toLowerCase()));
  for (let n = 1; ; n++) if (!lower.has(`result_${n}`)) return `result_${n}`;
}

/** Inserts a chart of SQL cell `cellId`'s result below it; returns the chart cell's id, or null. */
export function chartThis(ctx: CellContext, cellId: CellId): CellId | null {
  const cell = ctx.doc.cell(cellId);
  if (!cell || cell.kind !== 'sql') return null;
  let name = cell.name;
  if (!name) {
    name = freeResultName([...ctx.doc.cells().flatMap((c) => (c.name ? [c.name] : [])), ...ctx.datasets()]);
    const outcome = ctx.doc.rename(cellId, name, ctx.datasets());
    if (!outcome.ok) return null;
  }
  const columns = ctx.store.get(cellId).output?.page.columns ?? [];
  const spec = suggestChart(columns, name);
  const index = ctx.doc.cells().findIndex((c) => c.id === cellId);
  const id = ctx.doc.add(index + 1, 'chart', ctx.datasets(), serializeChartSpec(spec));
  markFreshChart(id);
  return id;
}
