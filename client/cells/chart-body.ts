/**
 * A chart cell: the chart, what it summarises, its builder, its spec as code on demand, and
 * exports. The spec lives in the cell's shared text (JSON, core/chart/spec.ts); the builder
 * writes it there, co-editors see the change live, and this page re-runs the chart when the
 * change alters its data. The data is the server's aggregation of the source, never its rows.
 * A reader's page (ctx.readOnly) never runs the chart: it shows the stored result only.
 */
import * as Y from 'yjs';
import type { CellId } from '../../core/ids.js';
import { sourceHash } from '../../core/notebook/source-hash.js';
import { serializeChartSpec, type ChartSpec } from '../../core/chart/spec.js';
import { normaliseChart } from '../../core/chart/validate.js';
import { prepareChartData } from '../../core/chart/data.js';
import { suggestChart } from '../../core/chart/suggest.js';
import type { ChartColumn } from '../../core/chart/fields.js';
import { h, icon, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { isStale, type CellState } from '../notebook/cell-state.js';
import { ChartBuilder } from '../charts/builder.js';
import { ChartCanvas } from '../charts/chart-canvas.js';
import type { FieldProblem } from '../charts/chart-api.js';
import { runChart } from '../charts/chart-run.js';
import { datasetColumns, loadDatasetColumns } from '../charts/dataset-columns.js';
import { dataKey, setSource } from '../charts/spec-edit.js';
import { ResizeRerun, resizeNeedsRerun } from '../charts/resize-rerun.js';
import { writeText } from '../charts/spec-text.js';
import { takeFreshChart } from '../charts/fresh.js';
import { ChartMenu } from '../charts/chart-menu.js';
import { chartProblems, ProblemsBox } from '../charts/chart-problems.js';
import { RunStatus, summaryParts } from '../charts/chart-status.js';
import { RUN_DELAY_MS, RunSchedule } from '../charts/run-schedule.js';
import { safeParse, SpecVersions, type ParsedSpec } from '../charts/spec-versions.js';
import type { CellBody, CellContext } from './context.js';
import { ChartSpecEditor } from './chart-spec-editor.js';
import '../styles/charts.css';

/** The source columns each chart's last run reported, by cell; kept across re-created views. */
const reportedColumns = new Map<string, { source: string; columns: ChartColumn[] }>();

export class ChartBody implements CellBody {
  readonly element: HTMLElement;
  private readonly canvas: ChartCanvas;
  private readonly builder: ChartBuilder;
  private readonly menu: ChartMenu;
  private readonly summary: HTMLElement;
  private readonly status: RunStatus;
  private readonly problems: ProblemsBox;
  private readonly code: ChartSpecEditor;
  private readonly layout: HTMLElement;
  private readonly builderToggle: HTMLButtonElement;
  private readonly codeToggle: HTMLButtonElement;
  private readonly versions: SpecVersions;
  private readonly runs = new RunSchedule(() => void this.run());
  /** The data key of the latest spec text that parsed: a change of it re-runs the chart. */
  private textKey: string | null = null;
  /** The options at fault named by this page's latest failed run. */
  private runFields: FieldProblem[] = [];
  /** The width this page's last successful run computed the data for. */
  private dataWidth: number | null = null;
  private readonly resizeRerun = new ResizeRerun((width) => this.rerunForWidth(width));
  private frame = 0;
  private ready = false;
  private destroyed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly ctx: CellContext,
    private readonly cellId: CellId,
    private readonly text: Y.Text,
  ) {
    const readOnly = ctx.readOnly;
    this.versions = new SpecVersions(cellId);
    this.canvas = new ChartCanvas(`chart-${cellId}`, (width) => this.resizeRerun.widthChanged(width));
    this.builder = new ChartBuilder(`cb-${cellId}`, {
      sources: () => this.sources(),
      apply: (edit) => {
        const parsed = this.parse();
        if (parsed.ok) this.write(edit(parsed.spec));
      },
      changeSource: (source) => void this.changeSource(source),
      readOnly: () => this.ctx.readOnly,
    });
    this.menu = new ChartMenu(() => this.canvas.figure(), () => this.exportName());
    this.summary = h('div', { class: 'chart-summary', 'data-testid': 'chart-summary' });
    this.status = new RunStatus(readOnly ? null : () => void this.ctx.runner.cancel(this.cellId));
    this.problems = new ProblemsBox(readOnly ? null : (source) => void this.changeSource(source));
    this.code = new ChartSpecEditor({
      text,
      awareness: ctx.session.awareness,
      readOnly,
      onRun: () => void this.run(),
      onEscape: () => this.ctx.select(this.cellId, true),
      onFocus: () => this.ctx.select(this.cellId, false),
    });
    // Readers are not offered a run: the server would refuse it (403).
    const run = readOnly ? null : h('button', { type: 'button', class: 'icon-button', title: t('chart.run'), 'aria-label': t('chart.run'), 'data-testid': 'chart-run' }, icon('refresh', 15));
    run?.addEventListener('click', () => void this.run());
    this.builderToggle = h('button', { type: 'button', class: 'button small ghost chart-toggle', 'aria-pressed': 'false', 'data-testid': 'chart-builder-toggle', title: t('chart.builderTitle') }, icon('edit', 13), t('chart.builderToggle'));
    this.builderToggle.addEventListener('click', () => this.showBuilder(!this.layout.classList.contains('with-builder')));
    this.codeToggle = h('button', { type: 'button', class: 'button small ghost chart-toggle', 'aria-pressed': 'false', 'data-testid': 'chart-code-toggle', title: t('chart.codeTitle') }, icon('sql', 13), t('chart.code'));
    this.codeToggle.addEventListener('click', () => this.showCode(!this.code.shown));
    const bar = h('div', { class: 'chart-bar' }, this.summary, h('div', { class: 'chart-actions' }, run, this.builderToggle, this.codeToggle, this.menu.element));
    const stage = h('div', { class: 'chart-stage' }, this.status.element, this.problems.element, this.canvas.element);
    this.layout = h('div', { class: 'chart-layout' }, stage, this.builder.element);
    this.element = h('div', { class: 'cell-body chart-body' }, bar, this.layout, this.code.element);
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || e.shiftKey) && (e.target as HTMLElement).closest('.chart-builder')) {
        e.preventDefault();
        void this.run();
      }
    });

    const initial = text.toString();
    this.versions.remember(initial);
    const parsed = this.parse();
    this.textKey = parsed.ok ? dataKey(parsed.spec) : null;
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
      if (sourceWasRunning && !running && source && ctx.store.get(source).output && !ctx.store.get(source).error && !ctx.runner.isRunningAll() && this.isStale()) this.runs.after(0);
      sourceWasRunning = running;
      this.schedule();
    }));
    this.cleanups.push(ctx.runner.registerChart(cellId, () => this.run()));
    if (takeFreshChart(cellId) && !readOnly) this.showBuilder(true);
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
    this.code.focus();
  }

  isEditing(): boolean {
    return this.code.hasFocus || this.builder.element.contains(document.activeElement);
  }

  destroy(): void {
    this.destroyed = true;
    this.runs.cancel();
    this.resizeRerun.cancel();
    this.status.destroy();
    cancelAnimationFrame(this.frame);
    for (const c of this.cleanups.splice(0)) c();
    this.canvas.destroy();
    this.menu.destroy();
    this.code.destroy();
  }

  /** Runs the chart now at the canvas's width; true when it drew data. Never on a reader's page. */
  async run(): Promise<boolean> {
    this.runs.cancel();
    if (this.ctx.readOnly || this.destroyed) return false;
    const parsed = this.parse();
    if (!parsed.ok) return false;
    const width = this.canvas.drawWidth();
    const outcome = await runChart(
      { notebookId: this.ctx.session.notebookId, cellId: this.cellId, store: this.ctx.store, currentText: () => this.text.toString() },
      width,
    );
    if (this.destroyed || outcome.ok === null) return false;
    if (outcome.ok) {
      this.runFields = [];
      this.dataWidth = width;
      const spec = safeParse(outcome.specText);
      if (outcome.run.meta && spec) reportedColumns.set(this.cellId, { source: spec.source, columns: outcome.run.meta.columns });
      if (outcome.run.page.resultId) this.versions.ownResult(outcome.run.page.resultId, outcome.specText);
      this.summary.title = outcome.run.meta?.note ?? '';
    } else {
      this.runFields = outcome.fields;
      this.versions.ownFailure(this.ctx.store.get(this.cellId).error, outcome.specText);
    }
    this.schedule();
    return outcome.ok;
  }

  /** The container settled at `width`: re-run when the data was computed for a much different one. */
  private rerunForWidth(width: number): void {
    const parsed = this.parse();
    const state = this.ctx.store.get(this.cellId);
    if (this.destroyed || this.ctx.readOnly || !parsed.ok || this.dataWidth === null || state.running || !state.output) return;
    const columns = this.columnsFor(parsed.spec.source);
    const norm = columns ? normaliseChart(parsed.spec, columns) : null;
    if (norm?.ok && resizeNeedsRerun(norm.spec, this.dataWidth, width)) void this.run();
  }

  private onText(local: boolean): void {
    this.versions.remember(this.text.toString());
    this.runs.textChanged();
    const parsed = this.parse();
    // Compared with the last text that parsed: an invalid text in between (while typing) is no change.
    const key = parsed.ok ? dataKey(parsed.spec) : null;
    const changed = key !== null && key !== this.textKey;
    if (key !== null) this.textKey = key;
    if (changed) this.runFields = [];
    // Only the page that made the change runs it: co-editors get the result from the server.
    if (local && changed && !this.ctx.readOnly) this.runs.after(RUN_DELAY_MS);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame || this.destroyed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private parse(): ParsedSpec {
    return this.versions.parse(this.text.toString());
  }

  private render(): void {
    if (this.destroyed) return;
    const state = this.ctx.store.get(this.cellId);
    const parsed = this.parse();
    const spec = parsed.ok ? parsed.spec : null;
    const columns = spec ? this.columnsFor(spec.source) : null;
    const sources = this.sources();
    const problems = chartProblems({ parsed, sources, columns, serverError: spec ? this.serverError(state, spec) : null, serverFields: this.runFields });
    this.builder.update({ spec, columns, problems });
    this.problems.show(problems, sources, Boolean(state.running));

    const drawn = spec && problems.length === 0 ? this.drawable(state, spec, columns) : null;
    if (drawn) this.canvas.show(drawn.input);
    else if (problems.length > 0 && !state.running) this.canvas.show(null);
    const busy = Boolean(state.running || state.loading || state.remote);
    this.canvas.element.classList.toggle('dimmed', busy || problems.length > 0);
    replaceChildren(this.summary, ...summaryParts(spec, drawn, state));

    const idle = this.ready && !drawn && parsed.ok && problems.length === 0 && !busy;
    // A reader sees the stored result only; say so when none fits the spec on screen.
    this.status.show(state, idle && this.ctx.readOnly ? t('chart.noStoredResult') : null);
    // Nothing to show for the spec on screen and nobody at work on it: run it.
    if (idle && !this.ctx.readOnly) this.runs.auto();
  }

  /**
   * The server's error, when it concerns the spec on screen: an error about an older version
   * of its data (before the source was changed, say) is not shown, and does not stop the run
   * for the new one. An error this page cannot place is shown.
   */
  private serverError(state: CellState, spec: ChartSpec) {
    const error = state.error;
    if (!error || state.running || error.kind === 'cancelled' || error.kind === 'result-unavailable') return null;
    const text = this.versions.errorText(state);
    const erred = text === null ? null : safeParse(text);
    return erred && dataKey(erred) !== dataKey(spec) ? null : error;
  }

  /** The chart to draw from the result on screen, with the spec that result was computed for. */
  private drawable(state: CellState, spec: ChartSpec, columns: readonly ChartColumn[] | null) {
    const page = state.output?.page;
    if (!page || !columns) return null;
    const dataText = this.versions.resultText(state);
    if (dataText === null) return null;
    const dataSpec = safeParse(dataText);
    if (!dataSpec) return null;
    // Titles, labels and scales change the drawing only: draw them from the spec on screen.
    if (dataKey(dataSpec) !== dataKey(spec)) return null;
    const norm = normaliseChart(spec, columns);
    if (!norm.ok) return null;
    const prepared = prepareChartData(page.table);
    return {
      input: { chart: norm.spec, table: page.table, key: `${page.resultId ?? ''}|${JSON.stringify(norm.spec)}` },
      summarised: prepared.summarised,
      marks: prepared.marks,
    };
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
    const spec = this.versions.lastGood;
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
    if (this.ctx.readOnly) return;
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
    this.code.show(show);
    this.codeToggle.setAttribute('aria-pressed', String(show));
  }

  private exportName(): { title: string | undefined; fallback: string } {
    const spec = this.versions.lastGood;
    return { title: spec?.title, fallback: spec ? `chart-${spec.source}` : 'chart' };
  }
}
