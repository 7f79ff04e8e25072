/**
 * The notebook's classification marking on screen: a banner at the top and the bottom
 * of the notebook and a badge on each cell with its latest result's marking. Refreshed
 * from the server whenever a run record changes (ours or another participant's), since
 * a run can raise the notebook's marking. Its owner (and administrators) find a
 * "Change marking…" control beside the top banner; their raise shows at once here, and
 * for the others at their next refresh.
 */
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { RuntimeStore } from '../notebook/runtime.js';
import { getNotebookMarkings, type NotebookMarkings, type ShownMarking } from './api.js';
import { openRaiseDialog } from './raise-dialog.js';
import './markings.css';

export class NotebookMarkingsView {
  private current: NotebookMarkings | null = null;
  private readonly banners: HTMLElement[] = [];
  private readonly raiseButtons: HTMLButtonElement[] = [];
  private readonly badges = new Map<string, Set<HTMLElement>>();
  private signature = '';
  private timer = 0;
  private fetching: Promise<void> | null = null;
  private again = false;
  private readonly off: () => void;

  constructor(
    private readonly notebookId: string,
    private readonly store: RuntimeStore,
  ) {
    this.off = store.onAny(() => this.onChange());
    void this.refresh();
  }

  /** A banner element (top or bottom); kept up to date. The top one carries the owner's "Change marking…". */
  banner(where: 'top' | 'bottom'): HTMLElement {
    const el = h('div', { class: `marking-banner marking-${where}`, role: 'note', 'data-testid': `marking-banner-${where}`, hidden: true });
    this.banners.push(el);
    this.paint(el, this.current?.marking);
    if (where === 'bottom') return el;
    // Beside the banner, not inside it: the banner's text stays the marking alone.
    const button = h('button', { type: 'button', class: 'marking-raise', 'data-testid': 'marking-change', title: t('markings.changeTitle'), hidden: true }, t('markings.change'));
    button.addEventListener('click', () => this.openRaise());
    this.raiseButtons.push(button);
    this.paintButton(button);
    return h('div', { class: 'marking-bar marking-top' }, el, button);
  }

  /** Opens the owner's dialog for the marking as last fetched. */
  openRaise(): void {
    const current = this.current;
    if (!current?.canRaise) return;
    openRaiseDialog({ notebookId: this.notebookId, current, onSaved: (next) => this.show(next) });
  }

  /** A badge for one cell's header; forgotten when `release` is called. */
  badge(cellId: string): { element: HTMLElement; release(): void } {
    const el = h('span', { class: 'badge marking-badge', 'data-testid': 'cell-marking', hidden: true });
    let set = this.badges.get(cellId);
    if (!set) this.badges.set(cellId, (set = new Set()));
    set.add(el);
    this.paint(el, this.current?.cells.get(cellId));
    return { element: el, release: () => set.delete(el) };
  }

  /** Fetches the markings again; concurrent calls collapse into one more fetch. */
  refresh(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      do {
        this.again = false;
        try {
          this.current = await getNotebookMarkings(this.notebookId);
        } catch {
          // Access control absent or refused: show no marking rather than a wrong one.
          this.current = null;
        }
        this.render();
      } while (this.again);
    })().finally(() => (this.fetching = null));
    return this.fetching;
  }

  destroy(): void {
    this.off();
    clearTimeout(this.timer);
  }

  /** Refetch only when some cell's run record changed, not on every keystroke's state change. */
  private onChange(): void {
    const sig = this.recordSignature();
    if (sig === this.signature) return;
    this.signature = sig;
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.refresh(), 100);
  }

  private recordSignature(): string {
    const parts: string[] = [];
    for (const id of this.badges.keys()) {
      const r = this.store.get(id).record;
      parts.push(`${id}:${r?.ranAt ?? ''}:${r?.resultId ?? ''}:${r?.status ?? ''}`);
    }
    return parts.join('|');
  }

  /** Shows markings the server just answered (after a raise), without fetching again. */
  private show(next: NotebookMarkings): void {
    this.current = next;
    this.render();
  }

  private render(): void {
    for (const b of this.raiseButtons) this.paintButton(b);
    for (const el of this.banners) this.paint(el, this.current?.marking);
    for (const [id, set] of this.badges) for (const el of set) this.paint(el, this.current?.cells.get(id));
  }

  private paintButton(button: HTMLButtonElement): void {
    button.hidden = !this.current?.canRaise;
  }

  private paint(el: HTMLElement, m: ShownMarking | undefined): void {
    el.hidden = !m;
    el.textContent = m?.label ?? '';
    el.title = m?.label ?? '';
    el.style.background = m?.colour ?? '';
    el.style.color = m?.textColour ?? '';
  }
}
