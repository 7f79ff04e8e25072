/**
 * Charts in a real browser: "Chart this" under a result, the builder, the spec kept in the
 * document (reload, a second page, the Markdown file), a big source summarised on the
 * server, a bad spec explained at the chart, an offline map, and SVG/PNG export.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page, Response } from 'playwright-core';
import { Harness, ROOT, skipReason } from './harness.js';
import { eventually, sqlCells, typeInCell } from './helpers.js';

const chartCells = (page: Page): Locator => page.locator('.cell.chart');

/** Shows a chart's builder (or its spec editor) unless it is already shown. */
async function open(chart: Locator, toggle: 'chart-builder-toggle' | 'chart-code-toggle'): Promise<void> {
  const button = chart.getByTestId(toggle);
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
}

/** Marks of a Plot chart, by Plot's aria-label of the mark group (`bar`, `dot`, `line`, `geo`). */
const marks = (cell: Locator, mark: string): Locator => cell.locator(`.chart-canvas svg g[aria-label="${mark}"] > *`);

describe.skipIf(skipReason() !== null)('charts in the browser', () => {
  const h = new Harness();
  let page: Page;
  let notebookId = '';
  let sourceName = '';
  /** Bytes of every chart-run and result answer the page received, by URL. */
  const received: { url: string; bytes: number }[] = [];
  /** Every URL the page asked for. */
  const requested: string[] = [];

  beforeAll(async () => {
    await h.start();
    page = await h.newPage();
    page.on('request', (r) => requested.push(r.url()));
    page.on('response', (r: Response) => {
      if (!/\/cells\/[^/]+\/run$|\/api\/results\//.test(r.url())) return;
      void r.body().then((b) => received.push({ url: r.url(), bytes: b.length })).catch(() => {});
    });
    const res = await fetch(`${h.baseUrl}/api/notebooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Charts' }) });
    notebookId = ((await res.json()) as { id: string }).id;
    await page.goto(`${h.baseUrl}/n/${notebookId}`);
  });

  afterAll(async () => {
    await h.stop();
  });

  it('charts a result with "Chart this": bars', async () => {
    await page.getByTestId('add-sql').click();
    const sql = sqlCells(page).first();
    await typeInCell(page, sql, 'SELECT nationality, count(*) n FROM persons GROUP BY 1');
    await page.keyboard.press('Control+Enter');
    await sql.getByTestId('row-count').waitFor({ timeout: 30_000 });
    sourceName = await sql.locator('.cell-name').inputValue();
    // The chart renderer (Plot, the world outline) loads only once a chart is shown.
    expect(requested.filter((u) => /\/assets\/render-[\w-]+\.js$/.test(u))).toEqual([]);
    await sql.getByTestId('chart-this').click();
    const chart = chartCells(page).first();
    await marks(chart, 'bar').first().waitFor({ timeout: 30_000 });
    expect(await marks(chart, 'bar').count()).toBeGreaterThan(3);
    expect(requested.filter((u) => /\/assets\/render-[\w-]+\.js$/.test(u))).toHaveLength(1);
    expect(await chart.getByTestId('chart-rows').textContent()).toMatch(/^summarises [\d,]+ rows$/);
    // A chart made here opens with its builder, showing the suggestion: bars of n by nationality.
    expect(await chart.getByTestId('cb-mark').inputValue()).toBe('bar');
    expect(await chart.getByTestId('cb-x-field').inputValue()).toBe('nationality');
    expect(await chart.getByTestId('cb-y-field').inputValue()).toBe('n');
  });

  it('changes the mark in the builder, and the chart follows', async () => {
    const chart = chartCells(page).first();
    await chart.getByTestId('cb-mark').selectOption('dot');
    await eventually('dots instead of bars', async () => (await marks(chart, 'dot').count()) > 3 && (await marks(chart, 'bar').count()) === 0, 30_000);
  });

  it('keeps the spec: a reload, a second page and the Markdown file show the same chart', async () => {
    await page.reload();
    const chart = chartCells(page).first();
    await eventually('dots after a reload', async () => (await marks(chart, 'dot').count()) > 3, 30_000);
    const other = await h.newPage();
    await other.goto(`${h.baseUrl}/n/${notebookId}`);
    const mirrored = chartCells(other).first();
    await eventually('dots on the second page', async () => (await marks(mirrored, 'dot').count()) > 3, 30_000);
    // A change made on one page shows on the other.
    await open(chart, 'chart-builder-toggle');
    await chart.getByTestId('cb-mark').selectOption('line');
    await eventually('a line on the second page', async () => (await marks(mirrored, 'line').count()) === 1, 30_000);
    await other.close();
    const file = join(h.home, 'notebooks', `${notebookId}.md`);
    await eventually('the chart in the Markdown file', async () => /```chart[^\n]*\n\{\n {2}"source": "\w+",\n {2}"mark": "line",/.test(readFileSync(file, 'utf8')), 15_000);
  });

  it('summarises a big source on the server: few rows travel', async () => {
    const chart = chartCells(page).first();
    const before = received.length;
    await chart.getByTestId('cb-source').selectOption('phone_calls');
    await eventually('a chart over phone_calls', async () => (await chart.getByTestId('chart-summary').textContent())?.includes('from phone_calls') && (await chart.getByTestId('chart-rows').count()) === 1, 30_000);
    const total = await countRows('phone_calls');
    expect(total).toBeGreaterThan(50_000);
    await eventually(`summarises all ${total} rows`, async () => (await chart.getByTestId('chart-rows').textContent()) === `summarises ${total.toLocaleString('en-US')} rows`, 30_000);
    const runs = received.slice(before).filter((r) => r.url.includes('/run'));
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect(r.bytes).toBeLessThan(1_000_000);
  });

  it('explains a bad spec at the chart, names the field, and the notebook keeps working', async () => {
    const chart = chartCells(page).first();
    await open(chart, 'chart-code-toggle');
    await chart.locator('.chart-code .cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(`{"source": "${sourceName}", "mark": "bar", "x": {"field": "nationalty"}}`);
    const problems = chart.getByTestId('chart-problems');
    await eventually('the problem at the chart', async () => /x: column "nationalty" no longer exists/.test((await problems.textContent()) ?? ''), 30_000);
    await open(chart, 'chart-builder-toggle');
    await eventually('the x field highlighted', async () => (await chart.locator('.cb-field.invalid[data-field="x"]').count()) === 1);
    // The builder repairs it.
    await chart.getByTestId('cb-x-field').selectOption('nationality');
    await marks(chart, 'bar').first().waitFor({ timeout: 30_000 });
    expect(await problems.isHidden()).toBe(true);
    const sql = sqlCells(page).first();
    await sql.getByTestId('run-cell').click();
    await sql.getByTestId('row-count').waitFor({ timeout: 30_000 });
  });

  it('follows its source: the SQL changed and ran, the chart runs again', async () => {
    const chart = chartCells(page).first();
    const rows = async () => Number((await chart.getByTestId('chart-rows').textContent())?.replace(/\D/g, ''));
    const before = await rows();
    const sql = sqlCells(page).first();
    await sql.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText("SELECT nationality, count(*) n FROM persons WHERE nationality <> 'FR' GROUP BY 1");
    await page.keyboard.press('Control+Enter');
    await eventually('the chart over the new result', async () => (await rows()) === before - 1, 30_000);
  });

  it('draws a map of cities without any request to another host', async () => {
    await page.getByTestId('add-sql').click();
    const sql = sqlCells(page).nth(1);
    await typeInCell(page, sql, 'SELECT city, country, lat, lon FROM cities');
    await page.keyboard.press('Control+Enter');
    await sql.getByTestId('row-count').waitFor({ timeout: 30_000 });
    await sql.getByTestId('chart-this').click();
    const map = chartCells(page).nth(1);
    await eventually('a map with points', async () => (await map.locator('.chart-canvas svg path').count()) > 0 && (await marks(map, 'dot').count()) > 5, 30_000);
    expect(await map.getByTestId('cb-mark').inputValue()).toBe('map-points');
    expect(h.external).toEqual([]);
  });

  it('exports a chart as SVG and PNG', async () => {
    const chart = chartCells(page).first();
    const save = async (item: string) => {
      await chart.getByTestId('chart-export').click();
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), chart.getByTestId(item).click()]);
      return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
    };
    const svg = await save('chart-export-svg');
    const text = svg.bytes.toString('utf8');
    expect(svg.name).toMatch(/\.svg$/);
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).not.toContain('&nbsp;');
    const png = await save('chart-export-png');
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('looks calm and readable (screenshot)', async () => {
    const chart = chartCells(page).first();
    await chart.getByTestId('chart-code-toggle').click();
    await chart.getByTestId('cb-y-field').selectOption('n');
    await chart.getByTestId('cb-sort').selectOption('value-desc');
    await chart.getByTestId('cb-title').fill('Persons by nationality');
    await chart.getByTestId('cb-subtitle').fill('Demo register, all persons');
    await eventually('the title drawn', async () => (await chart.locator('.chart-canvas h2').textContent()) === 'Persons by nationality');
    expect(await chart.getByTestId('cb-y-field').inputValue()).toBe('n');
    // Titles change only the drawing: the bars stay, sorted largest first.
    await eventually('sorted bars', async () => {
      const heights = await marks(chart, 'bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
      return heights.length > 3 && heights[0]! > heights[heights.length - 1]! && heights.every((v, i) => i === 0 || v <= heights[i - 1]!);
    }, 30_000);
    await chart.scrollIntoViewIfNeeded();
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'chart.png') });
    expect(h.pageErrors).toEqual([]);
    expect(h.external).toEqual([]);
  });

  it('warns before deleting its source, names the deleted source at the chart, and draws again from another', async () => {
    const sql = sqlCells(page).nth(1);
    const name = await sql.locator('.cell-name').inputValue();
    const map = chartCells(page).nth(1);
    await sql.hover();
    await sql.getByTestId('delete-cell').click();
    // Deleting asks first, naming what reads the cell: the chart.
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor({ timeout: 5_000 });
    expect(await dialog.textContent()).toContain(`Cell “${name}” is read by 1 chart`);
    await dialog.locator('button.danger').click();
    const problems = map.getByTestId('chart-problems');
    await eventually('the missing source named at the chart', async () => ((await problems.textContent()) ?? '').includes(`“${name}” no longer exists`), 15_000);
    expect(await map.locator('.chart-canvas svg').count()).toBe(0);
    // The server agrees, naming the cell, with a 400.
    const res = await fetch(`${h.baseUrl}/api/notebooks/${notebookId}/cells/${await map.getAttribute('data-cell-id')}/run`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ width: 600 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(`"${name}"`);
    // Pick another source there: the chart reads it.
    await map.getByTestId('chart-source-picker').selectOption('cities');
    await eventually('the chart pointed at the dataset', async () => ((await map.getByTestId('chart-summary').textContent()) ?? '').includes('from cities'), 15_000);
    // …and draws again from it: marks, and the message gone.
    await eventually('the chart drawn from cities', async () => (await marks(map, 'dot').count()) > 5 && (await problems.isHidden()), 30_000);
  });

  async function countRows(dataset: string): Promise<number> {
    const res = await fetch(`${h.baseUrl}/api/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ sql: `SELECT count(*) AS n FROM ${dataset}` }),
    });
    return ((await res.json()) as { rows: [number][] }).rows[0]![0];
  }
});
