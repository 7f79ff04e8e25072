/** A chart's export menu: the drawn chart as an SVG file or a PNG at twice its size. */
import { h, icon } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import { chartFileName, composeSvg, saveBlob, svgFileText, svgToPng } from './export.js';

export class ChartMenu {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly onOutside = (e: Event) => {
    if (!this.element.contains(e.target as Node)) this.close();
  };

  constructor(
    private readonly figure: () => Element | null,
    private readonly name: () => { title: string | undefined; fallback: string },
  ) {
    this.button = h('button', { type: 'button', class: 'button small ghost chart-toggle', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-testid': 'chart-export', title: t('chart.exportTitle') }, icon('download', 13), t('chart.export'));
    this.button.addEventListener('click', () => (this.list.hidden ? this.open() : this.close()));
    const item = (label: string, testid: string, run: () => Promise<void>) => {
      const b = h('button', { type: 'button', role: 'menuitem', class: 'chart-menu-item', 'data-testid': testid }, label);
      b.addEventListener('click', () => {
        this.close();
        run().catch((err: Error) => toast(t('chart.exportFailed', { message: err.message }), 'error'));
      });
      return b;
    };
    this.list = h('div', { class: 'chart-menu', role: 'menu', hidden: true },
      item(t('chart.exportSvg'), 'chart-export-svg', () => this.exportSvg()),
      item(t('chart.exportPng'), 'chart-export-png', () => this.exportPng()));
    this.list.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        this.close();
        this.button.focus();
      }
    });
    this.element = h('div', { class: 'chart-menu-anchor' }, this.button, this.list);
  }

  destroy(): void {
    this.close();
  }

  private open(): void {
    this.list.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    document.addEventListener('mousedown', this.onOutside);
    (this.list.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  private close(): void {
    this.list.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', this.onOutside);
  }

  private composed() {
    const figure = this.figure();
    if (!figure) throw new Error(t('chart.nothingToExport'));
    return composeSvg(figure, getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#ffffff');
  }

  private async exportSvg(): Promise<void> {
    const { svg } = this.composed();
    const { title, fallback } = this.name();
    saveBlob(new Blob([svgFileText(svg)], { type: 'image/svg+xml' }), chartFileName(title, fallback, 'svg'));
  }

  private async exportPng(): Promise<void> {
    const { svg, width, height } = this.composed();
    const { title, fallback } = this.name();
    saveBlob(await svgToPng(svgFileText(svg), width, height, 2), chartFileName(title, fallback, 'png'));
  }
}
