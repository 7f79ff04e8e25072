import { createHash, randomUUID } from 'node:crypto';
import type { CellId, NotebookId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { QueryError } from '../engine/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { queryEntry, failedStatus, type AuditLog, type AuditActor } from '../audit/index.js';
import type { DatasetScope } from './scope.js';
import { execute, type ExecuteDeps, type RunOptions } from './execute.js';
import type { RunLog, RunRecord } from './runs.js';
import type { StoredResult } from './results.js';
import type { RunEvents } from './run-events.js';
import type { InFlight } from './in-flight.js';
import { prepareChart } from './prepare-chart.js';
import { sqlPrepared } from './prepared.js';

export interface RunCellDeps extends ExecuteDeps {
  runs: RunLog;
  events: RunEvents;
  audit: AuditLog;
  inFlight: InFlight<{ result: StoredResult; run: RunRecord }>;
  /** The notebook as it is now: the live document when open, else its file. */
  read(id: NotebookId): Promise<NotebookData>;
  /** The marking of a result reading these datasets (server/access); absent: runs are not marked. */
  marking?: (datasets: readonly string[]) => Promise<{ level: string; compartments: string[] }>;
}

/**
 * Runs one cell of a notebook: compiles it (a SQL cell with its upstream cells, a
 * chart cell into its aggregation over its source) from the current document,
 * runs it sandboxed, stores the result and the run record, audits it, and tells
 * every participant. Identical concurrent runs are one run. Errors name the
 * cell, line and column where DuckDB placed them, which may be an upstream cell.
 */
export async function runCell(
  deps: RunCellDeps,
  scope: DatasetScope,
  notebookId: NotebookId,
  cellId: CellId,
  opts: RunOptions & { width?: number },
  actor: AuditActor,
): Promise<{ result: StoredResult; run: RunRecord; meta?: Record<string, unknown> }> {
  const data = await deps.read(notebookId);
  const cell = data.cells.find((c) => c.id === cellId);
  if (!cell) throw new NotFoundError(`notebook "${notebookId}" has no cell "${cellId}"`);
  if (cell.kind === 'markdown') throw new BadRequestError(`cell "${cellId}" is a Markdown cell; only SQL and chart cells run`);
  const started = Date.now();
  const params = opts.params ?? {};
  const base = { cellId, ranAt: new Date(started).toISOString(), ranBy: actor.name, ...(opts.params && Object.keys(opts.params).length ? { params: opts.params } : {}) };

  const prepared = cell.kind === 'chart'
    ? await prepareChart(deps, data.cells, cell, scope, opts.width ?? 640)
    : sqlPrepared(data.cells, cellId, scope);
  if (!prepared.ok) {
    const error = { message: prepared.message, kind: prepared.kind, ...(prepared.cellId ? { cellId: prepared.cellId } : {}), ...prepared.details };
    const run: RunRecord = { ...base, status: 'error', elapsedMs: Date.now() - started, error, inputs: { [cellId]: sourceHash(cell.source) } };
    await deps.runs.record(notebookId, run);
    await deps.audit.append(queryEntry(actor, { notebookId, cellId, compiledSql: '', datasets: [], params, durationMs: 0, status: 'error', error: prepared.message }));
    deps.events.publish(notebookId, { type: 'finished', run });
    throw new BadRequestError(prepared.message, error);
  }

  const queryId = opts.queryId ?? randomUUID();
  const key = createHash('sha256')
    .update(JSON.stringify([notebookId, cellId, prepared.sql, opts.params ?? null, opts.sort ?? null, opts.offset ?? 0, opts.limit ?? null]))
    .digest('hex');
  const shared = await deps.inFlight.run(key, queryId, async () => {
    deps.events.publish(notebookId, { type: 'started', cellId, queryId, ranBy: actor.name, startedAt: base.ranAt });
    let run: RunRecord | undefined;
    try {
      const marking = deps.marking ? await deps.marking(prepared.datasets) : undefined;
      const result = await execute(deps, prepared.sql, scope.files(prepared.datasets), { ...opts, queryId }, true, marking, { notebookId });
      run = { ...base, status: 'ok', resultId: result.id, rowCount: result.rowCount, truncated: result.truncated, elapsedMs: result.elapsedMs, ...(marking ? { marking } : {}), inputs: prepared.inputs };
      await deps.runs.record(notebookId, run);
      await deps.audit.append(queryEntry(actor, { notebookId, cellId, compiledSql: prepared.sql, datasets: prepared.datasets, params, rows: result.rowCount, durationMs: result.elapsedMs, status: 'ok' }));
      return { result, run };
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      const at = e.position !== undefined ? prepared.locate(e.position) : null;
      const where = at ? `cell "${at.name ?? at.cellId ?? cellId}", line ${at.line}: ` : '';
      const error = {
        message: `${where}${e.message}`,
        kind: e.kind,
        ...(at ? { cellId: at.cellId ?? cellId, cellName: at.name, line: at.line, column: at.column } : {}),
      };
      run = { ...base, status: 'error', elapsedMs: Date.now() - started, error, inputs: prepared.inputs };
      await deps.runs.record(notebookId, run);
      await deps.audit.append(queryEntry(actor, { notebookId, cellId, compiledSql: prepared.sql, datasets: prepared.datasets, params, durationMs: run.elapsedMs, status: failedStatus(e.kind), error: error.message }));
      throw new BadRequestError(error.message, error);
    } finally {
      deps.events.publish(notebookId, {
        type: 'finished',
        run: run ?? { ...base, status: 'error', elapsedMs: Date.now() - started, error: { message: 'the run failed on the server', kind: 'internal' }, inputs: prepared.inputs },
      });
    }
  });
  return { ...shared, meta: prepared.meta };
}
