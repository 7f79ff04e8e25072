/**
 * The administration page in a real browser (CARNET_AUTH=required): the first
 * administrator opens it from the user menu, creates an analyst through the form, finds
 * that creation in the audit log, and opens the log in a notebook whose SQL cell runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { eventually, sqlCells } from './helpers.js';

const skip = skipReason() !== null;
const PASSWORD = 'correct horse battery staple';

describe.skipIf(skip)('administration page', () => {
  const h = new Harness({ env: { CARNET_AUTH: 'required' } });
  let page: Page;

  beforeAll(async () => {
    await h.start();
    page = await h.newPage();
    const link = await eventually('the setup link in the server log', async () => /(http:\/\/\S+\/setup\?token=\S+)/.exec(h.serverLog())?.[1]);
    await page.goto(link.replace(/^http:\/\/localhost:/, 'http://127.0.0.1:'));
    await page.getByTestId('auth-name').fill('ada');
    await page.getByTestId('auth-password').fill(PASSWORD);
    await page.getByTestId('auth-confirm').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await page.waitForURL(`${h.baseUrl}/`);
  });

  afterAll(async () => {
    await h.stop();
  });

  it('an administrator opens Administration from the user menu and creates an analyst', async () => {
    await page.getByTestId('user-menu').locator('summary').click();
    await page.getByTestId('admin-link').click();
    await page.waitForURL(`${h.baseUrl}/admin`);
    await page.locator('[data-testid=account-row][data-name=ada]').waitFor();
    // The page is an address of its own: a reload (or a bookmark) opens it again.
    await page.reload();
    await page.locator('[data-testid=account-row][data-name=ada]').waitFor();

    await page.getByTestId('admin-new-name').fill('bea');
    await page.getByTestId('admin-new-display').fill('Béa Analyst');
    await page.getByTestId('admin-new-password').fill('another long enough password');
    await page.getByTestId('admin-new-groups').fill('Field, hq');
    await page.getByTestId('admin-new-submit').click();
    const row = page.locator('[data-testid=account-row][data-name=bea]');
    await row.waitFor();
    await expect(row.getByTestId('account-role').inputValue()).resolves.toBe('analyst');
    await expect(row.locator('input[aria-label^=Groups]').inputValue()).resolves.toBe('field, hq');
  });

  it('filters the audit log by action and finds the creation; the chain verifies', async () => {
    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('audit-action').selectOption('account_change');
    await page.getByTestId('audit-search').click();
    await eventually('only account changes listed', async () => {
      const actions = await page.locator('[data-testid=audit-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
      return actions.length === 2 && actions.every((a) => a === 'account_change');
    });
    const newest = page.locator('[data-testid=audit-row]').first();
    await expect(newest.textContent()).resolves.toMatch(/ada.*account_change.*bea.*change: created/);
    await page.getByTestId('audit-verify').click();
    await eventually('the chain verdict', async () => /Chain intact/.test((await page.getByTestId('audit-verify-result').textContent()) ?? ''));
  });

  it('opens the audit log in a notebook whose SQL cell over audit_log runs', async () => {
    await page.getByTestId('audit-notebook').click();
    await page.waitForURL(/\/n\/audit-log-[A-Za-z0-9_-]+$/);
    // The last cell lists account changes: the administrator's own creation and bea's.
    await sqlCells(page).first().waitFor();
    // By index: running the last cell adds an empty one after it.
    const first = sqlCells(page).nth((await sqlCells(page).count()) - 1);
    await expect(first.locator('.cm-content').textContent()).resolves.toMatch(/FROM audit_log.*account_change/);
    await first.locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    await first.getByTestId('row-count').waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}\ncell: ${await first.textContent()}\nserver: ${h.serverLog().slice(-2000)}`);
    });
    expect(await first.getByTestId('row-count').textContent()).toBe('2 rows');
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
