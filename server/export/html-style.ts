/**
 * The briefing's stylesheet, inlined in every HTML export: a calm document on screen, A4
 * pages in print with the marking in the top and bottom margin of every page and page
 * numbers. System fonts only: a briefing loads nothing.
 */
import { markingColours } from './marking.js';

const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif';
const MONO = 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

export interface StyleOptions {
  marking?: string;
  /**
   * Draw the marking and page numbers in the page margins when printed (CSS margin boxes).
   * Off when the PDF printer draws its own header and footer.
   */
  pageMargins: boolean;
}

/** `s` as a CSS string literal that cannot end the string, the rule or the style element. */
export function cssString(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&').replace(/[\r\n\f]/g, ' ').replace(/</g, '\\3C ')}"`;
}

/** The stylesheet for a briefing with `opts`. */
export function briefingCss(opts: StyleOptions): string {
  const band = opts.marking ? markingColours(opts.marking) : { background: '#444', text: '#fff' };
  const margins = !opts.pageMargins
    ? ''
    : `
  @top-center { content: ${opts.marking ? cssString(opts.marking) : '""'}; font: 700 9pt ${SANS}; color: ${band.background}; letter-spacing: .08em; }
  @bottom-center { content: ${opts.marking ? cssString(opts.marking) : '""'}; font: 700 9pt ${SANS}; color: ${band.background}; letter-spacing: .08em; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt ${SANS}; color: #555; }`;
  return `
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font: 11pt/1.55 ${SANS}; color: #1d1d1f; background: #fff; -webkit-text-size-adjust: 100%; }
body { margin: 0; }
article { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.5rem 3rem; }
.marking { background: ${band.background}; color: ${band.text}; text-align: center; font-weight: 700; letter-spacing: .12em;
  padding: .35rem 1rem; font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.doc-header { border-bottom: 1px solid #d8d8dc; margin-bottom: 2rem; padding-bottom: 1rem; }
.doc-header h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .5rem; letter-spacing: -.01em; }
.byline { color: #55555a; margin: 0; font-size: .95rem; }
h1, h2, h3, h4 { line-height: 1.25; break-after: avoid; page-break-after: avoid; }
main h1 { font-size: 1.45rem; margin: 2rem 0 .6rem; }
main h2 { font-size: 1.2rem; margin: 1.8rem 0 .5rem; }
main h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p, ul, ol { margin: 0 0 .8rem; }
a { color: #0b5cad; }
.external-link { color: inherit; text-decoration: underline dotted; }
.image-omitted { color: #77777c; font-style: italic; }
code, pre { font-family: ${MONO}; font-size: .86em; }
:not(pre) > code { background: #f2f2f5; padding: .05em .3em; border-radius: 3px; }
pre { background: #f6f6f8; border: 1px solid #e3e3e8; border-radius: 4px; padding: .7rem .9rem; white-space: pre-wrap;
  overflow-wrap: anywhere; line-height: 1.4; }
blockquote { margin: 0 0 .8rem; padding-left: 1rem; border-left: 3px solid #d8d8dc; color: #444; }
table { border-collapse: collapse; }
.narrative table { margin: 0 0 1rem; }
.narrative th, .narrative td { border: 1px solid #d8d8dc; padding: .25rem .5rem; }
.table-block, .figure-block { margin: 1.6rem 0; }
.table-block > figcaption, .figure-block > figcaption { font-size: .9rem; color: #333; margin: .4rem 0; }
.label { font-weight: 700; }
.rows { color: #66666b; }
.table-wrap { overflow-x: auto; }
/* Wide tables may use more of a wide screen than the text column, centred on it. */
@media screen and (min-width: 62rem) {
  .table-wrap { width: max-content; min-width: 100%; max-width: min(calc(100vw - 4rem), 76rem); position: relative; left: 50%; transform: translateX(-50%); }
}
.data { width: 100%; font-size: 8.5pt; line-height: 1.35; font-variant-numeric: tabular-nums; }
.data th { text-align: left; vertical-align: bottom; border-bottom: 1.5px solid #1d1d1f; padding: .25rem .45rem; font-weight: 600; }
.data th .type { display: block; font-weight: 400; color: #88888d; font-size: .85em; }
.data td { border-bottom: 1px solid #e6e6ea; padding: .2rem .45rem; vertical-align: top; overflow-wrap: break-word; }
.data .time { white-space: nowrap; }
.data .num { text-align: right; white-space: nowrap; }
.data .null { color: #9a9a9f; font-style: italic; }
.note { font-size: .85rem; color: #66666b; margin: .3rem 0 0; }
.problem { border-left: 3px solid #b3261e; background: #fbf1f0; padding: .5rem .8rem; font-size: .9rem; }
.stale { color: #8a4b00; }
.chart { overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
.source { margin-bottom: .5rem; }
.appendix { margin-top: 3rem; border-top: 2px solid #1d1d1f; padding-top: 1rem; }
.appendix > h2 { font-size: 1.3rem; }
.prov { margin: 1.5rem 0; break-inside: auto; }
.prov h3 { font-size: 1rem; margin: 0 0 .4rem; }
.prov dl, .facts { display: grid; grid-template-columns: 9rem 1fr; gap: .15rem .8rem; font-size: .88rem; margin: 0 0 .5rem; }
.prov dt, .facts dt { color: #66666b; }
.prov dd, .facts dd { margin: 0; overflow-wrap: anywhere; }
.prov ul { margin: 0; padding-left: 1.1rem; }
.badge { display: inline-block; font-size: .72rem; font-weight: 700; letter-spacing: .06em; padding: .05rem .4rem; border-radius: 3px;
  background: ${band.background}; color: ${band.text}; vertical-align: middle; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.hash { font-family: ${MONO}; font-size: .85em; }
@page { size: A4; margin: 18mm 16mm 18mm 16mm;${margins}
}
@media print {
  html { font-size: 10pt; }
  article { max-width: none; padding: 0; }
  .marking-top { margin-bottom: 1.2rem; }
  .marking-bottom { margin-top: 1.2rem; }
  .table-wrap, .chart { overflow: visible; }
  .data td { overflow-wrap: anywhere; }
  thead { display: table-header-group; }
  tr, .figure-block, pre { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .appendix { break-before: page; page-break-before: always; border-top: none; }
}
`;
}
