/**
 * A briefing as one self-contained HTML file: inline CSS, charts as inline SVG, tables as
 * HTML, no script, and no reference to any other host or file (links point only to
 * fragments of the page). It opens anywhere without a network, and prints on A4 with the
 * marking on every page. Pure.
 */
import type { Briefing, BriefingBlock, FigureBlock, ProvenanceEntry, TableBlock } from './briefing.js';
import { rowsCaption } from './briefing.js';
import { briefingCss } from './html-style.js';

export interface HtmlOptions {
  /** Marking and page numbers in the print margins (default true); the PDF printer draws its own. */
  pageMargins?: boolean;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `s` safe as HTML text and as a double-quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/** `s` safe as HTML text (quotes left as they are, so code reads well in the file). */
function text(s: string): string {
  return s.replace(/[&<>]/g, (ch) => ENTITIES[ch]!);
}

/** The whole HTML document for `b`. */
export function renderHtml(b: Briefing, opts: HtmlOptions = {}): string {
  const metas: Array<[string, string | undefined]> = [
    ['author', b.authors.length > 0 ? b.authors.join(', ') : undefined],
    ['generator', `Carnet ${b.export.carnetVersion}`],
    ['carnet-export-id', b.export.id],
    ['carnet-exported-at', b.export.at],
    ['carnet-exported-by', b.export.by],
    ['carnet-notebook', b.notebookId],
    ['carnet-marking', b.marking],
    ['carnet-engine', b.export.engineVersion],
  ];
  const banner = (where: 'top' | 'bottom') =>
    b.marking ? `<div class="marking marking-${where}" role="note" aria-label="Classification marking">${escapeHtml(b.marking)}</div>` : '';
  const byline = [
    b.authors.length > 0 ? `By ${escapeHtml(b.authors.join(', '))}` : '',
    `<time datetime="${escapeHtml(b.date)}">${escapeHtml(b.date)}</time>`,
  ].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(b.title)}</title>
${metas.filter(([, v]) => v !== undefined).map(([k, v]) => `<meta name="${k}" content="${escapeHtml(v!)}">`).join('\n')}
<style>${briefingCss({ ...(b.marking ? { marking: b.marking } : {}), pageMargins: opts.pageMargins ?? true })}</style>
</head>
<body>
${banner('top')}
<article>
<header class="doc-header">
<h1>${escapeHtml(b.title)}</h1>
<p class="byline">${byline}</p>
</header>
<main>
${b.blocks.map(block).join('\n')}
</main>
${b.provenance ? appendix(b, b.provenance) : ''}
</article>
${banner('bottom')}
</body>
</html>
`;
}

function block(bl: BriefingBlock): string {
  switch (bl.kind) {
    case 'narrative':
      return `<section class="narrative">${bl.html}</section>`;
    case 'table':
      return table(bl);
    case 'figure':
      return figure(bl);
    case 'problem':
      return `<p class="problem" role="note">${escapeHtml(bl.message)}</p>`;
    default:
      return assertNever(bl);
  }
}

function table(t: TableBlock): string {
  const name = t.name !== undefined ? ` <code>${escapeHtml(t.name)}</code>` : '';
  const stale = t.stale ? ' <span class="stale">(computed from an earlier version of the cells)</span>' : '';
  const head = t.columns
    .map((c) => `<th${c.numeric ? ' class="num"' : ''} scope="col">${escapeHtml(c.name)}<span class="type">${escapeHtml(c.type)}</span></th>`)
    .join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((v, i) => cell(v, t.columns[i])).join('')}</tr>`)
    .join('\n');
  const more = t.truncated ? `<p class="note">Showing the first ${t.shown.toLocaleString('en-US')} rows of ${t.capped ? 'more than ' : ''}${t.total.toLocaleString('en-US')}.</p>` : '';
  return `<figure class="table-block" id="${t.anchor}">
<figcaption><span class="label">${t.label}.</span>${name} <span class="rows">${rowsCaption(t)}</span>${stale}</figcaption>
${t.source !== undefined ? `<pre class="source"><code>${text(t.source)}</code></pre>\n` : ''}<div class="table-wrap"><table class="data">
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table></div>
${more}</figure>`;
}

function cell(v: string | null, column: TableBlock['columns'][number] | undefined): string {
  const classes = [v === null ? 'null' : '', column?.numeric ? 'num' : '', column?.time ? 'time' : ''].filter(Boolean).join(' ');
  return `<td${classes ? ` class="${classes}"` : ''}>${v === null ? 'null' : text(v)}</td>`;
}

