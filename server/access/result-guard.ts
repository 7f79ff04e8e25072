/**
 * Stored results and run records follow clearance: a result keeps the marking of the
 * datasets it read, and reading it later (a page, a download, a run listing) is refused
 * to a user whose clearance does not cover that marking. A result stored without a
 * marking (access control off when it ran) is treated as the lowest level.
 */
import { CarnetError } from '../errors.js';
import type { Access, Subject } from './access.js';
import { markingText, type Marking } from './levels.js';

/** Throws 403 naming the marking when `user` may not read a result marked `marking`. */
export async function assertMayRead(access: Access | undefined, user: Subject, what: string, marking: Marking | undefined): Promise<void> {
  if (!access || !marking) return;
  if (await access.mayRead(user, marking)) return;
  throw new CarnetError(`${what} is marked ${markingText(marking)}: your clearance does not cover it`, 403);
}

/** Refuses a stored result its reader is not cleared for (GET /api/results/:id and its download). */
export function assertMayReadResult(access: Access | undefined, user: Subject, r: { id: string; marking?: Marking }): Promise<void> {
  return assertMayRead(access, user, `result "${r.id}"`, r.marking);
}

/**
 * The run records `user` may see in full: a run whose marking they are not cleared for
 * keeps its status and timing but loses its result id and row count.
 */
export async function visibleRuns<R extends { marking?: Marking; resultId?: unknown; rowCount?: number; truncated?: boolean }>(
  access: Access | undefined,
  user: Subject,
  runs: Record<string, R>,
): Promise<Record<string, R | Omit<R, 'resultId' | 'rowCount' | 'truncated'>>> {
  if (!access) return runs;
  const out: Record<string, R | Omit<R, 'resultId' | 'rowCount' | 'truncated'>> = {};
  for (const [cellId, run] of Object.entries(runs)) {
    if (!run.marking || (await access.mayRead(user, run.marking))) out[cellId] = run;
    else {
      const { resultId: _r, rowCount: _n, truncated: _t, ...rest } = run;
      out[cellId] = rest;
    }
  }
  return out;
}
