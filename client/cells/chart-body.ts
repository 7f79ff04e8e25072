/**
 * A chart cell: the chart, what it summarises, its builder, its spec as code on demand, and
 * exports. The spec lives in the cell's shared text (JSON, core/chart/spec.ts); the builder
 * writes it there, co-editors see the change live, and this page re-runs the chart when the
 * change alters its data. The data is the server's aggregation of the source, never its rows.
 */
import * as Y from 'yjs';
import type { EditorView } from '@codemirror/view';
import type { CellId } from '../../core/ids.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { parseChartSpec, serializeChartSpec, ChartSpecError, type ChartSpec } from '../../core/chart/spec.js';
import { normaliseChart } from '../../core/chart/validate.js';
import { prepareChartData } from '../../core/chart/data.js';
import { suggestChart } from '../../core/chart/suggest.js';
import type { ChartColumn } from '../../core/chart/fields.js';
import { h, icon, replaceChildren } from '../ui/dom.js';
import { formatDuration, t } from '../i18n/index.js';
import { isStale, type CellState } from '../notebook/cell-state.js';
import { ChartBuilder } from '../charts/builder.js';
import { ChartCanvas } from '../charts/chart-canvas.js';
import { fieldsInMessage, type FieldProblem } from '../charts/chart-api.js';
import { runChart } from '../charts/chart-run.js';
import { datasetColumns, loadDatasetColumns } from '../charts/dataset-columns.js';
import { dataKey, setSource } from '../charts/spec-edit.js';
import { writeText } from '../charts/spec-text.js';
import { takeFreshChart } from '../charts/fresh.js';
import { ChartMenu } from '../charts/chart-menu.js';
import type { CellBody, CellContext } from './context.js';
import '../styles/charts.css';
import { createPlainEditor } from './editor.js';

/** A builder change re-runs the chart after this pause (a burst of changes runs once). */
const RUN_DELAY_MS = 350;
/** Spec versions remembered by hash, to draw another user's result with the spec it was computed for. */
const MAX_SEEN = 200;
const MAX_AUTO_RUNS = 3;

/** The source columns each chart's last run reported, by cell; kept across re-created views. */
const reportedColumns = new Map<string, { source: string; columns: ChartColumn[] }>();

type Parsed = { ok: true; spec: ChartSpec } | { ok: false; problem: FieldProblem; line?: number };

