/**
 * What a cell shows besides its source: running, a result, an error. Runtime only,
 * never in the shared document. Every change goes through `transition`, a pure function.
 */
import type { ErrorDetail } from '../api/http.js';
import type { ResultPage, SortSpec } from '../api/query.js';
import type { RunRecord } from '../api/notebooks.js';

export interface CellOutput {
  page: ResultPage;
  sort?: SortSpec;
}

export interface CellState {
  /** The latest run the server knows of (ours or another user's). */
  record?: RunRecord;
  /** The result on screen. */
  output?: CellOutput;
  error?: ErrorDetail;
  running?: { queryId: string; startedAt: number; cancelling: boolean; sort?: SortSpec };
  /** A stored result is being fetched. */
  loading?: boolean;
  /** Someone else is running this cell now. */
  remote?: { ranBy?: string; startedAt: number };
}

export type CellEvent =
  | { type: 'start'; queryId: string; startedAt: number; sort?: SortSpec }
  | { type: 'cancelling' }
  | { type: 'succeeded'; page: ResultPage; sort?: SortSpec }
  | { type: 'failed'; error: ErrorDetail }
  | { type: 'record'; record: RunRecord }
  | { type: 'loading' }
  | { type: 'loaded'; page: ResultPage }
  | { type: 'loadFailed'; error: ErrorDetail }
  | { type: 'remoteStarted'; ranBy?: string; at?: number }
  | { type: 'remoteFinished' };

export const IDLE: CellState = {};

/** The next state of a cell after `event`. Pure. */
export function transition(state: CellState, event: CellEvent): CellState {
  switch (event.type) {
    case 'start':
      return { ...state, running: { queryId: event.queryId, startedAt: event.startedAt, cancelling: false, sort: event.sort } };
    case 'cancelling':
      return state.running ? { ...state, running: { ...state.running, cancelling: true } } : state;
    case 'succeeded':
      return { ...state, running: undefined, loading: false, error: undefined, output: { page: event.page, sort: event.sort } };
    case 'failed':
      // A cancelled run keeps the previous result on screen; any other error replaces it.
      return event.error.kind === 'cancelled'
        ? { ...state, running: undefined, error: event.error }
        : { ...state, running: undefined, error: event.error, output: undefined };
    case 'record':
      return { ...state, record: event.record };
    case 'loading':
      return { ...state, loading: true };
    case 'loaded':
      // A run of our own finished meanwhile: its result wins over a fetched one.
      return state.running ? { ...state, loading: false } : { ...state, loading: false, error: undefined, output: { page: event.page } };
    case 'loadFailed':
      return { ...state, loading: false, error: event.error };
    case 'remoteStarted':
      return { ...state, remote: { ranBy: event.ranBy, startedAt: event.at ?? performance.now() } };
    case 'remoteFinished':
      return { ...state, remote: undefined };
  }
}

/**
 * Whether a run record needs its result fetched to be on screen: a successful run whose
 * result is not the one shown, while this client is not running the cell itself.
 */
export function needsFetch(state: CellState, record: RunRecord): boolean {
  if (state.running || state.loading) return false;
  if (record.status !== 'ok' || !record.resultId) return false;
  return state.output?.page.resultId !== record.resultId;
}

/**
 * A result is stale when a cell that fed it (the cell itself or one upstream) has changed
 * or is gone since the run. `currentHash` gives a cell's current source hash. Pure.
 */
export function isStale(record: RunRecord | undefined, currentHash: (cellId: string) => string | undefined): boolean {
  if (!record) return false;
  return Object.entries(record.inputs).some(([cellId, hash]) => currentHash(cellId) !== hash);
}
