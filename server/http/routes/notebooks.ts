import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../deps.js';
import { jsonObject, requireString } from '../body.js';
import { parseNotebookId } from '../../notebooks/store.js';
import { parseRunOptions } from '../../notebooks/execute.js';
import { runCell } from '../../notebooks/run-cell.js';
import { resultResponse } from '../respond.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import type { CellId } from '../../../core/ids.js';
import { requestActor, currentUser } from '../session.js';
import { requestScope, markingHook, markingText, visibleRuns, openableNotebooks } from '../../access/index.js';

const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TITLE = 200;

/** Notebooks: list, create, rename, duplicate, delete (to the trash), run a cell, latest runs. */
export function notebookRoutes(deps: AppDeps) {
  return new Hono()
    .get('/', async (c) => c.json({ notebooks: await openableNotebooks(deps.access, (n) => deps.runs.latest(n), currentUser(c), await deps.notebooks.list()) }))
    .post('/', async (c) => {
      const body = await jsonObject(c, 'POST /api/notebooks');
      const title = requireString(body, 'title', 'POST /api/notebooks', MAX_TITLE).trim();
      const id = await deps.notebooks.create(title);
      return c.json({ id, title }, 201);
    })
    .patch('/:id', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const body = await jsonObject(c, `PATCH /api/notebooks/${id}`);
      const title = requireString(body, 'title', `PATCH /api/notebooks/${id}`, MAX_TITLE).trim();
      if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
      await deps.docs.setTitle(id, title);
      return c.json({ id, title });
    })
    .post('/:id/duplicate', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const data = await deps.docs.read(id);
      const title = `${data.meta.title} (copy)`.slice(0, MAX_TITLE);
      const copy = await deps.notebooks.create(title, data.cells);
      return c.json({ id: copy, title }, 201);
    })
    .delete('/:id', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
      await deps.docs.close(id);
      await deps.notebooks.trash(id);
      deps.runs.forget(id);
      return c.json({ trashed: true });
    })
    .get('/:id/runs', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
      return c.json({ runs: await visibleRuns(deps.access, currentUser(c), await deps.runs.latest(id)) });
    })
    .get('/:id/events', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
      return streamSSE(c, async (stream) => {
        const queue: string[] = deps.events.inProgress(id).map((e) => JSON.stringify(e));
        let wake: (() => void) | undefined;
        const off = deps.events.subscribe(id, (e) => {
          queue.push(JSON.stringify(e));
          wake?.();
        });
        stream.onAbort(() => {
          off();
          wake?.();
        });
        try {
          while (!stream.aborted) {
            while (queue.length) await stream.writeSSE({ event: 'run', data: queue.shift()! });
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
      const id = parseNotebookId(c.req.param('id'));
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
      const extra: Record<string, string> = { 'X-Carnet-Ran-At': run.ranAt };
      if (run.marking) extra['X-Carnet-Marking'] = encodeURIComponent(markingText(run.marking));
      // Chart facts (kind of aggregation, the source's columns) travel in a header so the body stays Arrow.
      if (meta) extra['X-Carnet-Chart'] = encodeURIComponent(JSON.stringify(meta));
      return resultResponse(c, result, undefined, extra);
    });
}
