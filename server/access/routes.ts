/**
 * `/api/access`: the configured levels and one's own clearance (everyone), dataset
 * markings and user clearances (administrators), and a notebook's marking.
 */
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../http/deps.js';
import { jsonObject } from '../http/body.js';
import { currentUser, requestActor } from '../http/session.js';
import { parseNotebookId } from '../notebooks/store.js';
import { BadRequestError, CarnetError, NotFoundError } from '../errors.js';
import type { Access } from './access.js';
import { levelColours, markingText, type Marking } from './levels.js';
import { assertMayRead } from './result-guard.js';
import { roleRefusal } from './notebook-guard.js';

function requireAdmin(c: Context, what: string): void {
  if (currentUser(c).role !== 'admin') throw new CarnetError(`${what}: only an administrator may do this`, 403);
}

/** Reads `{level, compartments?}` from a body; refuses other fields by name. */
function markingBody(body: Record<string, unknown>, where: string): { level: string; compartments: string[] } {
  for (const key of Object.keys(body)) if (key !== 'level' && key !== 'compartments') throw new BadRequestError(`${where}: unknown field "${key.slice(0, 40)}" (expected level, compartments)`);
  const { level, compartments = [] } = body;
  if (typeof level !== 'string' || !level.trim()) throw new BadRequestError(`${where}: "level" must be a level label`);
  if (!Array.isArray(compartments) || compartments.some((x) => typeof x !== 'string')) throw new BadRequestError(`${where}: "compartments" must be a list of names`);
  return { level, compartments: compartments as string[] };
}

/** A marking as the client shows it: text and banner colours. */
export function shownMarking(access: Access, m: Marking) {
  const { colour, text } = levelColours(access.levels, m.level);
  return { ...m, label: markingText(m), colour, textColour: text };
}

export function accessRoutes(deps: AppDeps & { access: Access }) {
  const { access } = deps;
  const guarded = async <T>(where: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      // Level and compartment problems are the caller's input: 400, not 500.
      if (e instanceof Error && !(e instanceof CarnetError) && /is not a (level|compartment)/.test(e.message)) throw new BadRequestError(e.message);
      throw e;
    }
  };
  return new Hono()
    .get('/levels', async (c) => {
      const me = currentUser(c);
      const clearance = access.enforced ? await access.clearanceOf(me) : { level: access.levels.levels.at(-1)!.label, compartments: access.levels.compartments };
      return c.json({ levels: access.levels.levels, compartments: access.levels.compartments, clearance });
    })
    .get('/datasets', async (c) => {
      requireAdmin(c, 'GET /api/access/datasets');
      const list = await deps.catalog.list();
      return c.json({ datasets: await Promise.all(list.map(async (d) => ({ name: d.name, marking: await access.datasetMarking(d.name) }))) });
    })
    .put('/datasets/:name', async (c) => {
      const name = c.req.param('name');
      const where = `PUT /api/access/datasets/${name.slice(0, 80)}`;
      requireAdmin(c, where);
      if (!(await deps.catalog.get(name))) throw new NotFoundError(`dataset "${name.slice(0, 80)}" not found`);
      const m = markingBody(await jsonObject(c, where), where);
      return c.json({ name, marking: await guarded(where, () => access.setDatasetMarking(requestActor(c), name, m)) });
    })
    .put('/clearances/:user', async (c) => {
      const name = c.req.param('user').toLowerCase();
      const where = `PUT /api/access/clearances/${name.slice(0, 80)}`;
      requireAdmin(c, where);
      if (deps.auth.required && !(await deps.auth.users.byName(name))) throw new NotFoundError(`no account "${name.slice(0, 80)}"`);
      const m = markingBody(await jsonObject(c, where), where);
      return c.json({ user: name, clearance: await guarded(where, () => access.setClearance(requestActor(c), name, m)) });
    })
    .get('/notebooks/:id', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
      const role = await deps.sharing.roleOf(currentUser(c), id);
      if (role === null) throw roleRefusal(id, role, 'viewer', 'reading its marking');
      const data = await deps.docs.read(id);
      const runs = await deps.runs.latest(id);
      const cells: Record<string, ReturnType<typeof shownMarking>> = {};
      for (const [cellId, run] of Object.entries(runs)) if (run.marking) cells[cellId] = shownMarking(access, run.marking);
      const marking = access.notebookMarking(data.meta.classification, Object.values(runs).map((r) => r.marking));
      await assertMayRead(access, currentUser(c), `notebook "${id}"`, marking);
      return c.json({ marking: shownMarking(access, marking), cells });
    });
}
