/**
 * Every change the UI makes to the notebook document, each one Yjs transaction tagged
 * with this user's origin (so undo stays per user and the editors skip their echoes).
 */
import * as Y from 'yjs';
import { asCellId, type CellId } from '../../core/ids.js';
import { CELL_KINDS, type CellData, type CellKind } from '../../core/notebook/model.js';
import {
  cellMap,
  cellSource,
  deleteCell,
  getMeta,
  insertCell,
  moveCell,
  newCellId,
  orderedCells,
  setCellKind,
  setCellName,
  setTitle,
  type CellMap,
} from '../../core/notebook/ydoc.js';
import { findReferences } from '../../core/compile/index.js';
import { identifierProblem } from '../../core/sql/identifiers.js';
import { renameEdits } from './rename.js';
import { renameChartSource } from '../charts/chart-source.js';

export interface LiveCell {
  id: CellId;
  kind: CellKind;
  name?: string;
  map: CellMap;
  text: Y.Text;
}

export type RenameOutcome =
  | { ok: true; updatedCells: number; updatedReferences: number }
  | { ok: false; problem: 'invalid' | 'taken' | 'dataset'; message?: string };

export class NotebookDoc {
  constructor(
    readonly doc: Y.Doc,
    readonly origin: object,
  ) {}

  /** The cells in order, with their live maps and texts. Cells missing an id or text are skipped. */
  cells(): LiveCell[] {
    const out: LiveCell[] = [];
    for (const map of orderedCells(this.doc)) {
      const id = map.get('id');
      const kind = map.get('kind');
      const text = map.get('source');
      if (typeof id !== 'string' || !(text instanceof Y.Text)) continue;
      const name = map.get('name');
      // A kind this version does not know is left out rather than mistaken for another.
      if (!(CELL_KINDS as readonly unknown[]).includes(kind)) continue;
      out.push({ id: asCellId(id), kind: kind as CellKind, name: typeof name === 'string' && name !== '' ? name : undefined, map, text });
    }
    return out;
  }

  /** The cells as plain data, for the reference graph. */
  data(): CellData[] {
    return this.cells().map((c) => ({ id: c.id, kind: c.kind, ...(c.name ? { name: c.name } : {}), source: c.text.toString() }));
  }

  cell(id: string): LiveCell | undefined {
    return this.cells().find((c) => c.id === id);
  }

  title(): string {
    const title = getMeta(this.doc).get('title');
    return typeof title === 'string' ? title : '';
  }

  setTitle(title: string): void {
    setTitle(this.doc, title, this.origin);
  }

  /** A free name `query_N` for a new SQL cell, clashing with no cell and no dataset. */
  freeName(datasets: readonly string[]): string {
    const taken = new Set([...this.cells().map((c) => c.name?.toLowerCase()), ...datasets.map((d) => d.toLowerCase())]);
    for (let n = 1; ; n++) if (!taken.has(`query_${n}`)) return `query_${n}`;
  }

  /** Inserts a new cell at `index`; SQL cells get a free name. Returns its id. */
  add(index: number, kind: CellKind, datasets: readonly string[], source = ''): CellId {
    const id = newCellId();
    const cell: CellData = { id, kind, source };
    if (kind === 'sql') cell.name = this.freeName(datasets);
    insertCell(this.doc, index, cell, this.origin);
    return id;
  }

  remove(id: CellId): void {
    deleteCell(this.doc, id, this.origin);
  }

  move(id: CellId, toIndex: number): void {
    moveCell(this.doc, id, toIndex, this.origin);
  }

  /** Changes a cell's kind; a cell becoming SQL gets a free name. */
  setKind(id: CellId, kind: CellKind, datasets: readonly string[]): void {
    const cell = this.cell(id);
    if (!cell || cell.kind === kind) return;
    this.doc.transact(() => {
      setCellKind(this.doc, id, kind, this.origin);
      if (kind === 'sql') setCellName(this.doc, id, this.freeName(datasets), this.origin);
    }, this.origin);
  }

  /** Names of the cells whose SQL reads cell `id` by name. */
  readersOf(id: CellId): LiveCell[] {
    const target = this.cell(id);
    if (!target?.name) return [];
    const key = target.name.toLowerCase();
    return this.cells().filter((c) => c.id !== id && c.kind === 'sql' && findReferences(c.text.toString(), new Set([key])).has(key));
  }

  /**
   * Renames a SQL cell and, in the same transaction, every reference to it in other
   * cells, so no reader silently breaks. Refuses invalid, taken or dataset names.
   */
  rename(id: CellId, newName: string, datasets: readonly string[]): RenameOutcome {
    const cell = this.cell(id);
    if (!cell) return { ok: false, problem: 'invalid' };
    const problem = newName === '' ? null : identifierProblem(newName);
    if (problem) return { ok: false, problem: 'invalid', message: problem };
    const key = newName.toLowerCase();
    if (newName !== '' && datasets.some((d) => d.toLowerCase() === key)) return { ok: false, problem: 'dataset' };
    if (newName !== '' && this.cells().some((c) => c.id !== id && c.name?.toLowerCase() === key)) return { ok: false, problem: 'taken' };
    const oldName = cell.name;
    let updatedCells = 0;
    let updatedReferences = 0;
    this.doc.transact(() => {
      setCellName(this.doc, id, newName === '' ? undefined : newName, this.origin);
      if (!oldName || newName === '' || oldName === newName) return;
      for (const other of this.cells()) {
        if (other.id === id) continue;
        if (other.kind === 'chart') {
          // A chart names its source in its spec: point it at the new name.
          const edit = renameChartSource(other.text.toString(), oldName, newName);
          if (edit) {
            updatedCells++;
            updatedReferences++;
            other.text.delete(edit.from, edit.to - edit.from);
            other.text.insert(edit.from, edit.insert);
          }
          continue;
        }
        if (other.kind !== 'sql') continue;
        const edits = renameEdits(other.text.toString(), oldName, newName);
        if (edits.length === 0) continue;
        updatedCells++;
        updatedReferences += edits.length;
        // Last edit first, so earlier offsets stay valid.
        for (const e of [...edits].sort((a, b) => b.from - a.from)) {
          other.text.delete(e.from, e.to - e.from);
          other.text.insert(e.from, e.insert);
        }
      }
    }, this.origin);
    return { ok: true, updatedCells, updatedReferences };
  }

  /** The live text of a cell (throws when the cell is gone). */
  text(id: CellId): Y.Text {
    const map = cellMap(this.doc, id);
    if (!map) throw new Error(`no cell with id "${id}" in this notebook`);
    return cellSource(map);
  }
}
