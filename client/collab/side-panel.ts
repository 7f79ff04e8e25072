/**
 * The panel on the right of the notebook: comments or history, one at a time, opened from the
 * top bar. It is a third column of the notebook layout while open.
 */
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';

export type SideTab = 'comments' | 'history';

export interface SideContent {
  readonly element: HTMLElement;
  /** Called each time the tab is shown. */
  shown?(): void;
}

export class SidePanel {
  readonly element: HTMLElement;
  private current: SideTab | null = null;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private readonly listeners = new Set<(tab: SideTab | null) => void>();

  constructor(
    private readonly layout: HTMLElement,
    private readonly tabs: Record<SideTab, SideContent>,
  ) {
    this.title = h('h2', { class: 'side-title' });
    const close = h('button', { type: 'button', class: 'icon-button', title: t('dialog.close'), 'aria-label': t('dialog.close'), 'data-testid': 'side-close' }, '×');
    close.addEventListener('click', () => this.hide());
    this.body = h('div', { class: 'side-body' });
    this.element = h('aside', { class: 'side-panel', hidden: true, 'data-testid': 'side-panel' }, h('header', { class: 'side-header' }, this.title, close), this.body);
    layout.appendChild(this.element);
  }

  get tab(): SideTab | null {
    return this.current;
  }

  show(tab: SideTab): void {
    if (this.current !== tab) {
      this.current = tab;
      this.title.textContent = t(tab === 'comments' ? 'comments.title' : 'history.title');
      replaceChildren(this.body, this.tabs[tab].element);
      this.element.dataset.tab = tab;
    }
    this.element.hidden = false;
    this.layout.classList.add('with-side');
    this.tabs[tab].shown?.();
    for (const l of this.listeners) l(tab);
  }

  hide(): void {
    this.current = null;
    this.element.hidden = true;
    this.layout.classList.remove('with-side');
    for (const l of this.listeners) l(null);
  }

  toggle(tab: SideTab): void {
    if (this.current === tab && !this.element.hidden) this.hide();
    else this.show(tab);
  }

  /** Told which tab is shown (null: closed). */
  onChange(listener: (tab: SideTab | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
