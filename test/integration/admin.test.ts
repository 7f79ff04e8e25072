/**
 * The administrators' API with accounts on: only administrators reach /api/admin; account
 * changes are validated, applied and audited with their actor; the audit search filters
 * and pages; and the audit log is the dataset `audit_log` for administrators only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { workspacePaths } from '../../server/workspace.js';
import { createAuth, type Auth } from '../../server/auth/index.js';
import { createAccess, createSharing, type Sharing } from '../../server/access/index.js';
import { createAuditLog, type AuditLog, type AuditRecord } from '../../server/audit/index.js';
import { createEngine, type PoolEngine } from '../../server/engine/index.js';
import { createApp } from '../../server/http/app.js';
import { bearerCaller, jsonOf, errorMessage } from '../helpers/api-calls.js';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple';
const T0 = Date.parse('2025-03-01T00:00:00Z');

describe('administration', () => {
  let t: TestApp;
  let auth: Auth;
  let audit: AuditLog;
  let engine: PoolEngine;
  let sharing: Sharing;
  let app: ReturnType<typeof createApp>;
  // Every record is one minute after the previous: dates in filters are exact.
  let tick = 0;
  const tokens: Record<string, string> = {};

  const call = bearerCaller(() => app, tokens);
  const json = jsonOf;
  const errorOf = errorMessage;

  beforeAll(async () => {
    t = await makeTestApp({ workers: 1 });
    const { stateDir } = workspacePaths(t.home);
    audit = await createAuditLog(join(stateDir, 'admin-audit'), { now: () => new Date(T0 + 60_000 * tick++) });
    auth = await createAuth({ stateDir, required: true, audit, hashParams: CHEAP });
    const access = await createAccess({ stateDir, enforce: true, audit });
    engine = await createEngine({ dataDir: t.deps.catalog.dataDir, readableFiles: [audit.path], stateDir, workers: 1, threadsPerWorker: 1 });
    sharing = await createSharing({ stateDir, enforce: true, audit });
    app = createApp({ ...t.deps, auth, access, audit, engine, sharing });
    for (const [name, role] of [['root', 'admin'], ['ana', 'analyst']] as const) {
      await auth.addUser({ name: 'cli:test' }, { name, role, password: PASSWORD });
      tokens[name] = (await auth.createToken({ name: 'cli:test' }, name, 'test')).token;
    }
  });

  afterAll(async () => {
    await engine.close();
    await auth.close();
    await audit.close();
    await t.close();
  });

  it('refuses an analyst every admin route with 403', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/users'],
      ['POST', '/api/admin/users', { name: 'x', role: 'analyst', password: PASSWORD }],
      ['PATCH', '/api/admin/users/ana', { role: 'admin' }],
      ['POST', '/api/admin/users/root/password', { password: 'a brand new long password' }],
      ['GET', '/api/admin/audit'],
      ['GET', '/api/admin/audit/verify'],
      ['POST', '/api/admin/audit/notebook', {}],
    ];
    for (const [method, path, body] of routes) {
      const res = await call('ana', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await errorOf(res)).toMatch(/only an administrator/);
    }
    expect((await auth.users.byName('ana'))?.role).toBe('analyst');
    expect(await auth.users.byName('x')).toBeUndefined();
  });

  it('lists accounts with role, groups and clearance, never a password hash', async () => {
    const res = await call('root', 'GET', '/api/admin/users');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/argon2|passwordHash/);
    const { users } = JSON.parse(text) as { users: { name: string; role: string; groups: string[]; disabled: boolean; clearance: { level: string } }[] };
    expect(users.map((u) => [u.name, u.role, u.disabled])).toEqual([['ana', 'analyst', false], ['root', 'admin', false]]);
    expect(users[0]!.clearance.level).toBeTruthy();
  });

  it('creates an account, refusing bad, unknown and duplicate input by name', async () => {
    const bad: [unknown, number, RegExp][] = [
      [{ name: 'bob', role: 'analyst', password: PASSWORD, colour: 'red' }, 400, /unknown field "colour"/],
      [{ name: 'bob', role: 'boss', password: PASSWORD }, 400, /"role" must be admin or analyst/],
      [{ name: 'bob', role: 'analyst' }, 400, /"password" is required/],
      [{ name: 'bob', role: 'analyst', password: 'short' }, 400, /password too short/],
      [{ name: 'Bob Smith', role: 'analyst', password: PASSWORD }, 400, /login name "bob smith" is not allowed/],
      [{ name: 'bob', role: 'analyst', password: PASSWORD, groups: 'team' }, 400, /"groups" must be a list/],
      [{ name: 'ana', role: 'analyst', password: PASSWORD }, 409, /already exists/],
    ];
    for (const [body, status, message] of bad) {
      const res = await call('root', 'POST', '/api/admin/users', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await errorOf(res)).toMatch(message);
    }
    const res = await call('root', 'POST', '/api/admin/users', { name: 'Bob', displayName: 'Bob Martin', role: 'analyst', password: PASSWORD, groups: ['Field', 'hq'] });
    expect(res.status).toBe(201);
    const { user } = await json<{ user: { name: string; displayName: string; groups: string[] } }>(res);
    expect(user).toMatchObject({ name: 'bob', displayName: 'Bob Martin', groups: ['field', 'hq'] });
    expect((await auth.login('bob', PASSWORD)).ok).toBe(true);
    const created = (await audit.search({ action: 'account_change', target: 'bob', limit: 10, offset: 0 })).records.at(-1)!;
    expect(created.actor.name).toBe('root');
    expect(created.details).toMatchObject({ change: 'created', role: 'analyst' });
  });

  it('updates display name, groups, role and disabled, each audited; unknown accounts are 404', async () => {
    const res = await call('root', 'PATCH', '/api/admin/users/bob', { displayName: 'Robert Martin', groups: ['hq'], role: 'admin', disabled: true });
    expect(res.status).toBe(200);
    expect((await json<{ user: unknown }>(res)).user).toMatchObject({ name: 'bob', displayName: 'Robert Martin', groups: ['hq'], role: 'admin', disabled: true });
    const login = await auth.login('bob', PASSWORD);
    expect(login.ok).toBe(false);
    const changes = (await audit.search({ target: 'bob', actor: 'root', limit: 20, offset: 0 })).records.map((r) => [r.action, r.details.change ?? null]);
    expect(changes).toEqual(expect.arrayContaining([['account_change', 'display name'], ['role_change', 'groups'], ['role_change', null], ['account_change', 'disabled']]));
    expect((await call('root', 'PATCH', '/api/admin/users/bob', { disabled: false, role: 'analyst' })).status).toBe(200);

    expect((await call('root', 'PATCH', '/api/admin/users/nobody', { disabled: true })).status).toBe(404);
    const empty = await call('root', 'PATCH', '/api/admin/users/bob', {});
    expect(empty.status).toBe(400);
    expect(await errorOf(empty)).toMatch(/nothing to change/);
    const typo = await call('root', 'PATCH', '/api/admin/users/bob', { disable: true });
    expect(await errorOf(typo)).toMatch(/unknown field "disable"/);
    const flag = await call('root', 'PATCH', '/api/admin/users/bob', { disabled: 'yes' });
    expect(await errorOf(flag)).toMatch(/"disabled" must be true or false/);
    // The last active administrator cannot lock everyone out.
    const demote = await call('root', 'PATCH', '/api/admin/users/root', { role: 'analyst' });
    expect(demote.status).toBe(409);
    expect(await errorOf(demote)).toMatch(/only active administrator/);
  });

  it('applies a change of several fields all at once or not at all', async () => {
    const before = await json<{ users: Array<{ name: string; displayName: string; groups: string[]; role: string }> }>(call('root', 'GET', '/api/admin/users'));
    const rootBefore = before.users.find((u) => u.name === 'root')!;
    const audited = async () => (await audit.search({ target: 'root', limit: 50, offset: 0 })).records.length;
    const records = await audited();
    // The display name and groups are fine, the role is not: nothing of it happens.
    const refused = await call('root', 'PATCH', '/api/admin/users/root', { displayName: 'Root Renamed', groups: ['ops'], role: 'analyst' });
    expect(refused.status).toBe(409);
    const after = await json<{ users: Array<{ name: string; displayName: string; groups: string[]; role: string }> }>(call('root', 'GET', '/api/admin/users'));
    expect(after.users.find((u) => u.name === 'root')).toEqual(rootBefore);
    expect(await audited()).toBe(records);
    // Disabling and demoting the only active administrator together is refused too.
    expect((await call('root', 'PATCH', '/api/admin/users/root', { disabled: true, role: 'analyst' })).status).toBe(409);
    const bad = await call('root', 'PATCH', '/api/admin/users/bob', { displayName: 'Fine', groups: ['not a group name!'] });
    expect(bad.status).toBe(400);
    expect((await json<{ users: Array<{ name: string; displayName: string }> }>(call('root', 'GET', '/api/admin/users'))).users.find((u) => u.name === 'bob')!.displayName).not.toBe('Fine');
  });

  it('resets a password: the old one stops working, the reset is audited', async () => {
    const weak = await call('root', 'POST', '/api/admin/users/bob/password', { password: 'bob' });
    expect(weak.status).toBe(400);
    expect((await call('root', 'POST', '/api/admin/users/ghost/password', { password: 'a brand new long password' })).status).toBe(404);
    expect((await call('root', 'POST', '/api/admin/users/bob/password', { password: 'a brand new long password' })).status).toBe(200);
    expect((await auth.login('bob', PASSWORD)).ok).toBe(false);
    expect((await auth.login('bob', 'a brand new long password')).ok).toBe(true);
    const reset = (await audit.search({ action: 'account_change', target: 'bob', text: 'password reset', limit: 5, offset: 0 })).records;
    expect(reset.map((r) => r.actor.name)).toEqual(['root']);
  });

  it('searches the audit log by actor, action and date, newest first, page by page', async () => {
    type Page = { records: AuditRecord[]; total: number; next: number | null };
    const all = await json<Page>(call('root', 'GET', '/api/admin/audit?limit=500'));
    const seqs = all.records.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    const byRoot = await json<Page>(call('root', 'GET', '/api/admin/audit?actor=ROOT&action=account_change'));
    expect(byRoot.records.length).toBeGreaterThan(2);
    expect(byRoot.records.every((r) => r.actor.name === 'root' && r.action === 'account_change')).toBe(true);

    // Records are one minute apart from T0: a window of three minutes holds three records.
    const from = new Date(T0 + 2 * 60_000).toISOString();
    const to = new Date(T0 + 5 * 60_000).toISOString();
    const window = await json<Page>(call('root', 'GET', `/api/admin/audit?from=${from}&to=${to}`));
    expect(window.records.map((r) => r.seq)).toEqual([5, 4, 3]);

    // Pages of two, each continuing below the last record shown, cover every match once.
    const seen: number[] = [];
    let before: number | null = null;
    for (let i = 0; i < 50; i++) {
      const page: Page = await json<Page>(call('root', 'GET', `/api/admin/audit?action=account_change&limit=2${before ? `&before=${before}` : ''}`));
      seen.push(...page.records.map((r) => r.seq));
      before = page.next;
      if (before === null) break;
    }
    const expected = all.records.filter((r) => r.action === 'account_change').map((r) => r.seq);
    expect(seen).toEqual(expected);

    for (const [query, message] of [
      ['action=hacked', /unknown action "hacked"/],
      ['from=yesterday', /"from" is not an ISO date/],
      ['limit=0', /"limit" must be an integer/],
      ['before=-3', /"before" must be an integer/],
      ['who=root', /unknown parameter "who"/],
    ] as const) {
      const res = await call('root', 'GET', `/api/admin/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(await errorOf(res)).toMatch(message);
    }
  });

  it('verifies the chain and names the first bad record', async () => {
    const ok = await json<{ ok: boolean; records: number }>(call('root', 'GET', '/api/admin/audit/verify'));
    expect(ok.ok).toBe(true);
    expect(ok.records).toBe(audit.head().seq);
  });

  it('gives administrators, and only them, the audit log as the dataset audit_log', async () => {
    const res = await call('root', 'POST', '/api/query', { sql: 'SELECT count(*) AS n, max(seq) AS last FROM audit_log' });
    expect(res.status, await res.clone().text()).toBe(200);
    const before = audit.head().seq;
    const row = (await json<{ rows: unknown[][] }>(res)).rows[0]!;
    expect(Number(row[0])).toBe(before - 1); // everything but this query's own record, written after it ran
    expect(Number(row[1])).toBe(before - 1);

    const typed = await call('root', 'POST', '/api/query', { sql: "SELECT actor_name, compiled_sql FROM audit_log WHERE action = 'query' ORDER BY seq LIMIT 1" });
    expect((await json<{ rows: unknown[][] }>(typed)).rows[0]).toEqual(['root', expect.stringContaining('count(*)')]);

    for (const sql of ['SELECT count(*) FROM audit_log', `SELECT count(*) FROM read_json('${audit.path}')`, `SELECT * FROM read_text('${audit.path}')`]) {
      const refused = await call('ana', 'POST', '/api/query', { sql });
      expect(refused.status, sql).toBe(400);
      expect(await errorOf(refused), sql).toMatch(/unknown (table|dataset)[^]*audit_log|is not allowed/);
    }
    const first = await call('ana', 'POST', '/api/query', { sql: 'SELECT count(*) FROM audit_log' });
    expect(await errorOf(first)).toMatch(/audit_log/);
  });

  it('the audit notebook opens with SQL cells over audit_log that run', async () => {
    const res = await call('root', 'POST', '/api/admin/audit/notebook', {});
    expect(res.status).toBe(201);
    const { id, title } = await json<{ id: string; title: string }>(res);
    expect(title).toMatch(/^Audit log — \d{4}-\d{2}-\d{2}$/);
    expect((await sharing.entry(id))?.owner).toBe('root');
    const text = await readFile(join(workspacePaths(t.home).notebooksDir, `${id}.md`), 'utf8');
    const cellIds = [...text.matchAll(/```sql name=\w+ id=([\w-]+)/g)].map((m) => m[1]!);
    expect(cellIds.length).toBeGreaterThanOrEqual(4);
    for (const cellId of cellIds) {
      const run = await call('root', 'POST', `/api/notebooks/${id}/cells/${cellId}/run`, {});
      expect(run.status, `${cellId}: ${await run.clone().text()}`).toBe(200);
    }
    expect((await call('root', 'POST', '/api/admin/audit/notebook', { title: 'x' })).status).toBe(400);
  });

  it('reads past a half-written last line', async () => {
    const count = async () => Number((await json<{ rows: unknown[][] }>(call('root', 'POST', '/api/query', { sql: 'SELECT count(*) FROM audit_log' }))).rows[0]![0]);
    const n = await count();
    await appendFile(audit.path, '{"seq":99999,"time":"2025-03');
    // The query's own record is appended after it ran; the torn tail was cut on that append.
    expect(await count()).toBe(n + 1);
    expect((await json<{ ok: boolean }>(call('root', 'GET', '/api/admin/audit/verify'))).ok).toBe(true);
  });

  it('marks single sign-on accounts in the list, and refuses them a password reset', async () => {
    const signedIn = await auth.loginExternal(
      { source: { kind: 'oidc', issuer: 'https://idp.example', sub: 'sub-sso' }, name: 'sso.user', displayName: 'Sso User', role: 'analyst', groups: ['analysts'] },
      { method: 'oidc' },
    );
    expect(signedIn.ok).toBe(true);
    const { users } = await json<{ users: { name: string; sso: boolean }[] }>(call('root', 'GET', '/api/admin/users'));
    expect(Object.fromEntries(users.map((u) => [u.name, u.sso]))).toMatchObject({ root: false, ana: false, 'sso.user': true });
    const reset = await call('root', 'POST', '/api/admin/users/sso.user/password', { password: 'a brand new long password' });
    expect(reset.status).toBe(400);
    expect(await errorOf(reset)).toMatch(/signs in with single sign-on/);
    const patched = await call('root', 'PATCH', '/api/admin/users/sso.user', { displayName: 'Renamed' });
    expect((await json<{ user: { sso: boolean } }>(patched)).user.sso).toBe(true);
    // Role and groups come from the provider at each sign-in: changing them here is refused, saying so.
    const promoted = await call('root', 'PATCH', '/api/admin/users/sso.user', { role: 'admin', groups: ['hq'] });
    expect(promoted.status).toBe(400);
    expect(await errorOf(promoted)).toMatch(/its role and groups come from the identity provider/);
    // Sending them unchanged (as the Accounts tab does with the other fields) is fine.
    expect((await call('root', 'PATCH', '/api/admin/users/sso.user', { role: 'analyst', groups: ['analysts'], disabled: true })).status).toBe(200);
  });
});