function figure(f: FigureBlock): string {
  const title = f.title !== undefined ? ` ${escapeHtml(f.title)}.` : '';
  const caption = f.caption !== undefined ? ` ${escapeHtml(f.caption)}` : '';
  return `<figure class="figure-block" id="${f.anchor}">
${f.source !== undefined ? `<pre class="source"><code>${text(f.source)}</code></pre>\n` : ''}<div class="chart">${f.html}</div>
<figcaption><span class="label">${f.label}.</span>${title}${caption}${f.note ? ` <span class="rows">(${escapeHtml(f.note)})</span>` : ''}</figcaption>
</figure>`;
}

function appendix(b: Briefing, entries: ProvenanceEntry[]): string {
  const x = b.export;
  return `<section class="appendix" id="provenance">
<h2>Appendix: provenance</h2>
<p>Every table and figure above, with the statement that produced it (compiled with the cells it reads; file paths are relative to the workspace folder), the datasets it read with their version and row count, its parameters, and who ran it when. Running a statement on the same dataset versions gives the same rows.</p>
${entries.map(provenance).join('\n')}
<section class="prov" id="export-facts">
<h3>This export</h3>
<dl class="facts">
<dt>Export id</dt><dd class="hash">${escapeHtml(x.id)}</dd>
<dt>Exported</dt><dd>${escapeHtml(x.at)} by ${escapeHtml(x.by)}</dd>
<dt>Notebook</dt><dd><code>${escapeHtml(b.notebookId)}</code></dd>
<dt>Marking</dt><dd>${b.marking ? escapeHtml(b.marking) : 'none'}</dd>
<dt>Software</dt><dd>Carnet ${escapeHtml(x.carnetVersion)}, ${escapeHtml(x.engineVersion)}</dd>
</dl>
</section>
</section>`;
}

function provenance(e: ProvenanceEntry): string {
  const name = e.cellName !== undefined ? ` <code>${escapeHtml(e.cellName)}</code>` : ` cell <code>${escapeHtml(e.cellId)}</code>`;
  const badge = e.marking ? ` <span class="badge">${escapeHtml(e.marking)}</span>` : '';
  const datasets = e.datasets.length === 0
    ? 'none'
    : `<ul>${e.datasets
      .map((d) => ('missing' in d
        ? `<li><code>${escapeHtml(d.name)}</code>: no longer in the catalog</li>`
        : `<li><code>${escapeHtml(d.name)}</code>: version <span class="hash">${escapeHtml(d.version)}</span>, ${d.rowCount.toLocaleString('en-US')} rows</li>`))
      .join('')}</ul>`;
  const params = Object.keys(e.params).length === 0 ? 'none' : `<code>${escapeHtml(JSON.stringify(e.params))}</code>`;
  const ran = [
    e.ranBy !== undefined ? `by ${escapeHtml(e.ranBy)}` : '',
    e.ranAt !== undefined ? `at ${escapeHtml(e.ranAt)}` : '',
    e.elapsedMs !== undefined ? `in ${Math.round(e.elapsedMs).toLocaleString('en-US')} ms` : '',
    e.rowCount !== undefined ? `${e.rowCount.toLocaleString('en-US')} rows` : '',
  ].filter(Boolean).join(', ');
  const inputs = e.inputs && Object.keys(e.inputs).length > 0
    ? `<dt>Cell sources</dt><dd>${Object.entries(e.inputs).map(([id, h]) => `<code>${escapeHtml(id)}</code> <span class="hash">${escapeHtml(h)}</span>`).join(', ')}</dd>\n`
    : '';
  return `<section class="prov" id="prov-${e.anchor}">
<h3><a href="#${e.anchor}">${escapeHtml(e.label)}</a>${name}${badge}</h3>
<dl>
<dt>Ran</dt><dd>${ran || 'unknown'}</dd>
<dt>Datasets</dt><dd>${datasets}</dd>
<dt>Parameters</dt><dd>${params}</dd>
${inputs}${e.resultId !== undefined ? `<dt>Result id</dt><dd class="hash">${escapeHtml(e.resultId)}</dd>\n` : ''}</dl>
<pre class="sql"><code>${text(e.compiledSql)}</code></pre>
</section>`;
}

function assertNever(x: never): never {
  throw new Error(`briefing: unknown block ${JSON.stringify(x)}`);
}
