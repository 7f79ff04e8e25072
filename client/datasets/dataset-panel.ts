/**
 * The side panel: the workspace's datasets with their columns; a click opens a profile;
 * files dropped on it (or chosen) are imported as new datasets.
 */
import { h, icon, replaceChildren } from '../ui/dom.js';
import { numberFormat, t } from '../i18n/index.js';
import { listDatasets, type Dataset } from '../api/datasets.js';
import { showProfile } from './profile-dialog.js';
import { uploadFile } from './upload.js';

export interface DatasetPanelOptions {
  /** Inserts a new cell `SELECT * FROM name LIMIT 100`. */
  onNewCell(name: string): void;
  /** Told when the list changes (completion, name checks). */
  onDatasets(datasets: Dataset[]): void;
}

export class DatasetPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly uploads: HTMLElement;
  private readonly filter: HTMLInputElement;
  private datasets: Dataset[] = [];
  private readonly open = new Set<string>();

  constructor(private readonly options: DatasetPanelOptions) {
    const picker = h('input', { type: 'file', accept: '.csv,.tsv,.txt,.json,.jsonl,.ndjson,.parquet', hidden: true, 'data-testid': 'import-input' });
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      picker.value = '';
      if (file) void this.upload(file);
    });
    const importButton = h('button', { type: 'button', class: 'icon-button', title: t('datasets.import'), 'aria-label': t('datasets.import') }, icon('upload', 15));
    importButton.addEventListener('click', () => picker.click());
    const refresh = h('button', { type: 'button', class: 'icon-button', title: t('datasets.refresh'), 'aria-label': t('datasets.refresh') }, icon('refresh', 14));
    refresh.addEventListener('click', () => void this.load());
    this.filter = h('input', { type: 'search', class: 'text-input small', placeholder: t('datasets.filter'), 'aria-label': t('datasets.filter') });
    this.filter.addEventListener('input', () => this.render());
    this.list = h('ul', { class: 'dataset-list' });
    this.uploads = h('div', { class: 'uploads' });
    this.element = h(
      'aside',
      { class: 'dataset-panel', 'aria-label': t('datasets.title') },
      h('div', { class: 'panel-head' }, h('h2', null, t('datasets.title')), h('div', { class: 'panel-actions' }, importButton, refresh), picker),
      this.filter,
      this.uploads,
      this.list,
      h('p', { class: 'drop-hint muted' }, icon('upload', 13), t('datasets.importHint')),
    );
    this.element.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      this.element.classList.add('dropping');
    });
    this.element.addEventListener('dragleave', (e) => {
      if (!this.element.contains(e.relatedTarget as Node | null)) this.element.classList.remove('dropping');
    });
    this.element.addEventListener('drop', (e) => {
      this.element.classList.remove('dropping');
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void this.upload(file);
    });
    void this.load();
  }

  names(): string[] {
    return this.datasets.map((d) => d.name);
  }

  /** Imports a file (from this panel or a drop anywhere on the page). */
  async upload(file: File): Promise<void> {
    const dataset = await uploadFile(file, this.names(), this.uploads);
    if (dataset) await this.load();
  }

  async load(): Promise<void> {
    try {
      this.datasets = (await listDatasets()).sort((a, b) => a.name.localeCompare(b.name));
      this.options.onDatasets(this.datasets);
      this.render();
    } catch (err) {
      replaceChildren(this.list, h('li', { class: 'error-text' }, (err as Error).message));
    }
  }

  private render(): void {
    const q = this.filter.value.trim().toLowerCase();
    const shown = this.datasets.filter((d) => !q || d.name.toLowerCase().includes(q) || d.columns.some((c) => c.name.toLowerCase().includes(q)));
    if (this.datasets.length === 0) {
      replaceChildren(this.list, h('li', { class: 'empty-state small' }, t('datasets.empty')));
      return;
    }
    replaceChildren(this.list, ...shown.map((d) => this.item(d)));
  }

  private item(d: Dataset): HTMLElement {
    const expanded = this.open.has(d.name);
    const toggle = h('button', { type: 'button', class: `disclosure${expanded ? ' open' : ''}`, 'aria-expanded': String(expanded), 'aria-label': d.name }, '▸');
    toggle.addEventListener('click', () => {
      if (expanded) this.open.delete(d.name);
      else this.open.add(d.name);
      this.render();
    });
    const name = h('button', { type: 'button', class: 'dataset-name', title: t('datasets.profile'), 'data-dataset': d.name }, icon('table', 14), h('span', null, d.name));
    name.addEventListener('click', () => showProfile(d.name, (n) => this.options.onNewCell(n)));
    const add = h('button', { type: 'button', class: 'icon-button small', title: t('datasets.newCell', { name: d.name }), 'aria-label': t('datasets.newCell', { name: d.name }) }, icon('plus', 13));
    add.addEventListener('click', () => this.options.onNewCell(d.name));
    const meta = d.error ? h('span', { class: 'error-text small' }, t('datasets.error', { message: d.error })) : d.rowCount !== undefined ? h('span', { class: 'dataset-rows' }, compact(d.rowCount)) : null;
    return h(
      'li',
      { class: 'dataset' },
      h('div', { class: 'dataset-row' }, toggle, name, meta, add),
      expanded
        ? h('ul', { class: 'column-list' }, ...d.columns.map((c) => h('li', null, h('span', { class: 'column-name' }, c.name), h('span', { class: 'column-type' }, c.type.toLowerCase()))))
        : null,
    );
  }
}

/** 52,341 → "52K" for the narrow panel (the profile shows exact figures). */
function compact(n: number): string {
  return numberFormat({ notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
