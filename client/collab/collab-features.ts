/**
 * Working together in a notebook, put together in one place so the notebook view only creates
 * and destroys it: who is here (avatars, follow, a bar on the cell each person is in, their
 * cursors via the editors' awareness), who last edited each cell, comment threads, history,
 * and the offline state.
 */
import { EditorView } from '@codemirror/view';
import type { CellId } from '../../core/ids.js';
import { EDITED_AT, EDITED_BY } from '../../core/notebook/ydoc.js';
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { CellList } from '../notebook/cell-list.js';
import type { CellView } from '../cells/cell-view.js';
import type { NotebookDoc } from '../notebook/doc-ops.js';
import type { NotebookSession } from '../notebook/session.js';
import { pickName, presenceUser, resolvePresenceUser, type PresenceUser } from '../notebook/presence.js';
import { AttributionStamper, attributionText } from './attribution.js';
import { renderCellPresence, trackLocalCell } from './cell-presence.js';
import { CommentsModel } from './comments-model.js';
import { CommentsPanel } from './comments-panel.js';
import { Follow } from './follow.js';
import { HistoryPanel } from './history-panel.js';
import { collabIcon } from './icons.js';
import { showNamePicker } from './name-picker.js';
import { offlineBanner } from './offline-banner.js';
import { PresenceBar } from './presence-bar.js';
import { SidePanel } from './side-panel.js';
import { getDirectory } from '../sharing/api.js';
import '../styles/collab.css';

export interface CollabHost {
  notebookId: string;
  session: NotebookSession;
  doc: NotebookDoc;
  list: CellList;
  /** The scrolling element holding the cells. */
  scroller: HTMLElement;
  /** The notebook layout grid (the side panel becomes its third column). */
  layout: HTMLElement;
  /** Where the offline banner goes (above the cells). */
  column: HTMLElement;
  /** Selects a cell in the notebook view. */
  select(id: CellId): void;
}

/** Refresh of "3 min ago" labels. */
const CLOCK_MS = 30_000;

export class CollabFeatures {
  /** Avatars and the comments and history buttons, for the top bar. */
  readonly toolbar: HTMLElement;
  private user: PresenceUser = presenceUser();
  /** Account id → display name, with accounts on: comments name the accounts that wrote and resolved them. */
  private accountNames = new Map<string, string>();
  private readonly presence: PresenceBar;
  private readonly follow: Follow;
  private readonly stamper: AttributionStamper;
  private readonly comments: CommentsModel;
  private readonly commentsPanel: CommentsPanel;
  private readonly history: HistoryPanel;
  private readonly side: SidePanel;
  private readonly commentsButton: HTMLButtonElement;
  private readonly decorated = new Map<CellView, () => void>();
  private readonly cleanups: (() => void)[] = [];
  private readonly clock: number;
  private destroyed = false;

