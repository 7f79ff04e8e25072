import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../deps.js';
import { jsonObject, requireString } from '../body.js';
import { parseNotebookId } from '../../notebooks/store.js';
import { parseRunOptions } from '../../notebooks/execute.js';
import { runCell } from '../../notebooks/run-cell.js';
import { resultResponse } from '../respond.js';
import { BadRequestError } from '../../errors.js';
import type { RunEvent } from '../../notebooks/run-events.js';
import type { CellId } from '../../../core/ids.js';
import { requestActor, currentUser } from '../session.js';
import {
  requestScope, markingHook, markingText, visibleRuns, openableNotebooks, notebookGuard, requireNotebookRole, markingOfNotebook,
  type NotebookRole,
} from '../../access/index.js';
import type { NotebookId } from '../../../core/ids.js';
import type { AuthUser } from '../../auth/index.js';

const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TITLE = 200;

/** Notebooks: list, create, rename, duplicate, delete (to the trash), run a cell, latest runs. */
export function notebookRoutes(deps: AppDeps) {
  const guard = notebookGuard(deps);
  /** The notebook of the request's `:id`, once the user is found to have `needed` (or higher) on it. */
  const notebook = async (raw: string, user: AuthUser, needed: NotebookRole, action: string): Promise<NotebookId> => {
    const id = parseNotebookId(raw);
    await requireNotebookRole(guard, user, id, needed, action);
    return id;
  };
  return new Hono()
    .get('/', async (c) => {
      const user = currentUser(c);
      const all = await deps.notebooks.list();
      const roles = await deps.sharing.rolesOf(user, all.map((n) => n.id));
      const shared = all.flatMap((n) => {
        const r = roles.get(n.id);
        return r?.role ? [{ ...n, role: r.role, owner: r.owner }] : [];
      });
      return c.json({ notebooks: await openableNotebooks(deps.access, guard.source, user, shared) });
    })
    .post('/', async (c) => {
      const body = await jsonObject(c, 'POST /api/notebooks');
      const title = requireString(body, 'title', 'POST /api/notebooks', MAX_TITLE).trim();
      const id = await deps.notebooks.create(title);
      await deps.sharing.created(id, currentUser(c));
      return c.json({ id, title }, 201);
    })
    .patch('/:id', async (c) => {
      const id = await notebook(c.req.param('id'), currentUser(c), 'editor', 'renaming it');
      const body = await jsonObject(c, `PATCH /api/notebooks/${id}`);
      const title = requireString(body, 'title', `PATCH /api/notebooks/${id}`, MAX_TITLE).trim();
      await deps.docs.setTitle(id, title);
      return c.json({ id, title });
    })
    .post('/:id/duplicate', async (c) => {
      const user = currentUser(c);
      const id = await notebook(c.req.param('id'), user, 'viewer', 'duplicating it');
      const data = await deps.docs.read(id);
      const title = `${data.meta.title} (copy)`.slice(0, MAX_TITLE);
      const copy = await deps.notebooks.create(title, data.cells);
      // The copy holds the same cells: it starts at its original's marking, not below.
      await deps.sharing.created(copy, user, deps.access ? await markingOfNotebook(deps.access, guard.source, id) : undefined);
      return c.json({ id: copy, title }, 201);
    })
    .delete('/:id', async (c) => {
      const id = await notebook(c.req.param('id'), currentUser(c), 'owner', 'deleting it');
      await deps.docs.close(id);
      await deps.notebooks.trash(id);
      deps.runs.forget(id);
      return c.json({ trashed: true });
    })
    .get('/:id/runs', async (c) => {
      const user = currentUser(c);
      const id = await notebook(c.req.param('id'), user, 'viewer', 'reading its runs');
      return c.json({ runs: await visibleRuns(deps.access, user, await deps.runs.latest(id)) });
    })
    .get('/:id/events', async (c) => {
      const user = currentUser(c);
      const id = await notebook(c.req.param('id'), user, 'viewer', 'following its runs');
      /**
       * An event as this user may see it: a finished run they are not cleared for loses its
       * result id and row count, as in GET /runs. Null once the notebook is no longer shared with them.
       */
      const shown = async (e: RunEvent): Promise<{ data: string; last: boolean } | null> => {
        const role = await deps.sharing.roleOf(user, id);
        // An access change reaches even someone it locked out: their page then says so; the stream ends there.
        if (e.type === 'access') return { data: JSON.stringify(e), last: role === null };
        if (role === null) return null;
        if (e.type !== 'finished') return { data: JSON.stringify(e), last: false };
        const run = (await visibleRuns(deps.access, user, { [e.run.cellId]: e.run }))[e.run.cellId];
        return { data: JSON.stringify({ ...e, run }), last: false };
      };
      return streamSSE(c, async (stream) => {
        const queue: RunEvent[] = deps.events.inProgress(id);
        let wake: (() => void) | undefined;
        const off = deps.events.subscribe(id, (e) => {
          queue.push(e);
          wake?.();
        });
        stream.onAbort(() => {
          off();
          wake?.();
        });
        try {
          while (!stream.aborted) {
            while (queue.length && !stream.aborted) {
              const event = await shown(queue.shift()!);
              if (event === null) return;
              await stream.writeSSE({ event: 'run', data: event.data });
              if (event.last) return;
            }
            // A comment line every 25 s keeps proxies from closing an idle stream.
            await new Promise<void>((ok) => {
              wake = ok;
              setTimeout(ok, 25_000);
            });
            if (!queue.length && !stream.aborted) await stream.write(': keepalive\n\n');
          }
        } finally {
          off();
        }
      });
    })
    .post('/:id/cells/:cellId/run', async (c) => {
      const id = await notebook(c.req.param('id'), currentUser(c), 'editor', 'running a cell');
      const cellId = c.req.param('cellId');
      if (!CELL_ID.test(cellId)) throw new BadRequestError(`invalid cell id "${cellId.slice(0, 40)}"`);
      const body = await jsonObject(c, `run cell ${cellId}`);
      const { width, ...rest } = body;
      if (width !== undefined && (typeof width !== 'number' || !Number.isFinite(width) || width < 1 || width > 10_000)) {
        throw new BadRequestError(`run cell ${cellId}: "width" must be a number of pixels from 1 to 10000`);
      }
      const opts = { ...parseRunOptions(rest, `run cell ${cellId}`), width };
      const scope = await requestScope(deps.access, currentUser(c), await deps.catalog.list());
      const { result, run, meta } = await runCell({ ...deps, ...deps.config, read: (n) => deps.docs.read(n), marking: markingHook(deps.access) }, scope, id, cellId as CellId, opts, requestActor(c));
      // A result above the lowest level may have raised the notebook's marking past someone connected.
      if (run.marking && deps.access && (run.marking.level !== deps.access.levels.levels[0]!.label || run.marking.compartments.length > 0)) await deps.liveAccess?.recheck(id);
      const extra: Record<string, string> = { 'X-Carnet-Ran-At': run.ranAt };
      if (run.marking) extra['X-Carnet-Marking'] = encodeURIComponent(markingText(run.marking));
      // Chart facts (kind of aggregation, the source's columns) travel in a header so the body stays Arrow.
      if (meta) extra['X-Carnet-Chart'] = encodeURIComponent(JSON.stringify(meta));
      return resultResponse(c, result, undefined, extra);
    });
}
