/**
 * The briefing view at /n/<id>/briefing: the notebook as its readers get it — narrative,
 * charts and tables, no code unless asked — in a sandboxed frame (the server's briefing HTML,
 * no script can run in it), with toggles for code and provenance, the Export menu and
 * presentation mode.
 */
import '../styles/briefing.css';
import { h, icon, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { notebookPath } from '../router.js';
import type { View } from '../view.js';
import { fetchBriefingHtml, type BriefingOptions } from './api.js';
import { exportMenu, type ExportMenu } from './export-menu.js';
import { deckFromBriefing } from './slides.js';
import { present, type Presentation } from './presentation.js';
import { paperCss } from './paper.js';
import { briefingPath, optionsFromQuery } from './paths.js';
import { loadAccess } from '../sharing/access.js';

export class BriefingView implements View {
  readonly element: HTMLElement;
  readonly header: HTMLElement;
  readonly actions: HTMLElement;
  private options: BriefingOptions;
  private readonly frame: HTMLIFrameElement;
  private readonly codeToggle: HTMLButtonElement;
  private readonly provenanceToggle: HTMLButtonElement;
  private readonly presentButton: HTMLButtonElement;
  private readonly menu: ExportMenu;
  private parsed: Document | null = null;
  private presentation: Presentation | null = null;
  private generation = 0;
  private destroyed = false;
  /** The user may not run the notebook's cells (learnt from its sharing); their export is of the stored results. */
  private readOnly = false;

  constructor(private readonly id: string) {
    this.options = optionsFromQuery(location.search);
    const back = h('a', { href: notebookPath(id), 'data-link': true, class: 'button small ghost briefing-back', 'data-testid': 'briefing-back' }, icon('back', 14), t('briefing.back'));
    this.header = h('div', { class: 'briefing-heading' }, back, h('span', { class: 'briefing-label' }, t('briefing.title')));
    this.codeToggle = this.toggle(t('briefing.showCode'), 'toggle-code', () => ({ ...this.options, code: !this.options.code }));
    this.provenanceToggle = this.toggle(t('briefing.provenance'), 'toggle-provenance', () => ({ ...this.options, provenance: !this.options.provenance }));
    this.presentButton = h('button', { type: 'button', class: 'button small', 'data-testid': 'present', disabled: true }, icon('play', 13), t('briefing.present'));
    this.presentButton.addEventListener('click', () => this.startPresentation());
    this.menu = exportMenu(id, this.options, { readOnly: () => this.readOnly });
    void loadAccess(id).then(({ access }) => (this.readOnly = !access.canEdit), () => undefined);
    this.actions = h('div', { class: 'briefing-toolbar' }, this.codeToggle, this.provenanceToggle, this.presentButton, this.menu.element);
    this.frame = h('iframe', { class: 'briefing-frame', sandbox: 'allow-same-origin', title: t('briefing.title'), 'data-testid': 'briefing-frame' });
    this.frame.addEventListener('load', () => this.wireLinks());
    this.element = h('section', { class: 'briefing-page' }, h('p', { class: 'page-loading' }, t('app.loading')));
    this.renderToggles();
    void this.load();
  }

  destroy(): void {
    this.destroyed = true;
    this.presentation?.close();
    this.menu.destroy();
  }

  private toggle(label: string, testid: string, next: () => BriefingOptions): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button small toggle', 'aria-pressed': 'false', 'data-testid': testid }, label);
    button.addEventListener('click', () => {
      this.options = next();
      history.replaceState(null, '', briefingPath(this.id, this.options));
      this.menu.setOptions(this.options);
      this.renderToggles();
      void this.load();
    });
    return button;
  }

  private renderToggles(): void {
    this.codeToggle.setAttribute('aria-pressed', String(this.options.code));
    this.provenanceToggle.setAttribute('aria-pressed', String(this.options.provenance));
  }

  /** Fetches the briefing with the current toggles; a newer load wins over a slower older one. */
  private async load(): Promise<void> {
    const mine = ++this.generation;
    this.element.setAttribute('aria-busy', 'true');
    try {
      const html = await fetchBriefingHtml(this.id, this.options);
      if (mine !== this.generation || this.destroyed) return;
      const doc = new DOMParser().parseFromString(html, 'text/html');
      this.parsed = doc;
      const title = doc.querySelector('.doc-header h1')?.textContent?.trim() || doc.title;
      document.title = `${title} · ${t('briefing.title')} · ${t('app.name')}`;
      this.frame.title = t('briefing.frameLabel', { title });
      const paper = doc.createElement('style');
      paper.textContent = paperCss;
      doc.head.appendChild(paper);
      this.frame.srcdoc = `<!doctype html>\n${doc.documentElement.outerHTML}`;
      if (this.frame.parentElement !== this.element) replaceChildren(this.element, this.frame);
      this.presentButton.disabled = false;
    } catch (err) {
      if (mine !== this.generation || this.destroyed) return;
      this.presentButton.disabled = true;
      const retry = h('button', { type: 'button', class: 'button' }, t('briefing.retry'));
      retry.addEventListener('click', () => void this.load());
      replaceChildren(this.element, h('div', { class: 'message-page', role: 'alert' }, h('p', null, t('briefing.loadFailed', { message: (err as Error).message })), retry));
    } finally {
      if (mine === this.generation) this.element.removeAttribute('aria-busy');
    }
  }

  /**
   * A frame shown from srcdoc resolves "#fig-1" against this page's address, so a click on
   * it would load the app inside the frame: fragments scroll the frame instead, and other
   * links open in a new tab, never in the frame.
   */
  private wireLinks(): void {
    const doc = this.frame.contentDocument;
    doc?.addEventListener('click', (e) => {
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!a) return;
      e.preventDefault();
      const href = a.getAttribute('href') ?? '';
      if (href.startsWith('#')) {
        doc.getElementById(decodeURIComponent(href.slice(1)))?.scrollIntoView({ block: 'start' });
      } else if (/^https?:\/\//i.test(href)) {
        window.open(href, '_blank', 'noopener,noreferrer');
      }
    });
  }

  private startPresentation(): void {
    if (!this.parsed || this.presentation) return;
    const deck = deckFromBriefing(this.parsed, t('briefing.untitledSlide'));
    this.presentation = present(deck, this.parsed.querySelector('.marking-top'), () => {
      this.presentation = null;
      this.presentButton.focus();
    });
  }
}
