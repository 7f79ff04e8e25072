/**
 * A notebook page: the live document (title and cells), the dataset panel, the
 * toolbar (Run all, connection, presence, shortcuts) and command-mode keys.
 */
import type { CellId } from '../../core/ids.js';
import { h, icon, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { confirmDialog } from '../ui/dialog.js';
import type { View } from '../view.js';
import { listNotebooks } from '../api/notebooks.js';
import type { Dataset } from '../api/datasets.js';
import { sqlCompletion } from '../cells/completion.js';
import type { CellContext, EditableKind } from '../cells/context.js';
import { DatasetPanel } from '../datasets/dataset-panel.js';
import { NotebookSession } from './session.js';
import { setLeaveGuard } from '../router.js';
import { NotebookDoc } from './doc-ops.js';
import { RuntimeStore } from './runtime.js';
import { Runner } from './runner.js';
import { CellList } from './cell-list.js';
import { commandFor, DOUBLE_KEY_MS, type Command } from './command-mode.js';
import { showShortcuts } from './shortcuts-dialog.js';
import { notebookActions, titleInput } from './toolbar.js';
import { installFileDrop } from './file-drop.js';
import { loadServerWords, vocabularyOf } from './vocabulary.js';
import { SqlBody } from '../cells/sql-body.js';
import { takeJustCreated } from './just-created.js';
import { NotebookMarkingsView } from '../markings/notebook-markings.js';
import { CollabFeatures } from '../collab/collab-features.js';
import { loadAccess, type NotebookAccess } from '../sharing/access.js';
import { sameAccess } from '../sharing/access-events.js';
import { ApiError } from '../api/http.js';
import { toast } from '../ui/toast.js';
import { setCurrentAccess } from '../sharing/current.js';
import { chartsReading } from '../charts/chart-source.js';
import { openShareDialog } from '../sharing/share-dialog.js';
import '../sharing/sharing.css';

/** Command-mode keys a reader (viewer, commenter) may use: moving, help, leaving. */
const READER_COMMANDS: ReadonlySet<Command> = new Set<Command>(['previous', 'next', 'help', 'leave']);

export class NotebookView implements View {
  readonly element: HTMLElement;
  readonly header: HTMLElement;
  readonly actions: HTMLElement;
  private session: NotebookSession | null = null;
  private list: CellList | null = null;
  private runner: Runner | null = null;
  private ctx: CellContext | null = null;
  /** What the user's role on this notebook allows (full until the server says otherwise). */
  private access: NotebookAccess | null = null;
  private selected: CellId | undefined;
  private pendingD = 0;
  private readonly cleanups: (() => void)[] = [];
  private destroyed = false;
  private markings: NotebookMarkingsView | null = null;
  /** Bumped when the page is rebuilt or closed after an access change: an older open() stops. */
  private generation = 0;

  constructor(private readonly notebookId: string) {
    this.header = h('div', { class: 'notebook-title-slot' });
    this.actions = h('div', { class: 'notebook-actions-slot' });
    this.element = h('div', { class: 'notebook-page' }, h('p', { class: 'page-loading' }, t('app.loading')));
    void this.open();
  }

  destroy(): void {
    this.destroyed = true;
    this.teardown();
  }

  /** Everything open() built, closed: the websocket, the run stream, the cells. */
  private teardown(): void {
    this.generation++;
    for (const c of this.cleanups.splice(0)) c();
    this.list?.destroy();
    this.runner?.destroy();
    this.session?.destroy();
    this.list = this.runner = this.session = this.ctx = this.markings = null;
  }

  /** True once the open() of generation `gen` must stop: the view closed or was rebuilt. */
  private outdated(gen: number): boolean {
    return this.destroyed || gen !== this.generation;
  }

  /**
   * The notebook's sharing or marking changed (its run stream said so): the banner is read
   * again; a changed role rebuilds the page for it, a lost one closes it with the reason.
   */
  private async recheckAccess(gen: number): Promise<void> {
    void this.markings?.refresh();
    let next: NotebookAccess;
    try {
      next = (await loadAccess(this.notebookId)).access;
    } catch (err) {
      if (this.outdated(gen)) return;
      // 403: no role any more, or the marking is now above the user's clearance.
      if (err instanceof ApiError && err.status === 403) this.revoke(err.message);
      return;
    }
    if (this.outdated(gen) || !this.access || sameAccess(this.access, next)) return;
    this.teardown();
    replaceChildren(this.element, h('p', { class: 'page-loading' }, t('app.loading')));
    toast(t('sharing.accessChanged'));
    void this.open();
  }

  /** The user may no longer open this notebook: close everything and say why. */
  private revoke(reason: string): void {
    if (this.destroyed) return;
    this.teardown();
    replaceChildren(this.header);
    replaceChildren(this.actions);
    this.element.classList.remove('read-only');
    this.element.dataset.access = 'none';
    this.fail(reason ? t('sharing.revoked', { reason }) : t('sharing.revokedUnknown'));
  }

  private async open(): Promise<void> {
    const gen = this.generation;
    let summary;
    let access: NotebookAccess;
    try {
      summary = (await listNotebooks()).find((n) => n.id === this.notebookId);
      if (this.outdated(gen)) return;
      if (!summary) return this.fail(t('notebook.notFound'));
      if (summary.error) return this.fail(t('home.unreadable', { message: summary.error }));
      // The role decides what the page offers; the server enforces the same rules.
      access = (await loadAccess(this.notebookId, summary.role)).access;
    } catch (err) {
      return this.fail(t('app.error', { message: (err as Error).message }));
    }
    if (this.outdated(gen)) return;
    this.access = access;
    this.cleanups.push(setCurrentAccess(access));
    const readOnly = !access.canEdit;
    this.element.dataset.access = access.role;
    this.element.classList.toggle('read-only', readOnly);
    document.title = `${summary.title} · ${t('app.name')}`;
    void loadServerWords();

    const session = (this.session = new NotebookSession(this.notebookId));
    // Edits made offline live only in this tab until the server has them: ask before leaving.
    setLeaveGuard(() => !session.hasUnsentChanges() || window.confirm(t('notebook.leaveUnsent')));
    this.cleanups.push(() => setLeaveGuard(null));
    const doc = new NotebookDoc(session.doc, session.origin);
    const store = new RuntimeStore();
    let datasets: Dataset[] = [];
    const datasetNames = () => datasets.map((d) => d.name);
    const runner = (this.runner = new Runner(this.notebookId, doc, store, datasetNames));
    const markings = (this.markings = new NotebookMarkingsView(this.notebookId, store));
    runner.onAccessChange(() => void this.recheckAccess(gen));
    // The server ended the websocket because access was withdrawn: say so instead of showing a dead page.
    this.cleanups.push(
      session.onStatus(() => {
        if (session.revoked) this.revoke(session.getCloseReason());
      }),
    );
    this.cleanups.push(() => markings.destroy());
    const ctx: CellContext = {
      doc,
      session,
      store,
      runner,
      markings,
      readOnly,
      completion: sqlCompletion(() => vocabularyOf(doc, store, () => datasets)),
      datasets: datasetNames,
      run: (id, advance) => void this.run(id, advance),
      select: (id, focus) => this.select(id, focus),
      addNear: (id, where, kind) => this.addNear(id, where, kind),
      remove: (id) => void this.remove(id),
      setKind: (id, kind) => void this.setKind(id, kind),
    };
    this.ctx = ctx;
    const panel = new DatasetPanel({
      onNewCell: (name) => {
        if (!readOnly) this.insertQuery(name);
      },
      onDatasets: (list) => (datasets = list),
    });

    const title = titleInput(doc, session, summary.title, readOnly);
    this.cleanups.push(title.dispose);
    replaceChildren(this.header, title.element);

    const cellsHost = h('div', { class: 'cells-column' });
    // Filled once synced: a cell added before the server's state arrives would have no view to edit.
    const addBar = h('div', { class: 'add-bar' });
    const empty = h('p', { class: 'empty-state notebook-empty', hidden: true }, t('notebook.empty'));
    const main = h('div', { class: 'notebook-main' }, h('div', { class: 'notebook-column' }, markings.banner('top'), cellsHost, empty, addBar, markings.banner('bottom')));
    const layout = h('div', { class: 'notebook-layout' }, panel.element, main);
    const notebookTitle = () => doc.title() || summary.title;
    const actions = notebookActions(session, runner, store, () => !layout.classList.toggle('panel-hidden'), access, () => openShareDialog({ notebookId: this.notebookId, title: notebookTitle() }));
    this.cleanups.push(actions.dispose);
    replaceChildren(this.actions, actions.element);
    replaceChildren(this.element, layout);
    // On the document: in command mode the focus may be on a cell frame or nowhere (body).
    const onKey = (e: KeyboardEvent) => this.onKey(e);
    document.addEventListener('keydown', onKey);
    this.cleanups.push(() => document.removeEventListener('keydown', onKey));
    this.cleanups.push(installFileDrop(this.element, panel.element, (file) => void panel.upload(file)));

    await session.whenSynced();
    if (this.outdated(gen)) return;
    const list = (this.list = new CellList(ctx));
    if (!readOnly) addBar.append(this.addButton('sql', doc, datasetNames), this.addButton('markdown', doc, datasetNames));
    cellsHost.appendChild(list.element);
    // Presence, follow, attribution, comments, history, offline state (client/collab).
    // Its comments panel offers posting as the current access allows (client/sharing/current.ts).
    const collab = new CollabFeatures({ notebookId: this.notebookId, session, doc, list, scroller: main, layout, column: cellsHost.parentElement!, select: (id) => this.select(id, false) });
    this.cleanups.push(() => collab.destroy());
    actions.element.prepend(collab.toolbar);
    const updateEmpty = () => (empty.hidden = list.cells().length > 0);
    list.onChange(() => {
      updateEmpty();
      this.renderSelection();
    });
    updateEmpty();
    // A notebook this browser just created starts with one SQL cell, ready to type in.
    if (takeJustCreated(this.notebookId) && doc.cells().length === 0 && !readOnly) this.edit(doc.add(0, 'sql', datasetNames()));

    // Staleness depends on every cell's source: recheck shortly after edits.
    let staleTimer = 0;
    const cellsArray = session.doc.getArray('cells');
    const onEdit = () => {
      clearTimeout(staleTimer);
      staleTimer = window.setTimeout(() => doc.cells().forEach((c) => store.touch(c.id)), 250);
    };
    cellsArray.observeDeep(onEdit);
    this.cleanups.push(() => {
      cellsArray.unobserveDeep(onEdit);
      clearTimeout(staleTimer);
    });

    await runner.refresh();
    if (!this.outdated(gen)) runner.follow();
  }

  private fail(message: string): void {
    replaceChildren(this.element, h('section', { class: 'message-page' }, h('p', null, message), h('a', { href: '/', 'data-link': true, class: 'button' }, t('app.backHome'))));
  }

  private addButton(kind: EditableKind, doc: NotebookDoc, datasets: () => string[]): HTMLElement {
    const b = h('button', { type: 'button', class: 'button ghost', title: t(kind === 'sql' ? 'notebook.addSqlTitle' : 'notebook.addMarkdownTitle'), 'data-testid': `add-${kind}` }, icon('plus', 14), t(kind === 'sql' ? 'notebook.addSql' : 'notebook.addMarkdown'));
    b.addEventListener('click', () => {
      const id = doc.add(doc.cells().length, kind, datasets());
      this.edit(id);
    });
    return b;
  }

  /** Starts editing a cell (flushing the list first, so a just-added cell has a view). */
  private edit(id: CellId): void {
    this.list?.flush();
    this.select(id, false);
    const view = this.list?.view(id);
    view?.element.scrollIntoView({ block: 'nearest' });
    view?.body.edit();
  }

  private select(id: CellId, focus = false): void {
    this.selected = id;
    this.renderSelection();
    if (focus) {
      const el = this.list?.view(id)?.element;
      el?.focus({ preventScroll: true });
      el?.scrollIntoView({ block: 'nearest' });
    }
  }

  private renderSelection(): void {
    for (const v of this.list?.cells() ?? []) v.setSelected(v.id === this.selected);
  }

  /** Whether the user may change or run this notebook. */
  private canEdit(): boolean {
    return this.access?.canEdit ?? false;
  }

  private async run(id: CellId, advance: boolean): Promise<void> {
    const ctx = this.ctx!;
    if (!this.canEdit()) return;
    if (advance) this.advanceFrom(id);
    const cell = ctx.doc.cell(id);
    if (cell?.kind !== 'sql' && cell?.kind !== 'chart') return;
    const ok = await ctx.runner.run(id);
    const error = ctx.store.get(id).error;
    // The failing position may be in an upstream cell: underline it there.
    if (!ok && error?.cellId && error.cellId !== id && error.line) {
      const body = this.list?.view(error.cellId)?.body;
      if (body instanceof SqlBody) body.markError(error.line, error.column ?? 1, error.message);
    }
  }

  /** Shift+Enter: go to the next cell, or make one at the end, and edit it when it is SQL. */
  private advanceFrom(id: CellId): void {
    const ctx = this.ctx!;
    const cells = ctx.doc.cells();
    const index = cells.findIndex((c) => c.id === id);
    const next = cells[index + 1];
    if (!next) {
      this.edit(ctx.doc.add(cells.length, 'sql', ctx.datasets()));
    } else if (next.kind === 'sql') {
      this.edit(next.id);
    } else {
      this.select(next.id, true);
    }
  }

  private addNear(id: CellId, where: 'above' | 'below', kind: EditableKind = 'sql'): void {
    const ctx = this.ctx!;
    if (!this.canEdit()) return;
    const index = ctx.doc.cells().findIndex((c) => c.id === id);
    this.edit(ctx.doc.add(where === 'above' ? Math.max(0, index) : index + 1, kind, ctx.datasets()));
  }

  private insertQuery(dataset: string): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const cells = ctx.doc.cells();
    const index = this.selected ? cells.findIndex((c) => c.id === this.selected) + 1 : cells.length;
    const id = ctx.doc.add(index > 0 ? index : cells.length, 'sql', ctx.datasets(), `SELECT * FROM ${dataset} LIMIT 100`);
    this.edit(id);
    void this.run(id, false);
  }

  private async remove(id: CellId): Promise<void> {
    const ctx = this.ctx!;
    if (!this.canEdit()) return;
    const cell = ctx.doc.cell(id);
    if (!cell) return;
    const readers = ctx.doc.readersOf(id);
    const charts = chartsReading(ctx.doc, id);
    if (readers.length > 0 || charts.length > 0) {
      const ok = await confirmDialog({
        title: t('cell.delete'),
        message: deleteWarning(cell.name ?? '', readers.map((r) => r.name ?? '?'), charts.length),
        confirm: t('dialog.delete'),
        danger: true,
      });
      if (!ok) return;
    }
    const cells = ctx.doc.cells();
    const index = cells.findIndex((c) => c.id === id);
    ctx.doc.remove(id);
    const neighbour = cells[index + 1] ?? cells[index - 1];
    this.list?.flush();
    if (neighbour) this.select(neighbour.id, true);
  }

  /** Changes a cell's kind; a SQL cell that others read loses its name, so ask first. */
  private async setKind(id: CellId, kind: EditableKind): Promise<void> {
    const ctx = this.ctx!;
    if (!this.canEdit()) return;
    const cell = ctx.doc.cell(id);
    if (!cell || cell.kind === kind) return;
    const readers = ctx.doc.readersOf(id);
    if (readers.length > 0) {
      const ok = await confirmDialog({
        title: t('cell.toMarkdown'),
        message: t('cell.kindReferenced', { name: cell.name ?? '', cells: readers.map((r) => r.name ?? '?').join(', ') }),
        confirm: t('dialog.ok'),
      });
      if (!ok) return;
    }
    ctx.doc.setKind(id, kind, ctx.datasets());
    this.list?.flush();
    this.select(id, true);
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (e.defaultPrevented || (target !== document.body && !this.element.contains(target))) return;
    if (target.closest('.cm-editor, input, textarea, select, button, a, .result-grid, dialog, .dataset-panel')) return;
    const ctx = this.ctx;
    if (!ctx) return;
    const now = performance.now();
    const { command, pendingD } = commandFor({ key: e.key, shift: e.shiftKey, mod: e.ctrlKey || e.metaKey, alt: e.altKey }, now - this.pendingD < DOUBLE_KEY_MS);
    this.pendingD = pendingD ? now : 0;
    if (command === null) return;
    e.preventDefault();
    this.execute(command);
  }

  private execute(command: Command): void {
    const ctx = this.ctx!;
    const cells = ctx.doc.cells();
    const index = cells.findIndex((c) => c.id === this.selected);
    const current = cells[index];
    if (command === 'help') return showShortcuts();
    // A reader moves between cells and reads; every other command changes or runs the notebook.
    if (!this.canEdit() && !READER_COMMANDS.has(command)) return;
    if (command === 'undo') return void ctx.session.undo.undo();
    if (command === 'redo') return void ctx.session.undo.redo();
    if (!current) {
      if (cells[0] && (command === 'next' || command === 'previous')) this.select(cells[0].id, true);
      return;
    }
    switch (command) {
      case 'edit':
        return this.edit(current.id);
      case 'addAbove':
        return this.addNear(current.id, 'above');
      case 'addBelow':
        return this.addNear(current.id, 'below');
      case 'delete':
        return void this.remove(current.id);
      case 'toMarkdown':
      case 'toSql':
        return void this.setKind(current.id, command === 'toSql' ? 'sql' : 'markdown');
      case 'previous':
      case 'next': {
        const next = cells[index + (command === 'next' ? 1 : -1)];
        if (next) this.select(next.id, true);
        return;
      }
      case 'runAdvance':
        return void this.run(current.id, true);
      case 'runInPlace':
        return void this.run(current.id, false);
      case 'leave':
        (document.activeElement as HTMLElement | null)?.blur();
        return;
    }
  }
}

/** What deleting SQL cell `name` breaks: the SQL cells that read it by name, and how many charts. */
function deleteWarning(name: string, cells: readonly string[], charts: number): string {
  if (cells.length === 0) return charts === 1 ? t('cell.deleteChartsOne', { name }) : t('cell.deleteCharts', { name, count: charts });
  const list = cells.join(', ');
  if (charts === 0) return t('cell.deleteReferenced', { name, cells: list });
  return charts === 1 ? t('cell.deleteReferencedChartsOne', { name, cells: list }) : t('cell.deleteReferencedCharts', { name, cells: list, count: charts });
}
