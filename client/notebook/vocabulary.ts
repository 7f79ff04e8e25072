/** What autocomplete offers in a notebook: datasets, named cells with their last result's columns, DuckDB's words. */
import { getSqlVocabulary, type Dataset } from '../api/datasets.js';
import type { Relation, Vocabulary } from '../cells/completion.js';
import type { NotebookDoc } from './doc-ops.js';
import type { RuntimeStore } from './runtime.js';

let serverWords: { functions: string[]; keywords: string[] } | null = null;
let loading: Promise<void> | null = null;

/** Loads DuckDB's function names and keywords once per page. */
export function loadServerWords(): Promise<void> {
  loading ??= getSqlVocabulary().then(
    (w) => {
      // Operators (`->>`, `@>`) are listed as functions too; completion wants names.
      const word = /^[A-Za-z_][A-Za-z0-9_]*$/;
      serverWords = { functions: w.functions.filter((f) => word.test(f) && !f.startsWith('__')), keywords: w.keywords.filter((k) => word.test(k)) };
    },
    () => {
      // Completion still offers datasets and cells; retry on the next notebook.
      loading = null;
    },
  );
  return loading;
}

/** The vocabulary as of now (read on each completion request). */
export function vocabularyOf(doc: NotebookDoc, store: RuntimeStore, datasets: () => readonly Dataset[]): Vocabulary {
  const relations: Relation[] = datasets().map((d) => ({ name: d.name, kind: 'dataset', columns: d.columns }));
  for (const cell of doc.cells()) {
    if (cell.kind !== 'sql' || !cell.name) continue;
    relations.push({ name: cell.name, kind: 'cell', columns: store.get(cell.id).output?.page.columns ?? [] });
  }
  return { relations, functions: serverWords?.functions ?? [], keywords: serverWords?.keywords ?? [] };
}
