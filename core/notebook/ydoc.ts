/**
 * The live notebook: a Y.Doc shared by every editor and the server.
 *
 *     doc.getMap('meta')     title, classification, created, updated (strings);
 *                            extra (a nested Y.Map of string, only when the file had extra keys)
 *     doc.getArray('cells')  Y.Map per cell: id, kind, name (named SQL cells only), source (Y.Text),
 *                            pos (order key), editedBy / editedAt (attribution, optional)
 *     doc.getMap('comments') comment threads (comments.ts)
 *
 * Cell order is NOT the array's order: it is the cells sorted by (pos, id), where `pos` is a
 * fractional order key (order-key.ts). Moving a cell sets its `pos` — one map field, last
 * writer wins — so two people moving, or one moving while another types, never copy a cell
 * (a delete + insert move duplicated it and lost the concurrent edit). The array is only the
 * container; read cells through orderedCells(). Documents made before positions existed have
 * no `pos`: a cell without one sorts by its array index, and the first move or insert numbers
 * every cell from that order (deterministically, so two clients doing it agree).
 *
 * Every change goes through a function below, inside one `doc.transact(f, origin)`, so that
 * each bridge (editor, websocket, persistence) can recognise and drop its own echoes.
 */
import * as Y from 'yjs';
import { asCellId, type CellId } from '../ids.js';
import { identifierProblem, isSqlIdentifier } from '../sql/identifiers.js';
import { isCellId } from './format.js';
import { loadComments, readComments } from './comments.js';
import { CELL_KINDS, type CellData, type CellKind, type NotebookData, type NotebookMeta } from './model.js';
import { DIGITS, isOrderKey, jitteredKeyBetween, keysBetween } from './order-key.js';

export const META = 'meta';
export const CELLS = 'cells';
const EXTRA = 'extra';
/** Cell map fields: the order key and the attribution. */
export const POS = 'pos';
export const EDITED_BY = 'editedBy';
export const EDITED_AT = 'editedAt';
const META_STRINGS = ['title', 'classification', 'created', 'updated'] as const;

/** One cell in the live document. */
export type CellMap = Y.Map<unknown>;

/** The container of the cells, in no particular order: read them with orderedCells(). */
export function getCells(doc: Y.Doc): Y.Array<CellMap> {
  return doc.getArray<CellMap>(CELLS);
}

/** The notebook's metadata map. */
export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(META);
}

/**
 * The cells in document order: sorted by position key, then id. A cell without a key (a
 * document from before positions) sorts as its array index would (see integerKey).
 */
export function orderedCells(doc: Y.Doc): CellMap[] {
  const keyed = getCells(doc).toArray().map((map, index) => ({ map, key: positionOf(map, index), id: String(map.get('id') ?? '') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.map((k) => k.map);
}

/** Position of the cell with `id` in document order, or -1. */
export function cellIndex(doc: Y.Doc, id: CellId | string): number {
  return orderedCells(doc).findIndex((map) => map.get('id') === id);
}

/** The cell with `id`, or undefined. */
export function cellMap(doc: Y.Doc, id: CellId | string): CellMap | undefined {
  for (const map of getCells(doc)) if (map.get('id') === id) return map;
  return undefined;
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
    const keys = keysBetween(null, null, data.cells.length);
    const maps = data.cells.map((cell, i) => newCellMap(cell, keys[i]!));
    cells.insert(0, maps);
    if (data.comments && data.comments.length > 0) {
      const texts = new Map(maps.map((m) => [m.get('id') as string, m.get('source') as Y.Text]));
      loadComments(doc, data.comments, (id) => texts.get(id));
    }
  }, origin);
}

/** The notebook as plain data, read from the document (malformed cells are left out: see readCell). */
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
  const maps = orderedCells(doc);
  const cells = maps.map(readCell).filter((c): c is CellData => c !== null);
  const data: NotebookData = { meta, cells };
  const texts = new Map(maps.map((m) => [m.get('id') as string, m.get('source') as Y.Text]));
  const comments = readComments(doc, (id) => texts.get(id));
  if (comments.length > 0) data.comments = comments;
  return data;
}

/**
 * Inserts `cell` so that it ends up at `index` in document order (clamped to the cell count).
 * `random` jitters its position key, so that two people inserting at the same place at once
 * get distinct keys.
 */
export function insertCell(doc: Y.Doc, index: number, cell: CellData, origin?: unknown, random: () => number = Math.random): void {
  doc.transact(() => {
    const ordered = numbered(doc);
    const at = Math.max(0, Math.min(index, ordered.length));
    const key = gapKey(ordered, at, random);
    const cells = getCells(doc);
    // Physically next to its predecessor, so the array reads in order while nobody moves cells.
    const before = at > 0 ? arrayIndexOf(cells, ordered[at - 1]!) + 1 : 0;
    cells.insert(before, [newCellMap(cell, key)]);
  }, origin);
}

/** Deletes the cell with `id`; false when there is none. */
export function deleteCell(doc: Y.Doc, id: CellId, origin?: unknown): boolean {
  let found = false;
  doc.transact(() => {
    const cells = getCells(doc);
    for (let i = 0; i < cells.length; i++) {
      if (cells.get(i).get('id') !== id) continue;
      cells.delete(i, 1);
      found = true;
      return;
    }
  }, origin);
  return found;
}

/**
 * Moves the cell with `id` so that it ends up at `toIndex` in document order; false when
 * there is no such cell. Only the cell's `pos` changes: the cell, its text and everything
 * in it stay the same objects, so an edit made concurrently anywhere is kept.
 */
