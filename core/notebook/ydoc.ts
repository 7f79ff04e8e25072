/**
 * The live notebook: a Y.Doc shared by every editor and the server.
 *
 *     doc.getMap('meta')    title, classification, created, updated (strings);
 *                           extra (a nested Y.Map of string, only when the file had extra keys)
 *     doc.getArray('cells') Y.Map per cell: id, kind, name (named SQL cells only), source (Y.Text)
 *
 * Every change goes through a function below, inside one `doc.transact(f, origin)`, so that
 * each bridge (editor, websocket, persistence) can recognise and drop its own echoes.
 */
import * as Y from 'yjs';
import { asCellId, type CellId } from '../ids.js';
import { identifierProblem } from '../sql/identifiers.js';
import { CELL_KINDS, type CellData, type CellKind, type NotebookData, type NotebookMeta } from './model.js';

export const META = 'meta';
export const CELLS = 'cells';
const EXTRA = 'extra';
const META_STRINGS = ['title', 'classification', 'created', 'updated'] as const;

/** One cell in the live document. */
export type CellMap = Y.Map<unknown>;

/** The ordered cells of the notebook. */
export function getCells(doc: Y.Doc): Y.Array<CellMap> {
  return doc.getArray<CellMap>(CELLS);
}

/** The notebook's metadata map. */
export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(META);
}

/** Position of the cell with `id`, or -1. */
export function cellIndex(doc: Y.Doc, id: CellId | string): number {
  const cells = getCells(doc);
  for (let i = 0; i < cells.length; i++) if (cells.get(i).get('id') === id) return i;
  return -1;
}

/** The cell with `id`, or undefined. */
export function cellMap(doc: Y.Doc, id: CellId | string): CellMap | undefined {
  const i = cellIndex(doc, id);
  return i === -1 ? undefined : getCells(doc).get(i);
}

/** The shared text of a cell, for editor bindings. */
export function cellSource(cell: CellMap): Y.Text {
  const source = cell.get('source');
  if (!(source instanceof Y.Text)) throw new Error(`cell "${String(cell.get('id'))}" has no source text`);
  return source;
}

/** A new random cell id: "c" and 9 lowercase letters or digits (about 46 bits). */
export function newCellId(): CellId {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const bytes = new Uint8Array(16);
  let id = 'c';
  while (id.length < 10) {
    globalThis.crypto.getRandomValues(bytes);
    // 252 = 7 * 36: dropping bytes above it keeps every character equally likely.
    for (const b of bytes) if (b < 252 && id.length < 10) id += alphabet[b % 36];
  }
  return asCellId(id);
}

/** Fills an empty document with `data` in one transaction. Throws if the doc has cells. */
export function loadNotebookIntoDoc(doc: Y.Doc, data: NotebookData, origin?: unknown): void {
  doc.transact(() => {
    const cells = getCells(doc);
    if (cells.length > 0) throw new Error(`cannot load a notebook into a document that already has ${cells.length} cells`);
    const meta = getMeta(doc);
    for (const key of META_STRINGS) {
      const value = data.meta[key];
      if (value !== undefined) meta.set(key, value);
    }
    if (data.meta.extra !== undefined && Object.keys(data.meta.extra).length > 0) {
      meta.set(EXTRA, new Y.Map<string>(Object.entries(data.meta.extra)));
    }
    cells.insert(0, data.cells.map(newCellMap));
  }, origin);
}

/** The notebook as plain data, read from the document. Throws on a malformed cell. */
export function docToNotebook(doc: Y.Doc): NotebookData {
  const map = getMeta(doc);
  const title = map.get('title');
  const meta: NotebookMeta = { title: typeof title === 'string' ? title : '' };
  for (const key of ['classification', 'created', 'updated'] as const) {
    const value = map.get(key);
    if (typeof value === 'string') meta[key] = value;
  }
  const extra = map.get(EXTRA);
  if (extra instanceof Y.Map && extra.size > 0) {
    const entries = [...extra.entries()].filter((e): e is [string, string] => typeof e[1] === 'string');
    if (entries.length > 0) meta.extra = Object.fromEntries(entries);
  }
  return { meta, cells: getCells(doc).toArray().map(readCell) };
}

