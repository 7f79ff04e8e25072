/** Addresses of the briefing view; light, so the notebook header can link to it without loading the view. */
import { notebookPath } from '../router.js';
import type { BriefingOptions } from './api.js';

/** The address of notebook `id`'s briefing, with the toggles that differ from the defaults. */
export function briefingPath(id: string, opts: BriefingOptions = { code: false, provenance: true }): string {
  const q = new URLSearchParams();
  if (opts.code) q.set('code', '1');
  if (!opts.provenance) q.set('provenance', '0');
  const query = q.toString();
  return `${notebookPath(id)}/briefing${query ? `?${query}` : ''}`;
}

/** The toggles as given in a briefing address's query (`?code=1&provenance=0`). Pure. */
export function optionsFromQuery(search: string): BriefingOptions {
  const q = new URLSearchParams(search);
  const on = (v: string | null, dflt: boolean) => (v === null ? dflt : v === '1' || v === 'true');
  return { code: on(q.get('code'), false), provenance: on(q.get('provenance'), true) };
}
