/**
 * `/api/access`: the configured levels and one's own clearance (everyone), dataset
 * markings and user clearances (administrators), a notebook's marking, and its owner's
 * raise of that marking.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../http/deps.js';
import { jsonObject, onlyFields } from '../http/body.js';
import { currentUser, requestActor, requireAdmin } from '../http/session.js';
import { parseNotebookId } from '../notebooks/store.js';
import type { NotebookId } from '../../core/ids.js';
import { BadRequestError, CarnetError, NotFoundError } from '../errors.js';
import type { Access } from './access.js';
import { canonicalCompartments, canonicalLevel, levelColours, markingText, type Marking } from './levels.js';
import { assertMayRead } from './result-guard.js';
import { notebookGuard, requireNotebookRole, roleRefusal } from './notebook-guard.js';
import type { NotebookRole } from './notebook-role.js';

/** Reads `{level, compartments?}` from a body; refuses other fields by name. */
function markingBody(body: Record<string, unknown>, where: string): { level: string; compartments: string[] } {
  onlyFields(body, ['level', 'compartments'], where);
  const { level, compartments = [] } = body;
  if (typeof level !== 'string' || !level.trim()) throw new BadRequestError(`${where}: "level" must be a level label`);
  if (!Array.isArray(compartments) || compartments.some((x) => typeof x !== 'string')) throw new BadRequestError(`${where}: "compartments" must be a list of names`);
  return { level, compartments: compartments as string[] };
}

/** Reads a raise's body: `{level, compartments?}`, or `{level: null}` to drop the raise. */
function raiseBody(body: Record<string, unknown>, where: string): { level: string; compartments: string[] } | null {
  if (body.level === null) {
    onlyFields(body, ['level'], where, 'only level: null to drop the raise');
    return null;
  }
  return markingBody(body, where);
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
  const guard = notebookGuard(deps);
  /** The notebook's marking for `role`: the banner, each cell's badge, the raise and whether they may change it. */
  const notebookView = async (id: NotebookId, role: NotebookRole) => {
    const [data, runs, raised] = await Promise.all([deps.docs.read(id), deps.runs.latest(id), deps.sharing.raisedOf(id)]);
    const cells: Record<string, ReturnType<typeof shownMarking>> = {};
    for (const [cellId, run] of Object.entries(runs)) if (run.marking) cells[cellId] = shownMarking(access, run.marking);
    const marking = access.notebookMarking(data.meta.classification, Object.values(runs).map((r) => r.marking), raised);
    return { marking, view: { marking: shownMarking(access, marking), cells, raised: raised ?? null, canRaise: role === 'owner' } };
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
      const clearance = await guarded(where, () => access.setClearance(requestActor(c), name, m));
      // A lowered clearance closes the notebooks now above it.
      await deps.liveAccess?.recheck(null);
      return c.json({ user: name, clearance });
    })
    .get('/notebooks/:id', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
      const role = await deps.sharing.roleOf(currentUser(c), id);
      if (role === null) throw roleRefusal(id, role, 'viewer', 'reading its marking');
      const { marking, view } = await notebookView(id, role);
      await assertMayRead(access, currentUser(c), `notebook "${id}"`, marking);
      return c.json(view);
    })
    .put('/notebooks/:id/marking', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const where = `PUT /api/access/notebooks/${id}/marking`;
      const user = currentUser(c);
      // The owner (or an administrator) raises; they must be cleared for the notebook as it stands.
      const role = await requireNotebookRole(guard, user, id, 'owner', 'changing its marking');
      const m = raiseBody(await jsonObject(c, where), where);
      if (m) {
        const wanted = await guarded(where, async () => ({ level: canonicalLevel(access.levels, m.level, where), compartments: canonicalCompartments(access.levels, m.compartments, where) }));
        // Nobody marks a notebook above what they could read: they would lock themselves out.
        if (!(await access.mayRead(user, wanted))) {
          throw new CarnetError(`${where}: ${markingText(wanted)} is above your clearance; you can mark a notebook only up to what you may read`, 403);
        }
      }
      await guarded(where, () => deps.sharing.setRaised(requestActor(c), id, m));
      // Whoever is connected and not cleared for the new marking is disconnected; every open page redraws its banner.
      await deps.liveAccess?.recheck(id);
      deps.events.publish(id, { type: 'access' });
      return c.json((await notebookView(id, role)).view);
    });
}
