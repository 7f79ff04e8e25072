/** The Export menu of the notebook and briefing headers: a format, and what to include. */
import '../styles/briefing.css';
import { h, icon } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { BriefingOptions, ExportFormat } from './api.js';
import { exportAndSave } from './export-flow.js';
import { currentAccess } from '../sharing/current.js';

const ITEMS: Array<{ format: ExportFormat; label: 'export.html' | 'export.pdf' | 'export.md'; hint: 'export.htmlHint' | 'export.pdfHint' | 'export.mdHint' }> = [
  { format: 'html', label: 'export.html', hint: 'export.htmlHint' },
  { format: 'pdf', label: 'export.pdf', hint: 'export.pdfHint' },
  { format: 'md', label: 'export.md', hint: 'export.mdHint' },
];

export interface ExportMenu {
  readonly element: HTMLElement;
  /** Sets the "include code" and "provenance" boxes (the briefing view keeps them in step with its toggles). */
  setOptions(opts: BriefingOptions): void;
  destroy(): void;
}

export interface ExportMenuOptions {
  /**
   * Whether the user may not run the notebook's cells (a viewer or commenter), asked each time
   * the menu opens; their export shows the stored results, and the menu says so. Default:
   * the access of the notebook on screen (client/sharing/current.ts).
   */
  readOnly?: () => boolean;
}

/** An Export ▾ menu for notebook `id`; code off and provenance on unless `initial` says otherwise. */
export function exportMenu(id: string, initial: BriefingOptions = { code: false, provenance: true }, opts: ExportMenuOptions = {}): ExportMenu {
  const readOnly = opts.readOnly ?? (() => !currentAccess().canEdit);
  const code = h('input', { type: 'checkbox', 'data-testid': 'export-code' });
  const provenance = h('input', { type: 'checkbox', 'data-testid': 'export-provenance' });
  const setOptions = (o: BriefingOptions) => {
    code.checked = o.code;
    provenance.checked = o.provenance;
  };
  setOptions(initial);
  const summary = h('summary', { class: 'button small export-button', 'data-testid': 'export-menu', 'aria-haspopup': 'menu' }, icon('download', 13), t('export.menu'));
  const menu = h('details', { class: 'export-menu' });
  const items = ITEMS.map(({ format, label, hint }) => {
    const item = h('button', { type: 'button', class: 'export-item', role: 'menuitem', 'data-testid': `export-${format}` },
      h('span', { class: 'export-item-label' }, t(label)), h('span', { class: 'export-item-hint' }, t(hint)));
    item.addEventListener('click', () => {
      menu.open = false;
      summary.classList.add('busy');
      void exportAndSave(id, format, { code: code.checked, provenance: provenance.checked }).finally(() => summary.classList.remove('busy'));
    });
    return item;
  });
  const option = (box: HTMLInputElement, label: string) => h('label', { class: 'export-option' }, box, h('span', null, label));
  const readerNote = h('p', { class: 'export-note', 'data-testid': 'export-reader-note', hidden: true }, t('export.readerNote'));
  menu.append(summary, h('div', { class: 'export-list', role: 'menu' }, readerNote, ...items, h('hr'), option(code, t('export.includeCode')), option(provenance, t('export.provenance'))));
  // Asked on opening: the notebook's access may be learnt after the menu is built.
  menu.addEventListener('toggle', () => {
    if (menu.open) readerNote.hidden = !readOnly();
  });

  // A click elsewhere or Esc closes the menu, as menus do.
  const outside = (e: MouseEvent) => {
    if (menu.open && !menu.contains(e.target as Node)) menu.open = false;
  };
  const escape = (e: KeyboardEvent) => {
    if (menu.open && e.key === 'Escape') {
      menu.open = false;
      summary.focus();
    }
  };
  document.addEventListener('mousedown', outside);
  document.addEventListener('keydown', escape);
  return {
    element: menu,
    setOptions,
    destroy: () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', escape);
    },
  };
}
