/**
 * What a role lets the interface offer on a notebook. The server enforces the same rules
 * (403 on runs, read-only websocket); this only keeps the page from offering what would be
 * refused. Pure.
 */
import { ApiError } from '../api/http.js';
import { getSharing, type NotebookRole, type Sharing } from './api.js';

export interface NotebookAccess {
  role: NotebookRole;
  /** Change cells, the title, the order; run cells. */
  canEdit: boolean;
  /** Start, answer, resolve comment threads. */
  canComment: boolean;
  /** Change the shares. */
  canShare: boolean;
}

/** The access of a role; `canShare` as the server says (owners and administrators). */
export function accessOf(role: NotebookRole, canShare = role === 'owner'): NotebookAccess {
  const canEdit = role === 'owner' || role === 'editor';
  return { role, canEdit, canComment: canEdit || role === 'commenter', canShare };
}

/** Full access: the notebook's owner, or any user when authentication is off. */
export const FULL_ACCESS: NotebookAccess = accessOf('owner', true);

/**
 * The signed-in user's access to a notebook, from its sharing. A server without the sharing
 * route (404 on the route itself, 405) is one without sharing: everything is allowed there,
 * as before. `fallback` is the role the notebook list gave, when it did.
 */
export async function loadAccess(notebookId: string, fallback?: NotebookRole): Promise<{ access: NotebookAccess; sharing: Sharing | null }> {
  try {
    const sharing = await getSharing(notebookId);
    if (sharing.role === null) throw new Error(`notebook "${notebookId}": the server gives you no role on it`);
    return { access: accessOf(sharing.role, sharing.canShare), sharing };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return { access: fallback ? accessOf(fallback) : FULL_ACCESS, sharing: null };
    throw err;
  }
}
