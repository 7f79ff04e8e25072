/** What the shell asks before showing a page: may this browser see it, and who is it. */
import { authState, awayFromAuthPages, forgetAuth, gatePath } from './state.js';
import type { Me } from './api.js';

/**
 * For the page at `path` (pathname and search): a path to go to instead, or the
 * signed-in user (absent when authentication is off, so no account menu shows).
 */
export async function authGate(path: string): Promise<{ redirect?: string; user?: Me }> {
  const state = await authState();
  const redirect = gatePath(state, path) ?? awayFromAuthPages(state, path);
  if (redirect && redirect !== path) return { redirect };
  return state.kind === 'signedIn' ? { user: state.user } : {};
}

/**
 * An API call answered 401 (the session ended, or the account was disabled): forget
 * who we were and show the current page again, which the gate sends to sign-in.
 */
export function sessionLost(rerender: () => void): void {
  if (location.pathname === '/login' || location.pathname === '/setup') return;
  forgetAuth();
  rerender();
}
