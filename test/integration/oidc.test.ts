/**
 * Single sign-on against a real OpenID provider (oidc-provider) run by the test, and
 * the API-token rate limit. Carnet runs on a real HTTP server too, so the browser's
 * whole journey (Carnet → provider login and consent → Carnet callback) is fetches.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../server/audit/index.js';
import { createAuth, type Auth } from '../../server/auth/index.js';
import { createOidcLogin } from '../../server/auth/oidc.js';
import { parseOidcConfig } from '../../server/auth/oidc-config.js';
import { authRoutes } from '../../server/http/routes/auth.js';
import { oidcRoutes } from '../../server/http/routes/oidc.js';
import { sessionMiddleware, type AuthEnv } from '../../server/http/session.js';
import { errorResponse } from '../../server/http/errors.js';
import { listenLater, startProvider, TestBrowser, type TestAccount } from '../helpers/oidc-provider.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const ROOT_PW = 'correct horse battery staple';
const START = Date.UTC(2025, 2, 1, 9, 0, 0);

let root: string;
let audit: AuditLog;
let auth: Auth;
let t = START;
let carnet: Awaited<ReturnType<typeof listenLater>>;
let idp: Awaited<ReturnType<typeof startProvider>>;
const accounts = new Map<string, TestAccount>();

function resetAccounts() {
  accounts.clear();
  for (const a of [
    { sub: 'sub-alice', preferred_username: 'Alice', name: 'Alice Martin', email: 'alice@example.org', groups: ['Carnet-Admins', 'Finance'] },
    { sub: 'sub-bob', preferred_username: 'bob', name: 'Bob', groups: ['analysts'] },
    { sub: 'sub-eve', preferred_username: 'eve', groups: ['marketing'] },
    { sub: 'sub-mallory', preferred_username: 'root', groups: ['analysts'] },
  ]) accounts.set(a.sub, a);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'carnet-oidc-'));
  carnet = await listenLater();
  resetAccounts();
  idp = await startProvider({ clientId: 'carnet', clientSecret: 'carnet-test-secret', redirectUri: `${carnet.origin}/api/auth/oidc/callback`, accounts });
  audit = await createAuditLog(join(root, 'audit'), { now: () => new Date(t) });
  auth = await createAuth({ stateDir: root, required: true, audit, now: () => new Date(t), hashParams: CHEAP, tokenRatePerMinute: 3 });
  await auth.addUser({ name: 'cli' }, { name: 'root', role: 'admin', password: ROOT_PW });
  const config = parseOidcConfig({
    CARNET_OIDC_ISSUER: idp.issuer,
    CARNET_OIDC_CLIENT_ID: 'carnet',
    CARNET_OIDC_CLIENT_SECRET: 'carnet-test-secret',
    CARNET_OIDC_NAME: 'Company SSO',
    CARNET_OIDC_ADMIN_GROUPS: 'carnet-admins',
    CARNET_OIDC_ANALYST_GROUPS: 'Analysts, finance',
  })!;
  const app = new Hono<AuthEnv>();
  app.onError(errorResponse);
  app.use('*', sessionMiddleware(auth));
  app.route('/api/auth', authRoutes(auth));
  app.route('/api/auth', oidcRoutes({ auth, oidc: createOidcLogin({ config, auth }) }));
  app.get('/api/things', (c) => c.json({ user: c.var.user.name }));
  carnet.handle(getRequestListener(app.fetch));
});

afterAll(async () => {
  await carnet?.close();
  await idp?.close();
  await auth?.close();
  await audit?.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  resetAccounts();
  t = START;
});

const api = (path: string, init: { cookie?: string; bearer?: string; method?: string; body?: unknown } = {}) =>
  fetch(`${carnet.origin}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.cookie ? { cookie: `carnet_session=${init.cookie}` } : {}),
      ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json', origin: carnet.origin } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

/** Signs in through the provider as `sub`; returns where Carnet sent the browser and the session cookie. */
async function signIn(sub: string, next = '/') {
  const browser = new TestBrowser();
  const landed = await browser.walk(`${carnet.origin}/api/auth/oidc/login?next=${encodeURIComponent(next)}`, sub, carnet.origin);
  return { landed, session: browser.cookie(carnet.origin, 'carnet_session'), browser };
}

