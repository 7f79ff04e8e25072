/**
 * Classification markings in the notebook: with authentication off (everything cleared),
 * a dataset marked SECRET by the administrator's file makes a cell reading it carry a
 * SECRET badge, and raises the banner at the top and bottom of the notebook to SECRET. The
 * owner raises the marking in the "Change marking…" dialog and the banners follow; removing
 * the raise brings them back to what the results read, never lower.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { eventually, sqlCells } from './helpers.js';

describe.skipIf(skipReason() !== null)('classification markings', () => {
  const h = new Harness();
  let page: Page;

  beforeAll(async () => {
    // Before the first start: the server reads the dataset markings at each decision.
    mkdirSync(join(h.home, 'state', 'access'), { recursive: true });
    writeFileSync(join(h.home, 'state', 'access', 'datasets.json'), JSON.stringify({ entries: { cities: { level: 'SECRET', compartments: [] } } }));
    await h.start();
    page = await h.newPage();
    const res = await fetch(`${h.baseUrl}/api/notebooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Markings' }) });
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${h.baseUrl}/n/${id}`);
    // Without accounts a first visit asks for a name, in a card over the page's corner: answer it.
    await page.getByTestId('name-picker').waitFor();
    await page.getByTestId('name-input').fill('Olga');
    await page.getByTestId('name-save').click();
    await page.getByTestId('name-picker').waitFor({ state: 'detached' });
  });

  afterAll(async () => {
    await h.stop();
  });

  const text = (testId: string) => page.getByTestId(testId).first().textContent();
  /** Opens the owner's dialog. */
  const openRaise = async () => {
    await page.getByTestId('marking-change').click();
    await page.getByTestId('raise-dialog').getByTestId('raise-level').waitFor();
    return page.getByTestId('raise-dialog');
  };

  it('shows the lowest level on a notebook with no marked run', async () => {
    await eventually('the top banner', async () => (await text('marking-banner-top')) === 'NON PROTÉGÉ');
    expect(await text('marking-banner-bottom')).toBe('NON PROTÉGÉ');
  });

  it('marks a cell reading a SECRET dataset, and raises the notebook banners', async () => {
    await page.getByTestId('add-sql').click();
    const cell = sqlCells(page).first();
    await page.keyboard.insertText('SELECT count(*) AS n FROM cities');
    await page.keyboard.press('Control+Enter');
    await cell.getByTestId('row-count').waitFor({ timeout: 30_000 });
    await eventually('the cell badge', async () => (await cell.getByTestId('cell-marking').textContent()) === 'SECRET');
    await eventually('the top banner', async () => (await text('marking-banner-top')) === 'SECRET');
    expect(await text('marking-banner-bottom')).toBe('SECRET');
    const colour = await page.getByTestId('marking-banner-top').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).toBe('rgb(161, 22, 29)');
  });

  it('keeps the markings after a reload', async () => {
    await page.reload();
    await eventually('the top banner', async () => (await text('marking-banner-top')) === 'SECRET');
    await eventually('the cell badge', async () => (await sqlCells(page).first().getByTestId('cell-marking').textContent()) === 'SECRET');
    expect(h.external).toEqual([]);
  });

  it('the owner raises the marking in the dialog, and the banners show the new level at once and after a reload', async () => {
    const dialog = await openRaise();
    expect(await dialog.textContent()).toContain('can’t go below what the results read');
    await dialog.getByTestId('raise-level').selectOption('TRÈS SECRET');
    await dialog.getByTestId('raise-save').click();
    await eventually('the top banner', async () => (await text('marking-banner-top')) === 'TRÈS SECRET');
    expect(await text('marking-banner-bottom')).toBe('TRÈS SECRET');
    expect(await page.getByTestId('raise-dialog').count()).toBe(0);
    // The cell keeps its own result's marking.
    expect(await sqlCells(page).first().getByTestId('cell-marking').textContent()).toBe('SECRET');
    await page.reload();
    await eventually('the top banner after a reload', async () => (await text('marking-banner-top')) === 'TRÈS SECRET');
  });

  it('a raise below the results keeps their marking, and removing the raise returns to it', async () => {
    const dialog = await openRaise();
    await dialog.getByTestId('raise-level').selectOption('DIFFUSION RESTREINTE');
    await dialog.getByTestId('raise-save').click();
    await eventually('the top banner', async () => (await text('marking-banner-top')) === 'SECRET');
    await (await openRaise()).getByTestId('raise-remove').click();
    await eventually('the dialog closed', async () => (await page.getByTestId('raise-dialog').count()) === 0);
    expect(await text('marking-banner-top')).toBe('SECRET');
    expect(h.external).toEqual([]);
  });
});
