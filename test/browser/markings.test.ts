/**
 * Classification markings in the notebook: with authentication off (everything cleared),
 * a dataset marked SECRET by the administrator's file makes a cell reading it carry a
 * SECRET badge, and raises the banner at the top and bottom of the notebook to SECRET.
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
  });

  afterAll(async () => {
    await h.stop();
  });

  const text = (testId: string) => page.getByTestId(testId).first().textContent();

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
});
