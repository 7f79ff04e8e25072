import { Hono, type Context } from 'hono';
import type { NotebookId } from '../../../core/ids.js';
import type { History } from '../../history/index.js';
import type { NotebookStore } from '../../notebooks/store.js';
import { parseNotebookId } from '../../notebooks/store.js';
import { NotFoundError } from '../../errors.js';
import { jsonObject, requireString } from '../body.js';
import { currentUser } from '../session.js';

const MAX_NAME = 200;
const MAX_AUTHOR = 80;

/**
 * What the history routes need; `mayOpen` throws (403) when the user's role on the notebook
 * is lower than `needed` (reading: viewer; saving or restoring a version: editor) or they
 * are not cleared for it.
 */
export interface HistoryRouteDeps {
  history: History;
  notebooks: Pick<NotebookStore, 'exists'>;
  mayOpen?(user: ReturnType<typeof currentUser>, id: NotebookId, needed: 'viewer' | 'editor', action: string): Promise<void>;
}

/**
 * A notebook's versions, mounted at /api/notebooks: list, save one by name (`{name, author?}`),
 * read one with its differences from now, restore one as a new change (`{author?}`).
 */
export function historyRoutes(deps: HistoryRouteDeps) {
  const notebook = async (raw: string, user: ReturnType<typeof currentUser>, needed: 'viewer' | 'editor' = 'viewer', action = 'reading its versions'): Promise<NotebookId> => {
    const id = parseNotebookId(raw);
    if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
    await deps.mayOpen?.(user, id, needed, action);
    return id;
  };
  /**
   * Who to credit: the signed-in user; with authentication off nobody is vouched for, so the
   * name the browser says its person picked (as presence shows it), if any.
   */
  const who = (c: Context, body: Record<string, unknown>): string | null => {
    if ((c.get('credential') as { kind?: string } | undefined)?.kind !== 'local') {
      const user = currentUser(c);
      return user.displayName || user.name;
    }
    const author = body.author;
    return typeof author === 'string' && author.trim() !== '' ? author.trim().slice(0, MAX_AUTHOR) : null;
  };
  return new Hono()
    .get('/:id/versions', async (c) => {
      const id = await notebook(c.req.param('id'), currentUser(c));
      return c.json({ versions: await deps.history.list(id) });
    })
    .post('/:id/versions', async (c) => {
      const user = currentUser(c);
      const id = await notebook(c.req.param('id'), user, 'editor', 'saving a version');
      const body = await jsonObject(c, `POST /api/notebooks/${id}/versions`);
      const name = requireString(body, 'name', `POST /api/notebooks/${id}/versions`, MAX_NAME);
      return c.json({ version: await deps.history.create(id, name, who(c, body)) }, 201);
    })
    .get('/:id/versions/:vid', async (c) => {
      const id = await notebook(c.req.param('id'), currentUser(c));
      return c.json(await deps.history.get(id, c.req.param('vid')));
    })
    .post('/:id/versions/:vid/restore', async (c) => {
      const id = await notebook(c.req.param('id'), currentUser(c), 'editor', 'restoring a version');
      const body = await jsonObject(c, `POST /api/notebooks/${id}/versions/${c.req.param('vid').slice(0, 40)}/restore`);
      return c.json(await deps.history.restore(id, c.req.param('vid'), who(c, body)));
    });
}
