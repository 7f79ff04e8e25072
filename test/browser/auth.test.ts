/**
 * Accounts in a real browser (CARNET_AUTH=required): the setup link the server prints
 * creates the first administrator, who opens a notebook; signing out and in again
 * returns to the page asked for; a wrong password says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { eventually, sqlCells, typeInCell } from './helpers.js';

const skip = skipReason() !== null;
const PASSWORD = 'correct horse battery staple';

describe.skipIf(skip)('signing in', () => {
  const h = new Harness({ env: { CARNET_AUTH: 'required' } });
  let page: Page;
  let notebookPath = '';

  beforeAll(async () => {
    await h.start();
    page = await h.newPage();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('before setup, every page leads to the setup page, which asks for the printed link', async () => {
    await page.goto(`${h.baseUrl}/n/whatever`);
    await page.waitForURL(/\/setup$/);
    await expect(page.getByTestId('setup-no-token').textContent()).resolves.toMatch(/setup link/);
    // The API itself is closed, not just the page.
    expect((await fetch(`${h.baseUrl}/api/notebooks`)).status).toBe(401);
  });

  it('creates the first administrator from the setup link and lands signed in', async () => {
    const link = await eventually('the setup link in the server log', async () => /(http:\/\/\S+\/setup\?token=\S+)/.exec(h.serverLog())?.[1]);
    await page.goto(link.replace(/^http:\/\/localhost:/, 'http://127.0.0.1:'));
    await page.getByTestId('auth-name').fill('ada');
    await page.getByTestId('auth-displayName').fill('Ada Admin');
    await page.getByTestId('auth-password').fill(PASSWORD);
    await page.getByTestId('auth-confirm').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await page.waitForURL(`${h.baseUrl}/`);
    await expect(page.getByTestId('user-menu').locator('summary').textContent()).resolves.toBe('Ada Admin');
  });

  it('opens a notebook and runs a cell while signed in', async () => {
    await page.getByTestId('new-notebook').click();
    await page.locator('dialog input').fill('Signed-in notebook');
    await page.locator('dialog button[type=submit]').click();
    await page.waitForURL(/\/n\/[A-Za-z0-9_-]+$/);
    notebookPath = new URL(page.url()).pathname;
    const first = sqlCells(page).first();
    await first.waitFor();
    await typeInCell(page, first, 'SELECT count(*) AS n FROM cities');
    await page.keyboard.press('Shift+Enter');
    await first.getByTestId('row-count').waitFor({ timeout: 30_000 });
    expect(await first.getByTestId('row-count').textContent()).toBe('1 row');
  });

  it('signs out from the user menu; the notebook then asks for a sign-in', async () => {
    await page.getByTestId('user-menu').locator('summary').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${h.baseUrl}${notebookPath}`);
    await page.waitForURL(/\/login\?next=/);
  });

  it('a wrong password says so and stays on the login page', async () => {
    await page.getByTestId('auth-name').fill('ada');
    await page.getByTestId('auth-password').fill('not the password at all');
    await page.getByTestId('auth-submit').click();
    await eventually('the refusal', async () => (await page.getByTestId('auth-message').textContent()) === 'Wrong login name or password.');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('the right password returns to the page asked for', async () => {
    await page.getByTestId('auth-name').fill('ada');
    await page.getByTestId('auth-password').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await page.waitForURL(`${h.baseUrl}${notebookPath}`);
    await expect(page.getByTestId('notebook-title').inputValue()).resolves.toBe('Signed-in notebook');
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
