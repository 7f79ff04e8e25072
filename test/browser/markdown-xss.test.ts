/**
 * Markdown cells render sanitised: none of these payloads runs script, keeps an event
 * handler or a javascript: link, or makes the page fetch from another host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { eventually } from './helpers.js';

const PAYLOADS = [
  'Plain **bold** text survives.',
  '<script>window.__xss = 1</script>',
  '<img src="x" onerror="window.__xss = 2">',
  '[link](javascript:window.__xss=3)',
  '<a href="javascript:window.__xss=4">raw link</a>',
  '<a href="JaVaScRiPt&colon;window.__xss=5">encoded</a>',
  '[spaced](  javascript:window.__xss=6)',
  '<svg onload="window.__xss = 7"><circle r="5"/></svg>',
  '<iframe src="javascript:window.__xss=8"></iframe>',
  '<div onclick="window.__xss = 9" id="clickme">click me</div>',
  '<form action="javascript:window.__xss=11"><button id="submitme">go</button></form>',
  '<object data="javascript:window.__xss=12"></object>',
  '<details open ontoggle="window.__xss=13"><summary>s</summary></details>',
  '<style>body { display: none }</style>',
  '![tracker](http://evil.example/pixel.png)',
  '<img src="//evil.example/pixel2.png">',
  '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
  '<p style="background:url(http://evil.example/bg.png)">styled</p>',
  // Last: an unclosed mutation-XSS payload swallows what follows it.
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=10">',
].join('\n\n');

describe.skipIf(skipReason() !== null)('markdown sanitising', () => {
  const h = new Harness();
  let page: Page;

  beforeAll(async () => {
    await h.start();
    page = await h.newPage();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('renders an XSS payload set harmlessly', async () => {
    const res = await fetch(`${h.baseUrl}/api/notebooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'XSS' }) });
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${h.baseUrl}/n/${id}`);
    await page.getByTestId('add-markdown').click();
    await page.keyboard.insertText(PAYLOADS);
    await page.keyboard.press('Escape');
    const rendered = page.locator('.markdown-rendered');
    await eventually('the rendered cell', async () => (await rendered.innerHTML()).includes('<strong>bold</strong>'), 5000).catch(async (e: Error) => {
      throw new Error(`${e.message}; rendered: ${await rendered.innerHTML().catch(() => '(none)')}`);
    });
    await page.locator('#clickme').click().catch(() => {});
    await page.locator('#submitme').click({ timeout: 500 }).catch(() => {});
    for (const link of await rendered.locator('a').all()) await link.click({ modifiers: [], timeout: 1000 }).catch(() => {});
    await page.waitForTimeout(500);

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    const report = await rendered.evaluate((root) => {
      const all = [root, ...root.querySelectorAll('*')];
      return {
        tags: [...new Set(all.map((el) => el.tagName.toLowerCase()))],
        handlers: all.flatMap((el) => [...el.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `${el.tagName} ${a.name}`)),
        hrefs: [...root.querySelectorAll('[href]')].map((el) => el.getAttribute('href') ?? ''),
        srcs: [...root.querySelectorAll('[src]')].map((el) => el.getAttribute('src') ?? ''),
        styles: [...root.querySelectorAll('[style]')].length,
        bodyVisible: getComputedStyle(document.body).display !== 'none',
      };
    });
    for (const tag of ['script', 'iframe', 'object', 'embed', 'form', 'svg', 'math', 'style', 'button']) expect(report.tags).not.toContain(tag);
    expect(report.handlers).toEqual([]);
    for (const href of report.hrefs) expect(href.replace(/\s/g, '').toLowerCase()).not.toMatch(/^(javascript|data|vbscript):/);
    for (const src of report.srcs) expect(src).not.toMatch(/evil\.example/);
    expect(report.styles).toBe(0);
    expect(report.bodyVisible).toBe(true);
    expect(h.external).toEqual([]);
    expect(h.pageErrors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
  });
});
