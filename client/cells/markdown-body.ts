/** A text cell: rendered Markdown, edited in place on double-click or Enter. */
import * as Y from 'yjs';
import type { EditorView } from '@codemirror/view';
import type { CellId } from '../../core/ids.js';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { CellBody, CellContext } from './context.js';
import { createMarkdownEditor } from './editor.js';
import { renderMarkdown } from './markdown-render.js';

export class MarkdownBody implements CellBody {
  readonly element: HTMLElement;
  private readonly rendered: HTMLElement;
  private readonly editorHost: HTMLElement;
  private view: EditorView | null = null;
  private readonly undo: Y.UndoManager;
  private frame = 0;
  private readonly observer = () => this.schedule();

  constructor(
    private readonly ctx: CellContext,
    private readonly cellId: CellId,
    private readonly text: Y.Text,
  ) {
    this.rendered = h('div', { class: 'markdown-rendered prose', title: ctx.readOnly ? null : t('cell.editMarkdown') });
    this.editorHost = h('div', { class: 'cell-editor markdown-editor', hidden: true });
    this.element = h('div', { class: 'cell-body markdown-body' }, this.rendered, this.editorHost);
    this.undo = new Y.UndoManager(text, { trackedOrigins: new Set() });
    this.rendered.addEventListener('dblclick', () => this.edit());
    text.observe(this.observer);
    this.renderNow();
  }

  edit(): void {
    if (this.ctx.readOnly) return;
    if (!this.view) {
      this.view = createMarkdownEditor({
        parent: this.editorHost,
        text: this.text,
        awareness: this.ctx.session.awareness,
        undoManager: this.undo,
        label: t('cell.markdown'),
        placeholder: t('cell.emptyMarkdown'),
        onRun: (advance) => {
          this.finish();
          this.ctx.run(this.cellId, advance);
        },
        onEscape: () => {
          this.finish();
          this.ctx.select(this.cellId, true);
        },
        onFocus: () => this.ctx.select(this.cellId, false),
      });
    }
    this.rendered.hidden = true;
    this.editorHost.hidden = false;
    this.view.focus();
  }

  isEditing(): boolean {
    return this.view !== null && !this.editorHost.hidden;
  }

  /** Leaves editing and shows the rendered text. */
  finish(): void {
    if (!this.view) return;
    this.view.destroy();
    this.view = null;
    this.editorHost.replaceChildren();
    this.editorHost.hidden = true;
    this.rendered.hidden = false;
    this.renderNow();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.text.unobserve(this.observer);
    this.view?.destroy();
    this.undo.destroy();
  }

  private schedule(): void {
    if (this.frame || this.isEditing()) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  private renderNow(): void {
    const source = this.text.toString();
    if (source.trim() === '') {
      this.rendered.innerHTML = '';
      if (!this.ctx.readOnly) this.rendered.appendChild(h('p', { class: 'placeholder' }, t('cell.emptyMarkdown')));
      return;
    }
    // renderMarkdown sanitises with DOMPurify: no script, handler or javascript: URL survives.
    this.rendered.innerHTML = renderMarkdown(source);
  }
}
