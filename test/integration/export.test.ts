/**
 * Briefings: HTML, Markdown and PDF exports through the HTTP route on a real engine over
 * generated fixtures, the marking rule, the audit record, and `carnet run` / `carnet export`.
 * Clock and export ids are fixed; the HTML snapshot is built from literal inputs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { Hono } from 'hono';
import { JSDOM, VirtualConsole } from 'jsdom';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { exportRoutes } from '../../server/http/routes/export.js';
import { errorResponse } from '../../server/http/errors.js';
import { sessionMiddleware } from '../../server/http/session.js';
import type { AppDeps } from '../../server/http/deps.js';
import { loadConfig } from '../../server/config.js';
import { runCommand } from '../../server/cli/run.js';
import { exportCommand } from '../../server/cli/export.js';
import type { CliIo } from '../../server/cli/user.js';
import { buildBriefing, drawFigure, renderHtml, type CellEvidence } from '../../server/export/index.js';
import { normaliseChart, type ChartSpec } from '../../core/chart/index.js';
import { asCellId, asNotebookId, type CellId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const EXPORT_ID = 'export-0001';
const CHROMIUM = process.env.CARNET_CHROMIUM || '/usr/bin/chromium';
const XSS = [
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 2">',
  '[click me](javascript:window.pwned=3)',
  '<a href="JaVaScRiPt:window.pwned=4">link</a>',
  '<svg><a xlink:href="javascript:window.pwned=5"><text>svg</text></a></svg>',
  '<iframe src="http://evil.example/"></iframe>',
  '![tracker](http://evil.example/pixel.png)',
  '<div style="background:url(http://evil.example/bg.png)" onclick="window.pwned=6">styled</div>',
  '<style>@import url(http://evil.example/x.css);</style>',
].join('\n\n');

const notebook = (title: string, marking: string | null, cells: string) =>
  `---\ntitle: ${title}\n${marking ? `classification: ${marking}\n` : ''}---\n\n${cells}`;
const sql = (name: string, body: string) => `\`\`\`sql name=${name} id=${name}\n${body}\n\`\`\`\n`;

const RING = notebook('Calls of the ring', 'DIFFUSION RESTREINTE', [
  `<!-- cell id=intro -->\n# Who calls whom\n\nEven-numbered people and their calls.\n\n${XSS}\n`,
  sql('people_even', 'SELECT id, name, born, amount FROM people WHERE even'),
  sql('top_callers', 'SELECT caller, count(*) AS calls FROM calls JOIN people_even p ON p.id = caller GROUP BY ALL ORDER BY calls DESC, caller LIMIT 5'),
].join('\n'));
const chart = (id: string, spec: object) => `\`\`\`chart id=${id}\n${JSON.stringify(spec)}\n\`\`\`\n`;
const CHARTED = RING.replace('Calls of the ring', 'Charted') + '\n' + [
  chart('by_maybe', { source: 'people', mark: 'bar', x: { field: 'maybe' }, y: { aggregate: 'count' }, title: 'People by maybe' }),
  chart('amounts', { source: 'people_even', mark: 'dot', x: { field: 'born' }, y: { field: 'amount' } }),
].join('\n');
const SECRET = notebook('Sources', 'SECRET', sql('few', 'SELECT id FROM people LIMIT 3'));
const BROKEN = notebook('Broken', null, [
  sql('fine', 'SELECT count(*) AS n FROM people'),
  sql('typo', 'SELECT nmae FROM people'),
  sql('after_typo', 'SELECT * FROM typo'),
  chart('typo_chart', { source: 'typo', mark: 'bar', x: { field: 'nmae' }, y: { aggregate: 'count' } }),
].join('\n'));

let t: TestApp;
let app: Hono;

function mount(deps: AppDeps): Hono {
  const a = new Hono();
  a.onError(errorResponse);
  a.use('*', sessionMiddleware(deps.auth));
  a.route('/api/notebooks', exportRoutes(deps, { now: () => NOW, newId: () => EXPORT_ID, chromium: CHROMIUM }));
  return a;
}

const post = (a: Hono, id: string, body: unknown) =>
  a.request(`/api/notebooks/${id}/export`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  t = await makeTestApp();
  const nb = join(t.home, 'notebooks');
  await writeFile(join(nb, 'ring.md'), RING);
  await writeFile(join(nb, 'secret.md'), SECRET);
  await writeFile(join(nb, 'broken.md'), BROKEN);
  await writeFile(join(nb, 'charted.md'), CHARTED);
  // The CLI opens the workspace like the server: mark it initialised so no demo data is made.
  await mkdir(join(t.home, 'state'), { recursive: true });
  await writeFile(join(t.home, 'state', 'workspace.json'), JSON.stringify({ created: NOW.toISOString(), format: 1 }));
  app = mount(t.deps);
});

afterAll(async () => {
  await t?.close();
});

/** The document, scripts off; jsdom's CSS parser does not know @page margin boxes, which Chromium prints. */
function parseHtml(html: string): Document {
  const quiet = new VirtualConsole();
  quiet.on('jsdomError', (e) => {
    if (!e.message.includes('Could not parse CSS stylesheet')) console.error(e);
  });
  return new JSDOM(html, { virtualConsole: quiet }).window.document;
}

