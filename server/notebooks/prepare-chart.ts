import { randomUUID } from 'node:crypto';
import { tableFromIPC } from 'apache-arrow';
import type { CellData } from '../../core/notebook/model.js';
import { compileSql } from '../../core/compile/index.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { quoteIdentifier } from '../../core/sql/identifiers.js';
// Direct imports, not core/chart/index: the server compiles charts without loading Plot.
import { parseChartSpec } from '../../core/chart/spec.js';
import { normaliseChart } from '../../core/chart/validate.js';
import { compileChartSql, extentSql, parseLineExtent, type LineExtent } from '../../core/chart/compile.js';
import type { NormalisedChart } from '../../core/chart/normalised.js';
import { QueryError } from '../engine/types.js';
import type { DatasetScope } from './scope.js';
import type { ExecuteDeps } from './execute.js';
import { sqlPrepared, type Prepared, type PrepareFailure } from './prepared.js';

const SOURCE = 'carnet_chart_source';

/**
 * A chart cell as one statement: its source (a SQL cell with its upstream cells,
 * or a dataset) becomes a CTE, and the chart spec compiles to an aggregation over
 * it, so at most a few thousand marks ever leave the server.
 */
export async function prepareChart(
  deps: ExecuteDeps,
  cells: readonly CellData[],
  cell: CellData,
  scope: DatasetScope,
  width: number,
): Promise<Prepared | PrepareFailure> {
  const fail = (message: string, details?: Record<string, unknown>): PrepareFailure => ({ ok: false, message, kind: 'chart', cellId: cell.id, details });
  let spec;
  try {
    spec = parseChartSpec(cell.source);
  } catch (e) {
    return fail(`chart: ${(e as Error).message}`);
  }
  const sourceName = spec.source;
  const sourceCell = cells.find((c) => c.kind === 'sql' && c.name?.toLowerCase() === sourceName.toLowerCase());
  let source: Prepared | PrepareFailure;
  if (sourceCell) source = sqlPrepared(cells, sourceCell.id, scope);
  else if (scope.relations.has(sourceName.toLowerCase())) {
    const compiled = compileSql(`SELECT * FROM ${quoteIdentifier(sourceName)}`, scope.relations);
    source = compiled.ok
      ? { ok: true, sql: compiled.sql, datasets: compiled.datasets, inputs: {}, locate: () => null }
      : { ok: false, message: compiled.error, kind: 'compile' };
  } else {
    // Most often its SQL cell was deleted (a rename carries the chart along): say so, by name.
    const message = `source: no SQL cell or dataset is called "${sourceName}" (was its cell deleted?): pick another source`;
    return fail(`chart: ${message}`, { fields: [{ field: 'source', message }], missingSource: sourceName });
  }
  if (!source.ok) return { ...source, message: `chart source "${sourceName}": ${source.message}` };

  let columns;
  try {
    const probe = await deps.engine.query({
      sql: `SELECT * FROM (\n${source.sql}\n) AS probe LIMIT 0`,
      limit: 1,
      allowedFiles: scope.files(source.datasets),
      queryId: randomUUID(),
      timeoutMs: deps.timeoutMs,
    });
    columns = probe.columns;
  } catch (e) {
    if (e instanceof QueryError) return fail(`chart source "${sourceName}": ${e.message}`);
    throw e;
  }
  const norm = normaliseChart(spec, columns);
  if (!norm.ok) return fail(norm.errors.map((x) => x.message).join('; '), { fields: norm.errors });
  const prefix = `WITH ${SOURCE} AS (\n`;
  let extent: LineExtent | undefined;
  const extentQuery = extentSql(norm.spec, SOURCE);
  if (extentQuery !== null) {
    try {
      extent = await readExtent(deps, norm.spec, `${prefix}${source.sql}\n)\n${extentQuery}`, scope.files(source.datasets));
    } catch (e) {
      if (e instanceof QueryError) return fail(`chart source "${sourceName}": ${e.message}`);
      if (e instanceof RangeError) return fail(e.message);
      throw e;
    }
  }
  const chart = compileChartSql(norm.spec, SOURCE, { width: Math.max(50, Math.min(4000, Math.round(width))), extent });
  const sql = `${prefix}${source.sql}\n)\n${chart.sql}`;
  const srcLocate = source.locate;
  return {
    ok: true,
    sql,
    datasets: source.datasets,
    inputs: { ...source.inputs, [cell.id]: sourceHash(cell.source) },
    locate: (p) => (p >= prefix.length && p < prefix.length + source.sql.length ? srcLocate(p - prefix.length) : null),
    meta: { chartKind: chart.kind, note: chart.note, columns },
  };
}

/**
 * A line's extent (x range, rows, series), asked before its M4 query so that the query holds
 * it as constants: over Parquet DuckDB answers it from the file's statistics in milliseconds.
 */
async function readExtent(deps: ExecuteDeps, spec: NormalisedChart, sql: string, allowedFiles: string[]): Promise<LineExtent> {
  const result = await deps.engine.query({ sql, limit: 1, allowedFiles, queryId: randomUUID(), timeoutMs: deps.timeoutMs });
  const table = tableFromIPC(result.arrow);
  const row = table.get(0)?.toJSON() ?? {};
  return parseLineExtent(spec, row);
}
