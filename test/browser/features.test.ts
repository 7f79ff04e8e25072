/**
 * The rest of what an analyst relies on: big results scroll without a DOM row per data
 * row, server-side sort, copy, completion, command-mode keys, renaming a cell, the
 * dataset panel and upload, home page actions, French.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { acceptCompletion, cellText, eventually, sqlCells } from './helpers.js';

describe.skipIf(skipReason() !== null)('notebook features', () => {
  const h = new Harness();
  let page: Page;
  let notebookId = '';

  beforeAll(async () => {
    await h.start();
    page = await h.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.baseUrl });
    const res = await fetch(`${h.baseUrl}/api/notebooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Features' }) });
    notebookId = ((await res.json()) as { id: string }).id;
    await page.goto(`${h.baseUrl}/n/${notebookId}`);
  });

  afterAll(async () => {
    await h.stop();
  });

  it('scrolls 100,000 rows with only the visible rows in the page', async () => {
    await page.getByTestId('add-sql').click();
    const cell = sqlCells(page).first();
    await page.keyboard.insertText('SELECT range AS i, range * 2 AS twice, range % 7 AS bucket FROM range(150000)');
    await page.keyboard.press('Control+Enter');
    const count = cell.getByTestId('row-count');
    await count.waitFor({ timeout: 30_000 });
    // The server caps a result at 100,000 rows and says there are more.
    expect(await count.textContent()).toBe('first 100,000 rows (more not shown)');
    expect(await cell.locator('tbody tr[data-row]').count()).toBeLessThan(60);
    const grid = cell.locator('.result-grid');
    await grid.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await eventually('the last row', async () => (await cell.locator('tbody tr[data-row="99999"]').count()) === 1);
    expect(await cell.locator('tbody tr[data-row]').count()).toBeLessThan(60);
    expect(await cell.locator('tbody tr[data-row="99999"] td').nth(1).textContent()).toBe('99,999');
  });

  it('sorts on the server when a header is clicked, and copies a value', async () => {
    const cell = sqlCells(page).first();
    await cell.locator('.col-head', { hasText: 'twice' }).click();
    await eventually('sorted ascending', async () => (await cell.locator('.result-meta').textContent())?.includes('sorted by twice ↑'), 30_000);
    await cell.locator('.col-head', { hasText: 'twice' }).click();
    await eventually('sorted descending', async () => (await cell.locator('tbody tr[data-row="0"] td').nth(2).textContent()) === '299,998', 30_000);
    await cell.locator('tbody tr[data-row="0"] td').nth(2).click();
    await page.keyboard.press('Control+c');
    await eventually('the copied value', async () => (await page.evaluate(() => navigator.clipboard.readText())) === '299998');
  });

  it('downloads the result as CSV and Parquet', async () => {
    const cell = sqlCells(page).first();
    const save = async (label: string) => {
      const toast = page.locator('.toast.error', { hasText: 'Download failed' });
      const refused = toast.waitFor({ timeout: 20_000 }).then(async () => {
        throw new Error(`${label} download refused: ${await toast.first().textContent()}`);
      });
      const [download] = await Promise.all([Promise.race([page.waitForEvent('download', { timeout: 20_000 }), refused]), cell.locator('.downloads a', { hasText: label }).click()]);
      refused.catch(() => {});
      return readFileSync(await download.path());
    };
    const csv = (await save('CSV')).toString('utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('i,twice,bucket');
    expect(csv.split(/\r?\n/).filter(Boolean).length).toBe(100_001);
    expect((await save('Parquet')).subarray(0, 4).toString('latin1')).toBe('PAR1');
  });

  it('completes dataset names and their columns', async () => {
    await page.getByTestId('add-sql').click();
    await page.keyboard.type('SELECT * FROM pers');
    await acceptCompletion(page, 'persons');
    await page.keyboard.type(' p WHERE p.nation');
    await acceptCompletion(page, 'nationality');
    expect(await cellText(sqlCells(page).nth(1))).toBe('SELECT * FROM persons p WHERE p.nationality');
  });

  it('offers other cells by name with their result columns', async () => {
    const cells = sqlCells(page);
    const name = await cells.first().locator('.cell-name').inputValue();
    await cells.nth(1).locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(`SELECT buck FROM ${name.slice(0, 4)}`);
    await acceptCompletion(page, name);
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT buck'.length; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Space');
    await acceptCompletion(page, 'bucket');
    expect(await cellText(cells.nth(1))).toBe(`SELECT bucket FROM ${name}`);
  });

  it('renames a cell and updates the cells that read it', async () => {
    const cells = sqlCells(page);
    const nameInput = cells.first().locator('.cell-name');
    await nameInput.fill('numbers');
    await nameInput.press('Enter');
    await eventually('the reference to follow', async () => (await cellText(cells.nth(1))) === 'SELECT bucket FROM numbers');
    // A name already taken is refused and the old one kept.
    const second = cells.nth(1).locator('.cell-name');
    await second.fill('numbers');
    await second.press('Enter');
    await page.locator('.toast.error', { hasText: 'already the name of another cell' }).waitFor();
    expect(await second.inputValue()).not.toBe('numbers');
  });

  it('drives cells from the keyboard in command mode', async () => {
    const before = await page.locator('.cell').count();
    await sqlCells(page).nth(1).locator('.cm-content').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await eventually('a cell below', async () => (await page.locator('.cell').count()) === before + 1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('m');
    await eventually('a text cell', async () => (await page.locator('.cell.markdown').count()) === 1);
    await page.keyboard.press('Shift+?');
    await page.locator('dialog .shortcut-list').first().waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.cell.markdown').focus();
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await eventually('the cell deleted', async () => (await page.locator('.cell').count()) === before);
    await page.keyboard.press('k');
    expect(await page.locator('.cell.selected').count()).toBe(1);
  });

  it('opens a dataset profile and queries it in a new cell', async () => {
    await page.locator('.dataset-name[data-dataset="persons"]').click();
    const dialog = page.locator('dialog');
    await dialog.locator('.profile-table tbody tr').first().waitFor();
    expect(await dialog.locator('.profile-table').first().textContent()).toContain('nationality');
    await dialog.getByTestId('profile-new-cell').click();
    const cell = page.locator('.cell.sql', { hasText: 'SELECT * FROM persons LIMIT 100' });
    await cell.getByTestId('row-count').waitFor({ timeout: 30_000 });
    expect(await cell.getByTestId('row-count').textContent()).toBe('100 rows');
  });

  it('imports a dropped CSV with progress, and explains a bad file', async () => {
    const input = page.getByTestId('import-input');
    await input.setInputFiles({ name: 'Suspects 2024.csv', mimeType: 'text/csv', buffer: Buffer.from('name,age\nAlice,34\nBob,41\n') });
    const dialog = page.locator('dialog');
    expect(await dialog.locator('input').inputValue()).toBe('suspects_2024');
    await dialog.locator('button[type=submit]').click();
    await page.locator('.dataset-name[data-dataset="suspects_2024"]').waitFor({ timeout: 30_000 });
    await input.setInputFiles({ name: 'notes.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
    expect(await page.getByTestId('upload-error').textContent()).toMatch(/notes\.xlsx is not a CSV, JSON or Parquet file/);
    await input.setInputFiles({ name: 'broken.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from('not parquet at all') });
    await dialog.locator('button[type=submit]').click();
    await eventually('the import error', async () => (await page.getByTestId('upload-error').count()) === 2, 30_000);
    expect(await page.getByTestId('upload-error').nth(1).textContent()).toMatch(/broken\.parquet/);
  });

  it('renames, duplicates and deletes notebooks from the home page', async () => {
    await page.goto(h.baseUrl);
    const item = page.locator(`.notebook-item[data-id="${notebookId}"]`);
    await item.getByRole('button', { name: /Rename/ }).click();
    await page.locator('dialog input').fill('Features renamed');
    await page.locator('dialog button[type=submit]').click();
    await eventually('the new title', async () => (await item.locator('.notebook-link').textContent()) === 'Features renamed');
    await item.getByRole('button', { name: /Duplicate/ }).click();
    await eventually('the copy', async () => (await page.locator('.notebook-link', { hasText: 'Features renamed (copy)' }).count()) === 1);
    await item.getByRole('button', { name: /Delete/ }).click();
    await page.locator('dialog .button.danger').click();
    await eventually('the notebook gone', async () => (await item.count()) === 0);
    const trash = join(h.home, 'trash');
    expect(existsSync(trash) && readdirSync(trash, { recursive: true }).some((f) => String(f).includes(notebookId))).toBe(true);
  });

  it('speaks French when asked, and remembers it', async () => {
    await page.locator('.lang-select').selectOption('fr');
    await page.locator('h1', { hasText: 'Carnets' }).waitFor();
    await page.reload();
    await page.locator('h1', { hasText: 'Carnets' }).waitFor();
    expect(await page.getByTestId('new-notebook').textContent()).toContain('Nouveau carnet');
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
