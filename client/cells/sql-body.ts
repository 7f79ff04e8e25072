/** A SQL cell's editor and its output; errors are underlined at the position the server reports. */
import * as Y from 'yjs';
import type { EditorView } from '@codemirror/view';
import type { CellId } from '../../core/ids.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { OutputView } from '../results/output-view.js';
import { chartThis } from '../charts/chart-this.js';
import { isStale, type CellState } from '../notebook/cell-state.js';
import type { CellBody, CellContext } from './context.js';
import { clearError, createSqlEditor, showError } from './editor.js';

export class SqlBody implements CellBody {
  readonly element: HTMLElement;
  readonly view: EditorView;
  private readonly output: OutputView;
  private readonly undo: Y.UndoManager;
  private readonly unsubscribe: () => void;
  private underlined = false;

  constructor(
    private readonly ctx: CellContext,
    private readonly cellId: CellId,
    text: Y.Text,
    /** Told whether the result is stale, for the header badge. */
    private readonly onStale: (stale: boolean) => void,
  ) {
    const editorHost = h('div', { class: 'cell-editor' });
    this.output = new OutputView({
      onCancel: () => void ctx.runner.cancel(cellId),
      // An editor's sort runs the cell again on the server; a reader may not run it, so the
      // output sorts the rows it already holds (the whole stored result) instead.
      onSort: (sort) => void ctx.runner.run(cellId, sort),
      sortsLocally: () => ctx.readOnly,
      onChart: ctx.readOnly ? undefined : () => {
        const id = chartThis(ctx, cellId);
        // After the list has drawn the new cell (it reconciles on the next frame).
        if (id) requestAnimationFrame(() => ctx.select(id, true));
      },
    });
    this.element = h('div', { class: 'cell-body sql-body' }, editorHost, this.output.element);
    // Tracks only edits made in this editor (y-codemirror adds its own origin): never another user's.
    this.undo = new Y.UndoManager(text, { trackedOrigins: new Set() });
    this.view = createSqlEditor({
      parent: editorHost,
      text,
      awareness: ctx.session.awareness,
      undoManager: this.undo,
      label: t('cell.sql'),
      placeholder: t('cell.sqlPlaceholder'),
      completion: ctx.completion,
      onRun: (advance) => ctx.run(cellId, advance),
      onEscape: () => ctx.select(cellId, true),
      onFocus: () => ctx.select(cellId, false),
      readOnly: ctx.readOnly,
    });
    this.unsubscribe = ctx.store.subscribe(cellId, (s) => this.render(s));
    this.render(ctx.store.get(cellId));
  }

  edit(): void {
    this.view.focus();
  }

  isEditing(): boolean {
    return this.view.hasFocus;
  }

  /** Underlines an error reported for this cell by another cell's run. */
  markError(line: number, column: number, message: string): void {
    showError(this.view, line, column, message);
    this.underlined = true;
  }

  destroy(): void {
    this.unsubscribe();
    this.output.destroy();
    this.view.destroy();
    this.undo.destroy();
  }

  private render(state: CellState): void {
    this.output.render(state);
    const e = state.error;
    if (state.running) {
      // The old error no longer applies to the text being run.
      if (this.underlined) clearError(this.view);
      this.underlined = false;
    } else if (e?.line && (e.cellId === undefined || e.cellId === this.cellId)) {
      showError(this.view, e.line, e.column ?? 1, e.message);
      this.underlined = true;
    } else if (!e && this.underlined) {
      clearError(this.view);
      this.underlined = false;
    }
    this.onStale(!state.running && isStale(state.record, (id) => {
      const cell = this.ctx.doc.cell(id);
      return cell ? sourceHash(cell.text.toString()) : undefined;
    }));
  }
}
