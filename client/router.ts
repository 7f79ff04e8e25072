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

/** Starts routing: renders the current path now and on back/forward and app link clicks. */
export function startRouter(onRoute: Listener): void {
  listener = onRoute;
  window.addEventListener('popstate', () => listener(parseRoute(location.pathname)));
  // Same-origin links marked data-link navigate without a page load (modified clicks open tabs as usual).
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!a || a.origin !== location.origin) return;
    e.preventDefault();
    navigate(a.pathname);
  });
  listener(parseRoute(location.pathname));
}

/** Goes to a path of the app, adding a history entry. */
export function navigate(path: string, replace = false): void {
  if (path !== location.pathname + location.search) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  listener(parseRoute(path));
}
