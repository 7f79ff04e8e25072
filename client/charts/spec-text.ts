/**
 * Writing a chart spec into its cell's shared text. The builder replaces only the span that
 * changed, in one transaction tagged with this user's origin: a co-editor's cursor elsewhere
 * in the text stays put, their concurrent edits of other lines survive, and undo stays per user.
 */
import type * as Y from 'yjs';

export interface TextEdit {
  from: number;
  /** Characters removed at `from`. */
  remove: number;
  insert: string;
}

/** The smallest single edit turning `before` into `after` (common prefix and suffix kept). Pure. */
export function minimalEdit(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shortest - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { from: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/** Replaces the text's content with `next` through the smallest edit, as one transaction. */
export function writeText(doc: Y.Doc, text: Y.Text, next: string, origin: object): void {
  const edit = minimalEdit(text.toString(), next);
  if (!edit) return;
  doc.transact(() => {
    if (edit.remove > 0) text.delete(edit.from, edit.remove);
    if (edit.insert !== '') text.insert(edit.from, edit.insert);
  }, origin);
}
