/**
 * A briefing as PDF: its HTML printed by the system's Chromium (playwright-core drives it),
 * A4, with the marking in the header and footer of every page, page numbers, title and
 * date. The page may not reach anything: every request it would make is refused and
 * JavaScript is off, so the PDF shows exactly the self-contained HTML.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CarnetError } from '../errors.js';
import { escapeHtml } from './html.js';
import { markingColours } from './marking.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SANS = 'system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif';

/** No Chromium to print with: the message says how to get one. */
export class ChromiumMissingError extends CarnetError {
  constructor(path: string) {
    super(`PDF export needs Chromium, and there is none at ${path}: install it with \`apt-get install chromium\`, or set CARNET_CHROMIUM to its path`, 503);
  }
}

/** The Chromium to print with: CARNET_CHROMIUM, else Debian's. Throws ChromiumMissingError when absent. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.CARNET_CHROMIUM?.trim() || DEFAULT_CHROMIUM;
  if (!existsSync(path)) throw new ChromiumMissingError(path);
  return path;
}

export interface PdfOptions {
  title: string;
  /** Shown in the header, e.g. the export's date. */
  date: string;
  marking?: string;
  /** Default: chromiumPath(). */
  executablePath?: string;
}

export interface PrintedPdf {
  pdf: Uint8Array;
  /** Requests the page tried to make (all refused); empty for a self-contained page. */
  refused: string[];
}

/** Prints `html` (rendered without page-margin boxes: the header and footer here replace them). */
export async function renderPdf(html: string, opts: PdfOptions): Promise<PrintedPdf> {
  const browser = await chromium.launch({ executablePath: opts.executablePath ?? chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    const refused: string[] = [];
    await page.route('**/*', (route) => {
      refused.push(`${route.request().method()} ${route.request().url()}`);
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: header(opts),
      footerTemplate: footer(opts),
      margin: { top: '20mm', bottom: '20mm', left: '16mm', right: '16mm' },
    });
    return { pdf: new Uint8Array(pdf), refused };
  } finally {
    await browser.close();
  }
}

function markingSpan(marking: string | undefined): string {
  if (!marking) return '<span></span>';
  const { background } = markingColours(marking);
  return `<span style="font-weight:700;letter-spacing:.08em;color:${background}">${escapeHtml(marking)}</span>`;
}

/** Chromium's header: its own small page, so every style is inline and the size explicit. */
function header(o: PdfOptions): string {
  return `<div style="width:100%;margin:0 16mm;font:8pt ${SANS};color:#444;display:flex;align-items:center;gap:6mm">
<span style="flex:1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">${escapeHtml(o.title)}</span>
${markingSpan(o.marking)}
<span style="flex:1;text-align:right">${escapeHtml(o.date)}</span>
</div>`;
}

function footer(o: PdfOptions): string {
  return `<div style="width:100%;margin:0 16mm;font:8pt ${SANS};color:#444;display:flex;align-items:center;gap:6mm">
<span style="flex:1"></span>
${markingSpan(o.marking)}
<span style="flex:1;text-align:right">Page <span class="pageNumber"></span> / <span class="totalPages"></span></span>
</div>`;
}
