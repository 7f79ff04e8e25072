/**
 * Live access changes on an open notebook page (issue 6): the server tells the page, on the
 * notebook's run stream, that its sharing or marking changed, and ends the websocket of a user
 * who lost access with close code 4403. Pure: the notebook view acts on the answers.
 */
import type { NotebookAccess } from './access.js';

/** The collab server's close code for "you may no longer open this notebook" (server/collab/connection.ts). */
export const ACCESS_REVOKED_CLOSE = 4403;

/** True for the `{type: "access"}` event of GET /api/notebooks/:id/events. */
export function isAccessEvent(data: string): boolean {
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'access';
  } catch {
    return false;
  }
}

/** True when the page built for `before` offers what `after` allows, so it need not be rebuilt. */
export function sameAccess(before: NotebookAccess, after: NotebookAccess): boolean {
  return before.role === after.role && before.canEdit === after.canEdit && before.canComment === after.canComment && before.canShare === after.canShare;
}
