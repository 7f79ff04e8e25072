import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { createAuditLog, type AuditLog } from '../../server/audit/index.js';
import { createAuth, type Auth } from '../../server/auth/index.js';
import { authRoutes } from '../../server/http/routes/auth.js';
import { authorizeUpgrade, requestActor, sessionMiddleware, type AuthEnv } from '../../server/http/session.js';
import { errorResponse } from '../../server/http/errors.js';
import { userAdd, userList, userDisable, userResetPassword, type CliIo } from '../../server/cli/user.js';
import { tokenCreate, tokenList, tokenRevoke } from '../../server/cli/token.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const START = Date.UTC(2025, 2, 1, 9, 0, 0);
const HOUR = 3600_000;
const ADMIN_PW = 'correct horse battery staple';
const ANA_PW = 'ana-likes-long-passwords';

let root: string;
let stateDir: string;
let t: number;
let audit: AuditLog;
let auth: Auth;
let app: Hono<AuthEnv>;

async function build(required = true) {
  audit = await createAuditLog(join(stateDir, 'audit'), { now: () => new Date(t) });
  auth = await createAuth({ stateDir, required, audit, now: () => new Date(t), hashParams: CHEAP });
  app = new Hono<AuthEnv>();
  app.onError(errorResponse);
  app.use('*', sessionMiddleware(auth));
  app.route('/api/auth', authRoutes(auth));
  app.get('/api/health', (c) => c.json({ ok: true }));
  app.get('/api/things', (c) => c.json({ user: c.var.user }));
  app.post('/api/things', (c) => c.json({ by: c.var.user.name }));
  app.get('/index.html', (c) => c.text('the page'));
  // A route typed without AuthEnv, as the other resources' sub-apps are.
  app.route('/api/plain', new Hono().get('/actor', (c) => c.json(requestActor(c))));
}

async function teardown() {
  await auth.close();
  await audit.close();
}

interface Req {
  body?: unknown;
  cookie?: string;
  origin?: string | null;
  bearer?: string;
  address?: string;
  headers?: Record<string, string>;
}

/** A request as a browser on http://localhost would send it (Origin on non-GET unless told otherwise). */
function call(method: string, path: string, r: Req = {}) {
  const headers: Record<string, string> = { ...r.headers };
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  if (r.cookie) headers.cookie = `carnet_session=${r.cookie}`;
  if (r.bearer) headers.authorization = `Bearer ${r.bearer}`;
  const origin = r.origin === undefined ? (method === 'GET' ? undefined : 'http://localhost') : r.origin;
  if (origin) headers.origin = origin;
  const env = { incoming: { socket: { remoteAddress: r.address ?? '10.0.0.1' } } };
  return app.request(path, { method, headers, ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}) }, env);
}

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /carnet_session=([^;]*)/.exec(set);
  if (!m) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return m[1]!;
}

async function setUp(): Promise<string> {
  const link = await auth.ensureSetup('http://localhost:8787');
  const token = new URL(link!.link).searchParams.get('token')!;
  const res = await call('POST', '/api/auth/setup', { body: { token, name: 'root', displayName: 'Root Admin', password: ADMIN_PW } });
  expect(res.status).toBe(201);
  return cookieOf(res);
}

const login = (name: string, password: string, r: Req = {}) => call('POST', '/api/auth/login', { ...r, body: { name, password } });

async function auditActions() {
  return (await audit.search({ limit: 500, offset: 0 })).records.reverse().map((r) => [r.action, r.target, r.actor.address ?? null, r.details.reason ?? r.details.change ?? null]);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'carnet-auth-'));
  stateDir = root;
  t = START;
});
afterEach(async () => {
  await teardown().catch(() => {});
  await rm(root, { recursive: true, force: true });
});

