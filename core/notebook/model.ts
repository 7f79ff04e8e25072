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
  /** Who last edited the cell (a display name) and when (ISO 8601); absent when unknown. */
  editedBy?: string;
  editedAt?: string;
}

/** One message of a comment thread. */
export interface CommentMessage {
  id: string;
  /** Display name of the author. */
  author: string;
  /** The author's account id, when the server knew it; "delete your own" compares it. */
  authorId?: string;
  /** ISO 8601. */
  at: string;
  text: string;
}

/** A discussion on a cell, optionally about a range of its text. */
export interface CommentThread {
  id: string;
  cellId: CellId;
  /**
   * The commented range of the cell's source in UTF-16 offsets (0 <= from <= to), as it
   * was when saved. The live document keeps Yjs relative positions instead, so that the
   * range follows edits; offsets are what survives in a file.
   */
  anchor?: { from: number; to: number };
  /** Set while the thread is resolved. */
  /** `byId`: the resolver's account id, when known; pages name that account (the server checks it is the sender's). */
  resolved?: { by: string; byId?: string; at: string };
  /** The opening comment, then the replies, oldest first. Never empty. */
  messages: CommentMessage[];
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
  /** Comment threads, absent when there are none (never an empty array). */
  comments?: CommentThread[];
}
