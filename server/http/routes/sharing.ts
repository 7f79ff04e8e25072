/**
 * Sharing a notebook (issue 6): `GET|PUT /api/notebooks/:id/sharing` (mounted under
 * /api/notebooks) and `GET /api/directory`, the accounts and groups a share can name.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { jsonObject, onlyFields } from '../body.js';
import { currentUser, requestActor } from '../session.js';
import { parseNotebookId } from '../../notebooks/store.js';
import { BadRequestError } from '../../errors.js';
import { canShareRole, notebookGuard, parseOwner, parseShares, requireNotebookRole, type NotebookRole, type SharingEntry } from '../../access/index.js';

/** What GET and PUT answer. */
export interface SharingView extends SharingEntry {
  role: NotebookRole;
  canShare: boolean;
}

export function sharingRoutes(deps: AppDeps) {
  const guard = notebookGuard(deps);
  const view = async (id: string, role: NotebookRole): Promise<SharingView> => {
    const entry = (await deps.sharing.entry(id)) ?? { owner: null, shares: [] };
    return { owner: entry.owner, shares: entry.shares, role, canShare: canShareRole(role) };
  };
  return new Hono()
    .get('/:id/sharing', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const role = await requireNotebookRole(guard, currentUser(c), id, 'viewer', 'seeing who it is shared with');
      return c.json(await view(id, role));
    })
    .put('/:id/sharing', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const where = `PUT /api/notebooks/${id}/sharing`;
      const user = currentUser(c);
      await requireNotebookRole(guard, user, id, 'owner', 'sharing it');
      const body = await jsonObject(c, where);
      onlyFields(body, ['shares', 'owner'], where);
      const shares = parseShares(body.shares, where);
      if (typeof shares === 'string') throw new BadRequestError(shares);
      const current = await deps.sharing.entry(id);
      let owner = current?.owner ?? null;
      if (body.owner !== undefined) {
        const parsed = parseOwner(body.owner, where);
        if (parsed === null || typeof parsed === 'object') throw new BadRequestError(parsed?.problem ?? `${where}: "owner" must be a login name`);
        owner = parsed;
      }
      if (deps.auth.required) {
        const known = new Set((await deps.auth.users.list()).map((u) => u.name));
        if (owner !== null && body.owner !== undefined && !known.has(owner)) throw new BadRequestError(`${where}: "owner": no account "${owner}"`);
        const unknown = shares.filter((s) => s.kind === 'user' && !known.has(s.name)).map((s) => `"${s.name}"`);
        if (unknown.length) throw new BadRequestError(`${where}: no account ${unknown.join(', ')}: a notebook is shared with existing accounts only`);
      }
      await deps.sharing.set(requestActor(c), id, { owner, shares });
      // Open pages and websockets follow at once: a withdrawn share disconnects, a lowered one turns read-only.
      await deps.liveAccess?.recheck(id);
      deps.events.publish(id, { type: 'access' });
      const role = await deps.sharing.roleOf(user, id);
      // Giving the notebook away leaves its former owner the role the shares give, maybe none.
      if (role === null) return c.json({ owner, shares, role: null, canShare: false });
      return c.json(await view(id, role));
    });
}

/** `GET /api/directory`: active accounts and the groups they belong to, for the share picker and comment authors. */
export function directoryRoutes(deps: AppDeps) {
  return new Hono().get('/', async (c) => {
    currentUser(c);
    const accounts = (await deps.auth.users.list()).filter((u) => !u.disabled);
    // The id lets pages name a comment's author by the account that wrote it (its authorId).
    const users = accounts.map((u) => ({ id: u.id, name: u.name, displayName: u.displayName })).sort((a, b) => a.name.localeCompare(b.name));
    const groups = [...new Set(accounts.flatMap((u) => u.groups ?? []))].sort();
    return c.json({ users, groups });
  });
}

