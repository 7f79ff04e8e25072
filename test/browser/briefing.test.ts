/**
 * Briefings in a real browser: run an example notebook, read it as a document without code,
 * present it as slides, export it from the notebook's menu, and confirm before a marked
 * notebook leaves Carnet.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright-core';
import { Harness, ROOT, skipReason } from './harness.js';
import { eventually } from './helpers.js';

const skip = skipReason() !== null;
const EXAMPLE = 'shell-company-network';
const SECRET = 'secret-brief';

/** A small marked notebook, written into the workspace before the server first starts. */
const SECRET_NOTEBOOK = `---
title: Secret brief
classification: SECRET
created: 2026-01-05T10:00:00.000Z
updated: 2026-01-05T10:00:00.000Z
---

<!-- cell id=intro -->
# Secret brief

Counts by nationality.

\`\`\`sql name=by_nationality id=by_nationality
SELECT nationality, count(*) AS n FROM persons GROUP BY 1 ORDER BY 2 DESC LIMIT 5
\`\`\`
`;

describe.skipIf(skip)('briefing in the browser', () => {
  const h = new Harness();
  let page: Page;
  const frame = (): FrameLocator => page.frameLocator('[data-testid=briefing-frame]');

  beforeAll(async () => {
    mkdirSync(join(h.home, 'notebooks'), { recursive: true });
    writeFileSync(join(h.home, 'notebooks', `${SECRET}.md`), SECRET_NOTEBOOK);
    await h.start();
    page = await h.newPage();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('runs the example notebook, then opens its briefing from the header: title and tables, no code', async () => {
    await page.goto(`${h.baseUrl}/n/${EXAMPLE}`);
    await page.getByTestId('run-all').waitFor();
    await eventually('the cells', async () => (await page.locator('.cell').count()) > 5);
    await page.getByTestId('run-all').click();
    // Run all is done when every SQL cell shows a row count or an error, and nothing runs.
    await eventually('every cell run', async () => {
      const sql = await page.locator('.cell.sql').count();
      const done = await page.locator('.cell.sql [data-testid=row-count], .cell.sql .cell-error').count();
      return sql > 0 && done >= sql && !(await page.getByTestId('run-all').evaluate((b) => b.classList.contains('busy')));
    }, 90_000);

    await page.getByTestId('open-briefing').click();
    await page.waitForURL(new RegExp(`/n/${EXAMPLE}/briefing$`));
    await frame().locator('.doc-header h1').waitFor({ timeout: 30_000 });
    expect(await frame().locator('.doc-header h1').textContent()).toBe('Shell company network');
    await frame().locator('main table.data').first().waitFor();
    expect(await frame().locator('main table.data').count()).toBeGreaterThan(0);
    expect(await frame().locator('main .table-block tbody tr').first().isVisible()).toBe(true);
    // No code by default; the provenance appendix (with the compiled SQL) is there by default.
    expect(await frame().locator('main pre.source').count()).toBe(0);
    expect(await frame().locator('#provenance').count()).toBe(1);
    expect(await page.getByTestId('toggle-code').getAttribute('aria-pressed')).toBe('false');
  });

  it('looks like a finished document (screenshot)', async () => {
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'briefing.png') });
  });

  it('shows the SQL next to each table when "Show code" is on, and keeps it in the address', async () => {
    await page.getByTestId('toggle-code').click();
    await eventually('code in the briefing', async () => (await frame().locator('main pre.source').count()) > 0, 30_000);
    const sql = await frame().locator('main pre.source').first().textContent();
    expect(sql).toMatch(/SELECT[\s\S]*FROM/i);
    expect(await page.getByTestId('toggle-code').getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).search).toBe('?code=1');
    await page.getByTestId('toggle-code').click();
    await eventually('code gone again', async () => (await frame().locator('main pre.source').count()) === 0, 30_000);
  });

  it('hides the provenance appendix when asked', async () => {
    await page.getByTestId('toggle-provenance').click();
    await eventually('no appendix', async () => (await frame().locator('#provenance').count()) === 0, 30_000);
    await page.getByTestId('toggle-provenance').click();
    await eventually('appendix back', async () => (await frame().locator('#provenance').count()) === 1, 30_000);
  });

  it('presents the headings as slides: arrows move, Esc leaves', async () => {
    await page.getByTestId('present').click();
    const deck = page.frameLocator('[data-testid=presentation-frame]');
    const counter = page.getByTestId('slide-counter');
    await counter.waitFor();
    const first = await counter.textContent();
    expect(first).toMatch(/^1 \/ (\d+)$/);
    const total = Number(/\/ (\d+)/.exec(first!)![1]);
    expect(total).toBeGreaterThan(3);
    // Slide 1 is the cover: the title, and only one slide shown at a time.
    expect(await deck.locator('.slide.current .doc-header h1').textContent()).toBe('Shell company network');
    expect(await deck.locator('.slide.current').count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await eventually('slide 2', async () => (await counter.textContent()) === `2 / ${total}`);
    expect(await deck.locator('.slide.current h1, .slide.current h2').first().textContent()).toMatch(/Shell company network: Société Marbeuf Conseil/);
    await page.keyboard.press('PageDown');
    await eventually('slide 3', async () => (await counter.textContent()) === `3 / ${total}`);
    expect(await deck.locator('.slide.current h2').first().textContent()).toBe('1. The fees');
    // A slide carries what follows its heading: text and the tables under it.
    expect(await deck.locator('.slide.current table.data').count()).toBeGreaterThan(0);
    await page.keyboard.press('ArrowLeft');
    await eventually('back to slide 2', async () => (await counter.textContent()) === `2 / ${total}`);
    await page.keyboard.press('Escape');
    await page.getByTestId('presentation').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.fullscreenElement === null)).toBe(true);
  });

  it('carries the marking on every slide of a marked notebook', async () => {
    await page.goto(`${h.baseUrl}/n/${SECRET}/briefing`);
    await frame().locator('.marking-top').waitFor({ timeout: 30_000 });
    expect(await frame().locator('.marking-top').textContent()).toBe('SECRET');
    await page.getByTestId('present').click();
    const deck = page.frameLocator('[data-testid=presentation-frame]');
    await page.getByTestId('slide-counter').waitFor();
    expect(await deck.locator('.marking').allTextContents()).toEqual(['SECRET', 'SECRET']);
    expect(await deck.locator('.marking-top').isVisible()).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await deck.locator('.marking-bottom').isVisible()).toBe(true);
    await page.getByTestId('leave-presentation').click();
    await page.getByTestId('presentation').waitFor({ state: 'detached' });
  });

  it('exports HTML from the notebook menu: the title, no script', async () => {
    await page.goto(`${h.baseUrl}/n/${EXAMPLE}`);
    await page.getByTestId('export-menu').click();
    expect(await page.getByTestId('export-provenance').isChecked()).toBe(true);
    expect(await page.getByTestId('export-code').isChecked()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-html').click()]);
    expect(download.suggestedFilename()).toBe('shell-company-network.html');
    const path = await download.path();
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<h1>Shell company network</h1>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('id="provenance"');
  });

  it('exports a PDF from the same menu', async () => {
    await page.getByTestId('export-menu').click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.getByTestId('export-pdf').click()]);
    expect(download.suggestedFilename()).toBe('shell-company-network.pdf');
    expect(readFileSync(await download.path()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('asks before exporting a notebook marked SECRET, and exports only once confirmed', async () => {
    await page.goto(`${h.baseUrl}/n/${SECRET}`);
    await page.getByTestId('export-menu').click();
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByTestId('export-html').click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.textContent()).toContain('This notebook is marked SECRET. Exports above DIFFUSION RESTREINTE are recorded in the audit log. Export anyway?');
    // Cancel: nothing is downloaded.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForTimeout(500);
    expect(downloads).toBe(0);

    await page.getByTestId('export-menu').click();
    await page.getByTestId('export-html').click();
    await page.locator('dialog[open]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('dialog[open]').getByRole('button', { name: 'Export anyway' }).click()]);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toContain('<meta name="carnet-marking" content="SECRET">');
    expect(html).not.toMatch(/<script/i);
    // The confirmed export is in the audit log.
    const audit = readFileSync(join(h.home, 'state', 'audit', 'audit.log'), 'utf8');
    expect(audit).toMatch(/"action":"export"[\s\S]*"confirmed":true/);
  });

  it('made no request to another host and raised no page error', () => {
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
