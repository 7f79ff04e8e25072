/**
 * Who last edited each cell and when. Local edits stamp the cell's map (editedBy, editedAt)
 * at most once every few seconds per cell, in their own transaction with their own origin,
 * so no undo manager records a stamp; every cell shows the stamp discreetly in its header.
 */
import * as Y from 'yjs';
import { asCellId } from '../../core/ids.js';
import { EDITED_AT, EDITED_BY, POS, getCells, markCellEdited } from '../../core/notebook/ydoc.js';
import { getLocale, t } from '../i18n/index.js';

/** Map keys whose change is not an edit of the cell (its place, or the stamp itself). */
const NOT_EDITS = new Set([POS, EDITED_BY, EDITED_AT]);

/** "3 min ago", "yesterday", "just now", in the current language. Pure given `now`. */
export function relativeTime(at: Date, now: number, locale = getLocale()): string {
  const seconds = Math.round((at.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return t('attribution.justNow');
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return format.format(hours, 'hour');
  const days = Math.round(hours / 24);
  if (Math.abs(days) < 30) return format.format(days, 'day');
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
}

/** The cell's attribution line, or null when it has none. Pure given `now`. */
export function attributionText(editedBy: unknown, editedAt: unknown, now: number): string | null {
  const by = typeof editedBy === 'string' && editedBy.trim() !== '' ? editedBy.trim() : null;
  const at = typeof editedAt === 'string' ? new Date(editedAt) : null;
  const when = at && !Number.isNaN(at.getTime()) ? relativeTime(at, now) : null;
  if (by && when) return t('attribution.byWhen', { name: by, when });
  if (by) return t('attribution.by', { name: by });
  if (when) return t('attribution.when', { when });
  return null;
}

/**
 * Stamps cells this browser edits. `who` is the local person's name; `throttleMs` the least
 * time between two stamps of one cell by the same person.
 */
export class AttributionStamper {
  private readonly last = new Map<string, number>();
  /** Origin of the stamps: tracked by no undo manager, recognised (and ignored) here. */
  readonly origin = { attribution: true };
  private readonly onTransaction = (tr: Y.Transaction) => this.afterTransaction(tr);

  constructor(
    private readonly doc: Y.Doc,
    private readonly who: () => string,
    private readonly throttleMs = 5000,
    private readonly now: () => number = Date.now,
  ) {
    doc.on('afterTransaction', this.onTransaction);
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.onTransaction);
  }

  private afterTransaction(tr: Y.Transaction): void {
    if (!tr.local || tr.origin === this.origin) return;
    const cells = getCells(this.doc);
    const touched = new Set<Y.Map<unknown>>();
    for (const [type, keys] of tr.changed) {
      if (type === (cells as Y.AbstractType<any>)) {
        // Cells inserted by this transaction: created after its start.
        for (const map of cells) if (createdIn(map, tr)) touched.add(map);
        continue;
      }
      const cell = cellOf(type, cells);
      if (!cell) continue;
      if (type === (cell as Y.AbstractType<any>) && [...keys].every((k) => k !== null && NOT_EDITS.has(k))) continue;
      touched.add(cell);
    }
    if (touched.size === 0) return;
    const now = this.now();
    const name = this.who();
    const due: string[] = [];
    for (const cell of touched) {
      const id = cell.get('id');
      if (typeof id !== 'string') continue;
      const recent = now - (this.last.get(id) ?? -Infinity) < this.throttleMs;
      if (recent && cell.get(EDITED_BY) === name) continue;
      this.last.set(id, now);
      due.push(id);
    }
    if (due.length === 0) return;
    // Not inside the transaction being cleaned up: a stamp is a change of its own.
    queueMicrotask(() => {
      const at = new Date(now).toISOString();
      this.doc.transact(() => {
        for (const id of due) markCellEdited(this.doc, asCellId(id), name, at, this.origin);
      }, this.origin);
    });
  }
}

/** The cell map `type` belongs to (itself, its text, …), or null. */
function cellOf(type: Y.AbstractType<any>, cells: Y.Array<Y.Map<unknown>>): Y.Map<unknown> | null {
  let current: Y.AbstractType<any> | null = type;
  while (current) {
    const parent: Y.AbstractType<any> | null = (current._item?.parent as Y.AbstractType<any> | undefined) ?? null;
    if (parent === (cells as Y.AbstractType<any>)) return current instanceof Y.Map ? (current as Y.Map<unknown>) : null;
    current = parent;
  }
  return null;
}

function createdIn(map: Y.Map<unknown>, tr: Y.Transaction): boolean {
  const item = map._item;
  if (!item) return false;
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}
