/**
 * An analyst's session in a real browser: create a notebook, query, chain cells, see an
 * error underlined, cancel a long query, edit together in two pages, and find everything
 * again after a reload and a server restart — in the browser and in the Markdown file.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, ROOT, skipReason } from './harness.js';
import { cellText, eventually, sqlCells, typeInCell } from './helpers.js';

const skip = skipReason() !== null;

describe.skipIf(skip)('notebook in the browser', () => {
  const h = new Harness();
  let page: Page;
  let notebookId = '';

  beforeAll(async () => {
    await h.start();
    page = await h.newPage();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('creates a notebook from the home page', async () => {
    await page.goto(h.baseUrl);
    await page.getByTestId('new-notebook').click();
    const input = page.locator('dialog input');
    await input.fill('Enquête test');
    await page.locator('dialog button[type=submit]').click();
    await page.waitForURL(/\/n\/[A-Za-z0-9_-]+$/);
    notebookId = new URL(page.url()).pathname.split('/').pop()!;
    await expect(page.getByTestId('notebook-title').inputValue()).resolves.toBe('Enquête test');
    // A new notebook opens with one SQL cell, ready to type in.
    await eventually('the first cell', async () => (await sqlCells(page).count()) === 1);
  });

  it('runs a SQL cell with Shift+Enter and shows its rows', async () => {
    const first = sqlCells(page).first();
    await typeInCell(page, first, 'SELECT nationality, count(*) n FROM persons GROUP BY 1 ORDER BY 2 DESC');
    await page.keyboard.press('Shift+Enter');
    const count = first.getByTestId('row-count');
    await count.waitFor({ timeout: 30_000 });
    expect(await count.textContent()).toMatch(/^\d+ rows$/);
    const header = await first.locator('.col-head .col-name').allTextContents();
    expect(header).toEqual(['nationality', 'n']);
    const firstRow = await first.locator('tbody tr[data-row="0"] td').allTextContents();
    expect(firstRow[1]).toMatch(/^[A-Z]{2}$/);
    expect(Number(firstRow[2]!.replace(/\D/g, ''))).toBeGreaterThan(0);
    // Shift+Enter moved on to a new cell.
    await eventually('a second cell', async () => (await sqlCells(page).count()) === 2);
  });

  it('reads the first cell by name from a second cell', async () => {
    const name = await sqlCells(page).first().locator('.cell-name').inputValue();
    expect(name).toMatch(/^[a-z_]+\d*$/);
    const second = sqlCells(page).nth(1);
    await typeInCell(page, second, `SELECT * FROM ${name} WHERE n > 1 ORDER BY n`);
    await page.keyboard.press('Control+Enter');
    const count = second.getByTestId('row-count');
    await count.waitFor({ timeout: 30_000 });
    expect(await count.textContent()).toMatch(/rows?$/);
    expect(await second.locator('.col-head .col-name').allTextContents()).toEqual(['nationality', 'n']);
  });

  it('shows an error under the cell and underlines its position', async () => {
    await page.getByTestId('add-sql').click();
    const third = sqlCells(page).nth(2);
    await typeInCell(page, third, 'SELECT person_id,\n  nme\nFROM persons');
    await page.keyboard.press('Control+Enter');
    const error = third.locator('.cell-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/nme/);
    const underline = third.locator('.cm-lintRange-error');
    await underline.waitFor();
    expect(await underline.textContent()).toBe('nme');
  });

  it('cancels a long query', async () => {
    const third = sqlCells(page).nth(2);
    await third.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText('SELECT count(*) FROM range(1000000000000) a');
    const started = Date.now();
    await page.keyboard.press('Control+Enter');
    const cancel = third.getByTestId('cancel-run');
    await cancel.waitFor();
    // It really runs: still running two seconds later.
    await page.waitForTimeout(2000);
    expect(await cancel.isVisible()).toBe(true);
    await cancel.click();
    await third.locator('.run-status', { hasText: /Cancelled/ }).waitFor({ timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await third.getByTestId('cancel-run').count()).toBe(0);
  });

  it('syncs typing and new cells between two pages', async () => {
    const other = await h.newPage();
    await other.goto(`${h.baseUrl}/n/${notebookId}`);
    await eventually('three cells in the second page', async () => (await sqlCells(other).count()) === 3);
    // The second page shows the results the first one computed.
    await sqlCells(other).first().getByTestId('row-count').waitFor({ timeout: 15_000 });
    const first = sqlCells(page).first();
    await first.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n-- typed in page one');
    await eventually('typing to reach page two', async () => (await cellText(sqlCells(other).first())).includes('-- typed in page one'));
    // Undo is per person: Ctrl+Z in page one removes its own typing, not page two's.
    const otherFirst = sqlCells(other).first();
    await otherFirst.locator('.cm-content').click();
    await other.keyboard.press('Control+End');
    await other.keyboard.insertText(' -- from two');
    await eventually('page two typing in page one', async () => (await cellText(sqlCells(page).first())).includes('-- from two'));
    await first.locator('.cm-content').click();
    // Edits within half a second form one undo step; this one must be a step of its own.
    await page.waitForTimeout(700);
    await page.keyboard.insertText('-- undo me ');
    await page.keyboard.press('Control+z');
    await eventually('the undo to reach page two', async () => {
      const text = await cellText(otherFirst);
      return !text.includes('-- undo me') && text.includes('-- from two');
    });
    await otherFirst.locator('.cm-content').click();
    await other.keyboard.press('Control+z');
    await eventually('page two undoing its own text', async () => !(await cellText(sqlCells(page).first())).includes('-- from two'));
    expect(await cellText(sqlCells(page).first())).toContain('-- typed in page one');
    // A run in page one shows its result in page two, without a reload.
    const secondHere = sqlCells(page).nth(1);
    await secondHere.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(`SELECT * FROM ${await sqlCells(page).first().locator('.cell-name').inputValue()} LIMIT 3`);
    await page.keyboard.press('Control+Enter');
    await eventually('the run to reach page two', async () => (await sqlCells(other).nth(1).getByTestId('row-count').textContent()) === '3 rows', 20_000);
    await other.getByTestId('add-markdown').click();
    await other.keyboard.insertText('Written in **page two**.');
    await eventually('the new cell to reach page one', async () => (await page.locator('.cell.markdown').count()) === 1);
    await eventually('its text to reach page one', async () => (await page.locator('.cell.markdown').textContent())?.includes('page two'));
    await other.close();
  });

  it('keeps everything after a reload', async () => {
    await page.reload();
    await eventually('cells after reload', async () => (await sqlCells(page).count()) === 3);
    expect(await cellText(sqlCells(page).first())).toContain('-- typed in page one');
    expect(await page.locator('.cell.markdown .markdown-rendered').textContent()).toContain('Written in page two.');
    // The latest results come back too.
    await sqlCells(page).first().getByTestId('row-count').waitFor({ timeout: 15_000 });
  });

  it('keeps everything after a server restart, in the browser and in the Markdown file', async () => {
    await h.restartServer();
    await page.reload();
    await eventually('cells after restart', async () => (await sqlCells(page).count()) === 3, 30_000);
    expect(await cellText(sqlCells(page).first())).toContain('-- typed in page one');
    const file = join(h.home, 'notebooks', `${notebookId}.md`);
    const text = await eventually('the saved file', async () => {
      const t = existsSync(file) && readFileSync(file, 'utf8');
      return t && t.includes('-- typed in page one') && t.includes('Written in **page two**.') ? t : undefined;
    }, 20_000);
    expect(text).toContain('SELECT nationality, count(*) n FROM persons GROUP BY 1 ORDER BY 2 DESC');
    expect(text).toContain('title: Enquête test');
  });

  it('takes a screenshot of the notebook with results', async () => {
    // Fresh results for the first two cells (the third is the endless query).
    for (const i of [0, 1]) {
      const cell = sqlCells(page).nth(i);
      await cell.getByTestId('run-cell').click();
      await eventually(`cell ${i + 1} fresh`, async () => (await cell.locator('.badge.stale').isHidden()) && (await cell.locator('.run-status .spinner').count()) === 0, 30_000);
    }
    await sqlCells(page).first().getByTestId('row-count').waitFor({ timeout: 15_000 });
    await page.locator('.notebook-main').evaluate((el) => el.scrollTo(0, 0));
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'notebook.png') });
  });

  it('made no request to another host and broke no rule of the page', () => {
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
