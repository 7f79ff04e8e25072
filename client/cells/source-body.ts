/**
 * A cell whose kind this view has no dedicated editor for (chart specifications): its
 * source in a plain editor, still bound to the shared text, so nothing is lost or hidden.
 */
import * as Y from 'yjs';
import type { EditorView } from '@codemirror/view';
import type { CellId } from '../../core/ids.js';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { CellBody, CellContext } from './context.js';
import { createPlainEditor } from './editor.js';

export class SourceBody implements CellBody {
  readonly element: HTMLElement;
  private readonly view: EditorView;
  private readonly undo: Y.UndoManager;

  constructor(ctx: CellContext, cellId: CellId, text: Y.Text) {
    const host = h('div', { class: 'cell-editor' });
    this.element = h('div', { class: 'cell-body sql-body' }, host);
    this.undo = new Y.UndoManager(text, { trackedOrigins: new Set() });
    this.view = createPlainEditor({
      parent: host,
      text,
      awareness: ctx.session.awareness,
      undoManager: this.undo,
      label: t('cell.chart'),
      onRun: (advance) => ctx.run(cellId, advance),
      onEscape: () => ctx.select(cellId, true),
      onFocus: () => ctx.select(cellId, false),
    });
  }

  edit(): void {
    this.view.focus();
  }

  isEditing(): boolean {
    return this.view.hasFocus;
  }

  destroy(): void {
    this.view.destroy();
    this.undo.destroy();
  }
}
