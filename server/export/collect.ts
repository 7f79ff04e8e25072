/**
 * Gathers what a briefing shows about each cell: the latest run record, its stored result
 * (the first rows of a table, or a chart's marks drawn as SVG), and the statement compiled
 * again with the catalog's relations by the same function the run used (`compileCell` for
 * SQL cells, `prepareChart` for charts). Effects only; the layout is briefing.ts.
 */
import { tableFromIPC } from 'apache-arrow';
import type { CellId } from '../../core/ids.js';
import type { CellData, NotebookData } from '../../core/notebook/model.js';
import { compileCell } from '../../core/compile/index.js';
import { columnsOf as arrowColumns, rowsOf } from '../../core/result/values.js';
import type { ChartColumn } from '../../core/chart/index.js';
import type { ExecuteDeps } from '../notebooks/execute.js';
import { prepareChart } from '../notebooks/prepare-chart.js';
import type { RunRecord } from '../notebooks/runs.js';
import type { StoredResult } from '../notebooks/results.js';
import type { DatasetScope } from '../notebooks/scope.js';
import type { DatasetInfo } from '../datasets/index.js';
import type { CellEvidence, DatasetFacts } from './briefing.js';
import { chartFigure } from './figures.js';
import { cellIdentity, FIGURE_WIDTH } from './run-notebook.js';

export interface CollectOptions {
  /** Rows decoded per table. */
  maxRows: number;
  /** The workspace's data folder: paths in the appendix are shown relative to the workspace. */
  dataDir: string;
  /** Cells whose stored result no longer matches their sources. */
  stale?: ReadonlySet<CellId>;
}

/** Dataset facts by lower-cased name, for the appendix. */
export function datasetFacts(datasets: readonly DatasetInfo[]): Map<string, DatasetFacts> {
  return new Map(datasets.filter((d) => !d.error).map((d) => [d.name.toLowerCase(), { name: d.name, version: d.version, rowCount: d.rowCount }]));
}

/** Evidence for every SQL and chart cell of `data`, by cell id. */
export async function collectEvidence(
  deps: ExecuteDeps,
  scope: DatasetScope,
  data: NotebookData,
  runs: Readonly<Record<string, RunRecord>>,
  opts: CollectOptions,
): Promise<Map<CellId, CellEvidence>> {
  const evidence = new Map<CellId, CellEvidence>();
  for (const cell of data.cells) {
    if (cell.kind === 'markdown') continue;
    const { label } = cellIdentity(data, cell.id);
    const run = runs[cell.id];
    const ev: CellEvidence = { params: paramsOf(run), ...(run ? { run } : {}), ...(opts.stale?.has(cell.id) ? { stale: true } : {}) };
    const compiled = cell.kind === 'chart' ? await compiledChart(deps, scope, data.cells, cell) : compiledSql(scope, data.cells, cell);
    if (compiled.ok) {
      ev.compiledSql = workspaceRelative(compiled.sql, opts.dataDir);
      ev.datasets = compiled.datasets;
    }
    const stored = await storedResult(deps, run, label);
    if ('problem' in stored) ev.problem = stored.problem;
    else if (cell.kind === 'sql') {
      const table = tableFromIPC(stored.result.arrow);
      ev.table = { columns: arrowColumns(table), rows: rowsOf(table, 0, opts.maxRows), total: stored.result.rowCount, capped: stored.result.truncated };
    } else if (!compiled.ok) ev.problem = `${label}: ${compiled.message}`;
    else {
      const figure = chartFigure(cell.source, compiled.columns, tableFromIPC(stored.result.arrow), `fig-${cell.id}`, compiled.note);
      if ('problem' in figure) ev.problem = `${label}: ${figure.problem}`;
      else ev.figure = figure;
    }
    evidence.set(cell.id, ev);
  }
  return evidence;
}

type Compiled = { ok: true; sql: string; datasets: string[]; columns: readonly ChartColumn[]; note: string } | { ok: false; message: string };

function compiledSql(scope: DatasetScope, cells: readonly CellData[], cell: CellData): Compiled {
  const c = compileCell({ cells, target: cell.id, datasets: scope.relations });
  return c.ok ? { ok: true, sql: c.sql, datasets: c.datasets, columns: [], note: '' } : { ok: false, message: c.error };
}

/** The chart's statement at the briefing's width, and its source's columns (a cheap LIMIT 0 probe). */
async function compiledChart(deps: ExecuteDeps, scope: DatasetScope, cells: readonly CellData[], cell: CellData): Promise<Compiled> {
  const p = await prepareChart(deps, cells, cell, scope, FIGURE_WIDTH);
  if (!p.ok) return { ok: false, message: p.message };
  const columns = (p.meta?.['columns'] ?? []) as ChartColumn[];
  return { ok: true, sql: p.sql, datasets: p.datasets, columns, note: String(p.meta?.['note'] ?? '') };
}

async function storedResult(deps: ExecuteDeps, run: RunRecord | undefined, label: string): Promise<{ result: StoredResult } | { problem: string }> {
  if (!run) return { problem: `${label} has no result: it has not been run` };
  if (run.status !== 'ok' || !run.resultId) return { problem: `${label} failed: ${run.error?.message ?? 'no result'}` };
  const result = await deps.results.get(run.resultId);
  return result ? { result } : { problem: `${label}: its result is no longer stored; run it again` };
}

/**
 * The parameters a run bound. Run records do not keep them yet (see the report of issue 7);
 * the field is read when present so the appendix shows them as soon as they are recorded.
 */
function paramsOf(run: RunRecord | undefined): Record<string, unknown> {
  const params = run?.params;
  return params && typeof params === 'object' ? params : {};
}

/**
 * `sql` with the data folder's absolute path shown as `data/`, relative to the workspace
 * folder: a briefing leaves the building and need not carry the server's file layout.
 */
export function workspaceRelative(sql: string, dataDir: string): string {
  const dir = dataDir.replace(/\/+$/, '');
  let out = sql;
  for (const form of new Set([dir, dir.replace(/'/g, "''")])) out = out.split(`${form}/`).join('data/');
  return out;
}
