/**
 * Running cells: one cell, all cells in dependency order, cancel; and keeping up with
 * the server's latest run records, so results of earlier sessions and other users show.
 */
import { buildGraph, runOrder } from '../../core/compile/index.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import type { CellId } from '../../core/ids.js';
import { ApiError } from '../api/http.js';
import { getRuns, parseRunEvent, type RunRecord } from '../api/notebooks.js';
import { cancelQuery, fetchResultPage, newQueryId, runCell, type SortSpec } from '../api/query.js';
import { needsFetch } from './cell-state.js';
import type { NotebookDoc } from './doc-ops.js';
import type { RuntimeStore } from './runtime.js';
import { isAccessEvent } from '../sharing/access-events.js';

/** Runs again when the server compiled an older source than the one typed (its replica lagged). */
const MAX_SOURCE_RETRIES = 3;
const POLL_MS = 5000;

export class Runner {
  private poll = 0;
  private events: EventSource | null = null;
  private refreshing: Promise<void> | null = null;
  private runAllActive = false;
  /** Told when the notebook's sharing or marking changed (an 'access' event on the stream). */
  private accessHook: (() => void) | null = null;
  /** Chart cells run through their view, which knows the width they are drawn at. */
  private readonly charts = new Map<string, () => Promise<boolean>>();

  constructor(
    private readonly notebookId: string,
    private readonly doc: NotebookDoc,
    private readonly store: RuntimeStore,
    private readonly datasets: () => readonly string[],
  ) {}

  /** A chart cell's view says how to run it; returns the function that takes it back. */
  registerChart(cellId: string, run: () => Promise<boolean>): () => void {
    this.charts.set(cellId, run);
    return () => {
      if (this.charts.get(cellId) === run) this.charts.delete(cellId);
    };
  }

  /** Runs a SQL cell; resolves true when it produced a result. `sort` re-runs it sorted server-side. */
  async run(cellId: CellId, sort?: SortSpec): Promise<boolean> {
    const cell = this.doc.cell(cellId);
    if (cell?.kind === 'chart') return (await this.charts.get(cellId)?.()) ?? false;
    if (!cell || cell.kind !== 'sql') return false;
    const previous = this.store.get(cellId).running;
    if (previous) await this.cancel(cellId);
    for (let attempt = 0; ; attempt++) {
      const queryId = newQueryId();
      const hash = sourceHash(cell.text.toString());
      this.store.dispatch(cellId, { type: 'start', queryId, startedAt: performance.now(), sort });
      let ok = false;
      let error: ApiError | undefined;
      try {
        const page = await runCell(this.notebookId, cellId, { queryId, sort });
        if (this.store.get(cellId).running?.queryId !== queryId) return false;
        this.store.dispatch(cellId, { type: 'succeeded', page, sort });
        ok = true;
      } catch (err) {
        error = err instanceof ApiError ? err : new ApiError(0, { message: (err as Error).message });
        if (this.store.get(cellId).running?.queryId !== queryId) return false;
      }
      // A cell added a moment ago may not have reached the server's replica yet.
      if (error?.status === 404 && attempt < MAX_SOURCE_RETRIES && this.doc.cell(cellId)) {
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
      const record = await this.refreshRecord(cellId);
      // The server runs its replica of the document; when it had not yet received the latest
      // keystrokes, the record shows an older source hash. Run again rather than show a stale result.
      if (record && record.inputs[cellId] !== undefined && record.inputs[cellId] !== hash && attempt < MAX_SOURCE_RETRIES && hash === sourceHash(cell.text.toString())) {
        await new Promise((r) => setTimeout(r, 150 * (attempt + 1)));
        continue;
      }
      if (!ok && error) {
        const cancelled = this.store.get(cellId).running?.cancelling || error.detail.kind === 'cancelled';
        this.store.dispatch(cellId, { type: 'failed', error: cancelled ? { ...error.detail, kind: 'cancelled' } : error.detail });
      }
      return ok;
    }
  }

  /** Stops a running cell (server-side). */
  async cancel(cellId: CellId): Promise<void> {
    const running = this.store.get(cellId).running;
    if (!running) return;
    this.store.dispatch(cellId, { type: 'cancelling' });
    await cancelQuery(running.queryId);
  }

  /** Runs every SQL cell, each after the cells it reads, then the charts. Continues past errors. */
  async runAll(): Promise<void> {
    if (this.runAllActive) return;
    this.runAllActive = true;
    try {
      const graph = buildGraph(this.doc.data(), new Set(this.datasets().map((d) => d.toLowerCase())));
      for (const id of runOrder(graph)) {
        if (!this.runAllActive) break;
        await this.run(id);
      }
      // Charts last: they read the cells above.
      for (const c of this.doc.cells()) {
        if (!this.runAllActive) break;
        if (c.kind === 'chart') await this.run(c.id);
      }
    } finally {
      this.runAllActive = false;
    }
  }

  /** Stops Run all after the current cell, and cancels every running cell. */
  async stopAll(): Promise<void> {
    this.runAllActive = false;
    await Promise.all(this.doc.cells().map((c) => this.cancel(c.id)));
  }

  isRunningAll(): boolean {
    return this.runAllActive;
  }

  /** Loads the latest run records and fetches the results not yet on screen. */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.load().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** Polls the run records while the page is visible (when the event stream is unavailable). */
  private startPolling(): void {
    this.poll = window.setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, POLL_MS);
  }

