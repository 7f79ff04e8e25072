/** The notebook's part of the top bar: title, connection, Run all, panel and help buttons (presence: client/collab). */
import { h, icon, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { NotebookDoc } from './doc-ops.js';
import type { NotebookSession, SessionStatus } from './session.js';
import type { Runner } from './runner.js';
import type { RuntimeStore } from './runtime.js';
import { showShortcuts } from './shortcuts-dialog.js';
import { exportMenu } from '../briefing/export-menu.js';
import { briefingPath } from '../briefing/paths.js';
import { sharingIcon } from '../sharing/icons.js';
import type { NotebookAccess } from '../sharing/access.js';

/**
 * An input bound to the document's title; returns it and a function that stops the binding.
 * With `readOnly` (a reader) it shows the title and follows its changes, but cannot change it.
 */
export function titleInput(doc: NotebookDoc, session: NotebookSession, initial: string, readOnly = false): { element: HTMLInputElement; dispose(): void } {
  const input = h('input', { class: 'notebook-title', type: 'text', value: initial, 'aria-label': t('notebook.titleLabel'), spellcheck: 'false', readonly: readOnly, 'data-testid': 'notebook-title' });
  input.addEventListener('input', () => {
    if (!readOnly) doc.setTitle(input.value);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === 'Escape') input.blur();
  });
  const meta = session.doc.getMap('meta');
  const sync = () => {
    const value = doc.title();
    if (document.activeElement !== input && value && input.value !== value) input.value = value;
    document.title = `${value || t('notebook.untitled')} · ${t('app.name')}`;
  };
  meta.observe(sync);
  return { element: input, dispose: () => meta.unobserve(sync) };
}

/** Connection state, in a word, with the explanation as tooltip. */
function statusBadge(session: NotebookSession): { element: HTMLElement; dispose(): void } {
  const status = h('span', { class: 'sync-status', 'data-testid': 'sync-status' });
  const render = (s: SessionStatus) => {
    status.dataset.status = s;
    const text: Record<SessionStatus, string> = {
      connecting: t('notebook.connecting'),
      live: t('notebook.live'),
      offline: t('notebook.offline'),
      gone: t('notebook.notFound'),
      stale: session.getCloseReason() || t('notebook.offline'),
      unreadable: t('home.unreadable', { message: session.getCloseReason() }),
    };
    status.textContent = text[s].split(' — ')[0]!;
    status.title = s === 'live' ? t('notebook.liveTitle') : text[s];
  };
  render(session.getStatus());
  return { element: status, dispose: session.onStatus(render) };
}

/** "View only" or "Can comment" for a reader; nothing for an editor or owner. */
function accessBadge(access: NotebookAccess): HTMLElement | null {
  if (access.canEdit) return null;
  const viewer = !access.canComment;
  return h(
    'span',
    { class: 'badge access-badge', title: t(viewer ? 'sharing.badge.viewerTitle' : 'sharing.badge.commenterTitle'), 'data-testid': 'access-badge', 'data-role': access.role },
    sharingIcon(viewer ? 'eye' : 'comment', 12),
    t(viewer ? 'sharing.badge.viewer' : 'sharing.badge.commenter'),
  );
}

/**
 * The action buttons of the top bar. `onTogglePanel` shows or hides the dataset panel and says
 * which; `onShare` opens the Share dialog. A reader (see `access`) gets no Run all.
 */
export function notebookActions(
  session: NotebookSession,
  runner: Runner,
  store: RuntimeStore,
  onTogglePanel: () => boolean,
  access: NotebookAccess,
  onShare: () => void,
): { element: HTMLElement; dispose(): void } {
  const status = statusBadge(session);
  const share = h('button', { type: 'button', class: 'button small', title: t('sharing.buttonTitle'), 'data-testid': 'share-button' }, sharingIcon('share', 13), t('sharing.button'));
  share.addEventListener('click', onShare);
  const runAll = h('button', { type: 'button', class: 'button small', 'data-testid': 'run-all' });
  const renderRunAll = () => {
    const stopping = runner.isRunningAll();
    replaceChildren(runAll, icon(stopping ? 'stop' : 'runAll', 13), t(stopping ? 'notebook.stopAll' : 'notebook.runAll'));
    runAll.classList.toggle('busy', store.isRunning());
  };
  renderRunAll();
  runAll.addEventListener('click', () => {
    if (runner.isRunningAll()) void runner.stopAll();
    else void runner.runAll().finally(renderRunAll);
    renderRunAll();
  });
  const stopBusy = store.onAny(renderRunAll);
  const help = h('button', { type: 'button', class: 'icon-button', title: t('notebook.shortcuts'), 'aria-label': t('notebook.shortcuts') }, icon('keyboard'));
  help.addEventListener('click', () => showShortcuts());
  const panel = h('button', { type: 'button', class: 'icon-button', title: t('notebook.toggleDatasets'), 'aria-label': t('notebook.toggleDatasets'), 'aria-pressed': 'true' }, icon('panel'));
  panel.addEventListener('click', () => panel.setAttribute('aria-pressed', String(onTogglePanel())));
  const briefing = h('a', { href: briefingPath(session.notebookId), 'data-link': true, class: 'button small', title: t('briefing.openTitle'), 'data-testid': 'open-briefing' }, icon('text', 13), t('briefing.open'));
  const exports = exportMenu(session.notebookId);
  return {
    element: h('div', { class: 'notebook-toolbar' }, accessBadge(access), status.element, access.canEdit ? runAll : null, share, briefing, exports.element, panel, help),
    dispose: () => {
      status.dispose();
      stopBusy();
      exports.destroy();
    },
  };
}