export function moveCell(doc: Y.Doc, id: CellId, toIndex: number, origin?: unknown, random: () => number = Math.random): boolean {
  let found = false;
  doc.transact(() => {
    const ordered = numbered(doc);
    const from = ordered.findIndex((m) => m.get('id') === id);
    if (from === -1) return;
    found = true;
    const to = Math.max(0, Math.min(toIndex, ordered.length - 1));
    if (to === from) return;
    const cell = ordered[from]!;
    const others = ordered.filter((_, i) => i !== from);
    cell.set(POS, gapKey(others, to, random));
  }, origin);
  return found;
}

/** True when some cell has no valid position key (a document from before positions). */
export function lacksPositions(doc: Y.Doc): boolean {
  return getCells(doc).toArray().some((m) => !isOrderKey(m.get(POS)));
}

/**
 * Gives every cell a position key that keeps the current order (the server does this once
 * when it opens a document from before positions, so clients never race to do it).
 */
export function numberCells(doc: Y.Doc, origin?: unknown): void {
  doc.transact(() => void numbered(doc), origin);
}

/**
 * Records who last edited a cell and when (attribution). Callers throttle it: it is one
 * small map change, but still an update every participant receives.
 */
export function markCellEdited(doc: Y.Doc, id: CellId, by: string, at: string, origin?: unknown): void {
  doc.transact(() => {
    const cell = cellMap(doc, id);
    if (!cell) return;
    if (cell.get(EDITED_BY) !== by) cell.set(EDITED_BY, by);
    cell.set(EDITED_AT, at);
  }, origin);
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

function newCellMap(cell: CellData, pos: string): CellMap {
  const map = new Y.Map<unknown>();
  map.set('id', cell.id);
  map.set('kind', cell.kind);
  if (cell.kind === 'sql' && cell.name !== undefined) map.set('name', cell.name);
  map.set('source', new Y.Text(cell.source));
  map.set(POS, pos);
  if (cell.editedBy !== undefined) map.set(EDITED_BY, cell.editedBy);
  if (cell.editedAt !== undefined) map.set(EDITED_AT, cell.editedAt);
  return map;
}

/** The sort key of the cell at array `index`: its `pos`, or one derived from the index. */
function positionOf(map: CellMap, index: number): string {
  const pos = map.get(POS);
  return typeof pos === 'string' ? pos : integerKey(index);
}

/**
 * The order key of integer `n`: the keys keysBetween(null, null, …) hands out ("a0" … "az",
 * then "b00" … "bzz", then "c000" …), so an unnumbered cell sorts exactly where numbering
 * will put it.
 */
export function integerKey(n: number): string {
  let rest = n;
  let width = 1;
  while (rest >= 62 ** width) {
    rest -= 62 ** width;
    width++;
  }
  let digits = '';
  for (let i = 0; i < width; i++) {
    digits = DIGITS[rest % 62]! + digits;
    rest = Math.floor(rest / 62);
  }
  return String.fromCharCode(97 + width - 1) + digits;
}

/**
 * The cells in order, after giving every cell a valid key if one lacks it (a document from
 * before positions, or a key no client of ours wrote). Numbering follows the current order
 * and is deterministic, so concurrent numberings write the same values. Call inside a transaction.
 */
function numbered(doc: Y.Doc): CellMap[] {
  const ordered = orderedCells(doc);
  if (ordered.every((m) => isOrderKey(m.get(POS)))) return ordered;
  renumber(ordered);
  return ordered;
}

function renumber(ordered: readonly CellMap[]): void {
  const keys = keysBetween(null, null, ordered.length);
  ordered.forEach((m, i) => {
    if (m.get(POS) !== keys[i]) m.set(POS, keys[i]!);
  });
}

/**
 * A key for a cell placed at `at` among `ordered` (which must not hold that cell). When the
 * neighbours leave no room (equal keys: two inserts picked the same one), the list is
 * renumbered first. Call inside a transaction.
 */
function gapKey(ordered: readonly CellMap[], at: number, random: () => number): string {
  const keyAt = (i: number) => (i >= 0 && i < ordered.length ? (ordered[i]!.get(POS) as string) : null);
  let lower = keyAt(at - 1);
  let upper = keyAt(at);
  if (lower !== null && upper !== null && lower >= upper) {
    renumber(ordered);
    lower = keyAt(at - 1);
    upper = keyAt(at);
  }
  return jitteredKeyBetween(lower, upper, random);
}

function arrayIndexOf(cells: Y.Array<CellMap>, map: CellMap): number {
  for (let i = 0; i < cells.length; i++) if (cells.get(i) === map) return i;
  return cells.length - 1;
}

/**
 * The cell as file data, or null when the map cannot be one (no id, an id or kind no file
 * could hold, no text): such a map comes only from a broken or hostile client, and skipping
 * it keeps the notebook savable, as the editors skip it too. A name that is not a SQL
 * identifier is dropped for the same reason.
 */
function readCell(map: CellMap): CellData | null {
  const id = map.get('id');
  const kind = map.get('kind');
  const name = map.get('name');
  const source = map.get('source');
  if (typeof id !== 'string' || !isCellId(id)) return null;
  if (!CELL_KINDS.includes(kind as CellKind)) return null;
  if (!(source instanceof Y.Text)) return null;
  const cell: CellData = { id: asCellId(id), kind: kind as CellKind, source: source.toString() };
  if (kind === 'sql' && typeof name === 'string' && isSqlIdentifier(name)) cell.name = name;
  const editedBy = map.get(EDITED_BY);
  const editedAt = map.get(EDITED_AT);
  if (typeof editedBy === 'string') cell.editedBy = editedBy;
  if (typeof editedAt === 'string') cell.editedAt = editedAt;
  return cell;
}
