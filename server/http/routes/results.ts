import { Hono } from 'hono';
import { tableFromIPC } from 'apache-arrow';
import type { AppDeps } from '../deps.js';
import { ResultStore } from '../../notebooks/results.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { resultResponse } from '../respond.js';
import { columnsOf, rowsOf } from '../../../core/result/values.js';
import { toCsv } from '../../../core/result/csv.js';

/** Stored results by id: pages and downloads. */
export function resultRoutes(deps: AppDeps) {
  const load = async (raw: string) => {
    if (!ResultStore.isId(raw)) throw new BadRequestError(`invalid result id "${raw.slice(0, 40)}"`);
    const r = await deps.results.get(raw);
    if (!r) throw new NotFoundError(`result "${raw}" not found (results of free queries are kept in memory only)`);
    return r;
  };
  return new Hono()
    .get('/:id', async (c) => {
      const r = await load(c.req.param('id'));
      const offset = intParam(c.req.query('offset'), 'offset', 0) ?? 0;
      const limit = intParam(c.req.query('limit'), 'limit', 1) ?? r.rowCount;
      return resultResponse(c, r, { offset, limit });
    })
    .get('/:id/download', async (c) => {
      const r = await load(c.req.param('id'));
      const format = c.req.query('format') ?? 'csv';
      if (format !== 'csv') throw new BadRequestError(`download: unknown format "${format.slice(0, 20)}" (use csv)`);
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
