/** What a cell needs from its notebook: the document, the runtime, and navigation. */
/** The kinds of cell this interface creates and converts between. */
export type EditableKind = 'sql' | 'markdown';

import type { CompletionSource } from '@codemirror/autocomplete';
import type { CellId } from '../../core/ids.js';
import type { NotebookDoc } from '../notebook/doc-ops.js';
import type { NotebookSession } from '../notebook/session.js';
import type { RuntimeStore } from '../notebook/runtime.js';
import type { Runner } from '../notebook/runner.js';
import type { NotebookMarkingsView } from '../markings/notebook-markings.js';

export interface CellContext {
  readonly doc: NotebookDoc;
  readonly session: NotebookSession;
  readonly store: RuntimeStore;
  readonly runner: Runner;
  readonly completion: CompletionSource;
  /** Classification markings (issue 6): a badge per cell. */
  readonly markings?: NotebookMarkingsView;
  /**
   * The user may read but not change or run this notebook (a viewer or commenter, issue 6):
   * editors are not editable, and nothing that changes the document or runs a cell is offered.
   */
  readonly readOnly: boolean;
  /** Dataset names (they share the namespace with cell names). */
  datasets(): string[];
  /** Runs the cell; with `advance`, then moves to the next cell (creating one at the end). */
  run(cellId: CellId, advance: boolean): void;
  /** Selects the cell (command mode) and focuses its frame. */
  select(cellId: CellId, focus?: boolean): void;
  /** Adds a cell next to `cellId` and starts editing it. */
  addNear(cellId: CellId, where: 'above' | 'below', kind?: EditableKind): void;
  /** Deletes the cell, asking first when other cells read it. */
  remove(cellId: CellId): void;
  /** Changes the cell's kind, asking first when a SQL cell other cells read would lose its name. */
  setKind(cellId: CellId, kind: EditableKind): void;
}

/** A cell's editing surface, by kind. */
export interface CellBody {
  readonly element: HTMLElement;
  /** Starts editing (focuses the editor). */
  edit(): void;
  isEditing(): boolean;
  destroy(): void;
}
