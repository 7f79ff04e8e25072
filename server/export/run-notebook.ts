/**
 * Runs the cells of a notebook without a browser — SQL cells each after the cells they read,
 * then chart cells — through the same `runCell` as the app: the same compiled SQL, result
 * store, run records, run events and audit records. A scheduled job refreshes a briefing
 * with it.
 */
import type { CellId, NotebookId } from '../../core/ids.js';
import type { CellData, NotebookData } from '../../core/notebook/model.js';
import { buildGraph, compileCell, runOrder, upstreamOrder, type DependencyGraph } from '../../core/compile/index.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
// Direct import, not core/chart/index: reading a spec needs no Plot.
import { parseChartSpec } from '../../core/chart/spec.js';
import { CarnetError } from '../errors.js';
import { QueryError } from '../engine/types.js';
import type { AuditActor } from '../audit/index.js';
import type { DatasetScope } from '../notebooks/scope.js';
import type { RunRecord } from '../notebooks/runs.js';
import { runCell, type RunCellDeps } from '../notebooks/run-cell.js';

/** Width, in CSS pixels, at which charts are computed and drawn for a briefing: an A4 text column. */
export const FIGURE_WIDTH = 640;

/** What happened to one SQL or chart cell. */
export interface CellOutcome {
  cellId: CellId;
  name?: string;
  /** How messages name the cell: `cell "ring"`, or `cell 3` for an unnamed one. */
  label: string;
  /** `kept`: not run, its stored result is current; `skipped`: a cell it reads failed. */
  status: 'ok' | 'error' | 'skipped' | 'kept';
  rowCount?: number;
  truncated?: boolean;
  elapsedMs?: number;
  /** Why it failed or was skipped. */
  message?: string;
}

export interface NotebookRun {
  outcomes: CellOutcome[];
  /** Outcomes with status `error` or `skipped`. */
  failures: CellOutcome[];
}

export interface RunNotebookOptions {
  /** Run only the cells it accepts (the others are `kept`). Default: every SQL and chart cell. */
  select?: (cellId: CellId) => boolean;
  /** Told each outcome as soon as it is known, for progress output. */
  onCell?: (outcome: CellOutcome) => void;
}

/**
 * Runs the notebook's SQL cells in dependency order (`runOrder`), then its chart cells (charts
 * read SQL cells or datasets, and nothing reads a chart) at FIGURE_WIDTH. A failing cell does
 * not stop the others; a cell reading a cell that failed in this run is skipped, not run into
 * the same error again. Errors other than a cell's own (the engine gone, a disk full) throw.
 */
export async function runNotebook(
  deps: RunCellDeps,
  scope: DatasetScope,
  notebookId: NotebookId,
  actor: AuditActor,
  opts: RunNotebookOptions = {},
): Promise<NotebookRun> {
  const data = await deps.read(notebookId);
  const graph = buildGraph(data.cells, new Set(scope.relations.keys()));
  const charts = data.cells.filter((c) => c.kind === 'chart').map((c) => c.id);
  const failed = new Map<CellId, string>();
  const outcomes: CellOutcome[] = [];
  const report = (o: CellOutcome) => {
    outcomes.push(o);
    opts.onCell?.(o);
  };

  for (const cellId of [...runOrder(graph), ...charts]) {
    const base = cellIdentity(data, cellId);
    if (opts.select && !opts.select(cellId)) {
      report({ ...base, status: 'kept' });
      continue;
    }
    const broken = readsCells(data.cells, graph, cellId).find((id) => failed.has(id));
    if (broken !== undefined) {
      failed.set(cellId, base.label);
      report({ ...base, status: 'skipped', message: `not run: it reads ${failed.get(broken)}, which failed` });
      continue;
    }
    const isChart = data.cells.find((c) => c.id === cellId)?.kind === 'chart';
    try {
      const { run } = await runCell(deps, scope, notebookId, cellId, isChart ? { width: FIGURE_WIDTH } : {}, actor);
      report({ ...base, status: 'ok', rowCount: run.rowCount ?? 0, truncated: run.truncated === true, elapsedMs: run.elapsedMs });
    } catch (e) {
      if (!(e instanceof CarnetError) && !(e instanceof QueryError)) throw e;
      failed.set(cellId, base.label);
      report({ ...base, status: 'error', message: e.message });
    }
  }
  return { outcomes, failures: outcomes.filter((o) => o.status === 'error' || o.status === 'skipped') };
}

