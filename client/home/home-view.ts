/** The home page: the workspace's notebooks, newest first; create, open, rename, duplicate, delete. */
import { h, icon, replaceChildren } from '../ui/dom.js';
import { formatRelative, t } from '../i18n/index.js';
import { confirmDialog, promptDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { navigate, notebookPath } from '../router.js';
import type { View } from '../view.js';
import {
  createNotebook,
  duplicateNotebook,
  listNotebooks,
  renameNotebook,
  trashNotebook,
  type NotebookSummary,
} from '../api/notebooks.js';
import { listDatasets, type Dataset } from '../api/datasets.js';
import { sortNotebooks } from './sort.js';
import { markJustCreated } from '../notebook/just-created.js';
import { authState } from '../auth/index.js';
import { roleLabel } from '../sharing/share-dialog.js';
import '../sharing/sharing.css';
import { HOME_FILTERS, hasOwners, matchesFilter, type HomeFilter } from './filter.js';

export class HomeView implements View {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly side: HTMLElement;
  private readonly filterBar: HTMLElement;
  private filter: HomeFilter = 'all';
  private notebooks: NotebookSummary[] = [];
  /** The signed-in login name; null when accounts are off (everything is everyone's). */
  private me: string | null = null;
  private destroyed = false;

  constructor() {
    const create = h('button', { type: 'button', class: 'button primary', 'data-testid': 'new-notebook' }, icon('plus'), t('home.new'));
    create.addEventListener('click', () => void this.create());
    this.list = h('ul', { class: 'notebook-list', 'aria-label': t('home.title') });
    this.side = h('aside', { class: 'home-side' });
    this.filterBar = h('div', { class: 'home-filter', role: 'group', 'aria-label': t('sharing.filter'), hidden: true, 'data-testid': 'home-filter' });
    this.element = h(
      'section',
      { class: 'home' },
      h('div', { class: 'home-main' },
        h('div', { class: 'home-head' }, h('div', null, h('h1', null, t('home.title')), h('p', { class: 'muted' }, t('home.subtitle'))), create),
        this.filterBar,
        this.list,
      ),
      this.side,
    );
    void this.load();
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async load(): Promise<void> {
    try {
      const [notebooks, datasets, auth] = await Promise.all([listNotebooks(), listDatasets().catch(() => [] as Dataset[]), authState().catch(() => null)]);
      if (this.destroyed) return;
      this.me = auth?.kind === 'signedIn' ? auth.user.name : null;
      this.notebooks = sortNotebooks(notebooks);
      this.renderFilter();
      this.renderList();
      this.renderDatasets(datasets);
    } catch (err) {
      replaceChildren(this.list, h('li', { class: 'error-text' }, t('app.error', { message: (err as Error).message })));
    }
  }

  /** "All / Mine / Shared with me", offered only when accounts are on and the server names owners. */
  private renderFilter(): void {
    const me = this.me;
    this.filterBar.hidden = me === null || !hasOwners(this.notebooks);
    if (this.filterBar.hidden) return;
    const labels: Record<HomeFilter, string> = { all: t('sharing.filter.all'), mine: t('sharing.filter.mine'), shared: t('sharing.filter.shared') };
    replaceChildren(
      this.filterBar,
      ...HOME_FILTERS.map((f) => {
        const b = h('button', { type: 'button', 'aria-pressed': String(f === this.filter), 'data-filter': f }, labels[f]);
        b.addEventListener('click', () => {
          this.filter = f;
          this.renderFilter();
          this.renderList();
          this.filterBar.querySelector<HTMLButtonElement>(`[data-filter="${f}"]`)?.focus();
        });
        return b;
      }),
    );
  }

  private renderList(): void {
    if (this.notebooks.length === 0) {
      replaceChildren(this.list, h('li', { class: 'empty-state' }, t('home.empty')));
      return;
    }
    const me = this.me;
    const notebooks = me === null || this.filterBar.hidden ? this.notebooks : this.notebooks.filter((n) => matchesFilter(n, this.filter, me));
    if (notebooks.length === 0) {
      replaceChildren(this.list, h('li', { class: 'empty-state' }, t('sharing.filterEmpty')));
      return;
    }
    replaceChildren(this.list, ...notebooks.map((n) => this.renderItem(n)));
  }

  private renderItem(n: NotebookSummary): HTMLElement {
    const when = n.modified ?? n.updated;
    const whenText = when ? formatRelative(new Date(when)) : '';
    const meta: string[] = [];
    if (whenText) meta.push(n.updatedBy ? t('home.editedBy', { when: whenText, who: n.updatedBy }) : t('home.edited', { when: whenText }));
    if (n.cells !== undefined) meta.push(n.cells === 1 ? t('home.oneCell') : t('home.cells', { count: n.cells }));
    // Whose it is, when accounts are on and it is someone else's.
    if (this.me !== null && n.owner && n.owner.toLowerCase() !== this.me.toLowerCase()) meta.push(t('sharing.ownedBy', { owner: n.owner }));
    const role = this.me !== null && n.role ? h('span', { class: 'badge notebook-role', 'data-testid': 'notebook-role' }, roleLabel(n.role)) : null;
    const canEdit = n.role === undefined || n.role === 'owner' || n.role === 'editor';
    const action = (label: string, name: 'edit' | 'duplicate' | 'trash', run: () => void) => {
      const b = h('button', { type: 'button', class: 'icon-button', title: label, 'aria-label': `${label} — ${n.title}` }, icon(name));
      b.addEventListener('click', run);
      return b;
    };
    return h(
      'li',
      { class: `notebook-item${n.error ? ' broken' : ''}`, 'data-id': n.id },
      h('div', { class: 'notebook-item-main' },
        n.error
          ? h('span', { class: 'notebook-link' }, n.title)
          : h('a', { href: notebookPath(n.id), 'data-link': true, class: 'notebook-link' }, n.title),
        h('span', { class: 'notebook-badges' }, n.classification ? h('span', { class: 'badge classification' }, n.classification) : null, role),
        h('span', { class: 'notebook-meta' }, n.error ? t('home.unreadable', { message: n.error }) : meta.join(' · ')),
      ),
      h('div', { class: 'notebook-actions' },
        canEdit ? action(t('home.rename'), 'edit', () => void this.rename(n)) : null,
        action(t('home.duplicate'), 'duplicate', () => void this.duplicate(n)),
        n.role === undefined || n.role === 'owner' ? action(t('home.delete'), 'trash', () => void this.remove(n)) : null,
      ),
    );
  }

  private renderDatasets(datasets: Dataset[]): void {
    replaceChildren(
      this.side,
      h('h2', null, t('home.datasets')),
      h('p', { class: 'muted' }, t('home.datasetCount', { count: datasets.length })),
      h('ul', { class: 'home-datasets' }, ...datasets.map((d) =>
        h('li', null, icon('table', 14), h('code', null, d.name), d.rowCount !== undefined ? h('span', { class: 'muted' }, t('datasets.rows', { count: d.rowCount })) : null),
      )),
    );
  }

  private async create(): Promise<void> {
    const title = await promptDialog({ title: t('home.newTitle'), label: t('dialog.titleLabel'), value: t('home.defaultTitle'), confirm: t('dialog.create') });
    if (title === null) return;
    try {
      const created = await createNotebook(title);
      markJustCreated(created.id);
      navigate(notebookPath(created.id));
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  private async rename(n: NotebookSummary): Promise<void> {
    const title = await promptDialog({ title: t('home.renameTitle'), label: t('dialog.titleLabel'), value: n.title, confirm: t('dialog.save') });
    if (title === null || title === n.title) return;
    await this.act(() => renameNotebook(n.id, title));
  }

  private async duplicate(n: NotebookSummary): Promise<void> {
    await this.act(() => duplicateNotebook(n.id));
  }

  private async remove(n: NotebookSummary): Promise<void> {
    const ok = await confirmDialog({ title: t('home.deleteTitle'), message: t('home.deleteMessage', { title: n.title }), confirm: t('dialog.delete'), danger: true });
    if (!ok) return;
    if (await this.act(() => trashNotebook(n.id))) toast(t('home.deleted', { title: n.title }));
  }

  private async act(f: () => Promise<unknown>): Promise<boolean> {
    try {
      await f();
      await this.load();
      return true;
    } catch (err) {
      toast((err as Error).message, 'error');
      return false;
    }
  }
}