  constructor(private readonly host: CollabHost) {
    const { session } = host;
    this.publishUser();
    this.presence = new PresenceBar({
      awareness: session.awareness,
      onFollow: (clientId) => (clientId === null ? this.follow.stop() : this.follow.start(clientId)),
      onSelf: () => this.askName(true),
    });
    this.follow = new Follow(session.awareness, host.scroller, (id) => host.list.view(id)?.element, (clientId) => this.presence.setFollowing(clientId));
    this.cleanups.push(trackLocalCell(host.list.element, session.awareness));
    const renderPresence = () => this.renderPresence();
    session.awareness.on('change', renderPresence);
    this.cleanups.push(() => session.awareness.off('change', renderPresence));

    this.stamper = new AttributionStamper(host.doc.doc, () => this.user.name);
    this.comments = new CommentsModel(host.doc.doc, host.doc.origin, () => this.user);
    this.commentsPanel = new CommentsPanel({
      model: this.comments,
      cellLabel: (id) => this.cellLabel(id),
      cellText: (id) => host.doc.cell(id)?.text.toString(),
      reveal: (id, anchor) => this.reveal(id, anchor),
      accountName: (id, written) => (id !== undefined ? this.accountNames.get(id) : undefined) ?? written,
    });
    this.history = new HistoryPanel({ notebookId: host.notebookId, doc: host.doc, cellLabel: (id) => this.cellLabel(id), author: () => this.user.name });
    this.side = new SidePanel(host.layout, { comments: this.commentsPanel, history: this.history });

    this.commentsButton = h('button', { type: 'button', class: 'button small ghost side-toggle', 'aria-pressed': 'false', title: t('comments.title'), 'data-testid': 'toggle-comments' });
    this.commentsButton.addEventListener('click', () => this.side.toggle('comments'));
    const historyButton = h('button', { type: 'button', class: 'button small ghost side-toggle', 'aria-pressed': 'false', title: t('history.title'), 'data-testid': 'toggle-history' }, collabIcon('history', 14), t('history.button'));
    historyButton.addEventListener('click', () => this.side.toggle('history'));
    this.cleanups.push(
      this.side.onChange((tab) => {
        this.commentsButton.setAttribute('aria-pressed', String(tab === 'comments'));
        historyButton.setAttribute('aria-pressed', String(tab === 'history'));
      }),
    );
    this.toolbar = h('div', { class: 'collab-toolbar' }, this.presence.element, this.commentsButton, historyButton);

    this.cleanups.push(offlineBanner(session, host.column, host.layout));
    this.cleanups.push(this.comments.onChange(() => this.renderComments()));
    host.list.onChange(() => this.decorateAll());
    this.decorateAll();
    this.clock = window.setInterval(() => this.refreshAttribution(), CLOCK_MS);
    void this.loadUser();
  }

  destroy(): void {
    this.destroyed = true;
    clearInterval(this.clock);
    for (const c of this.cleanups.splice(0)) c();
    for (const undo of this.decorated.values()) undo();
    this.decorated.clear();
    this.presence.destroy();
    this.follow.destroy();
    this.stamper.destroy();
    this.commentsPanel.destroy();
    this.comments.destroy();
    this.history.destroy();
    document.querySelector('.name-picker')?.remove();
  }

  /** The account's name when accounts are on; else the picked one, asking once. */
  private async loadUser(): Promise<void> {
    const user = await resolvePresenceUser();
    if (this.destroyed) return;
    this.user = user;
    this.publishUser();
    if (!user.fromAccount && !user.picked) this.askName(false);
    if (user.fromAccount) await this.loadAccountNames();
  }

  /** The directory's names by account id; without it (an error), messages keep the names they carry. */
  private async loadAccountNames(): Promise<void> {
    try {
      const { users } = await getDirectory();
      if (this.destroyed) return;
      this.accountNames = new Map(users.flatMap((u) => (u.id ? [[u.id, u.displayName] as const] : [])));
      this.commentsPanel.refresh();
    } catch {
      // The names written with the messages stay: their authorId is still checked by the server.
    }
  }

  private askName(focus: boolean): void {
    if (this.user.fromAccount) return;
    showNamePicker({
      current: this.user.name,
      focus,
      onPick: (name) => {
        this.user = pickName(name);
        this.publishUser();
      },
    });
  }

  private publishUser(): void {
    const { name, color, colorLight, id } = this.user;
    this.host.session.awareness.setLocalStateField('user', { name, color, colorLight, id });
  }

  private renderPresence(): void {
    const cells = new Map<string, HTMLElement>();
    for (const v of this.host.list.cells()) cells.set(v.id, v.element);
    renderCellPresence(cells, this.presence.people());
  }

  /** Adds the attribution line, comment badge and comment button to new cell views. */
  private decorateAll(): void {
    const views = new Set(this.host.list.cells());
    for (const [view, undo] of this.decorated) {
      if (!views.has(view)) {
        undo();
        this.decorated.delete(view);
      }
    }
    for (const view of views) if (!this.decorated.has(view)) this.decorated.set(view, this.decorate(view));
    this.renderComments();
    this.renderPresence();
  }

