import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { jsonObject, requireString } from '../body.js';
import { execute, parseRunOptions } from '../../notebooks/execute.js';
import { compileSql, locate } from '../../../core/compile/index.js';
import { QueryError } from '../../engine/types.js';
import { BadRequestError } from '../../errors.js';
import { resultResponse } from '../respond.js';
import { requestActor, currentUser } from '../session.js';
import { requestScope, markingHeader, markingHook } from '../../access/index.js';
import { queryEntry, failedStatus } from '../../audit/index.js';

const MAX_SQL = 1_000_000;

/** Free-standing SQL over the datasets (no notebook): `POST /api/query`. */
export function queryRoutes(deps: AppDeps) {
  return new Hono()
    .post('/query', async (c) => {
      const body = await jsonObject(c, 'POST /api/query');
      const sql = requireString(body, 'sql', 'POST /api/query', MAX_SQL);
      const opts = parseRunOptions(body, 'POST /api/query');
      const actor = requestActor(c);
      const started = Date.now();
      const params = opts.params ?? {};
      const scope = await requestScope(deps.access, currentUser(c), await deps.catalog.list());
      const compiled = compileSql(sql, scope.relations);
      if (!compiled.ok) {
        // A refusal before SQL runs (an unknown or unreadable dataset) is audited too.
        await deps.audit.append(queryEntry(actor, { compiledSql: sql, datasets: [], params, durationMs: Date.now() - started, status: 'error', error: compiled.error }));
        throw new BadRequestError(compiled.error);
      }
      try {
        const marking = await markingHook(deps.access)?.(compiled.datasets);
        const result = await execute({ ...deps, ...deps.config }, compiled.sql, scope.files(compiled.datasets), opts, false, marking, { userId: currentUser(c).id });
        await deps.audit.append(queryEntry(actor, { compiledSql: compiled.sql, datasets: compiled.datasets, params, rows: result.rowCount, durationMs: result.elapsedMs, status: 'ok' }));
        return resultResponse(c, result, undefined, await markingHeader(deps.access, compiled.datasets));
      } catch (e) {
        if (e instanceof QueryError) {
          await deps.audit.append(queryEntry(actor, { compiledSql: compiled.sql, datasets: compiled.datasets, params, durationMs: Date.now() - started, status: failedStatus(e.kind), error: e.message }));
          const at = e.position !== undefined ? locate(compiled, e.position) : null;
          const where = at ? { line: at.line, column: at.column } : {};
          throw new BadRequestError(at ? `line ${at.line}: ${e.message}` : e.message, { kind: e.kind, ...where });
        }
        throw e;
      }
    })
    .post('/queries/:queryId/cancel', (c) => {
      return c.json({ cancelled: deps.engine.cancel(deps.inFlight.engineId(c.req.param('queryId'))) });
    });
}
