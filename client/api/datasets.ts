/** The dataset catalogue: list, detail with sample and profile, import of a file. */
import { ApiError, getJson, invalid, isRecord, optString, parseErrorBody } from './http.js';

export interface Column {
  name: string;
  type: string;
}

export interface Dataset {
  name: string;
  kind: 'file' | 'folder';
  columns: Column[];
  rowCount?: number;
  bytes?: number;
  modified?: string;
  error?: string;
}

/** One row of DuckDB's SUMMARIZE, keyed by its column names. */
export type ProfileRow = Record<string, unknown>;

export interface DatasetDetail extends Dataset {
  sample: { columns: Column[]; rows: unknown[][] };
  profile: { columns: Column[]; rows: ProfileRow[] };
}

export function parseColumns(v: unknown): Column[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).map((c) => ({ name: String(c.name), type: String(c.type ?? '') }));
}

function parseDataset(v: unknown): Dataset {
  if (!isRecord(v) || typeof v.name !== 'string') return invalid('a dataset', v);
  return {
    name: v.name,
    kind: v.kind === 'folder' ? 'folder' : 'file',
    columns: parseColumns(v.columns),
    rowCount: typeof v.rowCount === 'number' ? v.rowCount : undefined,
    bytes: typeof v.bytes === 'number' ? v.bytes : undefined,
    modified: optString(v.modified),
    error: optString(v.error) ?? (isRecord(v.error) ? optString(v.error.message) : undefined),
  };
}

/** Profile rows may come as arrays (in column order) or as objects; both become objects. */
function parseProfile(v: unknown): DatasetDetail['profile'] {
  if (!isRecord(v)) return { columns: [], rows: [] };
  const columns = parseColumns(v.columns);
  const rows = Array.isArray(v.rows) ? v.rows : [];
  return {
    columns,
    rows: rows.map((r) => {
      if (isRecord(r)) return r;
      if (Array.isArray(r)) return Object.fromEntries(columns.map((c, i) => [c.name, r[i]]));
      return {};
    }),
  };
}

export async function listDatasets(): Promise<Dataset[]> {
  const body = await getJson('/api/datasets');
  if (!isRecord(body) || !Array.isArray(body.datasets)) return invalid('GET /api/datasets', body);
  return body.datasets.map(parseDataset);
}

export async function getDataset(name: string): Promise<DatasetDetail> {
  const body = await getJson(`/api/datasets/${encodeURIComponent(name)}`);
  // The detail may come bare or wrapped as {dataset}.
  const rec = isRecord(body) && isRecord(body.dataset) ? body.dataset : body;
  if (!isRecord(rec)) return invalid(`GET /api/datasets/${name}`, body);
  const sample = isRecord(rec.sample) ? rec.sample : {};
  return {
    ...parseDataset(rec),
    sample: { columns: parseColumns(sample.columns), rows: Array.isArray(sample.rows) ? sample.rows.filter(Array.isArray) : [] },
    profile: parseProfile(rec.profile),
  };
}

/**
 * Uploads a file to be imported as a dataset, reporting progress (0–1).
 * XMLHttpRequest, not fetch: fetch has no upload progress.
 */
export function importDataset(file: File, name: string, onProgress: (fraction: number) => void): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ name, filename: file.name });
    xhr.open('POST', `/api/datasets/import?${query}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, { message: `upload of ${file.name} failed: the server could not be reached`, kind: 'network' }));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Described below by status.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(parseDataset(isRecord(body) && 'dataset' in body ? body.dataset : body));
        } catch (err) {
          reject(err);
        }
      } else {
        reject(new ApiError(xhr.status, parseErrorBody(body) ?? { message: `${file.name}: ${xhr.status} ${xhr.statusText}` }));
      }
    };
    xhr.send(file);
  });
}

/** DuckDB's function names and SQL keywords, for autocomplete. */
export async function getSqlVocabulary(): Promise<{ functions: string[]; keywords: string[] }> {
  const body = await getJson('/api/sql-vocabulary');
  if (!isRecord(body)) return invalid('GET /api/sql-vocabulary', body);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return { functions: strings(body.functions), keywords: strings(body.keywords) };
}
