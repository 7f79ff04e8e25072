import type { CellId } from '../ids.js';

/** Cell kinds known to this version. A chart cell's source is its JSON chart spec (core/chart). */
export const CELL_KINDS = ['sql', 'markdown', 'chart'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/**
 * A notebook as its text file holds it. This is the saved form only: the live
 * document is a Y.Doc (see ydoc.ts), and this shape exists to read and write files.
 */
export interface CellData {
  id: CellId;
  kind: CellKind;
  /** SQL cells only: a SQL identifier unique in the notebook, referenced by other cells. */
  name?: string;
  /** Cell text without a trailing newline. */
  source: string;
}

export interface NotebookMeta {
  title: string;
  /** Classification marking label, e.g. "DIFFUSION RESTREINTE". */
  classification?: string;
  /** ISO 8601 timestamps. */
  created?: string;
  updated?: string;
  /**
   * Front matter keys this version does not know, kept so that a hand-edited file survives a
   * save. Absent when there are none (never an empty object).
   */
  extra?: Record<string, string>;
}

export interface NotebookData {
  meta: NotebookMeta;
  cells: CellData[];
}
