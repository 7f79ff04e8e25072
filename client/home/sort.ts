/** Order of the home list: most recently edited first, then by title. Pure. */
import type { NotebookSummary } from '../api/notebooks.js';

export function sortNotebooks(notebooks: readonly NotebookSummary[]): NotebookSummary[] {
  const time = (n: NotebookSummary) => Date.parse(n.modified ?? n.updated ?? '') || 0;
  return [...notebooks].sort((a, b) => time(b) - time(a) || a.title.localeCompare(b.title));
}
