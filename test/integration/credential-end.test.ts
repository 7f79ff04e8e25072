/**
 * An open notebook websocket lasts no longer than the credential it was opened with: signing
 * out, a password change (elsewhere), a revoked API token or an account disabled from the
 * command line (another process) close it with 4403 and the reason. The same user's other
 * sessions, and the page where they changed their own password, stay connected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { rawClient, withTimeout, type RawClient } from '../helpers/ws-client.js';
import { workspacePaths } from '../../server/workspace.js';
import { tokenRevoke } from '../../server/cli/token.js';
import { userDisable, type CliIo } from '../../server/cli/user.js';

const PASSWORD = 'correct horse battery staple';
const NB = 'open-one';
const quiet: CliIo = { out: () => {}, err: () => {}, stdin: async () => null };

/**
 * A workspace with four accounts and one notebook everyone edits, served; `recheckMs` is how
 * often the server re-checks open websockets on its own (changes made by another process).
 */
function workspace(recheckMs: number) {
  const w = {} as { t: TestApp; server: Awaited<ReturnType<TestApp['listen']>>; open: RawClient[] };
  w.open = [];
  beforeAll(async () => {
    w.t = await makeTestApp({ authRequired: true, accessRecheckMs: recheckMs });
    for (const name of ['root', 'ana', 'bob', 'cy']) await w.t.services.auth.users.add({ name, role: name === 'root' ? 'admin' : 'analyst', password: PASSWORD });
    await writeFile(join(workspacePaths(w.t.home).notebooksDir, `${NB}.md`), '---\ntitle: Open one\n---\n\n```sql name=k id=c1\nSELECT 1 AS n\n```\n');
    await w.t.services.sharing.set({ name: 'root' }, NB, { owner: 'root', shares: [{ kind: 'everyone', name: '*', role: 'editor' }] });
    w.server = await w.t.listen();
  });
  afterAll(async () => {
    for (const c of w.open) c.ws.terminate();
    await w.server.stop();
    await w.t.close();
  });

  const login = async (name: string): Promise<string> => {
    const res = await w.t.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
    expect(res.status).toBe(200);
    return /carnet_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  };
  const connect = async (headers: Record<string, string>) => {
    const client = rawClient(w.server.wsUrl, NB, headers);
    w.open.push(client);
    await client.opened;
    return client;
  };
  const post = (path: string, cookie: string, body?: unknown) =>
    w.t.app.request(path, {
      method: 'POST',
      headers: { cookie: `carnet_session=${cookie}`, origin: 'http://localhost', 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return { w, login, connect, post };
}

const asCookie = (cookie: string) => ({ cookie: `carnet_session=${cookie}` });
const closedWith = (c: RawClient, what: string) => withTimeout(c.closed, 5000, what);
/** Still open after the server had its chance to close it. */
const staysOpen = async (c: RawClient) => {
  await new Promise((r) => setTimeout(r, 300));
  return c.ws.readyState === WebSocket.OPEN;
};

describe('open websockets end with the session signed out or changed here', () => {
  // No periodic re-check within the test: the sign-out and the password change close them at once.
  const { login, connect, post } = workspace(600_000);

  it('signing out closes the websockets of that session only', async () => {
    const laptop = await login('ana');
    const desktop = await login('ana');
    const onLaptop = await connect(asCookie(laptop));
    const onDesktop = await connect(asCookie(desktop));
    expect((await post('/api/auth/logout', laptop)).status).toBe(200);
    const how = await closedWith(onLaptop, 'the signed-out websocket closes');
    expect(how.code).toBe(4403);
    expect(how.reason).toMatch(/session has ended/);
    expect(await staysOpen(onDesktop)).toBe(true);
  });

  it('a password change closes the other sessions\' websockets, not the page that changed it', async () => {
    const here = await login('bob');
    const elsewhere = await login('bob');
    const mine = await connect(asCookie(here));
    const theirs = await connect(asCookie(elsewhere));
    expect((await post('/api/auth/password', here, { current: PASSWORD, next: `${PASSWORD} 2` })).status).toBe(200);
    expect((await closedWith(theirs, 'the other session closes')).code).toBe(4403);
    expect(await staysOpen(mine)).toBe(true);
  });
});

describe('open websockets end with a credential ended by another process', () => {
  const { w, login, connect } = workspace(50);

  it('an API token revoked from the command line closes its websocket', async () => {
    const { token, record } = await w.t.services.auth.createToken({ name: 'test' }, 'cy', 'script');
    const script = await connect({ authorization: `Bearer ${token}` });
    const person = await connect(asCookie(await login('cy')));
    expect(await tokenRevoke(w.t.home, record.id, quiet)).toBe(0);
    const how = await closedWith(script, 'the revoked token closes');
    expect(how).toMatchObject({ code: 4403, reason: 'the API token was revoked' });
    expect(await staysOpen(person)).toBe(true);
  });

  it('an account disabled from the command line is disconnected', async () => {
    const cookie = await login('cy');
    const browser = await connect(asCookie(cookie));
    expect(await userDisable(w.t.home, 'cy', quiet)).toBe(0);
    expect(await closedWith(browser, 'the disabled account closes')).toMatchObject({ code: 4403, reason: 'your account is disabled' });
    // Reconnecting with the same cookie is refused too.
    await expect(connect(asCookie(cookie))).rejects.toThrow(/401/);
  });
});
