/**
 * The access decisions as routes make them: a request's scope, and a result's marking
 * for the run record and the X-Carnet-Marking header. Without an Access (API-only tests
 * built before issue 6) everything is readable and nothing is marked.
 */
import type { AuditActor } from '../audit/index.js';
import { scopeOf, type DatasetScope } from '../notebooks/scope.js';
import type { Access } from './access.js';
import { markingText, type Marking } from './levels.js';

type Listed = ReadonlyArray<{ name: string; relation: string; readPaths: string[]; error?: string }>;

/** The scope of one query by `user` (an AuthUser or an audit actor). */
export async function requestScope(access: Access | undefined, user: { name?: string }, list: Listed): Promise<DatasetScope> {
  return access ? access.scopeFor({ name: user.name ?? '' }, list) : scopeOf(list);
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

/** For the export layer: the scope of whoever exports. */
export const exportScope = (access: Access) => (actor: AuditActor, list: Listed) => requestScope(access, actor, list);
