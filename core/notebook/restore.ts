/**
 * Restoring a saved version into the live document as one new change: one transaction that
 * touches only what differs — a cell's text is patched where it differs (so others' cursors
 * elsewhere stay put), only cells out of order get a new position, missing cells come back
 * with their ids, cells the version lacks are deleted. Comments are discussion, not content:
 * threads the version had and the document lost come back; later threads stay.
 */
import * as Y from 'yjs';
import { getComments, loadComments } from './comments.js';
import { longestIncreasing } from './diff.js';
import type { CellData, NotebookData } from './model.js';
import { keyBetween, keysBetween } from './order-key.js';
import { cellMap, cellSource, getCells, getMeta, insertCell, numberCells, orderedCells, POS, setCellKind } from './ydoc.js';

export interface RestoreSummary {
  added: number;
  removed: number;
  changed: number;
  moved: number;
}

/** Makes `doc` hold `target` (cells, order, title, classification), changing only what differs. */
export function restoreNotebook(doc: Y.Doc, target: NotebookData, origin: unknown): RestoreSummary {
  const summary: RestoreSummary = { added: 0, removed: 0, changed: 0, moved: 0 };
  doc.transact(() => {
    restoreMeta(doc, target);
    const wanted = new Set(target.cells.map((c) => c.id as string));
    const cells = getCells(doc);
    for (let i = cells.length - 1; i >= 0; i--) {
      const id = cells.get(i).get('id');
      if (typeof id !== 'string' || !wanted.has(id)) {
        cells.delete(i, 1);
        summary.removed++;
      }
    }
    const added = new Set<string>();
    target.cells.forEach((cell, index) => {
      const map = cellMap(doc, cell.id);
      if (!map) {
        insertCell(doc, index, cell, origin);
        added.add(cell.id);
      } else if (patchCell(doc, map, cell)) {
        summary.changed++;
      }
    });
    summary.added = added.size;
    summary.moved = reorder(doc, target.cells.map((c) => c.id as string), added);
    restoreComments(doc, target);
  }, origin);
  return summary;
}

function restoreMeta(doc: Y.Doc, target: NotebookData): void {
  const meta = getMeta(doc);
  if (meta.get('title') !== target.meta.title) meta.set('title', target.meta.title);
  const classification = target.meta.classification;
  if (classification === undefined) {
    if (meta.has('classification')) meta.delete('classification');
  } else if (meta.get('classification') !== classification) {
    meta.set('classification', classification);
  }
}

/** Brings one cell's kind, name and text to `cell`; true when anything changed. */
function patchCell(doc: Y.Doc, map: Y.Map<unknown>, cell: CellData): boolean {
  let changed = false;
  if (map.get('kind') !== cell.kind) {
    setCellKind(doc, cell.id, cell.kind);
    changed = true;
  }
  const name = map.get('name');
  if (cell.kind === 'sql' && (name ?? undefined) !== cell.name) {
    if (cell.name === undefined) map.delete('name');
    else map.set('name', cell.name);
    changed = true;
  }
  const text = cellSource(map);
  const now = text.toString();
  if (now !== cell.source) {
    // Replace only the middle that differs.
    let start = 0;
    while (start < now.length && start < cell.source.length && now[start] === cell.source[start]) start++;
    let end = 0;
    while (end < now.length - start && end < cell.source.length - start && now[now.length - 1 - end] === cell.source[cell.source.length - 1 - end]) end++;
    text.delete(start, now.length - start - end);
    text.insert(start, cell.source.slice(start, cell.source.length - end));
    changed = true;
  }
  return changed;
}

/**
 * Puts the cells in `order`, moving as few as possible: the longest run already in order
 * stays, every other cell gets a key between its new neighbours. Returns how many moved.
 */
function reorder(doc: Y.Doc, order: readonly string[], added: ReadonlySet<string>): number {
  numberCells(doc);
  const current = orderedCells(doc);
  const keys = current.map((m) => m.get(POS) as string);
  if (keys.some((k, i) => i > 0 && k <= keys[i - 1]!)) {
    // Two cells share a key (concurrent inserts): number them apart first, keeping the order.
    const fresh = keysBetween(null, null, current.length);
    current.forEach((m, i) => m.set(POS, fresh[i]!));
  }
  const position = new Map(current.map((m, i) => [m.get('id') as string, i]));
  const byId = new Map(current.map((m) => [m.get('id') as string, m]));
  const stable = new Set(longestIncreasing(order.filter((id) => position.has(id)).map((id) => ({ id, key: position.get(id)! }))));
  let moved = 0;
  let previous: string | null = null;
  order.forEach((id, i) => {
    const map = byId.get(id);
    if (!map) return;
    if (stable.has(id)) {
      previous = map.get(POS) as string;
      return;
    }
    let next: string | null = null;
    for (let j = i + 1; j < order.length; j++) {
      if (stable.has(order[j]!)) {
        next = byId.get(order[j]!)!.get(POS) as string;
        break;
      }
    }
    const key = keyBetween(previous, next);
    map.set(POS, key);
    previous = key;
    if (!added.has(id)) moved++;
  });
  return moved;
}

function restoreComments(doc: Y.Doc, target: NotebookData): void {
  const existing = getComments(doc);
  const missing = (target.comments ?? []).filter((t) => !existing.has(t.id));
  if (missing.length === 0) return;
  loadComments(doc, missing, (id) => {
    const map = cellMap(doc, id);
    return map ? cellSource(map) : undefined;
  });
}