/** Every URL-bearing attribute of the document, as `tag attr=value`. */
function references(doc: Document): string[] {
  const out: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      if (/^(src|href|xlink:href|srcset|action|formaction|poster|background|data)$/i.test(attr.name)) out.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  return out;
}

describe('HTML export', () => {
  let html: string;
  let doc: Document;
  let response: Response;

  beforeAll(async () => {
    response = await post(app, 'ring', { format: 'html' });
    html = await response.text();
    doc = parseHtml(html);
  });

  it('is a download named after the notebook', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="calls-of-the-ring.html"');
    expect(response.headers.get('x-carnet-export-id')).toBe(EXPORT_ID);
  });

  it('is self-contained: no script, no import, no reference but #fragments and data: URIs', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*['"]?\s*(https?:|\/\/)/i);
    expect(html).not.toMatch(/<(iframe|link|object|embed|base)\b/i);
    const refs = references(doc).filter((r) => !/=(#|data:)/.test(r));
    expect(refs).toEqual([]);
    expect(references(doc)).toContain('A href=#table-1');
    expect(html).not.toContain(t.home);
  });

  it('carries the marking at the top and the bottom, and its metadata', () => {
    expect(doc.querySelector('.marking-top')?.textContent).toBe('DIFFUSION RESTREINTE');
    expect(doc.querySelector('.marking-bottom')?.textContent).toBe('DIFFUSION RESTREINTE');
    expect(doc.body.textContent!.split('DIFFUSION RESTREINTE').length - 1).toBeGreaterThanOrEqual(2);
    const meta = (name: string) => doc.querySelector(`meta[name="${name}"]`)?.getAttribute('content');
    expect(meta('carnet-export-id')).toBe(EXPORT_ID);
    expect(meta('carnet-exported-at')).toBe(NOW.toISOString());
    expect(meta('carnet-exported-by')).toBe('local');
    expect(meta('carnet-marking')).toBe('DIFFUSION RESTREINTE');
    expect(meta('generator')).toMatch(/^Carnet \d+\.\d+\.\d+/);
    expect(doc.title).toBe('Calls of the ring');
  });

  it('shows numbered tables with their first rows and "N of M rows"', () => {
    const captions = Array.from(doc.querySelectorAll('.table-block > figcaption')).map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    expect(captions).toEqual(['Table 1. people_even 50 of 150 rows', 'Table 2. top_callers 5 of 5 rows']);
    expect(doc.querySelectorAll('#table-1 tbody tr')).toHaveLength(50);
    expect(doc.querySelector('#table-1')!.textContent).toContain('Showing the first 50 rows of 150.');
    expect(Array.from(doc.querySelectorAll('#table-1 thead th')).map((th) => th.firstChild!.textContent)).toEqual(['id', 'name', 'born', 'amount']);
    expect(doc.querySelector('#table-1 tbody tr')!.textContent).toContain('2025-01-03');
  });

  it('has a provenance appendix with the compiled SQL and the dataset versions', async () => {
    const people = (await t.deps.catalog.get('people'))!;
    const calls = (await t.deps.catalog.get('calls'))!;
    const entry = doc.querySelector('#prov-table-2')!;
    expect(entry.querySelector('h3')!.textContent).toContain('Table 2');
    const sqlText = entry.querySelector('pre.sql')!.textContent!;
    expect(sqlText).toContain(`"people_even" AS (\nSELECT id, name, born, amount FROM people WHERE even\n)`);
    expect(sqlText).toContain("read_parquet('data/people.parquet')");
    expect(entry.textContent).toContain(`people: version ${people.version}, 300 rows`);
    expect(entry.textContent).toContain(`calls: version ${calls.version}, 3,000 rows`);
    expect(entry.textContent).toMatch(/Ranby local, at \d{4}-\d\d-\d\dT/);
    expect(entry.querySelector('.badge')!.textContent).toBe('DIFFUSION RESTREINTE');
    expect(doc.querySelector('#export-facts')!.textContent).toMatch(/Carnet \d+\.\d+\.\d+, DuckDB v\d+\.\d+/);
  });

  it('renders Markdown payloads harmless', () => {
    const narrative = doc.querySelector('.narrative')!;
    expect(narrative.querySelectorAll('script, iframe, style, object, embed')).toHaveLength(0);
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
        expect(attr.value.toLowerCase()).not.toContain('javascript:');
      }
    }
    expect(narrative.querySelectorAll('[style]')).toHaveLength(0);
    expect(narrative.textContent).toContain('click me');
    expect(narrative.textContent).toContain('[image: tracker]');
  });

  it('is audited before the answer, with format, export id, notebook and marking', async () => {
    const page = await t.deps.audit.search({ action: 'export', text: EXPORT_ID, limit: 50, offset: 0 });
    const rec = page.records.find((r) => r.details.format === 'html' && r.target === 'ring');
    expect(rec).toBeDefined();
    expect(rec!.actor.name).toBe('local');
    expect(rec!.details).toMatchObject({ exportId: EXPORT_ID, notebook: 'ring', marking: 'DIFFUSION RESTREINTE', confirmed: false, tables: 2 });
  });

  it('opens in Chromium with the network blocked, drawing every chart and asking for nothing', async (ctx) => {
    if (!chromiumOrSkip()) return ctx.skip();
    const withChart = await post(app, 'charted', { format: 'html' });
    const page = await withChart.text();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const p = await browser.newPage();
      const requests: string[] = [];
      await p.route('**/*', (r) => {
        requests.push(r.request().url());
        return r.abort();
      });
      await p.setContent(page, { waitUntil: 'load' });
      const figures = await p.locator('.figure-block').count();
      expect(figures).toBe(2);
      expect(await p.locator('.figure-block .chart svg').count()).toBeGreaterThanOrEqual(figures);
      expect(await p.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('figures', () => {
  it('runs chart cells at the briefing width and draws them as numbered SVG figures with their provenance', async () => {
    const res = await post(app, 'charted', { format: 'html' });
    expect(res.status).toBe(200);
    const doc = parseHtml(await res.text());
    const fig = doc.querySelector('#fig-1')!;
    expect(fig.querySelector('figcaption')!.textContent).toMatch(/^Fig\. 1\. People by maybe\. \(count per maybe/);
    expect(fig.querySelector('svg')).not.toBeNull();
    expect(doc.querySelector('#fig-2 figcaption')!.textContent).toMatch(/^Fig\. 2\. \(a repeatable sample/);
    const prov = doc.querySelector('#prov-fig-2')!;
    const statement = prov.querySelector('pre.sql')!.textContent!;
    expect(statement).toMatch(/^WITH carnet_chart_source AS \(\nWITH "people" AS NOT MATERIALIZED/);
    expect(statement).toContain('\nSELECT id, name, born, amount FROM people WHERE even\n');
    expect(statement).toContain('USING SAMPLE reservoir(5000 ROWS)');
    expect(prov.textContent).toContain('people: version');
    const runs = await t.deps.runs.latest(asNotebookId('charted'));
    expect(runs['amounts']).toMatchObject({ status: 'ok', ranBy: 'local' });
    expect(prov.textContent).toContain(`Result id${runs['amounts']!.resultId}`);
  });

  it('puts them beside briefing.md in the Markdown zip', async () => {
    const res = await post(app, 'charted', { format: 'md' });
    const files = unzip(new Uint8Array(await res.arrayBuffer()));
    expect([...files.keys()]).toEqual(['briefing.md', 'figures/fig-1.svg', 'figures/fig-2.svg']);
    expect(files.get('figures/fig-1.svg')).toMatch(/^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(files.get('briefing.md')).toContain('![Fig. 1](figures/fig-1.svg)');
  });
});

describe('Markdown export', () => {
  it('is a zip with briefing.md: tables as Markdown, payloads as text, the appendix', async () => {
    const res = await post(app, 'ring', { format: 'md', code: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="calls-of-the-ring.zip"');
    const md = unzip(new Uint8Array(await res.arrayBuffer())).get('briefing.md')!;
    expect(md).toContain(`export_id: "${EXPORT_ID}"`);
    expect(md).toContain('**Table 1.** `people_even` — 50 of 150 rows');
    expect(md).toContain('| id | name | born | amount |\n| ---: | --- | --- | ---: |\n| 2 | person 2 | 2025-01-03 | 2.50 |');
    expect(md).toContain('```sql\nSELECT id, name, born, amount FROM people WHERE even\n```');
    expect(md).toContain('## Appendix: provenance');
    expect(md).not.toMatch(/<(script|img|iframe|style|div|a|svg)\b/i);
    expect(md).not.toMatch(/\]\(\s*(javascript:|http:\/\/evil)/i);
    expect(md.match(/\*\*DIFFUSION RESTREINTE\*\*/g)).toHaveLength(2);
  });
});

describe('markings', () => {
  it('refuses a notebook marked above the level without confirmation (409), and says why', async () => {
    const before = (await t.deps.audit.search({ action: 'export', text: '"secret"', limit: 50, offset: 0 })).total;
    const res = await post(app, 'secret', { format: 'html' });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { message: string; confirmationRequired: boolean } };
    expect(body.error.message).toContain('marked SECRET, above DIFFUSION RESTREINTE');
    expect(body.error.message).toContain('"confirm": true');
    expect(body.error.confirmationRequired).toBe(true);
    expect((await t.deps.audit.search({ action: 'export', text: '"secret"', limit: 50, offset: 0 })).total).toBe(before);
  });

  it('exports it with confirm: true and writes the confirmation to the audit log', async () => {
    const res = await post(app, 'secret', { format: 'html', confirm: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div class="marking marking-top" role="note" aria-label="Classification marking">SECRET</div>');
    const page = await t.deps.audit.search({ action: 'export', text: '"secret"', limit: 50, offset: 0 });
    expect(page.records[0]!.details).toMatchObject({ notebook: 'secret', marking: 'SECRET', confirmationRequired: true, confirmed: true });
  });

  it('validates the request body at the boundary', async () => {
    expect((await post(app, 'ring', { format: 'docx' })).status).toBe(400);
    expect((await post(app, 'ring', { format: 'html', confirmed: true })).status).toBe(400);
    expect((await post(app, 'ring', { format: 'html', code: 'yes' })).status).toBe(400);
    expect((await post(app, 'nope', { format: 'html' })).status).toBe(404);
  });
});

describe('briefing view', () => {
  it('serves the HTML inline under a policy that lets nothing run or load', async () => {
    const res = await app.request('/api/notebooks/ring/briefing?provenance=false');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Table 2.');
    expect(html).not.toContain('Appendix: provenance');
  });
});

describe('PDF export', () => {
  it('is A4, with the marking in the header and footer of every page and page numbers', async (ctx) => {
    if (!chromiumOrSkip()) return ctx.skip();
    const res = await post(app, 'ring', { format: 'pdf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, i) => {
      const [w = 0, h = 0] = page.mediaBox;
      expect(Math.abs(w - 595.3)).toBeLessThan(1.5); // A4: 210 mm × 297 mm in points
      expect(Math.abs(h - 841.9)).toBeLessThan(1.5);
      const text = page.text.replace(/\s+/g, ' ');
      expect(text.split('DIFFUSION RESTREINTE').length - 1, `page ${i + 1}`).toBeGreaterThanOrEqual(2);
      expect(text).toContain(`Page ${i + 1} / ${pages.length}`);
      expect(text).toContain('Calls of the ring');
    });
  });
});

describe('carnet run and carnet export', () => {
  const config = () => loadConfig({ home: t.home }, { CARNET_DEMO_SCALE: '0.01' });
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    const cli: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => null };
    return { cli, out, err };
  };

  it('exits 1 and names the failing cell and why; cells reading it are skipped', async () => {
    const { cli, out, err } = io();
    expect(await runCommand(config(), 'broken', {}, cli)).toBe(1);
    expect(out.join('\n')).toMatch(/^ok\s+cell "fine"\s+1 row/m);
    const errors = err.join('\n');
    expect(errors).toContain('3 of 4 cells of "broken" failed:');
    expect(errors).toMatch(/cell "typo": cell "typo", line 1: .*nmae/);
    expect(errors).toContain('cell "after_typo": not run: it reads cell "typo", which failed');
    expect(errors).toContain('chart (cell 4): not run: it reads cell "typo", which failed');
  });

  it('exits 0 when every cell runs, and can export the result', async () => {
    const { cli, out } = io();
    const file = join(t.home, 'ring-run.html');
    expect(await runCommand(config(), 'ring', { export: 'html', out: file }, cli)).toBe(0);
    expect(out.join('\n')).toMatch(/^ok\s+cell "top_callers"\s+5 rows/m);
    expect(await readFile(file, 'utf8')).toContain('Table 2.');
  });

  it('carnet export writes the file, refuses an unconfirmed marked notebook, and checks its flags', async () => {
    const file = join(t.home, 'ring.zip');
    expect(await exportCommand(config(), join(t.home, 'notebooks', 'ring.md'), { format: 'md', out: file }, io().cli)).toBe(0);
    expect(unzip(new Uint8Array(await readFile(file))).has('briefing.md')).toBe(true);
    const refused = io();
    expect(await exportCommand(config(), 'secret', { format: 'html', out: join(t.home, 's.html') }, refused.cli)).toBe(1);
    expect(refused.err.join('\n')).toContain('marked SECRET');
    expect(existsSync(join(t.home, 's.html'))).toBe(false);
    expect(await exportCommand(config(), 'ring', { format: 'doc', out: file }, io().cli)).toBe(2);
  });
});

describe('HTML snapshot', () => {
  it('matches the committed briefing for fixed inputs', async () => {
    const id = (s: string) => asCellId(s);
    const notebookData: NotebookData = {
      meta: { title: 'Réseau « Marbeuf »', classification: 'DIFFUSION RESTREINTE' },
      cells: [
        { id: id('m1'), kind: 'markdown', source: '## Les virements\n\nMontants **juste sous** le seuil. <b onclick="x()">gras</b>' },
        { id: id('fees'), kind: 'sql', name: 'fees', source: 'SELECT city, sum(amount) AS total FROM transfers GROUP BY ALL' },
        { id: id('ch'), kind: 'chart', source: '{"source": "fees", "mark": "bar", "x": {"field": "city"}, "y": {"field": "total"}}' },
      ],
    };
    const spec = normaliseChart({ source: 'fees', mark: 'bar', x: { field: 'city' }, y: { field: 'total' } }, [
      { name: 'city', type: 'VARCHAR' }, { name: 'total', type: 'DOUBLE' },
    ]);
    if (!spec.ok) throw new Error(JSON.stringify(spec.errors));
    const rows = [{ x: 'Lyon', y: 29400.5 }, { x: 'Genève', y: 18800 }];
    const figure = drawFigure(spec.spec, { columns: [{ name: 'x', type: 'VARCHAR' }, { name: 'y', type: 'DOUBLE' }], rows }, 'fig-ch', 12);
    const evidence = new Map<CellId, CellEvidence>([
      [id('fees'), {
        run: { cellId: id('fees'), status: 'ok', resultId: 'a'.repeat(24) as never, rowCount: 2, truncated: false, elapsedMs: 12.4, ranAt: '2026-02-27T08:30:00.000Z', ranBy: 'ana', inputs: { fees: '0badf00d' } },
        table: { columns: [{ name: 'city', type: 'VARCHAR' }, { name: 'total', type: 'DECIMAL(14,2)' }], rows: [['Lyon', '29400.50'], ['Genève', null]], total: 2, capped: false },
        compiledSql: 'WITH "transfers" AS NOT MATERIALIZED (\nSELECT * FROM read_parquet(\'data/transfers.parquet\')\n)\nSELECT city, sum(amount) AS total FROM transfers GROUP BY ALL\n',
        datasets: ['transfers'],
        params: {},
      }],
      [id('ch'), {
        run: { cellId: id('ch'), status: 'ok', resultId: 'b'.repeat(24) as never, rowCount: 2, truncated: false, elapsedMs: 3, ranAt: '2026-02-27T08:31:00.000Z', ranBy: 'bruno', inputs: { fees: '0badf00d', ch: '12345678' } },
        figure: { ...figure, note: 'total per city, computed in SQL' },
        compiledSql: 'WITH carnet_chart_source AS (…)\nSELECT …',
        datasets: ['transfers'],
      }],
    ]);
    const briefing = buildBriefing({
      notebookId: asNotebookId('marbeuf'),
      notebook: notebookData,
      evidence,
      datasets: new Map([['transfers', { name: 'transfers', version: 'f00dfeedcafe0123', rowCount: 1_000_000 }]]),
      export: { id: EXPORT_ID, at: NOW.toISOString(), by: 'ana', carnetVersion: '0.0.0-test', engineVersion: 'DuckDB v0.0.0-test' },
      options: { code: true, provenance: true, maxRows: 50 },
    });
    await expect(renderHtml(briefing)).toMatchFileSnapshot('../snapshots/export/briefing.html');
  });
});

/** True when Chromium is there; under CI a missing one fails, elsewhere the test is skipped with a reason. */
function chromiumOrSkip(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} is missing (apt-get install chromium, or set CARNET_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`PDF export test: ${reason}`);
  console.warn(`export test skipped: ${reason}`);
  return false;
}

/** Entries of a stored (method 0) zip, read from its local headers. */
function unzip(zip: Uint8Array): Map<string, string> {
  const b = Buffer.from(zip);
  const out = new Map<string, string>();
  let at = 0;
  while (b.readUInt32LE(at) === 0x04034b50) {
    expect(b.readUInt16LE(at + 8)).toBe(0);
    const size = b.readUInt32LE(at + 18);
    const nameLength = b.readUInt16LE(at + 26);
    const start = at + 30 + nameLength + b.readUInt16LE(at + 28);
    out.set(b.subarray(at + 30, at + 30 + nameLength).toString('utf8'), b.subarray(start, start + size).toString('utf8'));
    at = start + size;
  }
  return out;
}

/**
 * Pages of a PDF as Chromium writes them (no object streams; Type0 fonts with ToUnicode
 * maps): the media box and the text shown, decoded through each font's map. Enough to check
 * what a reader sees on each page without a PDF library.
 */
function pdfPages(pdf: Buffer): Array<{ mediaBox: number[]; text: string }> {
  const src = pdf.toString('latin1');
  const objects = new Map<number, string>();
  for (const m of src.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) objects.set(Number(m[1]), m[2]!);
  const stream = (n: number): string => {
    const body = objects.get(n) ?? '';
    const m = /stream\r?\n([\s\S]*?)\r?\nendstream/.exec(body);
    if (!m) return '';
    const bytes = Buffer.from(m[1]!, 'latin1');
    return body.includes('/FlateDecode') ? inflateSync(bytes).toString('latin1') : m[1]!;
  };
  const cmaps = new Map<number, Map<number, string>>();
  const cmapOf = (fontObj: number): Map<number, string> => {
    if (cmaps.has(fontObj)) return cmaps.get(fontObj)!;
    const map = new Map<number, string>();
    const ref = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontObj) ?? '');
    const text = ref ? stream(Number(ref[1])) : '';
    const hex = (h: string) => parseInt(h, 16);
    const uni = (h: string) => String.fromCodePoint(...(h.match(/.{4}/g) ?? []).map(hex));
    for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(hex(m[1]!), uni(m[2]!));
    }
    for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        for (let c = hex(m[1]!), u = hex(m[3]!); c <= hex(m[2]!); c++, u++) map.set(c, String.fromCodePoint(u));
      }
    }
    cmaps.set(fontObj, map);
    return map;
  };
  const kids = (n: number): number[] => {
    const body = objects.get(n) ?? '';
    if (!/\/Type \/Pages/.test(body)) return [n];
    const list = /\/Kids \[([^\]]*)\]/.exec(body)?.[1] ?? '';
    return [...list.matchAll(/(\d+) 0 R/g)].flatMap((m) => kids(Number(m[1])));
  };
  const root = [...objects].find(([, body]) => /\/Type \/Pages/.test(body) && !/\/Parent/.test(body))![0];
  return kids(root).map((n) => {
    const body = objects.get(n)!;
    const mediaBox = (/\/MediaBox \[([^\]]*)\]/.exec(body)?.[1] ?? '').trim().split(/\s+/).map(Number).slice(2);
    const fonts = new Map([...(/\/Font <<([\s\S]*?)>>/.exec(body)?.[1] ?? '').matchAll(/\/(\w+) (\d+) 0 R/g)].map((m) => [m[1]!, Number(m[2])]));
    const contents = [...(/\/Contents (\[[^\]]*\]|\d+ 0 R)/.exec(body)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => stream(Number(m[1])));
    let text = '';
    for (const content of contents) {
      let font = new Map<number, string>();
      for (const m of content.matchAll(/\/(\w+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|(ET)/g)) {
        if (m[1]) font = cmapOf(fonts.get(m[1]) ?? -1);
        else if (m[2] !== undefined) text += (m[2].replace(/\s+/g, '').match(/.{4}/g) ?? []).map((h) => font.get(parseInt(h, 16)) ?? '').join('');
        else text += ' ';
      }
    }
    return { mediaBox, text };
  });
}
