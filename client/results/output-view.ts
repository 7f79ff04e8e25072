/**
 * Under a SQL cell: the running indicator, the error, or the result with its facts
 * (rows, time, truncation), download links, sorting and copy. An editor's sort runs the
 * cell again sorted on the server; a reader's sorts the rows already here (local-sort.ts).
 */
import { h, icon, replaceChildren } from '../ui/dom.js';
import { formatDuration, t } from '../i18n/index.js';
import { copyText, toast } from '../ui/toast.js';
import { downloadResult, downloadUrl, type ResultPage, type SortSpec } from '../api/query.js';
import type { CellOutput, CellState } from '../notebook/cell-state.js';
import { ResultTable, type CellRef } from './result-table.js';
import { sortedOrder } from './local-sort.js';

export interface OutputCallbacks {
  onCancel(): void;
  /** Runs the cell again sorted by the server (undefined: in the query's own order). */
  onSort(sort: SortSpec | undefined): void;
  /** True when sorting may not run anything (a reader): the view then sorts the rows it holds. */
  sortsLocally?(): boolean;
  /** "Chart this": a chart of the result in a new cell; the button shows when given. */
  onChart?(): void;
}

/** "1,234 rows", "first 100,000 rows (more not shown)", "first 1,000 of 52,000 rows". Pure over the page. */
export function rowSummary(page: Pick<ResultPage, 'rowCount' | 'truncated'> & { shown: number }): string {
  if (page.shown < page.rowCount) return t('results.firstOf', { shown: page.shown, total: page.rowCount });
  if (page.truncated) return t('results.firstMore', { shown: page.shown });
  if (page.shown === 0) return t('results.noRows');
  return page.shown === 1 ? t('results.oneRow') : t('results.rows', { count: page.shown });
}

export class OutputView {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly tableHost: HTMLElement;
  private table: ResultTable | null = null;
  private shownPage: ResultPage | null = null;
  private ticker = 0;
  private selected: CellRef | undefined;
  private readonly selectionInfo: HTMLElement;
  /** A sort made in the browser (a reader's); kept across new results that still have its column. */
  private localSort: SortSpec | undefined;
  /** The output on screen, for sorting it again. */
  private output: CellOutput | undefined;

  constructor(private readonly callbacks: OutputCallbacks) {
    this.status = h('div', { class: 'run-status', 'aria-live': 'polite' });
    this.errorBox = h('div', { class: 'cell-error', role: 'alert' });
    this.meta = h('div', { class: 'result-meta' });
    this.selectionInfo = h('span', { class: 'selection-info' });
    this.tableHost = h('div', { class: 'result-host' });
    this.element = h('div', { class: 'cell-output' }, this.status, this.errorBox, this.meta, this.tableHost);
    this.element.addEventListener('copy-cell', () => void this.copySelected());
  }

  /** Shows a cell's runtime state. */
  render(state: CellState): void {
    this.renderStatus(state);
    const error = state.error;
    if (error && error.kind !== 'cancelled') {
      // A stored result that is gone (server restarted, results expired) is not the analyst's error.
      const unavailable = error.kind === 'result-unavailable';
      const message = unavailable ? (error.status === 404 ? t('results.expired') : t('results.loadFailed', { message: error.message })) : error.message;
      this.errorBox.classList.toggle('notice', unavailable);
      replaceChildren(this.errorBox, icon('alert', 15), h('pre', { class: 'error-message' }, message));
      this.errorBox.hidden = false;
      this.errorBox.classList.toggle('dimmed', Boolean(state.running));
    } else {
      this.errorBox.hidden = true;
      replaceChildren(this.errorBox);
    }
    const output = state.output;
    if (!output) {
      this.clearTable();
      return;
    }
    this.output = output;
    if (output.page !== this.shownPage) {
      this.shownPage = output.page;
      if (!this.table) {
        this.table = new ResultTable({ onSort: (s) => this.sort(s), onSelect: (c) => this.onSelect(c) });
        replaceChildren(this.tableHost, this.table.element);
      }
      if (this.localSort && !output.page.columns.some((c) => c.name === this.localSort!.column)) this.localSort = undefined;
      this.showData(output);
    }
    this.tableHost.classList.toggle('dimmed', Boolean(state.running || state.loading || state.remote));
    this.renderMeta(output.page, this.localSort ?? output.sort);
  }

  private sort(next: SortSpec | undefined): void {
    if (!this.callbacks.sortsLocally?.()) {
      this.localSort = undefined;
      this.callbacks.onSort(next);
      return;
    }
    this.localSort = next;
    if (!this.output) return;
    this.showData(this.output);
    this.renderMeta(this.output.page, next ?? this.output.sort);
  }

  /** Gives the table the page, in the browser's order when sorted here. */
  private showData(output: CellOutput): void {
    const { page } = output;
    const local = this.localSort;
    const col = local ? page.columns.findIndex((c) => c.name === local.column) : -1;
    const order = local && col >= 0 ? sortedOrder(page.table, col, local.desc === true) : undefined;
    this.selected = undefined;
    this.table!.setData(page.table, page.columns, local ?? output.sort, order);
  }

