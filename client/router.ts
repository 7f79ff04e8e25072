/** Paths of the app: `/` lists notebooks, `/n/<id>` opens one, `/n/<id>/briefing` reads it as a document. History API, no hash. */
export type Route = { name: 'home' } | { name: 'notebook'; id: string } | { name: 'briefing'; id: string } | { name: 'login' } | { name: 'setup' } | { name: 'admin' } | { name: 'notFound'; path: string };

/** Parses a pathname into a route. Pure. */
export function parseRoute(path: string): Route {
  const pathname = path.split('?')[0]!;
  if (pathname === '/' || pathname === '' || pathname === '/index.html') return { name: 'home' };
  if (pathname === '/login') return { name: 'login' };
  if (pathname === '/setup') return { name: 'setup' };
  if (pathname === '/admin' || pathname === '/admin/') return { name: 'admin' };
  const m = /^\/n\/([A-Za-z0-9_-]{1,128})\/?$/.exec(pathname);
  if (m) return { name: 'notebook', id: m[1]! };
  const b = /^\/n\/([A-Za-z0-9_-]{1,128})\/briefing\/?$/.exec(pathname);
  if (b) return { name: 'briefing', id: b[1]! };
  return { name: 'notFound', path: pathname };
}

export const notebookPath = (id: string): string => `/n/${encodeURIComponent(id)}`;

type Listener = (route: Route) => void;
let listener: Listener = () => {};
/** Asked before the app leaves the current page (false: stay); see setLeaveGuard. */
let leaveGuard: (() => boolean) | null = null;
/** The path of the page shown, to go back to when a back/forward is refused. */
let shown = '';

/**
 * While set, leaving the current page within the app (a link, navigate(), back or forward)
 * asks `guard` first and stays when it answers false; closing the tab is the page's own
 * `beforeunload` business. Null removes it.
 */
export function setLeaveGuard(guard: (() => boolean) | null): void {
  leaveGuard = guard;
}

function show(route: Route): void {
  shown = location.pathname + location.search;
  listener(route);
}

/** Starts routing: renders the current path now and on back/forward and app link clicks. */
export function startRouter(onRoute: Listener): void {
  listener = onRoute;
  window.addEventListener('popstate', () => {
    if (leaveGuard && !leaveGuard()) {
      history.pushState(null, '', shown);
      return;
    }
    show(parseRoute(location.pathname));
  });
  // Same-origin links marked data-link navigate without a page load (modified clicks open tabs as usual).
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!a || a.origin !== location.origin) return;
    e.preventDefault();
    navigate(a.pathname);
  });
  show(parseRoute(location.pathname));
}

/** Goes to a path of the app, adding a history entry, unless the leave guard keeps the page. */
export function navigate(path: string, replace = false): void {
  if (leaveGuard && path !== shown && !leaveGuard()) return;
  if (path !== location.pathname + location.search) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  show(parseRoute(path));
}
