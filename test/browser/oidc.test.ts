/**
 * Single sign-on in a real browser (CARNET_AUTH=required, CARNET_OIDC_* set): a real
 * OpenID provider (oidc-provider, with its development login and consent pages) runs in
 * this process on another port of 127.0.0.1. Signed out, a notebook link leads to the
 * login page, whose "Sign in with …" button goes through the provider's pages and back
 * to that notebook, signed in as the provider's person; someone in no allowed group
 * comes back to the login page with the refusal. A single sign-on account has no
 * password: the user menu offers no change, the Accounts tab no reset. Before any account
 * exists, the setup page offers the same button, so a provider administrator needs no link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { eventually } from './helpers.js';
import { listenLater, startProvider, type LaterServer, type TestAccount } from '../helpers/oidc-provider.js';

const skip = skipReason() !== null;
const PASSWORD = 'correct horse battery staple';
const CLIENT = { id: 'carnet', secret: 'browser-test-client-secret' };

const accounts = new Map<string, TestAccount>(
  [
    { sub: 'alice', preferred_username: 'alice', name: 'Alice Martin', email: 'alice@example.org', groups: ['ADMIN', 'finance'] },
    { sub: 'eve', preferred_username: 'eve', name: 'Eve Outsider', groups: ['marketing'] },
  ].map((a) => [a.sub, a]),
);

describe.skipIf(skip)('single sign-on', () => {
  let idpHttp: LaterServer;
  let idp: Awaited<ReturnType<typeof startProvider>> | undefined;
  let h: Harness;
  let notebookPath = '';

  beforeAll(async () => {
    // The issuer's address goes into Carnet's environment, Carnet's address into the
    // provider's client: listen first, start the provider once both are known.
    idpHttp = await listenLater();
    h = new Harness({
      env: {
        CARNET_AUTH: 'required',
        CARNET_OIDC_ISSUER: idpHttp.origin,
        CARNET_OIDC_CLIENT_ID: CLIENT.id,
        CARNET_OIDC_CLIENT_SECRET: CLIENT.secret,
        CARNET_OIDC_NAME: 'Company SSO',
        CARNET_OIDC_ADMIN_GROUPS: 'ADMIN',
        CARNET_OIDC_ANALYST_GROUPS: 'analysts',
      },
      localOrigins: [idpHttp.origin],
    });
    await h.start();
    idp = await startProvider({ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUri: `${h.baseUrl}/api/auth/oidc/callback`, accounts, http: idpHttp });
  });

  afterAll(async () => {
    await h?.stop();
    await (idp?.close() ?? idpHttp?.close());
  });

  /** From Carnet's login (or setup) page: the button, the provider's login form (and its consent page when asked), until back on Carnet. */
  async function signInWithProvider(page: Page, login: string): Promise<void> {
    const button = page.getByTestId('auth-sso');
    await expect(button.textContent()).resolves.toBe('Sign in with Company SSO');
    await button.click();
    await page.waitForURL((u) => u.origin === idpHttp.origin);
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    const consent = page.locator('input[name=prompt][value=consent]');
    const where = await eventually('the consent page or Carnet', async () => {
      if (new URL(page.url()).origin === h.baseUrl) return 'carnet';
      return (await consent.count()) > 0 ? 'consent' : undefined;
    });
    if (where === 'consent') await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.origin === h.baseUrl);
  }

  it('before any account exists, the setup page offers single sign-on, and a provider administrator becomes the first account', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.waitForURL(`${h.baseUrl}/setup`);
    await page.getByTestId('setup-no-token').waitFor();
    await signInWithProvider(page, 'alice');
    await page.waitForURL(`${h.baseUrl}/`);
    await expect(page.getByTestId('user-menu').locator('summary').textContent()).resolves.toBe('Alice Martin');
    // A password account beside her, for the Accounts tab below; and a notebook to open.
    const made = await page.evaluate(async (password) => {
      const res = await fetch('/api/admin/users', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'ada', role: 'admin', password }) });
      const list = (await (await fetch('/api/notebooks')).json()) as { notebooks: { id: string }[] };
      return { status: res.status, first: list.notebooks[0]?.id };
    }, PASSWORD);
    expect(made.status).toBe(201);
    notebookPath = `/n/${made.first!}`;
  });

  it('a notebook link, signed out, leads through the provider back to that notebook, signed in', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}${notebookPath}`);
    await page.waitForURL(`${h.baseUrl}/login?next=${encodeURIComponent(notebookPath)}`);
    await signInWithProvider(page, 'alice');
    await page.waitForURL(`${h.baseUrl}${notebookPath}`);
    await page.getByTestId('notebook-title').waitFor();
    const menu = page.getByTestId('user-menu');
    await expect(menu.locator('summary').textContent()).resolves.toBe('Alice Martin');

    // No password to change; the ADMIN group made an administrator.
    await menu.locator('summary').click();
    await page.getByTestId('logout').waitFor();
    expect(await menu.getByTestId('change-password').count()).toBe(0);
    await page.getByTestId('admin-link').click();
    await page.waitForURL(`${h.baseUrl}/admin`);
    const alice = page.locator('[data-testid=account-row][data-name=alice]');
    await alice.waitFor();
    await expect(alice.getByTestId('account-sso').textContent()).resolves.toBe('Single sign-on');
    expect(await alice.getByTestId('account-reset').count()).toBe(0);
    await expect(alice.getByTestId('account-role').inputValue()).resolves.toBe('admin');
    // The provider decides her role: the select says so by being closed to edits.
    expect(await alice.getByTestId('account-role').isDisabled()).toBe(true);
    const ada = page.locator('[data-testid=account-row][data-name=ada]');
    expect(await ada.getByTestId('account-reset').count()).toBe(1);
    expect(await ada.getByTestId('account-sso').count()).toBe(0);
  });

  it('someone in no allowed group comes back to the login page, told why, and is not signed in', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}${notebookPath}`);
    await page.waitForURL(/\/login\?next=/);
    await signInWithProvider(page, 'eve');
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('error') === 'oidc-refused' && u.searchParams.get('next') === notebookPath);
    await expect(page.getByTestId('auth-sso-message').textContent()).resolves.toBe('Your account is in none of the groups allowed to use Carnet. Ask an administrator to add you to one.');
    await page.getByTestId('auth-sso').waitFor();
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
