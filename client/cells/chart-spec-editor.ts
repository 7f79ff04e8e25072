/**
 * A chart's spec as JSON in a code editor, under the chart, shown on demand: created on first
 * show, bound to the cell's shared text like a SQL cell's editor; read-only for readers.
 */
import * as Y from 'yjs';
import type { EditorView } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { createPlainEditor } from './editor.js';

export interface SpecEditorOptions {
  text: Y.Text;
  awareness: Awareness;
  readOnly: boolean;
  /** Ctrl/Cmd+Enter or Shift+Enter in the editor. */
  onRun(): void;
  onEscape(): void;
  onFocus(): void;
}

export class ChartSpecEditor {
  readonly element: HTMLElement;
  private code: { view: EditorView; undo: Y.UndoManager } | null = null;

  constructor(private readonly o: SpecEditorOptions) {
    this.element = h('div', { class: 'cell-editor chart-code', hidden: true });
  }

  get shown(): boolean {
    return !this.element.hidden;
  }

  get hasFocus(): boolean {
    return Boolean(this.code?.view.hasFocus);
  }

  /** Shows or hides the editor (the first show creates it). */
  show(show: boolean): void {
    this.element.hidden = !show;
    if (!show || this.code) return;
    // Tracks only edits made in this editor (y-codemirror adds its own origin): never another user's.
    const undo = new Y.UndoManager(this.o.text, { trackedOrigins: new Set() });
    const view = createPlainEditor({
      parent: this.element,
      text: this.o.text,
      awareness: this.o.awareness,
      undoManager: undo,
      label: t('chart.codeLabel'),
      readOnly: this.o.readOnly,
      onRun: () => this.o.onRun(),
      onEscape: () => this.o.onEscape(),
      onFocus: () => this.o.onFocus(),
    });
    this.code = { view, undo };
  }

  focus(): void {
    this.code?.view.focus();
  }

  destroy(): void {
    this.code?.view.destroy();
    this.code?.undo.destroy();
  }
}