  /** Calls `hook` whenever the server says the notebook's sharing or marking changed. */
  onAccessChange(hook: () => void): void {
    this.accessHook = hook;
  }

  destroy(): void {
    this.accessHook = null;
    this.events?.close();
    clearInterval(this.poll);
    this.runAllActive = false;
  }

  private async refreshRecord(cellId: string): Promise<RunRecord | undefined> {
    try {
      const runs = await getRuns(this.notebookId);
      const record = runs.get(cellId);
      if (record) this.store.dispatch(cellId, { type: 'record', record });
      return record;
    } catch {
      return undefined;
    }
  }

  private async load(): Promise<void> {
    let runs: Map<string, RunRecord>;
    try {
      runs = await getRuns(this.notebookId);
    } catch {
      return;
    }
    await Promise.all([...runs].map(([cellId, record]) => this.apply(cellId, record)));
  }

  /** Takes in a run record (from the list or the event stream): shows its result or error unless we are running the cell. */
  private async apply(cellId: string, record: RunRecord): Promise<void> {
    const before = this.store.get(cellId);
    const isNew = before.record?.ranAt !== record.ranAt || before.record?.resultId !== record.resultId;
    if (!isNew && (before.output || before.error)) return;
    this.store.dispatch(cellId, { type: 'record', record });
    if (before.running) return;
    if (record.status === 'error' && record.error) {
      this.store.dispatch(cellId, { type: 'failed', error: record.error });
    } else if (needsFetch(this.store.get(cellId), record)) {
      await this.fetchResult(cellId, record.resultId!);
    }
  }

  /**
   * Follows the notebook's run events (server-sent): other people's runs start and finish
   * here as they happen. Falls back to polling the run list when the stream is unavailable.
   */
  follow(): void {
    if (typeof EventSource === 'undefined') return this.startPolling();
    const source = new EventSource(`/api/notebooks/${encodeURIComponent(this.notebookId)}/events`);
    this.events = source;
    let opened = false;
    source.addEventListener('open', () => {
      // Events missed while disconnected: catch up from the list.
      if (opened) void this.refresh();
      opened = true;
    });
    source.addEventListener('error', () => {
      if (!opened && source.readyState === EventSource.CLOSED) {
        this.events = null;
        this.startPolling();
      }
    });
    source.addEventListener('run', (e) => {
      const data = (e as MessageEvent<string>).data;
      if (isAccessEvent(data)) {
        this.accessHook?.();
        return;
      }
      const event = parseRunEvent(data);
      if (!event) return;
      if (event.type === 'started') {
        if (this.store.get(event.cellId).running?.queryId === event.queryId) return;
        // Server time → this page's clock, so the elapsed time counts from the real start.
        const ago = event.startedAt ? Date.now() - Date.parse(event.startedAt) : 0;
        this.store.dispatch(event.cellId, { type: 'remoteStarted', ranBy: event.ranBy, at: performance.now() - (Number.isFinite(ago) ? Math.max(0, ago) : 0) });
      } else {
        this.store.dispatch(event.run.cellId, { type: 'remoteFinished' });
        void this.apply(event.run.cellId, event.run);
      }
    });
  }

  private async fetchResult(cellId: string, resultId: string): Promise<void> {
    this.store.dispatch(cellId, { type: 'loading' });
    try {
      const page = await fetchResultPage(resultId);
      this.store.dispatch(cellId, { type: 'loaded', page });
    } catch (err) {
      const detail = err instanceof ApiError ? err.detail : { message: (err as Error).message };
      this.store.dispatch(cellId, { type: 'loadFailed', error: { ...detail, kind: 'result-unavailable' } });
    }
  }
}
