/**
 * Who is asking: resolves the session cookie or the bearer token of every /api request
 * into `c.var.user`, refuses the rest with 401, and refuses cookie-authenticated
 * state changes from another origin (CSRF). Also the same check for a websocket upgrade.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { LOCAL_USER, NOT_SET_UP, type Auth, type Refusal, type Resolved } from '../auth/index.js';
import type { AuthUser, Credential } from '../auth/index.js';
import type { AuditActor } from '../audit/index.js';
import type { CollabIdentity } from '../collab/index.js';
import { CarnetError } from '../errors.js';

export const SESSION_COOKIE = 'carnet_session';

/** The Hono environment of routes behind the middleware: `c.var.user` is always set. */
export type AuthEnv = { Variables: { user: AuthUser; credential: Credential } };

export interface SessionOptions {
  /** Browser origins allowed besides the request's own host (e.g. behind a proxy that rewrites Host). */
  allowedOrigins?: readonly string[];
  /** Believe X-Forwarded-For / X-Forwarded-Host from a reverse proxy in front. Default false. */
  trustProxy?: boolean;
}

/**
 * Reachable without a user: signing in (by password or single sign-on: the callback is
 * the provider's redirect, before any session), first setup, and the health probe.
 */
const OPEN_PATHS = new Set(['/api/auth/login', '/api/auth/setup', '/api/auth/providers', '/api/auth/oidc/login', '/api/auth/oidc/callback', '/api/health']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Middleware for the whole app. Pages and static assets (outside /api) pass; so do the
 * open paths, which still get the Origin check. With authentication off every request
 * is the local administrator.
 */
export function sessionMiddleware(auth: Auth, opts: SessionOptions = {}): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    if (!auth.required) {
      c.set('user', LOCAL_USER);
      c.set('credential', { kind: 'local' });
      return next();
    }
    const path = c.req.path;
    if (path !== '/api' && !path.startsWith('/api/')) return next();
    if (OPEN_PATHS.has(path)) {
      // Login CSRF: a page elsewhere must not sign the browser in as someone else.
      if (c.req.header('origin') !== undefined && !SAFE_METHODS.has(c.req.method) && !originAllowed(c, opts)) return refuseOrigin(c);
      return next();
    }
    if (!(await auth.isSetUp())) return refuse(c, { ok: false, status: 401, message: NOT_SET_UP, setup: true });

    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    let resolved: Resolved | null;
    if (bearer !== undefined) {
      // A bad token is refused outright, never retried as the cookie: a script sees its own mistake.
      resolved = await auth.fromApiToken(bearer);
      if (!resolved) return refuse(c, { ok: false, status: 401, message: 'the API token is unknown or revoked (carnet token list)' });
      if (resolved.credential.kind === 'token') {
        const wait = auth.tokenRate.take(resolved.credential.tokenId);
        if (wait > 0) {
          const limit = auth.tokenRate.rules.perMinute;
          return refuse(c, { ok: false, status: 429, retryAfter: wait, message: `too many requests with this API token (at most ${limit} a minute, CARNET_TOKEN_RATE): retry in ${wait} s` });
        }
      }
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      resolved = cookie ? await auth.fromSession(cookie) : null;
      if (!resolved) {
        if (cookie) clearSessionCookie(c);
        return refuse(c, { ok: false, status: 401, message: cookie ? 'your session has ended: sign in again' : 'sign in first' });
      }
      if (!SAFE_METHODS.has(c.req.method) && !originAllowed(c, opts)) return refuseOrigin(c);
    }
    c.set('user', resolved.user);
    c.set('credential', resolved.credential);
    return next();
  };
}

/**
 * The websocket `authorize` hook: the user of the upgrade request's session cookie (or
 * bearer token, for non-browser clients), or null. Origin is checked by the collab
 * server itself. Every signed-in user may edit until notebook sharing exists.
 */
export function authorizeUpgrade(auth: Auth): (req: IncomingMessage) => Promise<CollabIdentity | null> {
  return async (req) => {
    // Without accounts nobody is vouched for: presence keeps the name people pick.
    if (!auth.required) return { userId: LOCAL_USER.id, name: LOCAL_USER.name, canEdit: true, anonymous: true };
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    let resolved: Resolved | null = null;
    if (bearer !== undefined) resolved = await auth.fromApiToken(bearer);
    else {
      const token = parseCookies(req.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
      if (token) resolved = await auth.fromSession(token);
    }
    return resolved ? { userId: resolved.user.id, name: resolved.user.name, displayName: resolved.user.displayName, canEdit: true, credential: resolved.credential } : null;
  };
}

/** The user of a request behind `sessionMiddleware`, for routes typed without AuthEnv. */
export function currentUser(c: Context): AuthUser {
  const user = c.get('user') as AuthUser | undefined;
  if (!user) throw new Error(`${c.req.method} ${c.req.path}: no user on the request; is sessionMiddleware mounted before this route?`);
  return user;
}

/** Refuses (403) a request whose user is not an administrator; `what` names the action (default: method and path). */
export function requireAdmin(c: Context, what = `${c.req.method} ${c.req.path}`): void {
  const me = currentUser(c);
  if (me.role !== 'admin') throw new CarnetError(`${what}: only an administrator may do this (you are signed in as "${me.name}", an analyst)`, 403);
}

/** Who made a request, as the audit log records it. */
export function requestActor(c: Context, opts: SessionOptions = {}): AuditActor {
  const user = currentUser(c);
  const address = clientAddress(c, opts);
  return { userId: user.id, name: user.name, ...(address ? { address } : {}) };
}

/** The `{error: …}` answer for a refusal; 429 also carries Retry-After. */
export function refuse(c: Context, r: Refusal): Response {
  const { message, retryAfter, setup } = r;
  if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
  c.header('Cache-Control', 'no-store');
  return c.json({ error: { message, ...(retryAfter !== undefined ? { retryAfter } : {}), ...(setup ? { setup: true } : {}) } }, r.status);
}

function refuseOrigin(c: Context): Response {
  const origin = c.req.header('origin');
  return c.json({ error: { message: origin ? `request refused: it comes from another site (${origin.slice(0, 100)})` : 'request refused: a signed-in browser request must carry an Origin header' } }, 403);
}

/**
 * The request's Origin is this server (or an allowed origin). Browsers send Origin on
 * every cross-site and every same-site non-GET request; a missing one is refused.
 */
export function originAllowed(c: Context, opts: SessionOptions): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if ((opts.allowedOrigins ?? []).some((a) => safeOrigin(a) === o.origin)) return true;
  const host = (opts.trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined) ?? c.req.header('host') ?? new URL(c.req.url).host;
  return o.host.toLowerCase() === host.toLowerCase();
}

function safeOrigin(a: string): string | null {
  try {
    return new URL(a).origin;
  } catch {
    return null;
  }
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string; encrypted?: boolean } };
}

/** The client's address: the socket's, or the proxy's X-Forwarded-For when trusted. */
export function clientAddress(c: Context, opts: SessionOptions = {}): string | undefined {
  if (opts.trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd.slice(0, 100);
  }
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
}

/** The request reached us over TLS, directly or through a proxy that says so. */
export function overTls(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if ((c.env as NodeBindings | undefined)?.incoming?.socket?.encrypted) return true;
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

export function setSessionCookie(c: Context, token: string, maxAge: number): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: overTls(c), maxAge });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: 'Strict', path: '/', secure: overTls(c) });
}
