/**
 * The column of cells, kept in step with the document's cell array: views are reused
 * while a cell keeps its map and kind, created for new cells, dropped for deleted ones.
 * Also the drag-and-drop reordering.
 */
import { getCells } from '../../core/notebook/ydoc.js';
import type { CellId } from '../../core/ids.js';
import { h } from '../ui/dom.js';
import { CellView, CELL_DRAG_TYPE } from '../cells/cell-view.js';
import type { CellContext } from '../cells/context.js';

/** Final index of a cell moved from `from` to a drop `slot` (0 = before the first cell). Pure. */
export function dropIndex(from: number, slot: number): number {
  return slot > from ? slot - 1 : slot;
}

export class CellList {
  readonly element: HTMLElement;
  private views = new Map<string, CellView>();
  private order: CellView[] = [];
  private frame = 0;
  private readonly observer = () => this.schedule();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly ctx: CellContext) {
    this.element = h('div', { class: 'cell-list' });
    getCells(ctx.doc.doc).observeDeep(this.observer);
    this.element.addEventListener('dragover', (e) => this.onDragOver(e));
    this.element.addEventListener('dragleave', (e) => {
      if (!this.element.contains(e.relatedTarget as Node | null)) this.clearDropMarks();
    });
    this.element.addEventListener('drop', (e) => this.onDrop(e));
    this.reconcile();
  }

  /** Views in document order. */
  cells(): readonly CellView[] {
    return this.order;
  }

  view(id: string): CellView | undefined {
    return this.views.get(id);
  }

  /** Called after the cells were re-rendered (added, removed, moved). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    getCells(this.ctx.doc.doc).unobserveDeep(this.observer);
    for (const v of this.views.values()) v.destroy();
    this.views.clear();
  }

  /** Applies pending document changes now (e.g. before focusing a just-added cell). */
  flush(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.reconcile();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.reconcile();
    });
  }

  private reconcile(): void {
    const cells = this.ctx.doc.cells();
    const next = new Map<string, CellView>();
    const order: CellView[] = [];
    let changed = false;
    for (const cell of cells) {
      if (next.has(cell.id)) continue; // a duplicate id (concurrent moves) shows once
      let view = this.views.get(cell.id);
      if (!view || view.map !== cell.map || view.kind !== cell.kind) {
        view = new CellView(this.ctx, cell);
        changed = true;
      }
      next.set(cell.id, view);
      order.push(view);
    }
    const kept = new Set(order);
    for (const view of this.views.values()) {
      if (!kept.has(view)) {
        view.destroy();
        view.element.remove();
        changed = true;
      }
    }
    this.views = next;
    // Move only nodes out of place: moving a node that holds focus would blur its editor.
    order.forEach((view, i) => {
      const at = this.element.children[i];
      if (at !== view.element) {
        this.element.insertBefore(view.element, at ?? null);
        changed = true;
      }
    });
    this.order = order;
    if (changed) for (const l of this.listeners) l();
  }

  private slotAt(e: DragEvent): { slot: number; target: HTMLElement | null; after: boolean } {
    const target = (e.target as HTMLElement).closest('.cell') as HTMLElement | null;
    if (!target) return { slot: this.order.length, target: null, after: true };
    const index = this.order.findIndex((v) => v.element === target);
    const rect = target.getBoundingClientRect();
    const after = e.clientY > rect.top + rect.height / 2;
    return { slot: index + (after ? 1 : 0), target, after };
  }

  private onDragOver(e: DragEvent): void {
    if (!e.dataTransfer?.types.includes(CELL_DRAG_TYPE) || this.ctx.readOnly) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const { target, after } = this.slotAt(e);
    this.clearDropMarks();
    target?.classList.add(after ? 'drop-after' : 'drop-before');
  }

  private onDrop(e: DragEvent): void {
    const id = e.dataTransfer?.getData(CELL_DRAG_TYPE);
    this.clearDropMarks();
    if (!id || this.ctx.readOnly) return;
    e.preventDefault();
    const from = this.order.findIndex((v) => v.id === id);
    if (from === -1) return;
    const { slot } = this.slotAt(e);
    this.ctx.doc.move(id as CellId, dropIndex(from, slot));
  }

  private clearDropMarks(): void {
    this.element.querySelectorAll('.drop-before, .drop-after').forEach((el) => el.classList.remove('drop-before', 'drop-after'));
  }
}
