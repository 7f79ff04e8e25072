/**
 * Single sign-on routes, mounted at /api/auth next to authRoutes; all three are open
 * paths in sessionMiddleware (the callback is a top-level navigation from the provider,
 * before any session exists). Failures send the browser back to the login page with a
 * short code (`/login?error=oidc-refused`) that the page words; nothing the provider
 * or a link says is shown as is.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { Auth } from '../../auth/index.js';
import { OidcFailure, safeNextPath, type OidcErrorCode, type OidcLogin } from '../../auth/oidc.js';
import { OIDC_CALLBACK_PATH } from '../../auth/oidc-config.js';
import { DEFAULT_ATTEMPT_RULES } from '../../auth/login-attempts.js';
import { clientAddress, overTls, setSessionCookie, type SessionOptions } from '../session.js';

export const OIDC_COOKIE = 'carnet_oidc';
const COOKIE_PATH = '/api/auth/oidc';

export interface OidcRoutesOptions {
  auth: Auth;
  /** The configured provider; null: single sign-on is off (providers says so, login answers 404). */
  oidc: OidcLogin | null;
  /** Overrides CARNET_OIDC_REDIRECT_URL; both absent: this request's own scheme and host + /api/auth/oidc/callback. */
  redirectUrl?: string;
  session?: SessionOptions;
}

/** Where the login page explains a failure. Pure. */
export function loginErrorPath(code: OidcErrorCode, next: string): string {
  const q = new URLSearchParams({ error: `oidc-${code}` });
  if (next !== '/') q.set('next', next);
  return `/login?${q}`;
}

/** `GET /providers`, `GET /oidc/login?next=/path`, `GET /oidc/callback`. */
export function oidcRoutes(opts: OidcRoutesOptions) {
  const { auth, oidc } = opts;
  const enabled = oidc !== null && auth.required;
  const cookieOptions = (c: Context) =>
    // Lax, not Strict: the provider sends the browser back with a cross-site top-level
    // GET, on which a Strict cookie would not be sent and every login would fail.
    ({ httpOnly: true, sameSite: 'Lax', path: COOKIE_PATH, secure: overTls(c) }) as const;

  const redirectUri = (c: Context): string => {
    const fixed = opts.redirectUrl ?? oidc?.redirectUrl;
    if (fixed) return fixed;
    const host = (opts.session?.trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined) ?? c.req.header('host') ?? new URL(c.req.url).host;
    return `${overTls(c) ? 'https' : 'http'}://${host}${OIDC_CALLBACK_PATH}`;
  };

  return new Hono()
    .get('/providers', (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json({ password: true, oidc: enabled ? { name: oidc.name } : null });
    })
    .get('/oidc/login', async (c) => {
      if (!enabled) return c.json({ error: { message: 'single sign-on is not configured (CARNET_OIDC_ISSUER)' } }, 404);
      const next = safeNextPath(c.req.query('next'));
      c.header('Cache-Control', 'no-store');
      try {
        const started = await oidc.start(next, redirectUri(c));
        setCookie(c, OIDC_COOKIE, started.attemptKey, { ...cookieOptions(c), maxAge: Math.floor(DEFAULT_ATTEMPT_RULES.ttlMs / 1000) });
        return c.redirect(started.url, 302);
      } catch (e) {
        if (!(e instanceof OidcFailure)) throw e;
        await auth.externalLoginFailed(e.message, { method: 'oidc', code: e.code }, clientAddress(c, opts.session));
        return c.redirect(loginErrorPath(e.code, next), 302);
      }
    })
    .get('/oidc/callback', async (c) => {
      if (!enabled) return c.json({ error: { message: 'single sign-on is not configured (CARNET_OIDC_ISSUER)' } }, 404);
      const key = getCookie(c, OIDC_COOKIE);
      // The attempt is used once, whatever happens next.
      if (key !== undefined) deleteCookie(c, OIDC_COOKIE, cookieOptions(c));
      c.header('Cache-Control', 'no-store');
      const r = await oidc.finish(key, new URL(c.req.url), clientAddress(c, opts.session));
      if (!r.ok) return c.redirect(loginErrorPath(r.code, r.next), 302);
      setSessionCookie(c, r.session.token, r.session.maxAge);
      return c.redirect(r.next, 302);
    });
}