/** The SQL cells `cellId` reads, directly or not: for a chart, its source cell and what that reads. */
function readsCells(cells: readonly CellData[], graph: DependencyGraph, cellId: CellId): CellId[] {
  const source = chartSourceCell(cells, cellId);
  const target = source === null ? cellId : source;
  if (target === undefined) return [];
  const upstream = upstreamOrder(graph, target);
  return [...(upstream.ok ? upstream.cells : []), ...(source ? [source] : [])];
}

/**
 * For a chart cell: the SQL cell its spec names (undefined when it names a dataset or cannot be
 * read). For any other cell: null.
 */
function chartSourceCell(cells: readonly CellData[], cellId: CellId): CellId | undefined | null {
  const cell = cells.find((c) => c.id === cellId);
  if (cell?.kind !== 'chart') return null;
  let source: string;
  try {
    source = parseChartSpec(cell.source).source.toLowerCase();
  } catch {
    return undefined;
  }
  return cells.find((c) => c.kind === 'sql' && c.name?.toLowerCase() === source)?.id;
}

/**
 * SQL and chart cells whose latest run cannot stand in a briefing: never run, failed, run on
 * other sources than the notebook holds now (a cell it reads was edited since), or run before
 * a dataset it reads changed (`modified`: lower-cased name → ISO time of its files). Pure.
 */
export function staleCells(
  data: NotebookData,
  runs: Readonly<Record<string, RunRecord>>,
  datasets: ReadonlyMap<string, string>,
  modified: ReadonlyMap<string, string> = new Map(),
): Set<CellId> {
  const stale = new Set<CellId>();
  for (const cell of data.cells) {
    if (cell.kind === 'markdown') continue;
    const run = runs[cell.id];
    const expected = expectedInputs(data.cells, cell, datasets);
    if (!run || run.status !== 'ok' || !run.resultId || !expected) {
      stale.add(cell.id);
      continue;
    }
    const ids = Object.keys(expected.inputs);
    const same = ids.length === Object.keys(run.inputs).length && ids.every((id) => run.inputs[id] === expected.inputs[id]);
    const ranAt = Date.parse(run.ranAt);
    const changed = expected.datasets.some((name) => Date.parse(modified.get(name) ?? '') > ranAt);
    if (!same || changed) stale.add(cell.id);
  }
  return stale;
}

/** The source fingerprints a run of `cell` records today, and the datasets it reads; null when it cannot compile. */
function expectedInputs(
  cells: readonly CellData[],
  cell: CellData,
  datasets: ReadonlyMap<string, string>,
): { inputs: Record<string, string>; datasets: string[] } | null {
  const compiledInputs = (target: CellId) => {
    const compiled = compileCell({ cells, target, datasets });
    if (!compiled.ok) return null;
    const inputs = Object.fromEntries(compiled.cells.map((id) => [id, sourceHash(cells.find((c) => c.id === id)!.source)]));
    return { inputs, datasets: compiled.datasets };
  };
  if (cell.kind === 'sql') return compiledInputs(cell.id);
  const source = chartSourceCell(cells, cell.id);
  let upstream: { inputs: Record<string, string>; datasets: string[] } | null;
  if (source) upstream = compiledInputs(source);
  else {
    let name: string;
    try {
      name = parseChartSpec(cell.source).source.toLowerCase();
    } catch {
      return null;
    }
    upstream = datasets.has(name) ? { inputs: {}, datasets: [name] } : null;
  }
  return upstream && { inputs: { ...upstream.inputs, [cell.id]: sourceHash(cell.source) }, datasets: upstream.datasets };
}

/** The cell's id, name and label as messages show them. */
export function cellIdentity(data: NotebookData, cellId: CellId): Pick<CellOutcome, 'cellId' | 'name' | 'label'> {
  const index = data.cells.findIndex((c) => c.id === cellId);
  const cell = data.cells[index];
  const name = cell?.name;
  const label = name !== undefined ? `cell "${name}"` : cell?.kind === 'chart' ? `chart (cell ${index + 1})` : `cell ${index + 1}`;
  return { cellId, ...(name !== undefined ? { name } : {}), label };
}
