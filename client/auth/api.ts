/**
 * The /api/auth calls. Unlike client/api/http.ts these keep the status and the
 * server's retryAfter, because the sign-in page words each refusal differently.
 */
import { isRecord, optString } from '../api/http.js';

export interface Me {
  id: string;
  name: string;
  displayName: string;
  role: string;
  /** Signs in through single sign-on: there is no Carnet password to change. Absent: a password account. */
  sso?: boolean;
}

/** Who the browser is: signed in (or auth off), signed out, or the server has no account yet. */
export type AuthState =
  | { kind: 'off'; user: Me }
  | { kind: 'signedIn'; user: Me }
  | { kind: 'signedOut'; setup: boolean };

/** A call's outcome: the JSON answer, or the refusal with what the page needs to explain it. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; message: string; retryAfter?: number; setup?: boolean };

/** Validates the user object of /me, /login and /setup answers. Pure. */
export function parseMe(v: unknown): Me | null {
  if (!isRecord(v)) return null;
  const id = optString(v.id), name = optString(v.name), displayName = optString(v.displayName), role = optString(v.role);
  return id && name && displayName !== undefined && role ? { id, name, displayName, role, ...(v.sso === true ? { sso: true } : {}) } : null;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome<unknown>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, status: 0, message: (err as Error).message };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    // A proxy page or an empty body: described by the status below.
  }
  if (res.ok) return { ok: true, value: json };
  const e = isRecord(json) && isRecord(json.error) ? json.error : {};
  const retry = typeof e.retryAfter === 'number' ? e.retryAfter : Number(res.headers.get('Retry-After') ?? NaN);
  return {
    ok: false,
    status: res.status,
    message: optString(e.message) ?? `${res.status} ${res.statusText}`.trim(),
    ...(Number.isFinite(retry) ? { retryAfter: retry } : {}),
    ...(e.setup === true ? { setup: true } : {}),
  };
}

function withUser(o: Outcome<unknown>): Outcome<Me> {
  if (!o.ok) return o;
  const user = parseMe(isRecord(o.value) ? o.value.user : null);
  return user ? { ok: true, value: user } : { ok: false, status: 0, message: 'unexpected answer from the server' };
}

/** Asks the server who we are. Network failures throw: the shell shows them as errors. */
export async function fetchAuthState(): Promise<AuthState> {
  const o = await call('GET', '/api/auth/me');
  if (o.ok) {
    const user = parseMe(isRecord(o.value) ? o.value.user : null);
    if (!user) throw new Error('unexpected answer from the server for /api/auth/me');
    return { kind: isRecord(o.value) && o.value.auth === 'off' ? 'off' : 'signedIn', user };
  }
  if (o.status === 401) return { kind: 'signedOut', setup: o.setup === true };
  throw new Error(o.message);
}

export const login = async (name: string, password: string) => withUser(await call('POST', '/api/auth/login', { name, password }));

export const setupAdmin = async (input: { token: string; name: string; displayName?: string; password: string }) =>
  withUser(await call('POST', '/api/auth/setup', input));

export const logout = () => call('POST', '/api/auth/logout');

/** How one may sign in: always a password; single sign-on when the server has a provider. */
export interface Providers {
  password: boolean;
  oidc: { name: string } | null;
}

/** Validates the answer of /api/auth/providers. Pure. */
export function parseProviders(v: unknown): Providers | null {
  if (!isRecord(v) || typeof v.password !== 'boolean') return null;
  if (v.oidc === null) return { password: v.password, oidc: null };
  const name = isRecord(v.oidc) ? optString(v.oidc.name) : undefined;
  return name ? { password: v.password, oidc: { name } } : null;
}

/** The sign-in methods; on any failure, the password form alone (it still works). */
export async function fetchProviders(): Promise<Providers> {
  const o = await call('GET', '/api/auth/providers');
  return (o.ok ? parseProviders(o.value) : null) ?? { password: true, oidc: null };
}

/** The address that starts single sign-on, returning to `next` afterwards. */
export const oidcLoginHref = (next: string) => `/api/auth/oidc/login?next=${encodeURIComponent(next)}`;

export const changePassword = (current: string, next: string) => call('POST', '/api/auth/password', { current, next });

/**
 * Where to go after signing in: the `next` parameter when it is a path of this app,
 * else the home page. Refuses `//host` and absolute URLs, so a link cannot send a
 * freshly signed-in user to another site. Pure.
 */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw.startsWith('/login') || raw.startsWith('/setup')) return '/';
  return raw;
}