  destroy(): void {
    clearInterval(this.ticker);
    this.table?.destroy();
  }

  private renderStatus(state: CellState): void {
    clearInterval(this.ticker);
    this.ticker = 0;
    const running = state.running;
    const remote = state.remote;
    if (!running && remote) {
      this.status.hidden = false;
      const label = h('span', { class: 'elapsed' });
      const tick = () => {
        const elapsed = formatDuration(performance.now() - remote.startedAt);
        label.textContent = remote.ranBy ? t('cell.runningBy', { who: remote.ranBy, elapsed }) : t('cell.running', { elapsed });
      };
      tick();
      this.ticker = window.setInterval(tick, 100);
      replaceChildren(this.status, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label);
      return;
    }
    if (!running) {
      const cancelled = state.error?.kind === 'cancelled';
      replaceChildren(this.status, cancelled ? h('span', { class: 'muted' }, t('cell.cancelled')) : state.loading ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null);
      this.status.hidden = !cancelled && !state.loading;
      return;
    }
    this.status.hidden = false;
    const label = h('span', { class: 'elapsed' });
    const tick = () => {
      label.textContent = running.cancelling ? t('cell.cancelling') : t('cell.running', { elapsed: formatDuration(performance.now() - running.startedAt) });
    };
    tick();
    this.ticker = window.setInterval(tick, 100);
    const cancel = h('button', { type: 'button', class: 'button small', 'data-testid': 'cancel-run', disabled: running.cancelling }, icon('stop', 12), t('cell.cancel'));
    cancel.addEventListener('click', () => this.callbacks.onCancel());
    replaceChildren(this.status, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label, cancel);
  }

  private renderMeta(page: ResultPage, sort: SortSpec | undefined): void {
    const facts: (string | Node)[] = [h('span', { class: 'row-count', 'data-testid': 'row-count' }, rowSummary({ ...page, shown: page.table.numRows }))];
    if (page.elapsedMs !== undefined) facts.push(h('span', { class: 'muted' }, formatDuration(page.elapsedMs)));
    if (sort) {
      const column = `${sort.column} ${sort.desc ? '↓' : '↑'}`;
      if (sort !== this.localSort) facts.push(h('span', { class: 'muted' }, t('results.sortedBy', { column })));
      else {
        // Rows a truncated query never returned cannot be sorted in: say it is these rows only.
        const text = page.truncated ? t('results.sortedHereHeld', { column, shown: page.table.numRows }) : t('results.sortedHere', { column });
        facts.push(h('span', { class: 'muted', title: t('results.sortHereTitle'), 'data-testid': 'sorted-here' }, text));
      }
    }
    const resultId = page.resultId;
    const link = (format: 'csv' | 'parquet') => {
      const a = h('a', { href: downloadUrl(resultId!, format), class: 'link-button', 'data-format': format }, t(format === 'csv' ? 'results.downloadCsv' : 'results.downloadParquet'));
      a.addEventListener('click', (e) => {
        e.preventDefault();
        downloadResult(resultId!, format).catch((err: Error) => toast(t('results.downloadFailed', { message: err.message }), 'error'));
      });
      return a;
    };
    const downloads = resultId ? h('span', { class: 'downloads', title: t('results.download') }, icon('download', 14), link('csv'), link('parquet')) : null;
    const onChart = this.callbacks.onChart;
    const chart = onChart && page.columns.length > 0 ? h('button', { type: 'button', class: 'link-button chart-this', title: t('chart.thisTitle'), 'data-testid': 'chart-this' }, icon('chart', 14), t('chart.this')) : null;
    chart?.addEventListener('click', () => onChart!());
    replaceChildren(this.meta, h('div', { class: 'facts' }, ...facts), this.selectionInfo, downloads, chart);
    this.renderSelection();
  }

  private onSelect(cell: CellRef | undefined): void {
    this.selected = cell;
    this.renderSelection();
  }

  private renderSelection(): void {
    const cell = this.selected;
    if (!cell || !this.table) {
      replaceChildren(this.selectionInfo);
      return;
    }
    const copy = h('button', { type: 'button', class: 'link-button', title: t('results.copyTitle') }, icon('copy', 13), t('results.copy'));
    copy.addEventListener('click', () => void this.copySelected());
    replaceChildren(this.selectionInfo, h('span', { class: 'muted' }, t('results.selected', { row: cell.row + 1, column: this.table.columnName(cell.col) })), copy);
  }

  private async copySelected(): Promise<void> {
    if (!this.selected || !this.table) return;
    if (await copyText(this.table.rawText(this.selected))) toast(t('results.copied'));
  }

  private clearTable(): void {
    this.table?.destroy();
    this.table = null;
    this.shownPage = null;
    this.output = undefined;
    this.selected = undefined;
    replaceChildren(this.tableHost);
    replaceChildren(this.meta);
  }
}
