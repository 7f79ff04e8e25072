/**
 * Running a chart cell from the browser: the run goes through the notebook's runtime store
 * (so the spinner, Cancel, "Run all" and other users' pages see it like a SQL cell's run),
 * and is repeated when the server compiled an older spec than the one on screen (its replica
 * of the document had not yet received the last change).
 */
import type { CellId } from '../../core/ids.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { getRuns } from '../api/notebooks.js';
import { cancelQuery, newQueryId } from '../api/query.js';
import type { RuntimeStore } from '../notebook/runtime.js';
import { ChartRunError, runChartCell, type ChartRun, type FieldProblem } from './chart-api.js';

const MAX_RETRIES = 3;

export interface ChartRunTarget {
  notebookId: string;
  cellId: CellId;
  store: RuntimeStore;
  /** The spec text as it is now in this page's document. */
  currentText(): string;
}

export type ChartRunOutcome =
  | { ok: true; run: ChartRun; specText: string }
  | { ok: false; fields: FieldProblem[]; specText: string }
  /** Another run of the same cell started meanwhile, or the cell went away. */
  | { ok: null };

/** Runs the chart drawn `width` pixels wide; the store gets the outcome. */
export async function runChart(target: ChartRunTarget, width: number): Promise<ChartRunOutcome> {
  const { store, cellId } = target;
  const previous = store.get(cellId).running;
  if (previous) {
    store.dispatch(cellId, { type: 'cancelling' });
    await cancelQuery(previous.queryId);
  }
  for (let attempt = 0; ; attempt++) {
    const queryId = newQueryId();
    const text = target.currentText();
    const hash = sourceHash(text);
    store.dispatch(cellId, { type: 'start', queryId, startedAt: performance.now() });
    let run: ChartRun | undefined;
    let error: ChartRunError | undefined;
    try {
      run = await runChartCell(target.notebookId, cellId, { width, queryId });
    } catch (err) {
      error = err instanceof ChartRunError ? err : new ChartRunError(0, { message: (err as Error).message }, []);
    }
    if (store.get(cellId).running?.queryId !== queryId) return { ok: null };
    const again = (ms: number) => new Promise((r) => setTimeout(r, ms * (attempt + 1)));
    // A chart added a moment ago may not have reached the server's replica yet.
    if (error?.status === 404 && attempt < MAX_RETRIES) {
      await again(200);
      continue;
    }
    const ranHash = await ranSourceHash(target);
    if (ranHash !== undefined && ranHash !== hash && attempt < MAX_RETRIES && hash === sourceHash(target.currentText())) {
      await again(150);
      continue;
    }
    if (run) {
      store.dispatch(cellId, { type: 'succeeded', page: run.page });
      return { ok: true, run, specText: text };
    }
    const detail = error!.detail;
    const cancelled = store.get(cellId).running?.cancelling || detail.kind === 'cancelled';
    store.dispatch(cellId, { type: 'failed', error: cancelled ? { ...detail, kind: 'cancelled' } : detail });
    return { ok: false, fields: error!.fields, specText: text };
  }
}

/** The source hash of the chart cell in its latest run record (also told to the store). */
async function ranSourceHash(target: ChartRunTarget): Promise<string | undefined> {
  try {
    const record = (await getRuns(target.notebookId)).get(target.cellId);
    if (!record) return undefined;
    target.store.dispatch(target.cellId, { type: 'record', record });
    return record.inputs[target.cellId];
  } catch {
    return undefined;
  }
}