export class ChartBody implements CellBody {
  readonly element: HTMLElement;
  private readonly canvas: ChartCanvas;
  private readonly builder: ChartBuilder;
  private readonly menu: ChartMenu;
  private readonly summary: HTMLElement;
  private readonly status: HTMLElement;
  private readonly problemsBox: HTMLElement;
  private readonly codeHost: HTMLElement;
  private readonly layout: HTMLElement;
  private readonly builderToggle: HTMLButtonElement;
  private readonly codeToggle: HTMLButtonElement;
  private code: { view: EditorView; undo: Y.UndoManager } | null = null;
  private parsed: { text: string; result: Parsed } | null = null;
  private lastGood: ChartSpec | null = null;
  private readonly seen = new Map<string, string>();
  private readonly ownResults = new Map<string, string>();
  private runFields: FieldProblem[] = [];
  private runTimer = 0;
  private frame = 0;
  private ready = false;
  private wanted = false;
  /** Runs started by this view on its own since the text last changed: bounded, so nothing can loop. */
  private autoRuns = 0;
  private destroyed = false;
  private ticker = 0;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly ctx: CellContext,
    private readonly cellId: CellId,
    private readonly text: Y.Text,
  ) {
    this.canvas = new ChartCanvas(`chart-${cellId}`);
    this.builder = new ChartBuilder(`cb-${cellId}`, {
      sources: () => this.sources(),
      apply: (edit) => {
        const parsed = this.parse();
        if (parsed.ok) this.write(edit(parsed.spec));
      },
      changeSource: (source) => void this.changeSource(source),
    });
    this.menu = new ChartMenu(() => this.canvas.figure(), () => this.exportName());
    this.summary = h('div', { class: 'chart-summary', 'data-testid': 'chart-summary' });
    this.status = h('div', { class: 'chart-status', 'aria-live': 'polite', hidden: true });
    this.problemsBox = h('div', { class: 'cell-error chart-problems', role: 'alert', hidden: true, 'data-testid': 'chart-problems' });
    this.codeHost = h('div', { class: 'cell-editor chart-code', hidden: true });
    const run = h('button', { type: 'button', class: 'icon-button', title: t('chart.run'), 'aria-label': t('chart.run'), 'data-testid': 'chart-run' }, icon('refresh', 15));
    run.addEventListener('click', () => void this.run());
    this.builderToggle = h('button', { type: 'button', class: 'button small ghost chart-toggle', 'aria-pressed': 'false', 'data-testid': 'chart-builder-toggle', title: t('chart.builderTitle') }, icon('edit', 13), t('chart.builderToggle'));
    this.builderToggle.addEventListener('click', () => this.showBuilder(!this.layout.classList.contains('with-builder')));
    this.codeToggle = h('button', { type: 'button', class: 'button small ghost chart-toggle', 'aria-pressed': 'false', 'data-testid': 'chart-code-toggle', title: t('chart.codeTitle') }, icon('sql', 13), t('chart.code'));
    this.codeToggle.addEventListener('click', () => this.showCode(this.codeHost.hidden));
    const bar = h('div', { class: 'chart-bar' }, this.summary, h('div', { class: 'chart-actions' }, run, this.builderToggle, this.codeToggle, this.menu.element));
    const stage = h('div', { class: 'chart-stage' }, this.status, this.problemsBox, this.canvas.element);
    this.layout = h('div', { class: 'chart-layout' }, stage, this.builder.element);
    this.element = h('div', { class: 'cell-body chart-body' }, bar, this.layout, this.codeHost);
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || e.shiftKey) && (e.target as HTMLElement).closest('.chart-builder')) {
        e.preventDefault();
        void this.run();
      }
    });

    this.remember(text.toString());
    const onText = (event: Y.YTextEvent) => this.onText(event.transaction.local);
    text.observe(onText);
    this.cleanups.push(() => text.unobserve(onText));
    this.cleanups.push(ctx.store.subscribe(cellId, () => this.schedule()));
    // Another cell's change (the source's result arrived, a cell renamed) may change what shows.
    let sourceWasRunning = false;
    this.cleanups.push(ctx.store.onAny(() => {
      const source = this.sourceCellId();
      const running = source ? Boolean(ctx.store.get(source).running) : false;
      // The source just ran here and succeeded: the chart follows it, when what it was drawn
      // from has changed since ("Run all" runs the charts itself, after every SQL cell).
      if (sourceWasRunning && !running && source && ctx.store.get(source).output && !ctx.store.get(source).error && !ctx.runner.isRunningAll() && this.isStale()) this.scheduleRun(0);
      sourceWasRunning = running;
      this.schedule();
    }));
    this.cleanups.push(ctx.runner.registerChart(cellId, () => this.run()));
    if (takeFreshChart(cellId)) this.showBuilder(true);
    // Results of earlier runs load with the notebook; decide whether to run once they are in.
    queueMicrotask(() => {
      void ctx.runner.refresh().finally(() => {
        if (this.destroyed) return;
        this.ready = true;
        this.schedule();
      });
    });
    this.schedule();
  }

  edit(): void {
    this.showCode(true);
    this.code?.view.focus();
  }

  isEditing(): boolean {
    return Boolean(this.code?.view.hasFocus) || this.builder.element.contains(document.activeElement);
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.runTimer);
    clearInterval(this.ticker);
    cancelAnimationFrame(this.frame);
    for (const c of this.cleanups.splice(0)) c();
    this.canvas.destroy();
    this.menu.destroy();
    this.code?.view.destroy();
    this.code?.undo.destroy();
  }

  /** Runs the chart now at the canvas's width; true when it drew data. */
  async run(): Promise<boolean> {
    clearTimeout(this.runTimer);
    this.wanted = false;
    const parsed = this.parse();
    if (!parsed.ok) return false;
    const outcome = await runChart(
      { notebookId: this.ctx.session.notebookId, cellId: this.cellId, store: this.ctx.store, currentText: () => this.text.toString() },
      this.canvas.drawWidth(),
    );
    if (this.destroyed || outcome.ok === null) return false;
    if (outcome.ok) {
      this.runFields = [];
      const spec = safeParse(outcome.specText);
      if (outcome.run.meta && spec) reportedColumns.set(this.cellId, { source: spec.source, columns: outcome.run.meta.columns });
      if (outcome.run.page.resultId) this.ownResults.set(outcome.run.page.resultId, outcome.specText);
      this.summary.title = outcome.run.meta?.note ?? '';
    } else {
      this.runFields = outcome.fields;
    }
    this.schedule();
    return outcome.ok;
  }

  private onText(local: boolean): void {
    const before = this.parse();
    const beforeKey = before.ok ? dataKey(before.spec) : null;
    const text = this.text.toString();
    this.remember(text);
    this.autoRuns = 0;
    const after = this.parse();
    // Only the page that made the change runs it: co-editors get the result from the server.
    if (local && after.ok && dataKey(after.spec) !== beforeKey) this.scheduleRun(RUN_DELAY_MS);
    this.schedule();
  }

  private scheduleRun(ms: number): void {
    clearTimeout(this.runTimer);
    this.runTimer = window.setTimeout(() => void this.run(), ms);
  }

  private schedule(): void {
    if (this.frame || this.destroyed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private remember(text: string): void {
    this.seen.set(sourceHash(text), text);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
  }

  private parse(): Parsed {
    const text = this.text.toString();
    if (this.parsed?.text !== text) {
      let result: Parsed;
      try {
        result = { ok: true, spec: parseChartSpec(text) };
        this.lastGood = result.spec;
      } catch (e) {
        if (!(e instanceof ChartSpecError)) throw e;
        result = { ok: false, problem: { field: e.path === '' ? 'spec' : e.path.split('.')[0]!, message: e.message }, line: e.line };
      }
      this.parsed = { text, result };
    }
    return this.parsed.result;
  }

  private render(): void {
    if (this.destroyed) return;
    const state = this.ctx.store.get(this.cellId);
    const parsed = this.parse();
    const spec = parsed.ok ? parsed.spec : null;
    const columns = spec ? this.columnsFor(spec.source) : null;
    const problems: FieldProblem[] = [];
    if (!parsed.ok) problems.push(parsed.problem);
    else if (columns) {
      const norm = normaliseChart(parsed.spec, columns);
      if (!norm.ok) problems.push(...norm.errors);
    }
    // The server's verdict on the spec on screen (a missing source, a failing source query).
    const serverError = !state.running && state.error && state.error.kind !== 'cancelled' && state.error.kind !== 'result-unavailable' ? state.error : null;
    if (serverError && problems.length === 0) {
      const fields = this.runFields.length ? this.runFields : fieldsInMessage(serverError.message);
      problems.push(...(fields.length ? fields : [{ field: 'spec', message: serverError.message }]));
    }
    this.builder.update({ spec, columns, problems });
    this.renderProblems(problems, state);
    this.renderStatus(state);

    const drawn = spec && problems.length === 0 ? this.drawable(state, spec, columns) : null;
    if (drawn) this.canvas.show(drawn.input);
    else if (problems.length > 0 && !state.running) this.canvas.show(null);
    this.canvas.element.classList.toggle('dimmed', Boolean(state.running || state.loading || state.remote) || problems.length > 0);
    this.renderSummary(drawn?.summarised ?? null, drawn?.marks ?? null, state, spec);

    // Nothing to show for the spec on screen and nobody at work on it: run it.
    if (this.ready && !drawn && parsed.ok && problems.length === 0 && !state.running && !state.loading && !state.remote && !this.wanted && this.autoRuns < MAX_AUTO_RUNS) {
      this.wanted = true;
      this.autoRuns++;
      this.scheduleRun(0);
    }
  }

  /** The chart to draw from the result on screen, with the spec that result was computed for. */
  private drawable(state: CellState, spec: ChartSpec, columns: readonly ChartColumn[] | null) {
    const page = state.output?.page;
    if (!page || !columns) return null;
    const dataText = this.specTextOf(state);
    if (dataText === null) return null;
    const dataSpec = safeParse(dataText);
    if (!dataSpec) return null;
    // Titles, labels and scales change the drawing only: draw them from the spec on screen.
    const current = dataKey(dataSpec) === dataKey(spec);
    if (!current) return null;
    const norm = normaliseChart(spec, columns);
    if (!norm.ok) return null;
    const prepared = prepareChartData(page.table);
    return {
      input: { chart: norm.spec, table: page.table, key: `${page.resultId ?? ''}|${JSON.stringify(norm.spec)}` },
      summarised: prepared.summarised,
      marks: prepared.marks,
    };
  }

  /** The spec text a result was computed for, when this page knows it. */
  private specTextOf(state: CellState): string | null {
    const resultId = state.output?.page.resultId;
    if (!resultId) return null;
    const own = this.ownResults.get(resultId);
    if (own !== undefined) return own;
    const record = state.record;
    if (record?.resultId !== resultId) return null;
    const hash = record.inputs[this.cellId];
    return hash === undefined ? null : (this.seen.get(hash) ?? null);
  }

  private renderProblems(problems: readonly FieldProblem[], state: CellState): void {
    this.problemsBox.hidden = problems.length === 0;
    if (problems.length === 0) {
      replaceChildren(this.problemsBox);
      return;
    }
    replaceChildren(this.problemsBox, icon('alert', 15), h('div', null,
      h('p', { class: 'chart-problems-title' }, t('chart.problems')),
      h('ul', { class: 'chart-problem-list' }, ...problems.map((p) => h('li', { 'data-field': p.field }, p.message)))));
    this.problemsBox.classList.toggle('dimmed', Boolean(state.running));
  }

  private renderStatus(state: CellState): void {
    clearInterval(this.ticker);
    this.ticker = 0;
    const running = state.running;
    const remote = state.remote;
    if (!running && !remote) {
      this.status.hidden = true;
      replaceChildren(this.status);
      return;
    }
    this.status.hidden = false;
    const label = h('span', { class: 'elapsed' });
    const start = running ? running.startedAt : remote!.startedAt;
    const tick = () => {
      const elapsed = formatDuration(performance.now() - start);
      label.textContent = running ? t('cell.running', { elapsed }) : remote!.ranBy ? t('cell.runningBy', { who: remote!.ranBy, elapsed }) : t('cell.running', { elapsed });
    };
    tick();
    this.ticker = window.setInterval(tick, 250);
    const cancel = running ? h('button', { type: 'button', class: 'button small', 'data-testid': 'cancel-run' }, icon('stop', 12), t('cell.cancel')) : null;
    cancel?.addEventListener('click', () => void this.ctx.runner.cancel(this.cellId));
    replaceChildren(this.status, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label, cancel);
  }

  private renderSummary(summarised: number | null, marks: number | null, state: CellState, spec: ChartSpec | null): void {
    const parts: (string | Node)[] = [];
    if (spec) parts.push(h('span', { class: 'chart-source' }, t('chart.from', { source: spec.source })));
    if (summarised !== null) {
      parts.push(h('span', { class: 'chart-rows', 'data-testid': 'chart-rows' }, summarised === 1 ? t('chart.summarisesOne') : t('chart.summarises', { count: summarised })));
      const shown = state.output?.page.table.numRows ?? 0;
      if (marks !== null && marks > shown) parts.push(h('span', { class: 'muted' }, t('chart.capped', { shown, total: marks })));
      if (state.output?.page.elapsedMs !== undefined) parts.push(h('span', { class: 'muted' }, formatDuration(state.output.page.elapsedMs)));
    }
    replaceChildren(this.summary, ...parts);
  }

  /** The columns of the chart's source, from the last run, the source cell's result or the dataset list. */
  private columnsFor(source: string): ChartColumn[] | null {
    const key = source.toLowerCase();
    const reported = reportedColumns.get(this.cellId);
    if (reported && reported.source.toLowerCase() === key) return reported.columns;
    const cell = this.ctx.doc.cells().find((c) => c.kind === 'sql' && c.name?.toLowerCase() === key);
    if (cell) return this.ctx.store.get(cell.id).output?.page.columns ?? null;
    return datasetColumns(source, () => this.schedule());
  }

  /** Whether a cell that fed the chart's latest run (itself, its source, theirs) has changed since. */
  private isStale(): boolean {
    const record = this.ctx.store.get(this.cellId).record;
    if (!record) return true;
    return isStale(record, (id) => {
      const cell = this.ctx.doc.cell(id);
      return cell ? sourceHash(cell.text.toString()) : undefined;
    });
  }

  private sourceCellId(): CellId | undefined {
    const spec = this.lastGood;
    if (!spec) return undefined;
    const key = spec.source.toLowerCase();
    return this.ctx.doc.cells().find((c) => c.kind === 'sql' && c.name?.toLowerCase() === key)?.id;
  }

  private sources(): { cells: string[]; datasets: string[] } {
    return {
      cells: this.ctx.doc.cells().filter((c) => c.kind === 'sql' && c.name).map((c) => c.name!),
      datasets: [...this.ctx.datasets()].sort(),
    };
  }

  /** Writes a spec to the shared text: one transaction, this user's origin. */
  private write(next: ChartSpec): void {
    writeText(this.ctx.doc.doc, this.text, serializeChartSpec(next), this.ctx.doc.origin);
  }

  /** A new source; a dataset's columns are fetched first, so the spec can be fitted to them. */
  private async changeSource(source: string): Promise<void> {
    let columns = this.columnsFor(source);
    const isCell = this.ctx.doc.cells().some((c) => c.kind === 'sql' && c.name?.toLowerCase() === source.toLowerCase());
    if (!columns && !isCell) columns = await loadDatasetColumns(source);
    const parsed = this.parse();
    if (!parsed.ok || this.destroyed) return;
    this.write(setSource(parsed.spec, source, columns, suggestChart));
  }

  private showBuilder(show: boolean): void {
    this.layout.classList.toggle('with-builder', show);
    this.builderToggle.setAttribute('aria-pressed', String(show));
  }

  private showCode(show: boolean): void {
    this.codeHost.hidden = !show;
    this.codeToggle.setAttribute('aria-pressed', String(show));
    if (show && !this.code) {
      // Tracks only edits made in this editor (y-codemirror adds its own origin): never another user's.
      const undo = new Y.UndoManager(this.text, { trackedOrigins: new Set() });
      const view = createPlainEditor({
        parent: this.codeHost,
        text: this.text,
        awareness: this.ctx.session.awareness,
        undoManager: undo,
        label: t('chart.codeLabel'),
        onRun: () => void this.run(),
        onEscape: () => this.ctx.select(this.cellId, true),
        onFocus: () => this.ctx.select(this.cellId, false),
      });
      this.code = { view, undo };
    }
  }

  private exportName(): { title: string | undefined; fallback: string } {
    const spec = this.lastGood;
    return { title: spec?.title, fallback: spec ? `chart-${spec.source}` : 'chart' };
  }
}

function safeParse(text: string): ChartSpec | null {
  try {
    return parseChartSpec(text);
  } catch {
    return null;
  }
}

