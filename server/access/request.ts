/**
 * The access decisions as routes make them: a request's scope, and a result's marking
 * for the run record and the X-Carnet-Marking header. Without an Access (API-only tests
 * built before issue 6) everything is readable and nothing is marked.
 */
import type { AuditActor } from '../audit/index.js';
import { AUDIT_DATASET, auditDataset } from '../audit/dataset.js';
import type { NotebookId } from '../../core/ids.js';
import { exportMarking } from '../export/marking.js';
import { scopeOf, type DatasetScope } from '../notebooks/scope.js';
import type { Access } from './access.js';
import { markingOfNotebook, type NotebookSource } from './authorize-notebook.js';
import { markingText, rankOf, type Marking } from './levels.js';

type Listed = ReadonlyArray<{ name: string; relation: string; readPaths: string[]; error?: string }>;

/**
 * The scope of one query by `user` (an AuthUser, or anything with a name and the account
 * role). Administrators also get the audit log as the dataset `audit_log` (shadowing a
 * data file of that name); a user given without a role does not.
 */
export async function requestScope(access: Access | undefined, user: { name?: string; role?: string }, list: Listed): Promise<DatasetScope> {
  if (!access) return scopeOf(list);
  const withAudit = user.role === 'admin' && access.auditPath !== undefined
    ? [...list.filter((d) => d.name.toLowerCase() !== AUDIT_DATASET), auditDataset(access.auditPath)]
    : list;
  return access.scopeFor({ name: user.name ?? '' }, withAudit);
}

/** `runCell`'s hook giving a run record its marking, or undefined without access control. */
export function markingHook(access: Access | undefined): ((datasets: readonly string[]) => Promise<Marking>) | undefined {
  return access ? (datasets) => access.resultMarking(datasets) : undefined;
}

/**
 * The X-Carnet-Marking header: the marking as text, percent-encoded because labels carry
 * accents (É) and header values are bytes. Absent without access control.
 */
export async function markingHeader(access: Access | undefined, datasets: readonly string[]): Promise<Record<string, string>> {
  if (!access) return {};
  return { 'X-Carnet-Marking': encodeURIComponent(markingText(await access.resultMarking(datasets))) };
}

/**
 * For the export layer: the scope of `user`, who exports. An audit actor carries no account
 * role, so the scope is built from the signed-in user (with their role: an administrator's
 * export reads `audit_log` as their notebook does), never from the actor the export is
 * audited under.
 */
export const exportScope = (access: Access, user: { name: string; role: string }) => (_actor: AuditActor, list: Listed) => requestScope(access, user, list);

/**
 * For the export layer: the marking an export of a notebook carries, as text — the
 * notebook's marking (file, owner's raise, results), or undefined for a notebook left
 * unmarked (see exportMarking).
 */
export function exportMarkingHook(access: Access, source: NotebookSource): (id: NotebookId) => Promise<string | undefined> {
  return async (id) => {
    const [classification, marking] = await Promise.all([source.classification(id), markingOfNotebook(access, source, id)]);
    const lowest = marking.compartments.length === 0 && rankOf(access.levels, marking.level) === 0;
    return exportMarking(classification, { text: markingText(marking), lowest });
  };
}
