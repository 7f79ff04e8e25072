/** Notebook files of the workspace: list, create, rename, duplicate, trash; and their latest runs. */
import { getJson, invalid, isRecord, optString, parseErrorBody, requestJson, type ErrorDetail } from './http.js';

export interface NotebookSummary {
  id: string;
  title: string;
  classification?: string;
  created?: string;
  updated?: string;
  /** Last change of the file, ISO 8601. */
  modified?: string;
  cells?: number;
  /** Set when the file could not be read: the notebook is listed but cannot open. */
  error?: string;
  /** Who edited last, when the server knows. */
  updatedBy?: string;
  /** The signed-in user's role on it (issue 6 sharing), when the server says. */
  role?: 'owner' | 'editor' | 'commenter' | 'viewer';
  /** Its owner's login name; null for a notebook nobody owns (only administrators reach it). */
  owner?: string | null;
}

/** The latest run of a cell, as the server keeps it for every participant. */
export interface RunRecord {
  cellId: string;
  status: 'ok' | 'error';
  resultId?: string;
  rowCount?: number;
  truncated?: boolean;
  elapsedMs?: number;
  ranAt?: string;
  /** Who ran it, when the server knows. */
  ranBy?: string;
  error?: ErrorDetail;
  /** sourceHash of every cell that fed the run, by cell id. */
  inputs: Record<string, string>;
}

function parseSummary(v: unknown): NotebookSummary {
  if (!isRecord(v) || typeof v.id !== 'string') return invalid('a notebook', v);
  return {
    id: v.id,
    title: typeof v.title === 'string' ? v.title : v.id,
    classification: optString(v.classification),
    created: optString(v.created),
    updated: optString(v.updated),
    modified: optString(v.modified),
    cells: typeof v.cells === 'number' ? v.cells : Array.isArray(v.cells) ? v.cells.length : undefined,
    error: optString(v.error) ?? (isRecord(v.error) ? optString(v.error.message) : undefined),
    updatedBy: optString(v.updatedBy),
    role: v.role === 'owner' || v.role === 'editor' || v.role === 'commenter' || v.role === 'viewer' ? v.role : undefined,
    owner: v.owner === null ? null : optString(v.owner),
  };
}

export async function listNotebooks(): Promise<NotebookSummary[]> {
  const body = await getJson('/api/notebooks');
  if (!isRecord(body) || !Array.isArray(body.notebooks)) return invalid('GET /api/notebooks', body);
  return body.notebooks.map(parseSummary);
}

function parseCreated(body: unknown): { id: string; title: string } {
  const src = isRecord(body) && isRecord(body.notebook) ? body.notebook : body;
  if (!isRecord(src) || typeof src.id !== 'string') return invalid('a created notebook', body);
  return { id: src.id, title: typeof src.title === 'string' ? src.title : '' };
}

export async function createNotebook(title: string): Promise<{ id: string; title: string }> {
  return parseCreated(await requestJson('POST', '/api/notebooks', { title }));
}

export async function renameNotebook(id: string, title: string): Promise<void> {
  await requestJson('PATCH', `/api/notebooks/${encodeURIComponent(id)}`, { title });
}

export async function duplicateNotebook(id: string): Promise<{ id: string; title: string }> {
  return parseCreated(await requestJson('POST', `/api/notebooks/${encodeURIComponent(id)}/duplicate`));
}

/** Moves the notebook's file to the workspace trash. */
export async function trashNotebook(id: string): Promise<void> {
  await requestJson('DELETE', `/api/notebooks/${encodeURIComponent(id)}`);
}

function parseRun(cellId: string, v: unknown): RunRecord | undefined {
  if (!isRecord(v)) return undefined;
  const inputs: Record<string, string> = {};
  if (isRecord(v.inputs)) for (const [k, h] of Object.entries(v.inputs)) if (typeof h === 'string') inputs[k] = h;
  return {
    cellId: typeof v.cellId === 'string' ? v.cellId : cellId,
    status: v.status === 'error' ? 'error' : 'ok',
    resultId: optString(v.resultId),
    rowCount: typeof v.rowCount === 'number' ? v.rowCount : undefined,
    truncated: typeof v.truncated === 'boolean' ? v.truncated : undefined,
    elapsedMs: typeof v.elapsedMs === 'number' ? v.elapsedMs : undefined,
    ranAt: optString(v.ranAt),
    ranBy: optString(v.ranBy),
    error: parseErrorBody({ error: v.error }) ?? (typeof v.error === 'string' ? { message: v.error } : undefined),
    inputs,
  };
}

/** The latest run of each cell, keyed by cell id. */
export async function getRuns(notebookId: string): Promise<Map<string, RunRecord>> {
  const body = await getJson(`/api/notebooks/${encodeURIComponent(notebookId)}/runs`);
  const runs = new Map<string, RunRecord>();
  if (!isRecord(body) || !isRecord(body.runs)) return runs;
  for (const [cellId, v] of Object.entries(body.runs)) {
    const run = parseRun(cellId, v);
    if (run) runs.set(cellId, run);
  }
  return runs;
}

/** What the notebook's event stream says about runs. */
export type RunEvent = { type: 'started'; cellId: string; queryId: string; ranBy?: string; startedAt?: string } | { type: 'finished'; run: RunRecord };

/** Validates one event of GET /api/notebooks/:id/events; undefined for anything else. */
export function parseRunEvent(data: string): RunEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(v)) return undefined;
  if (v.type === 'started' && typeof v.cellId === 'string' && typeof v.queryId === 'string') {
    return { type: 'started', cellId: v.cellId, queryId: v.queryId, ranBy: optString(v.ranBy), startedAt: optString(v.startedAt) };
  }
  if (v.type === 'finished' && isRecord(v.run) && typeof v.run.cellId === 'string') {
    const run = parseRun(v.run.cellId, v.run);
    return run ? { type: 'finished', run } : undefined;
  }
  return undefined;
}
