/**
 * What a chart says about its data besides the drawing: while it runs, the time elapsed (and
 * who runs it) with Cancel for the page that started it; once drawn, how many rows it
 * summarises and how long that took; for a reader, that no stored result fits the spec.
 */
import type { ChartSpec } from '../../core/chart/spec.js';
import { h, icon, replaceChildren } from '../ui/dom.js';
import { formatDuration, t } from '../i18n/index.js';
import type { CellState } from '../notebook/cell-state.js';

/** The running line above a chart. */
export class RunStatus {
  readonly element: HTMLElement;
  private ticker = 0;

  /** `cancel` stops this page's run; null for readers (who never run). */
  constructor(private readonly cancel: (() => void) | null) {
    this.element = h('div', { class: 'chart-status', 'aria-live': 'polite', hidden: true });
  }

  /** Shows the run under way in `state`, else `note` when given, else nothing. */
  show(state: CellState, note: string | null = null): void {
    clearInterval(this.ticker);
    this.ticker = 0;
    const running = state.running;
    const remote = state.remote;
    if (!running && !remote) {
      this.element.hidden = note === null;
      replaceChildren(this.element, note === null ? null : h('span', { class: 'muted', 'data-testid': 'chart-note' }, note));
      return;
    }
    this.element.hidden = false;
    const label = h('span', { class: 'elapsed' });
    const start = running ? running.startedAt : remote!.startedAt;
    const tick = () => {
      const elapsed = formatDuration(performance.now() - start);
      label.textContent = running ? t('cell.running', { elapsed }) : remote!.ranBy ? t('cell.runningBy', { who: remote!.ranBy, elapsed }) : t('cell.running', { elapsed });
    };
    tick();
    this.ticker = window.setInterval(tick, 250);
    const stop = this.cancel;
    const button = running && stop ? h('button', { type: 'button', class: 'button small', 'data-testid': 'cancel-run' }, icon('stop', 12), t('cell.cancel')) : null;
    button?.addEventListener('click', () => stop!());
    replaceChildren(this.element, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label, button);
  }

  destroy(): void {
    clearInterval(this.ticker);
  }
}

/**
 * The chart's summary line: its source, and once drawn, the rows it summarises, the marks
 * left out when capped, and the run's time.
 */
export function summaryParts(spec: ChartSpec | null, drawn: { summarised: number | null; marks: number | null } | null, state: CellState): Node[] {
  const parts: Node[] = [];
  if (spec) parts.push(h('span', { class: 'chart-source' }, t('chart.from', { source: spec.source })));
  const summarised = drawn?.summarised ?? null;
  const marks = drawn?.marks ?? null;
  if (summarised !== null) {
    parts.push(h('span', { class: 'chart-rows', 'data-testid': 'chart-rows' }, summarised === 1 ? t('chart.summarisesOne') : t('chart.summarises', { count: summarised })));
    const shown = state.output?.page.table.numRows ?? 0;
    if (marks !== null && marks > shown) parts.push(h('span', { class: 'muted' }, t('chart.capped', { shown, total: marks })));
    if (state.output?.page.elapsedMs !== undefined) parts.push(h('span', { class: 'muted' }, formatDuration(state.output.page.elapsedMs)));
  }
  return parts;
}
