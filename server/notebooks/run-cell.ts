import type { CellId, NotebookId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { compileCell, locate } from '../../core/compile/index.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { QueryError } from '../engine/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { DatasetScope } from './scope.js';
import { execute, type ExecuteDeps, type RunOptions } from './execute.js';
import type { RunLog, RunRecord } from './runs.js';
import type { StoredResult } from './results.js';
import type { RunEvents } from './run-events.js';
import type { InFlight } from './in-flight.js';
import { createHash, randomUUID } from 'node:crypto';
import { queryEntry, failedStatus, type AuditLog, type AuditActor } from '../audit/index.js';

export interface RunCellDeps extends ExecuteDeps {
  runs: RunLog;
  events: RunEvents;
  audit: AuditLog;
  inFlight: InFlight<{ result: StoredResult; run: RunRecord }>;
  /** The notebook as it is now: the live document when open, else its file. */
  read(id: NotebookId): Promise<NotebookData>;
}

/**
 * Runs one cell of a notebook: compiles it with its upstream cells from the
 * current document, runs it sandboxed, stores the result and the run record,
 * and tells every participant. Identical concurrent runs are one run.
 * Errors name the cell, line and column where DuckDB placed them, which may
 * be an upstream cell.
 */
export async function runCell(
  deps: RunCellDeps,
  scope: DatasetScope,
  notebookId: NotebookId,
  cellId: CellId,
  opts: RunOptions,
  actor: AuditActor,
): Promise<{ result: StoredResult; run: RunRecord }> {
  const data = await deps.read(notebookId);
  const cell = data.cells.find((c) => c.id === cellId);
  if (!cell) throw new NotFoundError(`notebook "${notebookId}" has no cell "${cellId}"`);
  const started = Date.now();
  const ranBy = actor.name;
  const params = opts.params ?? {};
  const base = { cellId, ranAt: new Date(started).toISOString(), ranBy };

  const compiled = compileCell({ cells: data.cells, target: cellId, datasets: scope.relations });
  if (!compiled.ok) {
    const error = { message: compiled.error, kind: 'compile', cellId: compiled.cellIds[0] };
    const run: RunRecord = { ...base, status: 'error', elapsedMs: 0, error, inputs: { [cellId]: sourceHash(cell.source) } };
    await deps.runs.record(notebookId, run);
    await deps.audit.append(queryEntry(actor, { notebookId, cellId, compiledSql: '', datasets: [], params, durationMs: 0, status: 'error', error: compiled.error }));
    deps.events.publish(notebookId, { type: 'finished', run });
    throw new BadRequestError(compiled.error, error);
  }
  const inputs: Record<string, string> = {};
  for (const id of compiled.cells) {
    const c = data.cells.find((x) => x.id === id);
    if (c) inputs[id] = sourceHash(c.source);
  }

  const queryId = opts.queryId ?? randomUUID();
  const key = createHash('sha256')
    .update(JSON.stringify([notebookId, cellId, compiled.sql, opts.params ?? null, opts.sort ?? null, opts.offset ?? 0, opts.limit ?? null]))
    .digest('hex');
  return deps.inFlight.run(key, queryId, async () => {
    deps.events.publish(notebookId, { type: 'started', cellId, queryId, ranBy, startedAt: base.ranAt });
    let run: RunRecord | undefined;
    try {
      const result = await execute(deps, compiled.sql, scope.files(compiled.datasets), { ...opts, queryId }, true);
      run = {
        ...base,
        status: 'ok',
        resultId: result.id,
        rowCount: result.rowCount,
        truncated: result.truncated,
        elapsedMs: result.elapsedMs,
        inputs,
      };
      await deps.runs.record(notebookId, run);
      await deps.audit.append(queryEntry(actor, { notebookId, cellId, compiledSql: compiled.sql, datasets: compiled.datasets, params, rows: result.rowCount, durationMs: result.elapsedMs, status: 'ok' }));
      return { result, run };
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      const at = e.position !== undefined ? locate(compiled, e.position) : null;
      const where = at ? `cell "${at.name ?? at.cellId}", line ${at.line}: ` : '';
      const error = {
        message: `${where}${e.message}`,
        kind: e.kind,
        ...(at ? { cellId: at.cellId, cellName: at.name, line: at.line, column: at.column } : {}),
      };
      run = { ...base, status: 'error', elapsedMs: Date.now() - started, error, inputs };
      await deps.runs.record(notebookId, run);
      await deps.audit.append(queryEntry(actor, { notebookId, cellId, compiledSql: compiled.sql, datasets: compiled.datasets, params, durationMs: run.elapsedMs, status: failedStatus(e.kind), error: error.message }));
      throw new BadRequestError(error.message, error);
    } finally {
      deps.events.publish(notebookId, {
        type: 'finished',
        run: run ?? { ...base, status: 'error', elapsedMs: Date.now() - started, error: { message: 'the run failed on the server', kind: 'internal' }, inputs },
      });
    }
  });
}
