/**
 * The page frame: a top bar (app name, the view's title, language and theme) and the
 * current view. The notebook view is loaded on demand, so the home page stays light.
 */
import { h, icon, replaceChildren } from './ui/dom.js';
import { getLang, LANGS, setLang, t, type Lang } from './i18n/index.js';
import { currentTheme, toggleTheme } from './theme.js';
import { navigate, parseRoute, startRouter, type Route } from './router.js';
import type { View } from './view.js';
import { HomeView } from './home/home-view.js';
import { authGate, sessionLost, userMenu, LoginView, SetupView } from './auth/index.js';
import { onUnauthorized } from './api/http.js';

export function mountShell(root: HTMLElement): void {
  const headerSlot = h('div', { class: 'topbar-title' });
  const actionsSlot = h('div', { class: 'topbar-actions' });
  const controls = h('div', { class: 'topbar-controls' });
  const brand = h('a', { href: '/', 'data-link': true, class: 'brand', title: t('app.home') }, brandMark(), h('span', null, t('app.name')));
  const account = h('div', { class: 'topbar-account' });
  const topbar = h('header', { class: 'topbar' }, brand, headerSlot, actionsSlot, controls, account);
  const main = h('main', { class: 'page', id: 'main' });
  replaceChildren(root, topbar, main);

  let view: View | null = null;
  let route: Route = parseRoute(location.pathname);
  let generation = 0;

  const renderControls = () => {
    const select = h('select', { class: 'lang-select', 'aria-label': t('app.language') }, ...LANGS.map((l) => h('option', { value: l, selected: l === getLang() }, l.toUpperCase())));
    select.addEventListener('change', () => {
      setLang(select.value as Lang);
      brand.title = t('app.home');
      render(route);
    });
    const dark = currentTheme() === 'dark';
    const theme = h('button', { type: 'button', class: 'icon-button', 'aria-label': t(dark ? 'app.theme.toLight' : 'app.theme.toDark'), title: t(dark ? 'app.theme.toLight' : 'app.theme.toDark') }, icon(dark ? 'sun' : 'moon'));
    theme.addEventListener('click', () => {
      toggleTheme();
      renderControls();
    });
    replaceChildren(controls, select, theme);
  };

  const render = async (next: Route) => {
    route = next;
    const mine = ++generation;
    view?.destroy();
    view = null;
    replaceChildren(headerSlot);
    replaceChildren(actionsSlot);
    replaceChildren(main, h('p', { class: 'page-loading' }, t('app.loading')));
    renderControls();
    document.title = t('app.name');
    let created: View;
    try {
      // Signed out: the login (or first-start setup) page instead; signed in: the account menu.
      const gate = await authGate(location.pathname + location.search);
      if (mine !== generation) return;
      if (gate.redirect) return navigate(gate.redirect, true);
      replaceChildren(account, gate.user ? userMenu(gate.user) : null);
      created = await createView(next);
    } catch (err) {
      created = messageView(t('app.error', { message: (err as Error).message }));
    }
    if (mine !== generation) {
      created.destroy();
      return;
    }
    view = created;
    replaceChildren(main, created.element);
    if (created.header) headerSlot.appendChild(created.header);
    if (created.actions) actionsSlot.appendChild(created.actions);
  };

  onUnauthorized(() => sessionLost(() => navigate(location.pathname + location.search, true)));
  startRouter((r) => void render(r));
}

async function createView(route: Route): Promise<View> {
  switch (route.name) {
    case 'home':
      return new HomeView();
    case 'notebook': {
      // Code-split: CodeMirror, Yjs and Arrow load only when a notebook opens.
      const { NotebookView } = await import('./notebook/notebook-view.js');
      return new NotebookView(route.id);
    }
    case 'briefing': {
      const { BriefingView } = await import('./briefing/briefing-view.js');
      return new BriefingView(route.id);
    }
    case 'login':
      return new LoginView();
    case 'setup':
      return new SetupView();
    case 'admin': {
      const { AdminView } = await import('./admin/admin-view.js');
      return new AdminView();
    }
    case 'notFound':
      return messageView(t('app.notFound'));
  }
}

function messageView(message: string): View {
  const element = h('section', { class: 'message-page' }, h('p', null, message), h('a', { href: '/', 'data-link': true, class: 'button' }, t('app.backHome')));
  return { element, destroy() {} };
}

function brandMark(): SVGSVGElement {
  const svg = icon('notebook', 20);
  svg.classList.add('brand-mark');
  return svg;
}
