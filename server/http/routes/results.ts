import { Hono, type Context } from 'hono';
import { assertMayReadResult, notebookGuard, requireNotebookRole } from '../../access/index.js';
import type { AuthUser } from '../../auth/index.js';
import { currentUser } from '../session.js';
import { tableFromIPC } from 'apache-arrow';
import type { AppDeps } from '../deps.js';
import { ResultStore, type StoredResult } from '../../notebooks/results.js';
import { BadRequestError, CarnetError, NotFoundError } from '../../errors.js';
import { resultResponse } from '../respond.js';
import { columnsOf, rowsOf } from '../../../core/result/values.js';
import { toCsv } from '../../../core/result/csv.js';
import { arrowToParquet } from '../../notebooks/result-parquet.js';

/**
 * Stored results by id: pages and downloads. A result is read as what produced it is: a
 * notebook cell's result by anyone with a role on that notebook (viewers see results), a
 * free query's result by the user who ran it only; either way also under clearance.
 */
export function resultRoutes(deps: AppDeps) {
  const guard = notebookGuard(deps);
  const mayRead = async (user: AuthUser, r: StoredResult): Promise<void> => {
    if (r.notebookId !== undefined) {
      // Reading a notebook's result is opening the notebook: its role and its marking (which
      // its owner may have raised above the results'); the result's own marking is checked below too.
      await requireNotebookRole(guard, user, r.notebookId, 'viewer', 'reading its results');
    } else if (r.userId !== undefined) {
      if (r.userId !== user.id) throw new CarnetError(`result "${r.id}" is the result of another user's query: only they may read it`, 403);
    } else if (user.role !== 'admin') {
      // Stored before results recorded their notebook or user: whose it is cannot be told,
      // so only administrators (and everyone with authentication off, the local
      // administrator) read it. Running the cell again stores a result that says.
      throw new CarnetError(`result "${r.id}" was stored before results recorded their notebook: an editor of the notebook must run the cell again for you to see it`, 403);
    }
  };
  const load = async (raw: string, c: Context) => {
    if (!ResultStore.isId(raw)) throw new BadRequestError(`invalid result id "${raw.slice(0, 40)}"`);
    const r = await deps.results.get(raw);
    if (!r) throw new NotFoundError(`result "${raw}" not found (results of free queries are kept in memory only)`);
    const user = currentUser(c);
    await mayRead(user, r);
    await assertMayReadResult(deps.access, user, r);
    return r;
  };
  return new Hono()
    .get('/:id', async (c) => {
      const r = await load(c.req.param('id'), c);
      const offset = intParam(c.req.query('offset'), 'offset', 0) ?? 0;
      const limit = intParam(c.req.query('limit'), 'limit', 1) ?? r.rowCount;
      return resultResponse(c, r, { offset, limit });
    })
    .get('/:id/download', async (c) => {
      const r = await load(c.req.param('id'), c);
      const format = c.req.query('format') ?? 'csv';
      if (format === 'parquet') {
        let bytes: Uint8Array;
        try {
          bytes = await arrowToParquet(r.arrow, deps.config.uploadDir);
        } catch (e) {
          throw new CarnetError(`download of result "${r.id}" as Parquet: ${(e as Error).message}`, 500);
        }
        return new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: {
            'Content-Type': 'application/vnd.apache.parquet',
            'Content-Disposition': `attachment; filename="result-${r.id.slice(0, 8)}.parquet"`,
          },
        });
      }
      if (format !== 'csv') throw new BadRequestError(`download: unknown format "${format.slice(0, 20)}" (use csv or parquet)`);
      const table = tableFromIPC(r.arrow);
      const csv = toCsv(columnsOf(table), rowsOf(table));
      return new Response(csv, {
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="result-${r.id.slice(0, 8)}.csv"`,
        },
      });
    });
}

function intParam(raw: string | undefined, name: string, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new BadRequestError(`"${name}" must be an integer ≥ ${min}`);
  return n;
}
