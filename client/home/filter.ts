/** Which notebooks the home list shows: all, those the user owns, those shared with them. Pure. */
import type { NotebookSummary } from '../api/notebooks.js';

export type HomeFilter = 'all' | 'mine' | 'shared';
export const HOME_FILTERS: readonly HomeFilter[] = ['all', 'mine', 'shared'];

/**
 * Whether a notebook belongs in the list. Mine: owned by `me`. Shared with me: one I reach
 * through a share or as an administrator, owned by someone else or by nobody.
 */
export function matchesFilter(n: NotebookSummary, filter: HomeFilter, me: string): boolean {
  if (filter === 'all') return true;
  const mine = typeof n.owner === 'string' && n.owner.toLowerCase() === me.toLowerCase();
  return filter === 'mine' ? mine : !mine;
}

/** Whether the list knows owners at all (a server with sharing and accounts): only then is the filter offered. */
export function hasOwners(notebooks: readonly NotebookSummary[]): boolean {
  return notebooks.some((n) => n.owner !== undefined);
}
