/**
 * Where a chart is drawn: as wide as its container (drawn again when that changes), in the
 * page's theme (drawn again when it switches) and the interface's locale. Drawing is
 * core/chart's renderChart, loaded on first use.
 */
import type { Table } from 'apache-arrow';
import type { NormalisedChart } from '../../core/chart/normalised.js';
import { h, replaceChildren } from '../ui/dom.js';
import { getLocale, t } from '../i18n/index.js';
import { currentTheme } from '../theme.js';
import { loadRenderer } from './renderer.js';

export interface DrawInput {
  chart: NormalisedChart;
  table: Table;
  /** Identifies the input: the same key is not drawn twice at the same width and theme. */
  key: string;
}

const MIN_WIDTH = 120;

export class ChartCanvas {
  readonly element: HTMLElement;
  private input: DrawInput | null = null;
  private drawn = '';
  private frame = 0;
  private generation = 0;
  private readonly resize: ResizeObserver;
  private readonly themeWatch: MutationObserver;

  /** `onResize` hears every change of the drawing width (the data may need re-computing for it). */
  constructor(private readonly idPrefix: string, private readonly onResize?: (width: number) => void) {
    this.element = h('div', { class: 'chart-canvas', 'data-testid': 'chart-canvas' });
    let width = 0;
    this.resize = new ResizeObserver(() => {
      this.schedule();
      const now = this.drawWidth();
      if (now !== width && width !== 0) this.onResize?.(now);
      width = now;
    });
    this.resize.observe(this.element);
    this.themeWatch = new MutationObserver(() => this.schedule());
    this.themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'lang'] });
  }

  /** The width a chart is drawn at, in pixels (a default before the first layout). */
  drawWidth(): number {
    const w = Math.floor(this.element.clientWidth);
    return w >= MIN_WIDTH ? w : 640;
  }

  /** Draws `input` (or clears the canvas with null) as soon as the layout is known. */
  show(input: DrawInput | null): void {
    this.input = input;
    if (!input) {
      this.generation++;
      this.drawn = '';
      replaceChildren(this.element);
      return;
    }
    this.schedule();
  }

  /** The drawn chart (an <svg>, or a <figure> with title and legend), if any. */
  figure(): Element | null {
    return this.element.querySelector(':scope > svg, :scope > figure');
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.themeWatch.disconnect();
    this.generation++;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      void this.draw();
    });
  }

  private async draw(): Promise<void> {
    const input = this.input;
    if (!input || !this.element.isConnected) return;
    const width = this.drawWidth();
    const theme = currentTheme();
    const locale = getLocale();
    const key = `${input.key}|${width}|${theme}|${locale}`;
    if (key === this.drawn) return;
    const mine = ++this.generation;
    let renderer;
    try {
      renderer = await loadRenderer();
    } catch (err) {
      if (mine === this.generation) this.fail(t('chart.loadFailed', { message: (err as Error).message }));
      return;
    }
    if (mine !== this.generation || this.input !== input) return;
    try {
      const figure = renderer.renderChart(input.chart, input.table, { width, locale, theme, idPrefix: this.idPrefix });
      // Keep the height while swapping, so the page below does not jump.
      this.element.style.minHeight = `${this.element.offsetHeight}px`;
      replaceChildren(this.element, figure);
      this.element.style.minHeight = '';
      this.drawn = key;
    } catch (err) {
      this.fail(t('chart.drawFailed', { message: (err as Error).message }));
    }
  }

  private fail(message: string): void {
    this.drawn = '';
    replaceChildren(this.element, h('p', { class: 'chart-draw-error' }, message));
  }
}
