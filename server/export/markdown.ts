/**
 * A briefing as Markdown: `briefing.md` (narrative, tables as GFM tables, the provenance
 * appendix) with each chart beside it as `figures/fig-N.svg`, in one zip. Pure.
 */
import type { Briefing, BriefingBlock, FigureBlock, ProvenanceEntry, TableBlock } from './briefing.js';
import { rowsCaption } from './briefing.js';
import { escapeText, safeMarkdown } from './markdown-safe.js';
import { zipStore, type ZipEntry } from './zip.js';

/** The text of `briefing.md`. */
export function renderMarkdown(b: Briefing): string {
  const x = b.export;
  const front = [
    '---',
    `title: ${JSON.stringify(b.title)}`,
    ...(b.marking ? [`marking: ${JSON.stringify(b.marking)}`] : []),
    ...(b.authors.length > 0 ? [`authors: ${JSON.stringify(b.authors)}`] : []),
    `date: ${JSON.stringify(b.date)}`,
    `notebook: ${JSON.stringify(b.notebookId)}`,
    `export_id: ${JSON.stringify(x.id)}`,
    `exported_at: ${JSON.stringify(x.at)}`,
    `exported_by: ${JSON.stringify(x.by)}`,
    `generator: ${JSON.stringify(`Carnet ${x.carnetVersion}`)}`,
    `engine: ${JSON.stringify(x.engineVersion)}`,
    '---',
  ];
  const banner = b.marking ? [`**${escapeText(b.marking)}**`] : [];
  const byline = [b.authors.length > 0 ? `By ${escapeText(b.authors.join(', '))}` : '', b.date].filter(Boolean).join(' · ');
  const parts = [
    front.join('\n'),
    ...banner,
    `# ${escapeText(b.title)}`,
    `*${byline}*`,
    ...b.blocks.map(block),
    ...(b.provenance ? [appendix(b, b.provenance)] : []),
    ...banner,
  ];
  return `${parts.join('\n\n')}\n`;
}

/** The zip: `briefing.md` and `figures/fig-N.svg`, dated at the export time. */
export function renderMarkdownZip(b: Briefing): Uint8Array {
  const entries: ZipEntry[] = [{ name: 'briefing.md', data: renderMarkdown(b) }];
  for (const bl of b.blocks) if (bl.kind === 'figure' && bl.svg) entries.push({ name: figurePath(bl), data: bl.svg });
  return zipStore(entries, new Date(b.export.at));
}

function figurePath(f: FigureBlock): string {
  return `figures/fig-${f.number}.svg`;
}

function block(bl: BriefingBlock): string {
  switch (bl.kind) {
    case 'narrative':
      return safeMarkdown(bl.markdown).trim();
    case 'table':
      return table(bl);
    case 'figure':
      return figure(bl);
    case 'problem':
      return `> **Note:** ${escapeText(bl.message)}`;
    default:
      return assertNever(bl);
  }
}

function table(t: TableBlock): string {
  const name = t.name !== undefined ? ` ${code(t.name)}` : '';
  const stale = t.stale ? ' (computed from an earlier version of the cells)' : '';
  const lines = [`**${t.label}.**${name} — ${rowsCaption(t)}${stale}`, ''];
  if (t.source !== undefined) lines.push(fence(t.source, 'sql'), '');
  lines.push(`| ${t.columns.map((c) => cellText(c.name)).join(' | ')} |`);
  lines.push(`| ${t.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`);
  for (const row of t.rows) lines.push(`| ${row.map((v) => (v === null ? '*null*' : cellText(v))).join(' | ')} |`);
  return lines.join('\n');
}

/** A value inside a GFM table cell: one line, no pipe, no HTML, no link. */
function cellText(v: string): string {
  return escapeText(v.replace(/\r\n|\r|\n/g, ' ')) || ' ';
}

function figure(f: FigureBlock): string {
  const title = f.title !== undefined ? ` ${escapeText(f.title)}.` : '';
  const caption = f.caption !== undefined ? ` ${escapeText(f.caption)}` : '';
  const lines = [];
  if (f.source !== undefined) lines.push(fence(f.source, 'json'), '');
  lines.push(f.svg ? `![${f.label}](${figurePath(f)})` : `*(${f.label}: no image)*`, '');
  lines.push(`*${f.label}.*${title}${caption}${f.note ? ` (${escapeText(f.note)})` : ''}`);
  return lines.join('\n');
}

function appendix(b: Briefing, entries: ProvenanceEntry[]): string {
  const x = b.export;
  const out = [
    '## Appendix: provenance',
    'Every table and figure above, with the statement that produced it (compiled with the cells it reads; file paths are relative to the workspace folder), the datasets it read with their version and row count, its parameters, and who ran it when.',
    ...entries.map(provenance),
    '### This export',
    [
      `- Export id: ${code(x.id)}`,
      `- Exported: ${x.at} by ${escapeText(x.by)}`,
      `- Notebook: ${code(b.notebookId)}`,
      `- Marking: ${b.marking ? escapeText(b.marking) : 'none'}`,
      `- Software: Carnet ${escapeText(x.carnetVersion)}, ${escapeText(x.engineVersion)}`,
    ].join('\n'),
  ];
  return out.join('\n\n');
}

function provenance(e: ProvenanceEntry): string {
  const name = e.cellName !== undefined ? code(e.cellName) : `cell ${code(e.cellId)}`;
  const badge = e.marking ? ` [${escapeText(e.marking)}]` : '';
  const ran = [
    e.ranBy !== undefined ? `by ${escapeText(e.ranBy)}` : '',
    e.ranAt !== undefined ? `at ${e.ranAt}` : '',
    e.elapsedMs !== undefined ? `in ${Math.round(e.elapsedMs)} ms` : '',
    e.rowCount !== undefined ? `${e.rowCount.toLocaleString('en-US')} rows` : '',
  ].filter(Boolean).join(', ');
  const datasets = e.datasets.length === 0
    ? 'none'
    : e.datasets.map((d) => ('missing' in d ? `${code(d.name)} (no longer in the catalog)` : `${code(d.name)} version ${code(d.version)}, ${d.rowCount.toLocaleString('en-US')} rows`)).join('; ');
  const items = [
    `- Ran: ${ran || 'unknown'}`,
    `- Datasets: ${datasets}`,
    `- Parameters: ${Object.keys(e.params).length === 0 ? 'none' : code(JSON.stringify(e.params))}`,
    ...(e.inputs && Object.keys(e.inputs).length > 0 ? [`- Cell sources: ${Object.entries(e.inputs).map(([id, h]) => `${code(id)} ${code(h)}`).join(', ')}`] : []),
    ...(e.resultId !== undefined ? [`- Result id: ${code(e.resultId)}`] : []),
  ];
  return [`### ${e.label} — ${name}${badge}`, items.join('\n'), fence(e.compiledSql, 'sql')].join('\n\n');
}

/** An inline code span that holds `s` whatever backticks it contains. */
function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s.replace(/\r?\n/g, ' ')}${pad}${ticks}`;
}

/** A fenced block longer than any backtick run in `s`. */
function fence(s: string, lang: string): string {
  const longest = Math.max(2, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${s.replace(/\n$/, '')}\n${ticks}`;
}

function assertNever(x: never): never {
  throw new Error(`briefing: unknown block ${JSON.stringify(x)}`);
}