  private decorate(view: CellView): () => void {
    const header = view.element.querySelector<HTMLElement>('.cell-header');
    if (!header) return () => undefined;
    const label = h('span', { class: 'cell-attribution', 'data-testid': 'cell-attribution' });
    const badge = h('button', { type: 'button', class: 'comment-badge', hidden: true, 'data-testid': 'comment-badge' });
    badge.addEventListener('click', () => {
      this.side.show('comments');
      this.commentsPanel.showCell(view.id);
    });
    const toolbar = header.querySelector('.cell-toolbar');
    header.insertBefore(h('span', { class: 'cell-collab' }, label, badge), toolbar);
    const comment = h('button', { type: 'button', class: 'icon-button', title: t('comments.add'), 'aria-label': t('comments.add'), 'data-testid': 'add-comment' }, collabIcon('comment', 15));
    // Before the click moves the focus: the editor's selection is what the comment is about.
    comment.addEventListener('mousedown', (e) => e.preventDefault());
    comment.addEventListener('click', () => {
      this.side.show('comments');
      this.commentsPanel.compose(view.id, this.selectionIn(view));
    });
    toolbar?.prepend(comment);
    const update = () => {
      const text = attributionText(view.map.get(EDITED_BY), view.map.get(EDITED_AT), Date.now());
      label.textContent = text ?? '';
      label.hidden = text === null;
      const at = view.map.get(EDITED_AT);
      label.title = typeof at === 'string' ? new Date(at).toLocaleString() : '';
    };
    const onMap = (e: { keysChanged: Set<string> }) => {
      if (e.keysChanged.has(EDITED_BY) || e.keysChanged.has(EDITED_AT)) update();
    };
    view.map.observe(onMap);
    update();
    return () => view.map.unobserve(onMap);
  }

  private refreshAttribution(): void {
    const now = Date.now();
    for (const view of this.decorated.keys()) {
      const label = view.element.querySelector<HTMLElement>('.cell-attribution');
      const text = attributionText(view.map.get(EDITED_BY), view.map.get(EDITED_AT), now);
      if (label && text) label.textContent = text;
    }
  }

  private renderComments(): void {
    const counts = this.comments.openCounts();
    let total = 0;
    for (const view of this.decorated.keys()) {
      const badge = view.element.querySelector<HTMLElement>('.comment-badge');
      const n = counts.get(view.id) ?? 0;
      total += n;
      if (!badge) continue;
      badge.hidden = n === 0;
      replaceChildren(badge, collabIcon('comment', 12), String(n));
      badge.title = n === 1 ? t('comments.oneOpen') : t('comments.open', { count: n });
    }
    replaceChildren(this.commentsButton, collabIcon('comment', 14), t('comments.button'), total > 0 ? h('span', { class: 'count-badge', 'data-testid': 'comments-count' }, String(total)) : null);
  }

  /** The selected range of the cell's editor, when it has one. */
  private selectionIn(view: CellView): { from: number; to: number } | undefined {
    const editor = this.editorOf(view);
    const range = editor?.state.selection.main;
    return range && !range.empty ? { from: range.from, to: range.to } : undefined;
  }

  private editorOf(view: CellView): EditorView | null {
    const dom = view.element.querySelector<HTMLElement>('.cm-editor');
    return dom ? EditorView.findFromDOM(dom) : null;
  }

  /** Shows a cell; with `anchor`, opens its editor with that range selected. */
  private reveal(cellId: string, anchor?: { from: number; to: number }): void {
    const view = this.host.list.view(cellId);
    if (!view) return;
    this.host.select(view.id);
    view.element.scrollIntoView({ block: 'center' });
    if (!anchor) return;
    if (!this.editorOf(view)) view.body.edit();
    const editor = this.editorOf(view);
    if (!editor) return;
    const length = editor.state.doc.length;
    const from = Math.min(anchor.from, length);
    const to = Math.min(anchor.to, length);
    editor.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
    editor.focus();
  }

  private cellLabel(id: string): string {
    const cells = this.host.doc.cells();
    const index = cells.findIndex((c) => c.id === id);
    const cell = cells[index];
    if (!cell) return t('comments.deletedCell');
    if (cell.name) return cell.name;
    const kind = t(cell.kind === 'sql' ? 'cell.sql' : cell.kind === 'chart' ? 'cell.chart' : 'cell.markdown');
    return t('comments.cellAt', { kind, n: index + 1 });
  }
}
