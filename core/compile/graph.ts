/**
 * The reference graph of a notebook's SQL cells: which cells and datasets each cell reads.
 * Pure: built from cell data and the dataset names, no engine involved.
 */
import type { CellId } from '../ids.js';
import type { CellData } from '../notebook/model.js';
import { findReferences } from './references.js';

/** A problem in the graph, with the cells it concerns (to show the message on each). */
export interface GraphError {
  message: string;
  cellIds: CellId[];
}

export interface GraphCell {
  id: CellId;
  /** 0-based position among all cells of the notebook; messages say `cell ${index + 1}`. */
  index: number;
  name?: string;
  /** Lower-cased cell and dataset names the cell reads, in order of first use. */
  references: string[];
}

export interface DependencyGraph {
  /** SQL cells in notebook order. */
  cells: GraphCell[];
  byId: ReadonlyMap<CellId, GraphCell>;
  /** Lower-cased name → the one cell with that name. Names in `nameErrors` are absent. */
  byName: ReadonlyMap<string, GraphCell>;
  /** Lower-cased dataset names. */
  datasets: ReadonlySet<string>;
  /** Lower-cased names that cannot be resolved: shared by two cells, or by a cell and a dataset. */
  nameErrors: ReadonlyMap<string, GraphError>;
  /** Reference cycles, each once. */
  cycles: GraphError[];
  /** Every problem: name clashes, then reference cycles. */
  errors: GraphError[];
}

export type UpstreamResult =
  | { ok: true; cells: CellId[]; datasets: string[] }
  | { ok: false; error: string; cellIds: CellId[] };

/** Builds the graph over the SQL cells of `cells`; `datasets` are lower-cased dataset names. */
export function buildGraph(cells: readonly CellData[], datasets: ReadonlySet<string>): DependencyGraph {
  const sql = cells.flatMap((cell, index) => (cell.kind === 'sql' ? [{ cell, index }] : []));
  const named = new Map<string, Array<{ cell: CellData; index: number }>>();
  for (const entry of sql) {
    if (entry.cell.name === undefined) continue;
    const key = entry.cell.name.toLowerCase();
    named.set(key, [...(named.get(key) ?? []), entry]);
  }

  const nameErrors = new Map<string, GraphError>();
  for (const [key, holders] of named) {
    const ids = holders.map((h) => h.cell.id);
    if (datasets.has(key)) {
      const label = holders[0]!.cell.name!;
      nameErrors.set(key, { message: `cell "${label}" has the same name as a dataset; rename the cell`, cellIds: ids });
    } else if (holders.length > 1) {
      const numbers = listing(holders.map((h) => String(h.index + 1)));
      const count = holders.length === 2 ? 'two' : String(holders.length);
      nameErrors.set(key, { message: `${count} cells are named "${holders[0]!.cell.name}": cells ${numbers}`, cellIds: ids });
    }
  }

  const known = new Set([...named.keys(), ...datasets]);
  const graphCells: GraphCell[] = sql.map(({ cell, index }) => {
    const node: GraphCell = { id: cell.id, index, references: [...findReferences(cell.source, known)] };
    if (cell.name !== undefined) node.name = cell.name;
    return node;
  });
  const byId = new Map(graphCells.map((c) => [c.id, c]));
  const byName = new Map<string, GraphCell>();
  for (const [key, holders] of named) if (!nameErrors.has(key)) byName.set(key, byId.get(holders[0]!.cell.id)!);

  const cycles = findCycles(graphCells, byName);
  return { cells: graphCells, byId, byName, datasets, nameErrors, cycles, errors: [...nameErrors.values(), ...cycles] };
}

/**
 * The cells `cellId` reads, directly or through other cells, in an order where every cell
 * comes after the cells it reads; and the datasets they read. Fails when the cell, or a cell
 * it reads, has a name clash or is part of a reference cycle.
 */
