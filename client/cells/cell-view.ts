/**
 * One cell's frame: kind, name, stale marker, actions, drag handle, selection; the
 * editing surface (SQL or Markdown) is its body. Rebuilt by the list when its kind changes.
 */
import type * as Y from 'yjs';
import type { CellId } from '../../core/ids.js';
import type { CellKind } from '../../core/notebook/model.js';
import { h, icon } from '../ui/dom.js';
import type { IconName } from '../ui/icons.js';
import { t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import type { LiveCell } from '../notebook/doc-ops.js';
import type { CellBody, CellContext, EditableKind } from './context.js';
import { SqlBody } from './sql-body.js';
import { MarkdownBody } from './markdown-body.js';
import { ChartBody } from './chart-body.js';

export const CELL_DRAG_TYPE = 'application/x-carnet-cell';

export class CellView {
  readonly element: HTMLElement;
  readonly id: CellId;
  readonly kind: CellKind;
  /** The live map this view is bound to (a move changes only its position key: see core moveCell). */
  readonly map: Y.Map<unknown>;
  readonly body: CellBody;
  private readonly nameInput: HTMLInputElement | null = null;
  private readonly staleBadge: HTMLElement;
  private readonly runButton: HTMLButtonElement | null = null;
  private readonly mapObserver = () => this.syncName();
  private readonly unsubscribe: () => void = () => {};
  private readonly releaseMarking: () => void;

  constructor(
    private readonly ctx: CellContext,
    cell: LiveCell,
  ) {
    this.id = cell.id;
    this.kind = cell.kind;
    this.map = cell.map;
    this.staleBadge = h('span', { class: 'badge stale', title: t('cell.staleTitle'), hidden: true }, t('cell.stale'));
    const header = h('div', { class: 'cell-header' });
    const gutter = h('div', { class: 'cell-gutter' });
    // A reader's page offers nothing that changes the document or runs a cell.
    const readOnly = ctx.readOnly;
    if (!readOnly) gutter.appendChild(this.dragHandle());

    if (cell.kind === 'sql') {
      if (!readOnly) this.runButton = h('button', { type: 'button', class: 'run-button', title: t('cell.runTitle'), 'aria-label': t('cell.run'), 'data-testid': 'run-cell' }, icon('play', 14));
      this.runButton?.addEventListener('click', () => {
        if (ctx.store.get(this.id).running) void ctx.runner.cancel(this.id);
        else ctx.run(this.id, false);
      });
      if (this.runButton) gutter.appendChild(this.runButton);
      this.nameInput = h('input', {
        class: 'cell-name',
        type: 'text',
        value: cell.name ?? '',
        placeholder: t('cell.namePlaceholder'),
        'aria-label': t('cell.nameLabel'),
        spellcheck: 'false',
        autocomplete: 'off',
        size: Math.max(6, (cell.name ?? '').length + 1),
        title: cell.name ? t('cell.nameTitle', { name: cell.name }) : t('cell.nameLabel'),
        readonly: readOnly,
      });
      this.nameInput.addEventListener('input', () => (this.nameInput!.size = Math.max(6, this.nameInput!.value.length + 1)));
      this.nameInput.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') this.nameInput!.blur();
        if (e.key === 'Escape') {
          this.nameInput!.value = this.ctx.doc.cell(this.id)?.name ?? '';
          this.nameInput!.blur();
        }
        e.stopPropagation();
      });
      this.nameInput.addEventListener('change', () => this.rename());
      header.append(h('span', { class: 'kind-label' }, t('cell.sql')), this.nameInput, this.staleBadge);
      this.body = new SqlBody(ctx, cell.id, cell.text, (stale) => (this.staleBadge.hidden = !stale));
      this.unsubscribe = ctx.store.subscribe(this.id, (s) => this.runButton?.classList.toggle('running', Boolean(s.running)));
    } else if (cell.kind === 'markdown') {
      header.append(h('span', { class: 'kind-label' }, t('cell.markdown')));
      this.body = new MarkdownBody(ctx, cell.id, cell.text);
    } else {
      header.append(h('span', { class: 'kind-label' }, t('cell.chart')));
      this.body = new ChartBody(ctx, cell.id, cell.text);
    }
    const marking = ctx.markings?.badge(cell.id);
    if (marking) header.append(marking.element);
    this.releaseMarking = marking?.release ?? (() => {});
    header.appendChild(this.toolbar());
    this.element = h(
      'article',
      { class: `cell ${cell.kind}`, 'data-cell-id': cell.id, 'data-kind': cell.kind, tabindex: -1, 'aria-label': cell.name ?? t(cell.kind === 'sql' ? 'cell.sql' : cell.kind === 'chart' ? 'cell.chart' : 'cell.markdown') },
      gutter,
      h('div', { class: 'cell-main' }, header, this.body.element),
      readOnly ? null : this.inserter(),
    );
    this.element.addEventListener('mousedown', (e) => {
      if (!(e.target as HTMLElement).closest('.cm-editor, input, button, a')) ctx.select(this.id, false);
    });
    this.map.observe(this.mapObserver);
  }

  /** Marks the cell as the selected one (command mode highlight). */
  setSelected(selected: boolean): void {
    this.element.classList.toggle('selected', selected);
  }

  destroy(): void {
    this.map.unobserve(this.mapObserver);
    this.unsubscribe();
    this.releaseMarking();
    this.body.destroy();
  }

  private dragHandle(): HTMLElement {
    const handle = h('div', { class: 'drag-handle', draggable: 'true', title: t('cell.drag'), 'aria-hidden': 'true' }, icon('grip', 14));
    handle.addEventListener('dragstart', (e) => {
      e.dataTransfer?.setData(CELL_DRAG_TYPE, this.id);
      if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      this.element.classList.add('dragging');
    });
    handle.addEventListener('dragend', () => this.element.classList.remove('dragging'));
    return handle;
  }

  /** The cell's actions; empty for a reader (client/collab still adds its comment button here). */
  private toolbar(): HTMLElement {
    if (this.ctx.readOnly) return h('div', { class: 'cell-toolbar' });
    const button = (name: IconName, label: string, run: () => void, testid?: string) => {
      const b = h('button', { type: 'button', class: 'icon-button', title: label, 'aria-label': label, 'data-testid': testid ?? null }, icon(name, 15));
      b.addEventListener('click', run);
      return b;
    };
    const index = () => this.ctx.doc.cells().findIndex((c) => c.id === this.id);
    const other: EditableKind = this.kind === 'sql' ? 'markdown' : 'sql';
    return h(
      'div',
      { class: 'cell-toolbar' },
      this.kind === 'chart' ? null : button(this.kind === 'sql' ? 'text' : 'sql', t(this.kind === 'sql' ? 'cell.toMarkdown' : 'cell.toSql'), () => this.ctx.setKind(this.id, other)),
      button('up', t('cell.moveUp'), () => this.ctx.doc.move(this.id, Math.max(0, index() - 1))),
      button('down', t('cell.moveDown'), () => this.ctx.doc.move(this.id, index() + 1)),
      button('plus', t('cell.addBelow'), () => this.ctx.addNear(this.id, 'below'), 'add-below'),
      button('trash', t('cell.delete'), () => this.ctx.remove(this.id), 'delete-cell'),
    );
  }

  /** Between this cell and the next: add a SQL or text cell there (shown on hover). */
  private inserter(): HTMLElement {
    const add = (kind: EditableKind) => {
      const b = h('button', { type: 'button', class: 'inserter-button', title: t(kind === 'sql' ? 'cell.addSqlBelow' : 'cell.addTextBelow') }, icon('plus', 12), t(kind === 'sql' ? 'cell.sql' : 'cell.markdown'));
      b.addEventListener('click', () => this.ctx.addNear(this.id, 'below', kind));
      return b;
    };
    return h('div', { class: 'cell-inserter' }, h('span', { class: 'inserter-line' }), add('sql'), add('markdown'), h('span', { class: 'inserter-line' }));
  }

  private syncName(): void {
    if (!this.nameInput || document.activeElement === this.nameInput) return;
    const name = this.ctx.doc.cell(this.id)?.name ?? '';
    if (this.nameInput.value !== name) {
      this.nameInput.value = name;
      this.nameInput.size = Math.max(6, name.length + 1);
    }
  }

  private rename(): void {
    if (this.ctx.readOnly) return;
    const input = this.nameInput!;
    const before = this.ctx.doc.cell(this.id)?.name ?? '';
    const next = input.value.trim();
    if (next === before) return;
    const readers = this.ctx.doc.readersOf(this.id);
    if (next === '' && readers.length > 0) {
      toast(t('cell.nameRequired', { name: before, cells: readers.map((r) => r.name ?? '?').join(', ') }), 'error');
      input.value = before;
      return;
    }
    const outcome = this.ctx.doc.rename(this.id, next, this.ctx.datasets());
    if (!outcome.ok) {
      const key = outcome.problem === 'taken' ? 'cell.nameTaken' : outcome.problem === 'dataset' ? 'cell.nameIsDataset' : 'cell.nameInvalid';
      toast(t(key, { name: next }), 'error');
      input.value = before;
      return;
    }
    if (outcome.updatedReferences > 0) {
      toast(outcome.updatedReferences === 1 ? t('cell.renamedOne', { from: before, to: next }) : t('cell.renamed', { from: before, to: next, count: outcome.updatedReferences }));
    }
  }
}
