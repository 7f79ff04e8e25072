/**
 * The browser's sign-in state, fetched once and updated on sign-in and sign-out, so
 * the shell does not ask the server before every page.
 */
import { fetchAuthState, safeNext, type AuthState, type Me } from './api.js';

let current: AuthState | null = null;

/** The known state, asking the server the first time (or after `forgetAuth`). */
export async function authState(): Promise<AuthState> {
  current ??= await fetchAuthState();
  return current;
}

export function setSignedIn(user: Me): void {
  current = { kind: 'signedIn', user };
}

export function setSignedOut(setup = false): void {
  current = { kind: 'signedOut', setup };
}

/** The next `authState()` asks the server again. */
export function forgetAuth(): void {
  current = null;
}

/**
 * The page to show instead of `path` when the browser is not signed in: the setup
 * page before the first account exists, else the login page that returns to `path`. Pure.
 */
export function gatePath(state: AuthState, path: string): string | null {
  if (state.kind !== 'signedOut') return null;
  if (state.setup) return path.startsWith('/setup') ? null : '/setup';
  if (path.startsWith('/login')) return null;
  return `/login?next=${encodeURIComponent(path)}`;
}

/**
 * Where to send a browser that is already signed in (or has no accounts to sign into)
 * away from the login and setup pages: back to `next`, else home. Pure.
 */
export function awayFromAuthPages(state: AuthState, path: string): string | null {
  if (state.kind === 'signedOut' || !(path.startsWith('/login') || path.startsWith('/setup'))) return null;
  const next = new URLSearchParams(path.split('?')[1] ?? '').get('next');
  return safeNext(next);
}
