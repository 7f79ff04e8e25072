/**
 * The history panel: the notebook's versions (automatic ones and those saved by name) with
 * their time and authors; save a version by name; open one read-only, with the differences
 * between it and now, cell by cell; restore it as a new change.
 */
import type { CellChange, LineChange } from '../../core/notebook/diff.js';
import type { CellData } from '../../core/notebook/model.js';
import { getVersion, listVersions, restoreVersion, saveVersion, type Version, type VersionDetail } from '../api/history.js';
import { currentAccess } from '../sharing/current.js';
import { renderMarkdown } from '../cells/markdown-render.js';
import { dateFormat, t } from '../i18n/index.js';
import type { NotebookDoc } from '../notebook/doc-ops.js';
import { confirmDialog, openDialog, promptDialog } from '../ui/dialog.js';
import { h, replaceChildren } from '../ui/dom.js';
import { toast } from '../ui/toast.js';

export interface HistoryPanelOptions {
  notebookId: string;
  doc: NotebookDoc;
  cellLabel(cellId: string): string;
  /** The local person's name (credited when the server has no accounts). */
  author(): string;
}

const REFRESH_MS = 30_000;

export class HistoryPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private versions: Version[] = [];
  private timer = 0;

  constructor(private readonly options: HistoryPanelOptions) {
    const save = h('button', { type: 'button', class: 'button small primary', 'data-testid': 'save-version' }, t('history.save'));
    save.addEventListener('click', () => void this.saveNamed());
    this.list = h('ol', { class: 'version-list', 'data-testid': 'version-list' });
    if (!currentAccess().canEdit) save.hidden = true;
    this.element = h('div', { class: 'history-panel' }, h('div', { class: 'history-actions' }, save, h('p', { class: 'small muted' }, t('history.hint'))), this.list);
  }

  shown(): void {
    void this.refresh();
    clearInterval(this.timer);
    this.timer = window.setInterval(() => {
      if (this.element.isConnected) void this.refresh();
      else clearInterval(this.timer);
    }, REFRESH_MS);
  }

  destroy(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    try {
      this.versions = await listVersions(this.options.notebookId);
    } catch (err) {
      replaceChildren(this.list, h('li', { class: 'field-error' }, (err as Error).message));
      return;
    }
    if (this.versions.length === 0) {
      replaceChildren(this.list, h('li', { class: 'empty-state small' }, t('history.empty')));
      return;
    }
    replaceChildren(this.list, this.versions.map((v) => this.row(v)));
  }

  private title(v: Version): string {
    if (v.name) return v.name;
    if (v.beforeRestore) {
      const restored = this.versions.find((x) => x.id === v.beforeRestore);
      return t('history.beforeRestore', { name: restored ? this.title(restored) : formatWhen(v.at) });
    }
    return t('history.auto');
  }

  private row(v: Version): HTMLElement {
    const open = h(
      'button',
      { type: 'button', class: 'version-row', 'data-testid': 'version', 'data-version-id': v.id },
      h('span', { class: `version-name${v.name ? ' named' : ''}` }, this.title(v)),
      h('time', { class: 'small muted', datetime: v.at }, formatWhen(v.at)),
      h('span', { class: 'small muted version-authors' }, v.authors.length > 0 ? t('history.by', { names: v.authors.join(', ') }) : t('history.noAuthors')),
    );
    open.addEventListener('click', () => void this.open(v));
    return h('li', null, open);
  }

  private async saveNamed(): Promise<void> {
    const name = await promptDialog({ title: t('history.saveTitle'), label: t('history.nameLabel'), confirm: t('dialog.save'), validate: (v) => (v.length > 200 ? t('history.nameTooLong') : null) });
    if (name === null) return;
    try {
      await saveVersion(this.options.notebookId, name, this.options.author());
      toast(t('history.saved', { name }));
      await this.refresh();
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  private async open(v: Version): Promise<void> {
    let detail: VersionDetail;
    try {
      detail = await getVersion(this.options.notebookId, v.id);
    } catch (err) {
      toast((err as Error).message, 'error');
      return;
    }
    const shell = openDialog(`${this.title(v)} · ${formatWhen(v.at)}`, { size: 'wide' });
    shell.dialog.dataset.testid = 'version-dialog';
    const body = h('div', { class: 'version-body' });
    const showChanges = h('button', { type: 'button', class: 'button small', 'aria-pressed': 'true', 'data-testid': 'show-changes' }, t('history.changes'));
    const showVersion = h('button', { type: 'button', class: 'button small', 'aria-pressed': 'false', 'data-testid': 'show-version' }, t('history.asItWas'));
    const select = (changes: boolean) => {
      showChanges.setAttribute('aria-pressed', String(changes));
      showVersion.setAttribute('aria-pressed', String(!changes));
      replaceChildren(body, changes ? this.changes(detail) : readOnlyCells(detail.notebook.cells));
    };
    showChanges.addEventListener('click', () => select(true));
    showVersion.addEventListener('click', () => select(false));
    shell.body.append(h('div', { class: 'version-tabs' }, showChanges, showVersion, h('span', { class: 'small muted' }, v.authors.length > 0 ? t('history.by', { names: v.authors.join(', ') }) : '')), body);
    select(true);
    const restore = h('button', { type: 'button', class: 'button primary', 'data-testid': 'restore-version' }, t('history.restore'));
    const close = h('button', { type: 'button', class: 'button' }, t('dialog.close'));
    close.addEventListener('click', () => shell.close());
    restore.addEventListener('click', () => void this.restore(v, shell.close));
    // Restoring changes the notebook: only its editors get the button (the server refuses others too).
    shell.footer.append(close, ...(currentAccess().canEdit ? [restore] : []));
  }

  private changes(detail: VersionDetail): HTMLElement {
    const { diff } = detail;
    const c = diff.counts;
    const summary = c.added + c.removed + c.changed + c.moved === 0 && !diff.title
      ? t('history.noChanges')
      : t('history.summary', { changed: c.changed, added: c.added, removed: c.removed, moved: c.moved });
    return h(
      'div',
      { class: 'version-changes', 'data-testid': 'version-changes' },
      h('p', { class: 'small muted' }, summary),
      diff.title ? h('p', { class: 'diff-title' }, t('history.titleChanged', { before: diff.title.before, after: diff.title.after })) : null,
      diff.cells.map((change) => changeView(change, (id) => this.options.cellLabel(id))),
    );
  }

  private async restore(v: Version, close: () => void): Promise<void> {
    const ok = await confirmDialog({ title: t('history.restoreTitle'), message: t('history.restoreMessage', { name: this.title(v) }), confirm: t('history.restore') });
    if (!ok) return;
    try {
      await restoreVersion(this.options.notebookId, v.id, this.options.author());
      close();
      toast(t('history.restored', { name: this.title(v) }));
      await this.refresh();
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }
}

function formatWhen(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

const STATUS_KEYS = { added: 'history.added', removed: 'history.removed', changed: 'history.changed', moved: 'history.moved', same: 'history.same' } as const;

/** One cell's difference between the version and now. */
function changeView(change: CellChange, label: (id: string) => string): HTMLElement {
  const cell = change.status === 'removed' ? change.before : change.after;
  const name = cell.name ?? (change.status === 'removed' ? t(cell.kind === 'sql' ? 'cell.sql' : cell.kind === 'chart' ? 'cell.chart' : 'cell.markdown') : label(change.id));
  const head = h('div', { class: 'diff-head' }, h('span', { class: `diff-status ${change.status}` }, t(STATUS_KEYS[change.status])), change.status === 'changed' && change.moved ? h('span', { class: 'diff-status moved' }, t('history.moved')) : null, h('strong', null, name));
  let body: HTMLElement | null = null;
  if (change.status === 'changed') body = linesView(change.lines);
  else if (change.status === 'added') body = linesView(split(change.after.source).map((text) => ({ op: 'added', text })));
  else if (change.status === 'removed') body = linesView(split(change.before.source).map((text) => ({ op: 'removed', text })));
  return h('section', { class: `diff-cell ${change.status}`, 'data-status': change.status, 'data-cell-id': change.id }, head, body);
}

function split(source: string): string[] {
  return source === '' ? [] : source.split('\n');
}

function linesView(lines: readonly LineChange[]): HTMLElement {
  return h(
    'pre',
    { class: 'diff-lines' },
    lines.map((l) => h('div', { class: `diff-line ${l.op}` }, h('span', { class: 'diff-sign', 'aria-hidden': 'true' }, l.op === 'added' ? '+' : l.op === 'removed' ? '−' : ' '), l.text || ' ')),
  );
}

/** A version's cells as they were, read-only. */
function readOnlyCells(cells: readonly CellData[]): HTMLElement {
  return h(
    'div',
    { class: 'version-cells', 'data-testid': 'version-cells' },
    cells.map((cell) => {
      const kind = t(cell.kind === 'sql' ? 'cell.sql' : cell.kind === 'chart' ? 'cell.chart' : 'cell.markdown');
      const content = cell.kind === 'markdown' ? h('div', { class: 'markdown-rendered prose' }) : h('pre', { class: 'version-source' }, cell.source);
      // renderMarkdown sanitises: a version's text is as untrusted as the live one.
      if (cell.kind === 'markdown') content.innerHTML = renderMarkdown(cell.source);
      return h('section', { class: `version-cell ${cell.kind}`, 'data-cell-id': cell.id }, h('div', { class: 'kind-label' }, kind, cell.name ? ` · ${cell.name}` : ''), content);
    }),
  );
}
