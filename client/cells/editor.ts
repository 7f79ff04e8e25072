/**
 * CodeMirror editors for cells, bound to the cell's Y.Text with y-codemirror.next.
 * Undo and redo go through a Y.UndoManager that tracks only this user's edits.
 */
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, drawSelection, dropCursor, placeholder as placeholderExt } from '@codemirror/view';
import { EditorState, Prec, type Extension } from '@codemirror/state';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionSource } from '@codemirror/autocomplete';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { setDiagnostics } from '@codemirror/lint';
import { markdown } from '@codemirror/lang-markdown';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { DuckDB } from './duckdb-dialect.js';
import { editorTheme } from './editor-theme.js';

export interface EditorOptions {
  parent: HTMLElement;
  text: Y.Text;
  awareness: Awareness;
  undoManager: Y.UndoManager;
  label: string;
  placeholder?: string;
  /** Shift+Enter (advance) and Ctrl/Cmd+Enter (stay). */
  onRun: (advance: boolean) => void;
  /** Esc: leave the editor for command mode. */
  onEscape: () => void;
  onFocus?: () => void;
  /** Shows the text without letting it be changed (a viewer or commenter): remote edits still arrive. */
  readOnly?: boolean;
}

function common(o: EditorOptions, extra: Extension[]): Extension[] {
  return [
    Prec.highest(
      keymap.of([
        { key: 'Shift-Enter', run: () => (o.onRun(true), true) },
        { key: 'Mod-Enter', run: () => (o.onRun(false), true) },
      ]),
    ),
    highlightSpecialChars(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightSelectionMatches(),
    EditorView.lineWrapping,
    keymap.of([...closeBracketsKeymap, ...completionKeymap, ...searchKeymap, ...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
    // After the completion and search keymaps, so Esc first closes their popups.
    keymap.of([{ key: 'Escape', run: () => (o.onEscape(), true) }]),
    EditorView.contentAttributes.of({ 'aria-label': o.label }),
    EditorView.domEventHandlers({ focus: () => void o.onFocus?.() }),
    o.placeholder ? placeholderExt(o.placeholder) : [],
    yCollab(o.text, o.awareness, { undoManager: o.undoManager }),
    editorTheme,
    o.readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
    ...extra,
  ];
}

/** A SQL editor: DuckDB highlighting, line numbers, completion from the notebook's schema. */
export function createSqlEditor(o: EditorOptions & { completion: CompletionSource }): EditorView {
  return new EditorView({
    parent: o.parent,
    state: EditorState.create({
      doc: o.text.toString(),
      extensions: common(o, [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        DuckDB.extension,
        autocompletion({ override: [o.completion], activateOnTyping: true, icons: true }),
      ]),
    }),
  });
}

/** A Markdown editor for text cells. */
export function createMarkdownEditor(o: EditorOptions): EditorView {
  return new EditorView({
    parent: o.parent,
    state: EditorState.create({ doc: o.text.toString(), extensions: common(o, [markdown()]) }),
  });
}

/** A plain-text editor with line numbers (for sources this version has no language for). */
export function createPlainEditor(o: EditorOptions): EditorView {
  return new EditorView({
    parent: o.parent,
    state: EditorState.create({ doc: o.text.toString(), extensions: common(o, [lineNumbers()]) }),
  });
}

/** The document range to underline for an error at 1-based `line` and `column`. Pure over the state. */
export function errorRange(state: EditorState, line: number, column: number): { from: number; to: number } {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  let from = Math.min(l.from + Math.max(0, column - 1), l.to);
  const word = state.wordAt(from);
  if (word && word.from <= from && word.to > from) return { from: word.from, to: word.to };
  if (from === l.to && from > l.from) from--;
  return { from, to: Math.min(from + 1, l.to) };
}

/** Underlines the error position in the editor, with the message on hover. */
export function showError(view: EditorView, line: number, column: number, message: string): void {
  const range = errorRange(view.state, line, column);
  view.dispatch(setDiagnostics(view.state, [{ ...range, severity: 'error', message }]));
}

export function clearError(view: EditorView): void {
  view.dispatch(setDiagnostics(view.state, []));
}