async function me(cookie: string) {
  const res = await api('/api/auth/me', { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { user: { id: string; name: string; displayName: string; role: string; groups: string[]; sso: boolean } }).user;
}

async function lastAudit(action: string) {
  const page = await audit.search({ limit: 500, offset: 0 });
  return page.records.find((r) => r.action === action);
}

describe('single sign-on', () => {
  it('tells the login page which providers exist, without a session', async () => {
    const res = await api('/api/auth/providers');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ password: true, oidc: { name: 'Company SSO' } });
  });

  it('signs a provider administrator in, with groups from the claim, and returns to the page asked for', async () => {
    const { landed, session } = await signIn('sub-alice', '/notebooks/abc?x=1');
    expect(landed.pathname + landed.search).toBe('/notebooks/abc?x=1');
    expect(session).toBeDefined();
    const user = await me(session!);
    expect(user).toMatchObject({ name: 'alice', displayName: 'Alice Martin', role: 'admin', groups: ['carnet-admins', 'finance'] });
    expect((await api('/api/things', { cookie: session! })).status).toBe(200);
    const login = await lastAudit('login');
    expect(login).toMatchObject({ action: 'login', target: 'alice', details: { method: 'oidc', sub: 'sub-alice' } });
  });

  it('makes a member of an analyst group an analyst', async () => {
    const { session } = await signIn('sub-bob');
    expect(await me(session!)).toMatchObject({ name: 'bob', role: 'analyst', groups: ['analysts'] });
  });

  it('refuses someone in no allowed group, saying why on the login page', async () => {
    const { landed, session } = await signIn('sub-eve', '/notebooks/x');
    expect(landed.pathname).toBe('/login');
    expect(landed.searchParams.get('error')).toBe('oidc-refused');
    expect(landed.searchParams.get('next')).toBe('/notebooks/x');
    expect(session).toBeUndefined();
    expect(await auth.users.byName('eve')).toBeUndefined();
    expect(await lastAudit('login_failed')).toMatchObject({ details: { method: 'oidc', code: 'refused', reason: '"eve" is in none of the groups allowed to use Carnet' } });
  });

  it('refuses a tampered state, and the attempt cannot be replayed afterwards', async () => {
    const browser = new TestBrowser();
    const callback = await browser.walk(`${carnet.origin}/api/auth/oidc/login`, 'sub-bob', carnet.origin, (u) => u.pathname === '/api/auth/oidc/callback');
    expect(callback.searchParams.get('code')).toBeTruthy();
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'attacker-chosen-state');
    const refused = await browser.request(tampered.href);
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toBe('/login?error=oidc-state');
    expect(browser.cookie(carnet.origin, 'carnet_session')).toBeUndefined();
    // The genuine answer arrives too late: the attempt was used by the refused one.
    const replay = await browser.request(callback.href);
    expect(replay.headers.get('location')).toBe('/login?error=oidc-expired');
    expect(browser.cookie(carnet.origin, 'carnet_session')).toBeUndefined();
  });

  it('refuses a callback without the attempt cookie (a code sent from elsewhere)', async () => {
    const browser = new TestBrowser();
    const callback = await browser.walk(`${carnet.origin}/api/auth/oidc/login`, 'sub-bob', carnet.origin, (u) => u.pathname === '/api/auth/oidc/callback');
    const res = await fetch(callback, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/login?error=oidc-expired');
  });

  it('reuses the account of a returning subject and updates role and groups from the provider', async () => {
    const first = await me((await signIn('sub-alice')).session!);
    const count = await auth.users.count();
    accounts.set('sub-alice', { ...accounts.get('sub-alice')!, preferred_username: 'alice.m', groups: ['finance', 'Audit Team'] });
    const second = await me((await signIn('sub-alice')).session!);
    expect(second).toMatchObject({ id: first.id, name: 'alice', role: 'analyst', groups: ['audit-team', 'finance'] });
    expect(await auth.users.count()).toBe(count);
    expect(await lastAudit('role_change')).toMatchObject({ target: 'alice', details: { change: 'single sign-on', to: { role: 'analyst', groups: ['audit-team', 'finance'] } } });
  });

  it('never links a provider subject to a password account of the same name', async () => {
    const { session } = await signIn('sub-mallory');
    const user = await me(session!);
    expect(user.name).toBe('root-2');
    expect(user.role).toBe('analyst');
    expect((await auth.users.byName('root'))?.source).toBeUndefined();
  });

  it('gives a single sign-on account no password: password login, change and reset all fail', async () => {
    const { session } = await signIn('sub-bob');
    const stored = await auth.users.byName('bob');
    expect(stored?.source).toEqual({ kind: 'oidc', issuer: idp.issuer, sub: 'sub-bob' });
    // Two tries and the one after the reset attempt: below the throttle's free failures, so each answer is the refusal itself.
    for (const password of [stored!.passwordHash, 'any password at all']) {
      const res = await api('/api/auth/login', { method: 'POST', body: { name: 'bob', password } });
      expect(res.status, password).toBe(401);
    }
    const change = await api('/api/auth/password', { method: 'POST', cookie: session!, body: { current: 'x', next: 'a brand new long password' } });
    expect(change.status).toBe(403);
    expect(((await change.json()) as { error: { message: string } }).error.message).toMatch(/single sign-on/);
    await expect(auth.resetPassword({ name: 'cli' }, 'bob', 'a brand new long password')).rejects.toThrow(/single sign-on/);
    expect((await api('/api/auth/login', { method: 'POST', body: { name: 'bob', password: 'a brand new long password' } })).status).toBe(401);
  });

  it('says on /me whether the account signs in through single sign-on (no password to change)', async () => {
    expect(await me((await signIn('sub-bob')).session!)).toMatchObject({ name: 'bob', sso: true });
    const login = await api('/api/auth/login', { method: 'POST', body: { name: 'root', password: ROOT_PW } });
    const cookie = /carnet_session=([^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    expect(await me(cookie)).toMatchObject({ name: 'root', sso: false });
  });

  it('refuses a disabled account', async () => {
    await signIn('sub-bob');
    await auth.setDisabled({ name: 'cli' }, 'bob', true);
    const { landed, session } = await signIn('sub-bob');
    expect(landed.searchParams.get('error')).toBe('oidc-disabled');
    expect(session).toBeUndefined();
    await auth.setDisabled({ name: 'cli' }, 'bob', false);
  });

  it('only returns to paths of this server', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/login?next=/x']) {
      const { landed } = await signIn('sub-bob', next);
      expect(landed.href, next).toBe(`${carnet.origin}/`);
    }
  });

  it('sends the browser back to the login page when the provider is down', async () => {
    const down = createOidcLogin({ config: { ...parseOidcConfig({ CARNET_OIDC_ISSUER: 'http://127.0.0.1:9', CARNET_OIDC_CLIENT_ID: 'c', CARNET_OIDC_CLIENT_SECRET: 's' })! }, auth });
    const app = new Hono();
    app.route('/api/auth', oidcRoutes({ auth, oidc: down }));
    const res = await app.request('/api/auth/oidc/login?next=/notebooks/x', {}, { incoming: { socket: { remoteAddress: '10.0.0.9' } } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?error=oidc-unavailable&next=%2Fnotebooks%2Fx');
  });
});

describe('API token rate limit', () => {
  it('answers 429 with Retry-After past the limit, per token, and leaves cookie sessions alone', async () => {
    const { token } = await auth.createToken({ name: 'cli' }, 'root', 'script');
    const { token: other } = await auth.createToken({ name: 'cli' }, 'root', 'other script');
    for (let i = 0; i < 3; i++) expect((await api('/api/things', { bearer: token })).status).toBe(200);
    const limited = await api('/api/things', { bearer: token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(((await limited.json()) as { error: { message: string } }).error.message).toBe('too many requests with this API token (at most 3 a minute, CARNET_TOKEN_RATE): retry in 20 s');
    expect((await api('/api/things', { bearer: other })).status).toBe(200);

    const login = await api('/api/auth/login', { method: 'POST', body: { name: 'root', password: ROOT_PW } });
    const cookie = /carnet_session=([^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    for (let i = 0; i < 10; i++) expect((await api('/api/things', { cookie })).status).toBe(200);

    t += 20_000;
    expect((await api('/api/things', { bearer: token })).status).toBe(200);
    expect((await api('/api/things', { bearer: token })).status).toBe(429);
  });
});
