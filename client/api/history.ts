/** Notebook versions over HTTP (server/http/routes/history.ts), with the answers checked. */
import type { NotebookDiff } from '../../core/notebook/diff.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { getJson, invalid, isRecord, requestJson } from './http.js';

export interface Version {
  id: string;
  at: string;
  name?: string;
  auto: boolean;
  beforeRestore?: string;
  authors: string[];
  cells: number;
}

export interface VersionDetail {
  version: Version;
  notebook: NotebookData;
  diff: NotebookDiff;
}

function parseVersion(v: unknown): Version {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.at !== 'string' || typeof v.auto !== 'boolean' || !Array.isArray(v.authors) || typeof v.cells !== 'number') {
    return invalid('a version', v);
  }
  const out: Version = { id: v.id, at: v.at, auto: v.auto, authors: v.authors.filter((a): a is string => typeof a === 'string'), cells: v.cells };
  if (typeof v.name === 'string') out.name = v.name;
  if (typeof v.beforeRestore === 'string') out.beforeRestore = v.beforeRestore;
  return out;
}

const base = (notebookId: string) => `/api/notebooks/${encodeURIComponent(notebookId)}/versions`;

/** Versions of a notebook, newest first. */
export async function listVersions(notebookId: string): Promise<Version[]> {
  const body = await getJson(base(notebookId));
  if (!isRecord(body) || !Array.isArray(body.versions)) return invalid('the list of versions', body);
  return body.versions.map(parseVersion);
}

/** Saves the notebook as it is now, under `name`. */
/** `author` is who the browser's person is (used only when the server has no accounts). */
export async function saveVersion(notebookId: string, name: string, author: string): Promise<Version> {
  const body = await requestJson('POST', base(notebookId), { name, author });
  if (!isRecord(body)) return invalid('a saved version', body);
  return parseVersion(body.version);
}

/** A version's notebook and its differences from now. */
export async function getVersion(notebookId: string, versionId: string): Promise<VersionDetail> {
  const body = await getJson(`${base(notebookId)}/${encodeURIComponent(versionId)}`);
  if (!isRecord(body) || !isRecord(body.notebook) || !Array.isArray(body.notebook.cells) || !isRecord(body.diff) || !Array.isArray(body.diff.cells)) {
    return invalid('a version', body);
  }
  // The notebook and diff come from our own server's core functions: their shape is checked
  // at the top level only, and views read them defensively.
  return { version: parseVersion(body.version), notebook: body.notebook as unknown as NotebookData, diff: body.diff as unknown as NotebookDiff };
}

/** Restores a version as a new change; returns the version that holds the state before it. */
export async function restoreVersion(notebookId: string, versionId: string, author: string): Promise<{ before: Version; summary: Record<string, number> }> {
  const body = await requestJson('POST', `${base(notebookId)}/${encodeURIComponent(versionId)}/restore`, { author });
  if (!isRecord(body) || !isRecord(body.summary)) return invalid('a restore', body);
  return { before: parseVersion(body.before), summary: body.summary as Record<string, number> };
}