/** Inserts `cell` at `index` (clamped to the cell count). */
export function insertCell(doc: Y.Doc, index: number, cell: CellData, origin?: unknown): void {
  doc.transact(() => {
    const cells = getCells(doc);
    cells.insert(Math.max(0, Math.min(index, cells.length)), [newCellMap(cell)]);
  }, origin);
}

/** Deletes the cell with `id`; false when there is none. */
export function deleteCell(doc: Y.Doc, id: CellId, origin?: unknown): boolean {
  let found = false;
  doc.transact(() => {
    const i = cellIndex(doc, id);
    if (i === -1) return;
    getCells(doc).delete(i, 1);
    found = true;
  }, origin);
  return found;
}

/**
 * Moves the cell with `id` so that it ends up at `toIndex`; false when there is no such cell.
 * Yjs arrays cannot move an element, so this deletes the cell and inserts a copy. Two users
 * moving the same cell at once therefore get two copies, and an edit made concurrently with
 * the move is lost with the old copy. Issue 5 replaces this with fractional positions.
 */
export function moveCell(doc: Y.Doc, id: CellId, toIndex: number, origin?: unknown): boolean {
  let found = false;
  doc.transact(() => {
    const cells = getCells(doc);
    const from = cellIndex(doc, id);
    if (from === -1) return;
    found = true;
    const to = Math.max(0, Math.min(toIndex, cells.length - 1));
    if (to === from) return;
    const copy = cells.get(from).clone();
    cells.delete(from, 1);
    cells.insert(to, [copy]);
  }, origin);
  return found;
}

/** Changes a cell's kind. A cell that stops being SQL loses its name. */
export function setCellKind(doc: Y.Doc, id: CellId, kind: CellKind, origin?: unknown): void {
  if (!CELL_KINDS.includes(kind)) throw new Error(`unknown cell kind "${String(kind)}"`);
  doc.transact(() => {
    const cell = requireCell(doc, id);
    cell.set('kind', kind);
    if (kind !== 'sql') cell.delete('name');
  }, origin);
}

/** Names a SQL cell, or removes its name when `name` is undefined or empty. */
export function setCellName(doc: Y.Doc, id: CellId, name: string | undefined, origin?: unknown): void {
  if (name !== undefined && name !== '') {
    const problem = identifierProblem(name);
    if (problem) throw new Error(problem);
  }
  doc.transact(() => {
    const cell = requireCell(doc, id);
    if (cell.get('kind') !== 'sql') throw new Error(`cell "${id}" is not a SQL cell; only SQL cells have names`);
    if (name === undefined || name === '') cell.delete('name');
    else cell.set('name', name);
  }, origin);
}

/** Sets the notebook's title. */
export function setTitle(doc: Y.Doc, title: string, origin?: unknown): void {
  doc.transact(() => getMeta(doc).set('title', title), origin);
}

/** Sets the classification marking, or removes it when `label` is undefined. */
export function setClassification(doc: Y.Doc, label: string | undefined, origin?: unknown): void {
  doc.transact(() => {
    if (label === undefined) getMeta(doc).delete('classification');
    else getMeta(doc).set('classification', label);
  }, origin);
}

function requireCell(doc: Y.Doc, id: CellId): CellMap {
  const cell = cellMap(doc, id);
  if (!cell) throw new Error(`no cell with id "${id}" in this notebook`);
  return cell;
}

function newCellMap(cell: CellData): CellMap {
  const map = new Y.Map<unknown>();
  map.set('id', cell.id);
  map.set('kind', cell.kind);
  if (cell.kind === 'sql' && cell.name !== undefined) map.set('name', cell.name);
  map.set('source', new Y.Text(cell.source));
  return map;
}

function readCell(map: CellMap, index: number): CellData {
  const where = `cell ${index + 1}`;
  const id = map.get('id');
  const kind = map.get('kind');
  const name = map.get('name');
  const source = map.get('source');
  if (typeof id !== 'string') throw new Error(`${where}: the document holds no id`);
  if (!CELL_KINDS.includes(kind as CellKind)) throw new Error(`${where} (id ${id}): unknown kind ${JSON.stringify(kind)}`);
  if (!(source instanceof Y.Text)) throw new Error(`${where} (id ${id}): the document holds no source text`);
  const cell: CellData = { id: asCellId(id), kind: kind as CellKind, source: source.toString() };
  if (kind === 'sql' && typeof name === 'string' && name !== '') cell.name = name;
  return cell;
}
