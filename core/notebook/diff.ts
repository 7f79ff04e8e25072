/**
 * Differences between two states of a notebook, cell by cell (matched by id), with a line
 * diff of each changed source. Used to compare a saved version with the notebook as it is
 * now. Pure functions.
 */
import type { CellData, NotebookData } from './model.js';

export type LineChange = { op: 'same' | 'added' | 'removed'; text: string };

export type CellChange =
  | { status: 'same'; id: string; after: CellData }
  | { status: 'added'; id: string; after: CellData }
  | { status: 'removed'; id: string; before: CellData }
  | { status: 'changed'; id: string; before: CellData; after: CellData; moved: boolean; lines: LineChange[] }
  | { status: 'moved'; id: string; before: CellData; after: CellData };

export interface NotebookDiff {
  title?: { before: string; after: string };
  /** Every cell of `after` in its order, with removed cells placed after their last kept predecessor. */
  cells: CellChange[];
  /** How many cells were added, removed, changed or moved. */
  counts: { added: number; removed: number; changed: number; moved: number };
}

/** What changed from `before` to `after`. */
export function diffNotebooks(before: NotebookData, after: NotebookData): NotebookDiff {
  const old = new Map(before.cells.map((c, i) => [c.id as string, { cell: c, index: i }]));
  const kept = new Set(after.cells.filter((c) => old.has(c.id)).map((c) => c.id as string));
  // Cells whose relative order is unchanged are the longest run of kept cells in both orders.
  const stable = new Set(longestIncreasing(after.cells.filter((c) => kept.has(c.id)).map((c) => ({ id: c.id as string, key: old.get(c.id)!.index }))));
  const counts = { added: 0, removed: 0, changed: 0, moved: 0 };
  const changes: CellChange[] = [];
  for (const cell of after.cells) {
    const was = old.get(cell.id)?.cell;
    if (!was) {
      counts.added++;
      changes.push({ status: 'added', id: cell.id, after: cell });
      continue;
    }
    const moved = !stable.has(cell.id);
    const same = was.source === cell.source && was.kind === cell.kind && was.name === cell.name;
    if (!same) {
      counts.changed++;
      if (moved) counts.moved++;
      changes.push({ status: 'changed', id: cell.id, before: was, after: cell, moved, lines: diffLines(was.source, cell.source) });
    } else if (moved) {
      counts.moved++;
      changes.push({ status: 'moved', id: cell.id, before: was, after: cell });
    } else {
      changes.push({ status: 'same', id: cell.id, after: cell });
    }
  }
  // Removed cells go after the change of the cell that preceded them in `before`.
  before.cells.forEach((cell, i) => {
    if (kept.has(cell.id)) return;
    counts.removed++;
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const prev = changes.findIndex((c) => c.id === before.cells[j]!.id);
      if (prev !== -1) {
        at = prev + 1;
        break;
      }
    }
    changes.splice(at, 0, { status: 'removed', id: cell.id, before: cell });
  });
  const diff: NotebookDiff = { cells: changes, counts };
  if (before.meta.title !== after.meta.title) diff.title = { before: before.meta.title, after: after.meta.title };
  return diff;
}

/** A line diff (longest common subsequence), lines in order. */
export function diffLines(a: string, b: string): LineChange[] {
  const x = a === '' ? [] : a.split('\n');
  const y = b === '' ? [] : b.split('\n');
  // Common head and tail first: most edits touch a few lines, so the table stays small.
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const out: LineChange[] = x.slice(0, head).map((text) => ({ op: 'same' as const, text }));
  if (xs.length * ys.length > 4_000_000) {
    // Too big to compare line by line in reasonable time: show it as replaced.
    out.push(...xs.map((text) => ({ op: 'removed' as const, text })), ...ys.map((text) => ({ op: 'added' as const, text })));
  } else {
    out.push(...lcsDiff(xs, ys));
  }
  out.push(...x.slice(x.length - tail).map((text) => ({ op: 'same' as const, text })));
  return out;
}

function lcsDiff(x: readonly string[], y: readonly string[]): LineChange[] {
  const n = x.length;
  const m = y.length;
  // table[i][j] = LCS length of x[i..] and y[j..]
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = x[i] === y[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ op: 'same', text: x[i]! });
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) {
      out.push({ op: 'removed', text: x[i++]! });
    } else {
      out.push({ op: 'added', text: y[j++]! });
    }
  }
  while (i < n) out.push({ op: 'removed', text: x[i++]! });
  while (j < m) out.push({ op: 'added', text: y[j++]! });
  return out;
}

/** The ids of a longest subsequence with increasing `key` (patience sorting, O(n log n)). */
export function longestIncreasing(items: ReadonlyArray<{ id: string; key: number }>): string[] {
  const tails: number[] = [];
  const previous: number[] = new Array(items.length).fill(-1);
  for (let i = 0; i < items.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[tails[mid]!]!.key < items[i]!.key) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const out: string[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i !== -1; i = previous[i]!) out.push(items[i]!.id);
  return out.reverse();
}
