import { Hono } from 'hono';
import type { Auth } from '../../auth/index.js';
import { jsonObject, requireString } from '../body.js';
import { clearSessionCookie, clientAddress, refuse, setSessionCookie, type AuthEnv, type SessionOptions } from '../session.js';
import { BadRequestError } from '../../errors.js';

const MAX_SECRET = 4096;

function optionalString(body: Record<string, unknown>, key: string, where: string, max: number): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BadRequestError(`${where}: "${key}" must be a string`);
  if (v.length > max) throw new BadRequestError(`${where}: "${key}" is too long (${v.length} characters; at most ${max})`);
  return v;
}

/**
 * Signing in and out, the current user, password change and first-start setup:
 * mounted at /api/auth behind `sessionMiddleware` (which lets /login and /setup through).
 * `sessionsEnded` runs after a sign-out or a password change ended sessions, so that the
 * websockets opened with them close (Collab.recheck).
 */
export function authRoutes(auth: Auth, opts: SessionOptions = {}, sessionsEnded: () => Promise<void> = async () => {}) {
  return new Hono<AuthEnv>()
    .post('/login', async (c) => {
      const where = 'POST /api/auth/login';
      const body = await jsonObject(c, where);
      const name = requireString(body, 'name', where, 200);
      const password = requireString(body, 'password', where, MAX_SECRET);
      const r = await auth.login(name, password, clientAddress(c, opts));
      if (!r.ok) return refuse(c, r);
      setSessionCookie(c, r.token, r.maxAge);
      c.header('Cache-Control', 'no-store');
      return c.json({ user: r.user });
    })
    .post('/setup', async (c) => {
      const where = 'POST /api/auth/setup';
      const body = await jsonObject(c, where);
      const token = requireString(body, 'token', where, 200);
      const name = requireString(body, 'name', where, 200);
      const password = requireString(body, 'password', where, MAX_SECRET);
      const displayName = optionalString(body, 'displayName', where, 200);
      const r = await auth.setup({ token, name, password, ...(displayName !== undefined ? { displayName } : {}) }, clientAddress(c, opts));
      if (!r.ok) return refuse(c, r);
      setSessionCookie(c, r.token, r.maxAge);
      c.header('Cache-Control', 'no-store');
      return c.json({ user: r.user }, 201);
    })
    .post('/logout', async (c) => {
      await auth.logout({ user: c.var.user, credential: c.var.credential }, clientAddress(c, opts));
      await sessionsEnded();
      clearSessionCookie(c);
      return c.json({ ok: true });
    })
    .get('/me', async (c) => {
      c.header('Cache-Control', 'no-store');
      // `sso`: the account signs in through the identity provider and has no password to change.
      const stored = c.var.credential.kind === 'local' ? undefined : await auth.users.byId(c.var.user.id);
      return c.json({ user: { ...c.var.user, sso: stored?.source !== undefined }, auth: auth.required ? c.var.credential.kind : 'off' });
    })
    .post('/password', async (c) => {
      const where = 'POST /api/auth/password';
      const body = await jsonObject(c, where);
      const current = requireString(body, 'current', where, MAX_SECRET);
      const next = requireString(body, 'next', where, MAX_SECRET);
      const r = await auth.changePassword({ user: c.var.user, credential: c.var.credential }, current, next, clientAddress(c, opts));
      if (!r.ok) return refuse(c, r);
      await sessionsEnded();
      if (r.session) setSessionCookie(c, r.session.token, r.session.maxAge);
      return c.json({ ok: true });
    });
}