export function upstreamOrder(graph: DependencyGraph, cellId: CellId): UpstreamResult {
  const target = graph.byId.get(cellId);
  if (!target) return { ok: false, error: `no SQL cell with id "${cellId}"`, cellIds: [cellId] };
  const order: CellId[] = [];
  const datasets: string[] = [];
  const done = new Set<CellId>();
  const path: GraphCell[] = [];
  let failure: UpstreamResult | null = null;

  const visit = (cell: GraphCell): void => {
    const clash = cell.name === undefined ? undefined : graph.nameErrors.get(cell.name.toLowerCase());
    if (clash) failure = { ok: false, error: clash.message, cellIds: clash.cellIds };
    if (failure || done.has(cell.id)) return;
    const onPath = path.indexOf(cell);
    if (onPath !== -1) {
      const cycle = [...path.slice(onPath), cell];
      failure = { ok: false, error: cycleMessage(cycle), cellIds: cycle.slice(0, -1).map((c) => c.id) };
      return;
    }
    path.push(cell);
    for (const ref of cell.references) {
      if (failure) return;
      const clashing = graph.nameErrors.get(ref);
      const upstream = graph.byName.get(ref);
      if (clashing) failure = { ok: false, error: clashing.message, cellIds: clashing.cellIds };
      else if (upstream) visit(upstream);
      else if (graph.datasets.has(ref) && !datasets.includes(ref)) datasets.push(ref);
    }
    path.pop();
    done.add(cell.id);
    if (cell !== target) order.push(cell.id);
  };
  visit(target);
  return failure ?? { ok: true, cells: order, datasets };
}

/**
 * Every SQL cell, each after the cells it reads, otherwise in notebook order ("Run all").
 * Cells in a reference cycle come last, in notebook order; compiling them reports the cycle.
 */
export function runOrder(graph: DependencyGraph): CellId[] {
  const order: CellId[] = [];
  const seen = new Set<CellId>();
  const cyclic = new Set(graph.cycles.flatMap((e) => e.cellIds));
  const visit = (cell: GraphCell): void => {
    if (seen.has(cell.id) || cyclic.has(cell.id)) return;
    seen.add(cell.id);
    for (const ref of cell.references) {
      const upstream = graph.byName.get(ref);
      if (upstream) visit(upstream);
    }
    order.push(cell.id);
  };
  for (const cell of graph.cells) visit(cell);
  for (const cell of graph.cells) if (!order.includes(cell.id)) order.push(cell.id);
  return order;
}

/** Each reference cycle once, starting from its first cell in notebook order. */
function findCycles(cells: readonly GraphCell[], byName: ReadonlyMap<string, GraphCell>): GraphError[] {
  const errors: GraphError[] = [];
  const reported = new Set<string>();
  const state = new Map<CellId, 'visiting' | 'done'>();
  const path: GraphCell[] = [];
  const visit = (cell: GraphCell): void => {
    if (state.get(cell.id) === 'done') return;
    if (state.get(cell.id) === 'visiting') {
      const cycle = path.slice(path.indexOf(cell));
      const key = cycle.map((c) => c.id).sort().join('\u0000');
      if (!reported.has(key)) {
        reported.add(key);
        errors.push({ message: cycleMessage([...cycle, cell]), cellIds: cycle.map((c) => c.id) });
      }
      return;
    }
    state.set(cell.id, 'visiting');
    path.push(cell);
    for (const ref of cell.references) {
      const upstream = byName.get(ref);
      if (upstream) visit(upstream);
    }
    path.pop();
    state.set(cell.id, 'done');
  };
  for (const cell of cells) visit(cell);
  return errors;
}

function cycleMessage(cycle: readonly GraphCell[]): string {
  return `reference cycle: ${cycle.map((c) => c.name ?? `cell ${c.index + 1}`).join(' → ')}`;
}

/** "a", "a and b", "a, b and c". */
function listing(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
