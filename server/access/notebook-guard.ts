/**
 * The check every `/api/notebooks/:id/...` route makes before it acts: the notebook exists,
 * the user has a role on it at least as high as the action needs, and their clearance
 * covers its marking. Refusals say which role the action needs and which one the user has.
 */
import type { NotebookId } from '../../core/ids.js';
import { CarnetError, NotFoundError } from '../errors.js';
import type { Access } from './access.js';
import { assertMayOpenNotebook, notebookSource, type NotebookSource } from './authorize-notebook.js';
import { roleAtLeast, type NotebookRole, type RoleSubject } from './notebook-role.js';
import type { Sharing } from './sharing.js';

export interface NotebookGuardDeps {
  sharing: Sharing;
  access?: Access | undefined;
  notebooks: { exists(id: NotebookId): Promise<boolean> };
  source: NotebookSource;
}

/** The guard's dependencies from the routes' own (the same in every route file). */
export function notebookGuard(deps: Omit<NotebookGuardDeps, 'source'> & Parameters<typeof notebookSource>[0]): NotebookGuardDeps {
  return { sharing: deps.sharing, access: deps.access, notebooks: deps.notebooks, source: notebookSource(deps) };
}

/** The refusal of `user` with role `role` (null: none) for `action`, which needs `needed`. */
export function roleRefusal(id: string, role: NotebookRole | null, needed: NotebookRole, action: string): CarnetError {
  if (role === null) return new CarnetError(`notebook "${id}" is not shared with you: ask its owner or an administrator`, 403);
  return new CarnetError(`notebook "${id}": ${action} needs the ${needed} role or higher; you are a ${role}`, 403);
}

/**
 * Throws 404 for an unknown notebook, 403 when `user` has no role or a lower one than
 * `needed` for `action` (e.g. "running a cell"), 403 when not cleared for its marking
 * (reading or running any part of a notebook is opening it). Returns the user's role.
 */
export async function requireNotebookRole(
  deps: NotebookGuardDeps,
  user: RoleSubject,
  id: NotebookId,
  needed: NotebookRole,
  action: string,
): Promise<NotebookRole> {
  if (!(await deps.notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found`);
  const role = await deps.sharing.roleOf(user, id);
  if (!roleAtLeast(role, needed)) throw roleRefusal(id, role, needed, action);
  await assertMayOpenNotebook(deps.access, deps.source, user, id);
  return role!;
}