describe('before setup', () => {
  it('answers 401 with the setup hint everywhere but health, setup and pages', async () => {
    await build();
    for (const [method, path] of [['GET', '/api/things'], ['POST', '/api/things'], ['GET', '/api/auth/me'], ['POST', '/api/auth/login']] as const) {
      const res = method === 'POST' && path.endsWith('login') ? await login('root', ADMIN_PW) : await call(method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(await res.json()).toEqual({ error: { message: 'Carnet is not set up yet: open the setup link printed by the server', setup: true } });
    }
    expect((await call('GET', '/api/health')).status).toBe(200);
    expect(await (await call('GET', '/index.html')).text()).toBe('the page');
  });

  it('creates the first administrator once, with the link printed at start', async () => {
    await build();
    const link = await auth.ensureSetup('http://localhost:8787/');
    expect(link!.link).toMatch(/^http:\/\/localhost:8787\/setup\?token=[A-Za-z0-9_-]{43}$/);
    expect(link!.expiresAt).toBe(new Date(START + HOUR).toISOString());
    const token = new URL(link!.link).searchParams.get('token')!;

    const wrong = await call('POST', '/api/auth/setup', { body: { token: token.slice(1) + 'x', name: 'root', password: ADMIN_PW } });
    expect(wrong.status).toBe(403);
    const weak = await call('POST', '/api/auth/setup', { body: { token, name: 'root', password: 'short' } });
    expect(weak.status).toBe(400);
    expect((await weak.json()).error.message).toBe('password too short: 5 characters; use at least 12 (a few unrelated words make a good one)');

    const ok = await call('POST', '/api/auth/setup', { body: { token, name: 'Root', displayName: 'Root Admin', password: ADMIN_PW } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).user).toMatchObject({ name: 'root', displayName: 'Root Admin', role: 'admin' });
    const me = await call('GET', '/api/auth/me', { cookie: cookieOf(ok) });
    expect((await me.json()).user).toMatchObject({ name: 'root', role: 'admin' });

    const again = await call('POST', '/api/auth/setup', { body: { token, name: 'evil', password: ADMIN_PW } });
    expect(again.status).toBe(409);
    expect(await auth.ensureSetup('http://localhost:8787')).toBeNull();
    expect((await auth.users.list()).map((u) => u.name)).toEqual(['root']);
    expect(await auditActions()).toEqual([['account_change', 'root', '10.0.0.1', 'created']]);
  });

  it('refuses a setup link older than an hour', async () => {
    await build();
    const link = await auth.ensureSetup('http://localhost:8787');
    t += HOUR + 1;
    const res = await call('POST', '/api/auth/setup', { body: { token: new URL(link!.link).searchParams.get('token'), name: 'root', password: ADMIN_PW } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/expired: restart Carnet/);
  });

  it('prints no link when authentication is off, and everyone is the local administrator', async () => {
    await build(false);
    expect(await auth.ensureSetup('http://localhost:8787')).toBeNull();
    const res = await call('GET', '/api/things');
    expect((await res.json()).user).toEqual({ id: 'local', name: 'local', displayName: 'Local user', role: 'admin', groups: [] });
    expect(await (await call('POST', '/api/things', { origin: null })).json()).toEqual({ by: 'local' });
    expect(await authorizeUpgrade(auth)({ headers: {} } as IncomingMessage)).toEqual({ userId: 'local', name: 'local', canEdit: true, anonymous: true });
  });
});

describe('signing in', () => {
  beforeEach(async () => {
    await build();
    const root = await setUp();
    void root;
    await auth.addUser({ name: 'test' }, { name: 'ana', displayName: 'Ana Lyst', role: 'analyst', password: ANA_PW });
  });

  it('sets an HttpOnly, SameSite=Strict session cookie, Secure only over TLS', async () => {
    const res = await login('ana', ANA_PW);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: expect.any(String), name: 'ana', displayName: 'Ana Lyst', role: 'analyst', groups: [] } });
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/^carnet_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/);
    const tls = await login('ANA', ANA_PW, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('set-cookie')).toMatch(/; Secure/);
    const me = await call('GET', '/api/auth/me', { cookie: cookieOf(res) });
    expect((await me.json()).user.name).toBe('ana');
    const actor = await call('GET', '/api/plain/actor', { cookie: cookieOf(res), address: '10.2.3.4' });
    expect(await actor.json()).toEqual({ userId: expect.any(String), name: 'ana', address: '10.2.3.4' });
    // Only the hash of the token is on disk.
    expect(await readFile(join(stateDir, 'auth', 'sessions.json'), 'utf8')).not.toContain(cookieOf(res));
  });

  it('refuses a wrong password and an unknown name alike, and audits both with the address', async () => {
    const bad = await login('ana', 'not the password at all', { address: '10.9.9.9' });
    const nobody = await login('nobody', ANA_PW, { address: '10.9.9.9' });
    expect([bad.status, nobody.status]).toEqual([401, 401]);
    expect((await bad.json()).error.message).toBe('wrong login name or password');
    expect((await nobody.json()).error.message).toBe('wrong login name or password');
    expect((await call('GET', '/api/things')).status).toBe(401);
    await login('ana', ANA_PW, { address: '10.9.9.8' });
    expect((await auditActions()).slice(-3)).toEqual([
      ['login_failed', 'ana', '10.9.9.9', 'wrong password'],
      ['login_failed', 'nobody', '10.9.9.9', 'unknown name'],
      ['login', 'ana', '10.9.9.8', null],
    ]);
  });

  it('makes each further failure wait twice as long, answering 429 with retryAfter', async () => {
    for (let i = 0; i < 3; i++) expect((await login('ana', 'wrong password nr ' + i)).status).toBe(401);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const blocked = await login('ana', ANA_PW); // even the right password waits
      expect(blocked.status).toBe(429);
      const body = await blocked.json();
      waits.push(body.error.retryAfter);
      expect(blocked.headers.get('retry-after')).toBe(String(body.error.retryAfter));
      expect(body.error.message).toMatch(/^too many failed attempts: try again in \d+ s$/);
      t += body.error.retryAfter * 1000;
      expect((await login('ana', 'still wrong password')).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    t += 16_000;
    expect((await login('ana', ANA_PW)).status).toBe(200);
    // The success reset the account: one failure is not throttled.
    expect((await login('ana', 'wrong again, once more')).status).toBe(401);
    expect((await login('ana', ANA_PW)).status).toBe(200);
  });

  it('caps the wait at 15 minutes', async () => {
    for (let i = 0; i < 30; i++) {
      t += 16 * 60_000;
      await login('ana', 'wrong password again');
    }
    expect((await (await login('ana', ANA_PW)).json()).error.retryAfter).toBe(900);
  });

  it('throttles one address guessing many accounts, not the others', async () => {
    for (let i = 0; i < 10; i++) expect((await login(`user${i}`, 'guessing a password', { address: '10.6.6.6' })).status).toBe(401);
    expect((await login('ana', ANA_PW, { address: '10.6.6.6' })).status).toBe(429);
    expect((await login('ana', ANA_PW, { address: '10.1.1.1' })).status).toBe(200);
  });

  it('ends the session on logout', async () => {
    const cookie = cookieOf(await login('ana', ANA_PW));
    const out = await call('POST', '/api/auth/logout', { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/carnet_session=; Max-Age=0/);
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect((await auditActions()).at(-1)).toEqual(['logout', 'ana', '10.0.0.1', null]);
  });

  it('expires a session after 12 idle hours, and after 7 days however busy', async () => {
    const idle = cookieOf(await login('ana', ANA_PW));
    t += 12 * HOUR - 1000;
    expect((await call('GET', '/api/things', { cookie: idle })).status).toBe(200);
    t += 12 * HOUR;
    expect((await call('GET', '/api/things', { cookie: idle })).status).toBe(401);

    const busy = cookieOf(await login('ana', ANA_PW));
    const end = t + 7 * 24 * HOUR;
    while (t + 11 * HOUR < end) {
      t += 11 * HOUR;
      expect((await call('GET', '/api/things', { cookie: busy })).status).toBe(200);
    }
    t = end;
    const res = await call('GET', '/api/things', { cookie: busy });
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe('your session has ended: sign in again');
  });

  it('keeps sessions across a restart', async () => {
    const cookie = cookieOf(await login('ana', ANA_PW));
    await teardown();
    await build();
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(200);
  });

  it('refuses a disabled account: its sessions, its login and its API tokens', async () => {
    const cookie = cookieOf(await login('ana', ANA_PW));
    const { token } = await auth.createToken({ name: 'test' }, 'ana', 'script');
    await auth.setDisabled({ name: 'test' }, 'ana', true);
    expect((await call('GET', '/api/things', { cookie })).status).toBe(401);
    expect((await call('GET', '/api/things', { bearer: token })).status).toBe(401);
    const res = await login('ana', ANA_PW);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe('the account "ana" is disabled: ask an administrator');
    await auth.setDisabled({ name: 'test' }, 'ana', false);
    expect((await login('ana', ANA_PW)).status).toBe(200);
    expect((await call('GET', '/api/things', { cookie })).status).toBe(401); // the old session stays ended
  });

  it('will not disable or demote the last active administrator', async () => {
    await expect(auth.setDisabled({ name: 'test' }, 'root', true)).rejects.toThrow(/only active administrator/);
    await expect(auth.setRole({ name: 'test' }, 'root', 'analyst')).rejects.toThrow(/only active administrator/);
    await auth.setRole({ name: 'test' }, 'ana', 'admin');
    await auth.setDisabled({ name: 'test' }, 'root', true);
  });

  it('changes the password with the current one, ending other sessions', async () => {
    const here = cookieOf(await login('ana', ANA_PW));
    const elsewhere = cookieOf(await login('ana', ANA_PW));
    const wrong = await call('POST', '/api/auth/password', { cookie: here, body: { current: 'not my password!', next: 'a brand new passphrase' } });
    expect(wrong.status).toBe(403);
    const weak = await call('POST', '/api/auth/password', { cookie: here, body: { current: ANA_PW, next: 'short' } });
    expect(weak.status).toBe(400);
    const ok = await call('POST', '/api/auth/password', { cookie: here, body: { current: ANA_PW, next: 'a brand new passphrase' } });
    expect(ok.status).toBe(200);
    const fresh = cookieOf(ok);
    expect((await call('GET', '/api/things', { cookie: fresh })).status).toBe(200);
    expect((await call('GET', '/api/things', { cookie: here })).status).toBe(401);
    expect((await call('GET', '/api/things', { cookie: elsewhere })).status).toBe(401);
    expect((await login('ana', ANA_PW)).status).toBe(401);
    expect((await login('ana', 'a brand new passphrase')).status).toBe(200);
  });

  it('checks Origin on cookie-authenticated state changes', async () => {
    const cookie = cookieOf(await login('ana', ANA_PW));
    const foreign = await call('POST', '/api/things', { cookie, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.message).toBe('request refused: it comes from another site (http://evil.example)');
    expect((await call('POST', '/api/things', { cookie, origin: null })).status).toBe(403);
    expect((await call('POST', '/api/things', { cookie, origin: 'http://localhost.evil.example' })).status).toBe(403);
    expect((await call('POST', '/api/auth/logout', { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('POST', '/api/auth/login', { origin: 'http://evil.example', body: { name: 'ana', password: ANA_PW } })).status).toBe(403);
    expect((await call('GET', '/api/things', { cookie, origin: 'http://evil.example' })).status).toBe(200);
    expect(await (await call('POST', '/api/things', { cookie })).json()).toEqual({ by: 'ana' });
  });

  it('accepts an API token as Bearer until it is revoked', async () => {
    const { token, record } = await auth.createToken({ name: 'test' }, 'ana', 'nightly report');
    expect(token).toMatch(/^cnt_[A-Za-z0-9_-]{43}$/);
    expect(await readFile(join(stateDir, 'auth', 'tokens.json'), 'utf8')).not.toContain(token);
    expect((await (await call('GET', '/api/things', { bearer: token })).json()).user.name).toBe('ana');
    // Browsers never attach a bearer token by themselves: no Origin needed.
    expect(await (await call('POST', '/api/things', { bearer: token, origin: null })).json()).toEqual({ by: 'ana' });
    const cookie = cookieOf(await login('ana', ANA_PW));
    expect((await call('GET', '/api/things', { bearer: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), cookie })).status).toBe(401);
    await auth.revokeToken({ name: 'test' }, record.id);
    const res = await call('GET', '/api/things', { bearer: token });
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toMatch(/unknown or revoked/);
  });

  it('identifies the user of a websocket upgrade from its cookie', async () => {
    const cookie = cookieOf(await login('ana', ANA_PW));
    const authorize = authorizeUpgrade(auth);
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    // The credential comes along, so that the connection ends with the session (credential-end.test.ts).
    expect(await authorize(req({ cookie: `other=1; carnet_session=${cookie}` }))).toEqual({
      userId: expect.any(String), name: 'ana', displayName: 'Ana Lyst', canEdit: true, credential: { kind: 'session', tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(await authorize(req({}))).toBeNull();
    expect(await authorize(req({ cookie: 'carnet_session=forged' }))).toBeNull();
  });
});

describe('carnet user and carnet token', () => {
  function io(stdin: string | null) {
    const out: string[] = [];
    const err: string[] = [];
    const cli: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin };
    return { cli, out, err };
  }

  it('manages accounts and tokens that the server honours at once', async () => {
    const home = stateDir;
    stateDir = join(home, 'state');
    await build();
    const a = io('piped password 123\n');
    expect(await userAdd(home, 'Bob', { role: 'analyst', displayName: 'Bob B.' }, a.cli)).toBe(0);
    expect(a.out).toEqual(['created analyst "bob" (Bob B.)']);
    // No setup link once an account exists.
    expect(await auth.ensureSetup('http://localhost:8787')).toBeNull();
    expect((await login('bob', 'piped password 123')).status).toBe(200);

    const g = io(null);
    expect(await userAdd(home, 'carol', { role: 'admin' }, g.cli)).toBe(0);
    const generated = /: (\S+)$/.exec(g.out[1]!)![1]!;
    expect(generated).toHaveLength(20);
    expect((await login('carol', generated)).status).toBe(200);

    const weak = io('short\n');
    expect(await userAdd(home, 'dan', { role: 'analyst' }, weak.cli)).toBe(1);
    expect(weak.err[0]).toMatch(/^carnet: password too short: 5 characters/);
    const badRole = io(null);
    expect(await userAdd(home, 'dan', { role: 'boss' }, badRole.cli)).toBe(2);

    const list = io(null);
    expect(await userList(home, list.cli)).toBe(0);
    expect(list.out[0]).toMatch(/bob .*Bob B\. .*analyst .*active/);

    const tok = io(null);
    expect(await tokenCreate(home, { user: 'bob', name: 'etl' }, tok.cli)).toBe(0);
    const token = tok.out[1]!;
    const id = /API token (\S+)/.exec(tok.out[0]!)![1]!;
    expect((await call('GET', '/api/things', { bearer: token })).status).toBe(200);
    const tl = io(null);
    await tokenList(home, tl.cli);
    expect(tl.out[0]).toContain(id);
    expect(tl.out[0]).not.toContain(token);
    expect(await tokenRevoke(home, id, io(null).cli)).toBe(0);
    expect((await call('GET', '/api/things', { bearer: token })).status).toBe(401);

    const bobCookie = cookieOf(await login('bob', 'piped password 123'));
    expect(await userResetPassword(home, 'bob', io('another long password\n').cli)).toBe(0);
    expect((await call('GET', '/api/things', { cookie: bobCookie })).status).toBe(401);
    expect(await userDisable(home, 'bob', io(null).cli)).toBe(0);
    expect((await login('bob', 'another long password')).status).toBe(403);
    const missing = io(null);
    expect(await userDisable(home, 'nobody', missing.cli)).toBe(1);
    expect(missing.err[0]).toBe('carnet: no account named "nobody"');

    const cliRecords = (await audit.search({ limit: 100, offset: 0, text: '"cli:' })).records.reverse();
    expect(cliRecords.map((r) => [r.action, r.target, r.details.change ?? null])).toEqual([
      ['account_change', 'bob', 'created'],
      ['account_change', 'carol', 'created'],
      ['token_create', 'bob', null],
      ['token_revoke', 'bob', null],
      ['account_change', 'bob', 'password reset'],
      ['account_change', 'bob', 'disabled'],
    ]);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });
});
