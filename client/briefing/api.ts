/**
 * The briefing's two server calls: the briefing HTML for the view, and an export file as a
 * download. A marked notebook's refusal (409) becomes a ConfirmationNeeded error carrying the
 * marking, so the caller can ask and retry with `confirm: true`.
 */
import { ApiError, errorFrom, isRecord, optString } from '../api/http.js';

export type ExportFormat = 'html' | 'pdf' | 'md';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'pdf', 'md'];

/** What a briefing or an export shows besides the narrative. */
export interface BriefingOptions {
  /** The SQL of each table and figure next to it. */
  code: boolean;
  /** The appendix listing, for each table and figure, its statement, datasets and run. */
  provenance: boolean;
}

/** An export ready to save. */
export interface ExportedFile {
  blob: Blob;
  filename: string;
  /**
   * `refreshed`: stale and missing cells were run first (an editor's export); `stored`: the
   * stored results as they are, nothing run (a reader's). Absent from an older server.
   */
  mode?: 'refreshed' | 'stored';
}

/** The server refused an export until the user confirms it (notebook marked above `confirmAbove`). */
export class ConfirmationNeeded extends Error {
  constructor(
    message: string,
    readonly marking: string,
    readonly confirmAbove: string,
  ) {
    super(message);
    this.name = 'ConfirmationNeeded';
  }
}

const notebookBase = (id: string) => `/api/notebooks/${encodeURIComponent(id)}`;

/** The briefing of notebook `id` as one HTML document (no script; figures as inline SVG). */
export async function fetchBriefingHtml(id: string, opts: BriefingOptions): Promise<string> {
  const query = new URLSearchParams({ code: String(opts.code), provenance: String(opts.provenance) });
  const path = `${notebookBase(id)}/briefing?${query}`;
  const res = await send(path, { headers: { Accept: 'text/html' } });
  if (!res.ok) throw await errorFrom(res);
  return res.text();
}

/** Exports notebook `id`; throws ConfirmationNeeded when the marking asks for `confirm`. */
export async function exportFile(id: string, format: ExportFormat, opts: BriefingOptions & { confirm?: boolean }): Promise<ExportedFile> {
  const body = { format, code: opts.code, provenance: opts.provenance, ...(opts.confirm ? { confirm: true } : {}) };
  const path = `${notebookBase(id)}/export`;
  const res = await send(path, { method: 'POST', headers: { Accept: '*/*', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status === 409) {
    const refusal = confirmationFrom(await res.json().catch(() => null));
    if (refusal) throw refusal;
    throw new ApiError(409, { message: `export of notebook "${id}" refused (409)` });
  }
  if (!res.ok) throw await errorFrom(res);
  const filename = filenameFrom(res.headers.get('Content-Disposition')) ?? `briefing.${format === 'md' ? 'zip' : format}`;
  const mode = res.headers.get('X-Carnet-Export-Mode');
  return { blob: await res.blob(), filename, ...(mode === 'refreshed' || mode === 'stored' ? { mode } : {}) };
}

/** A 409 body asking for a confirmation, or null when it is another conflict. Pure. */
export function confirmationFrom(body: unknown): ConfirmationNeeded | null {
  if (!isRecord(body) || !isRecord(body.error) || body.error.confirmationRequired !== true) return null;
  const e = body.error;
  const marking = optString(e.marking);
  const above = optString(e.confirmAbove);
  if (marking === undefined || above === undefined) return null;
  return new ConfirmationNeeded(optString(e.message) ?? `notebook marked ${marking}`, marking, above);
}

/**
 * The file name of a `Content-Disposition: attachment` header (RFC 6266: `filename*=UTF-8''…`
 * preferred over `filename="…"`), reduced to a bare name so it cannot point into a folder. Pure.
 */
export function filenameFrom(header: string | null): string | null {
  if (!header) return null;
  let name: string | null = null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
    if (plain) name = (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1');
  }
  const bare = name?.split(/[\\/]/).pop()?.replace(/[\u0000-\u001f]/g, '').trim();
  return bare && bare !== '.' && bare !== '..' ? bare : null;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, { message: `${init.method ?? 'GET'} ${path}: ${(err as Error).message}`, kind: 'network' });
  }
}
