import type { CellId } from '../../core/ids.js';
import type { CellData } from '../../core/notebook/model.js';
import { compileCell, locate } from '../../core/compile/index.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import type { DatasetScope } from './scope.js';

/** Where an error offset in the statement falls, in the analyst's terms. */
export interface ErrorPlace {
  cellId?: CellId;
  name?: string;
  line: number;
  column: number;
}

/** A cell turned into one statement, ready to run. */
export interface Prepared {
  ok: true;
  sql: string;
  datasets: string[];
  /** sourceHash of every cell whose text fed the statement. */
  inputs: Record<string, string>;
  locate(position: number): ErrorPlace | null;
  /** Extra facts for the response (e.g. a chart's kind and source columns). */
  meta?: Record<string, unknown>;
}

export interface PrepareFailure {
  ok: false;
  message: string;
  kind: string;
  cellId?: CellId;
  details?: Record<string, unknown>;
}

export function sqlPrepared(cells: readonly CellData[], target: CellId, scope: DatasetScope): Prepared | PrepareFailure {
  const compiled = compileCell({ cells: [...cells], target, datasets: scope.relations });
  if (!compiled.ok) return { ok: false, message: compiled.error, kind: 'compile', cellId: compiled.cellIds[0] };
  const inputs: Record<string, string> = {};
  for (const id of compiled.cells) {
    const c = cells.find((x) => x.id === id);
    if (c) inputs[id] = sourceHash(c.source);
  }
  return { ok: true, sql: compiled.sql, datasets: compiled.datasets, inputs, locate: (p) => locate(compiled, p) };
}
