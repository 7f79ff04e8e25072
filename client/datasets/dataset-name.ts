/** From an uploaded file's name to a dataset name and back to what may be imported. Pure. */
import { identifierProblem, isSqlIdentifier } from '../../core/sql/identifiers.js';

export const IMPORTABLE = /\.(csv|tsv|txt|json|jsonl|ndjson|parquet)$/i;

/** Whether the server can import a file by its extension. */
export function isImportable(fileName: string): boolean {
  return IMPORTABLE.test(fileName);
}

/** A valid dataset name suggested from a file name: `Appels 2024-03.csv` → `appels_2024_03`. */
export function suggestDatasetName(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  let name = base.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  if (name === '') name = 'dataset';
  if (/^[0-9]/.test(name)) name = `d_${name}`;
  name = name.slice(0, 63);
  return isSqlIdentifier(name) ? name : `${name.slice(0, 58)}_data`;
}

/** Why `name` cannot be a new dataset: not an identifier, or taken; null when it can. */
export function datasetNameProblem(name: string, existing: readonly string[]): 'invalid' | 'taken' | null {
  if (identifierProblem(name)) return 'invalid';
  if (existing.some((e) => e.toLowerCase() === name.toLowerCase())) return 'taken';
  return null;
}
