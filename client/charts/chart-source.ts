/**
 * The source a chart cell names, read from its spec text without parsing the whole spec (a
 * spec being edited may be invalid elsewhere): so renaming a SQL cell can carry its charts along.
 * Also: which charts read a cell (deleting it would break them), and whether a source is gone.
 */

import type { CellId } from '../../core/ids.js';

const SOURCE = /"source"\s*:\s*("(?:[^"\\\n]|\\.)*")/;

/** The chart's source name and where its JSON string sits in `text`; null when not found. Pure. */
export function chartSourceOf(text: string): { name: string; from: number; to: number } | null {
  const m = SOURCE.exec(text);
  if (!m) return null;
  let name: unknown;
  try {
    name = JSON.parse(m[1]!);
  } catch {
    return null;
  }
  if (typeof name !== 'string') return null;
  const from = m.index + m[0].length - m[1]!.length;
  return { name, from, to: from + m[1]!.length };
}

/** The edit pointing a chart at `newName` when it reads `oldName` (case-insensitively); null otherwise. Pure. */
export function renameChartSource(text: string, oldName: string, newName: string): { from: number; to: number; insert: string } | null {
  const source = chartSourceOf(text);
  if (!source || source.name.toLowerCase() !== oldName.toLowerCase()) return null;
  return { from: source.from, to: source.to, insert: JSON.stringify(newName) };
}

/** The part of the notebook document these helpers read (NotebookDoc fits). */
export interface ChartCells {
  cell(id: CellId): { name?: string } | undefined;
  cells(): readonly { id: CellId; kind: string; name?: string; text: { toString(): string } }[];
}

/**
 * The chart cells whose source is SQL cell `cellId` (by its name, case-insensitively): what
 * deleting it would break, for the delete confirmation. Pure over the document.
 */
export function chartsReading(doc: ChartCells, cellId: CellId): CellId[] {
  const name = doc.cell(cellId)?.name?.toLowerCase();
  if (!name) return [];
  return doc.cells().filter((c) => c.kind === 'chart' && chartSourceOf(c.text.toString())?.name.toLowerCase() === name).map((c) => c.id);
}

/** The names a chart may read: named SQL cells and datasets. */
export interface ChartSources {
  cells: readonly string[];
  datasets: readonly string[];
}

/**
 * True when a chart's source names neither a SQL cell nor a dataset: its cell was deleted.
 * Unknown (false) while the dataset list has not loaded: the server's answer tells then. Pure.
 */
export function sourceIsMissing(source: string, known: ChartSources, datasetsLoaded: boolean): boolean {
  const key = source.toLowerCase();
  if (known.cells.some((c) => c.toLowerCase() === key)) return false;
  return datasetsLoaded && !known.datasets.some((d) => d.toLowerCase() === key);
}
