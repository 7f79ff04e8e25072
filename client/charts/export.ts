/**
 * A drawn chart as a standalone SVG or PNG file. Plot draws a chart with a title, legend or
 * caption as an HTML <figure> around its <svg>; a file needs one SVG. So the figure is
 * composed again as SVG from what the browser laid out: every inner <svg> at its place, every
 * line of text as <text> with its computed font and colour, over the page's background.
 * Serialised with XMLSerializer: characters such as the narrow no-break spaces of French
 * numbers are written as characters, never as HTML entities (`&nbsp;` is not XML).
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface ComposedSvg {
  svg: SVGSVGElement;
  width: number;
  height: number;
}

/** Composes the chart drawn in `root` (an <svg> or a <figure>) as one standalone <svg>, with a margin. */
export function composeSvg(root: Element, background: string, margin = 16): ComposedSvg {
  const box = root.getBoundingClientRect();
  const width = Math.ceil(box.width + 2 * margin);
  const height = Math.ceil(box.height + 2 * margin);
  const style = getComputedStyle(root);
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('style', `color: ${style.color}; font-family: ${style.fontFamily};`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  out.appendChild(bg);
  const origin = { x: box.left - margin, y: box.top - margin };
  if (root instanceof SVGSVGElement) out.appendChild(placedSvg(root, origin));
  else walk(root, out, origin);
  return { svg: out, width, height };
}

function walk(node: Node, out: SVGSVGElement, origin: { x: number; y: number }): void {
  for (const child of Array.from(node.childNodes)) {
    if (child instanceof SVGSVGElement) {
      out.appendChild(placedSvg(child, origin));
    } else if (child instanceof HTMLStyleElement || child instanceof HTMLScriptElement) {
      continue;
    } else if (child.nodeType === Node.TEXT_NODE) {
      for (const line of textLines(child as Text, origin)) out.appendChild(line);
    } else if (child instanceof HTMLElement) {
      if (getComputedStyle(child).display === 'none') continue;
      walk(child, out, origin);
    }
  }
}

/** A copy of an inner <svg>, positioned and sized as drawn (Plot's CSS `height: auto` overridden). */
function placedSvg(svg: SVGSVGElement, origin: { x: number; y: number }): SVGSVGElement {
  const r = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('x', fmt(r.left - origin.x));
  copy.setAttribute('y', fmt(r.top - origin.y));
  copy.setAttribute('width', fmt(r.width));
  copy.setAttribute('height', fmt(r.height));
  const own = copy.getAttribute('style') ?? '';
  copy.setAttribute('style', `${own}${own && !own.trim().endsWith(';') ? ';' : ''} width: ${fmt(r.width)}px; height: ${fmt(r.height)}px; max-width: none;`);
  return copy;
}

/**
 * The text node as one <text> per laid-out line (a long caption wraps): words are grouped
 * by the line the browser put them on.
 */
function textLines(node: Text, origin: { x: number; y: number }): SVGTextElement[] {
  const content = node.data;
  if (content.trim() === '' || !node.parentElement) return [];
  const style = getComputedStyle(node.parentElement);
  const range = document.createRange();
  const lines: { top: number; left: number; height: number; text: string }[] = [];
  const words = /\S+/g;
  for (let m = words.exec(content); m; m = words.exec(content)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const r = range.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.top - r.top) < 2) last.text += ` ${m[0]}`;
    else lines.push({ top: r.top, left: r.left, height: r.height, text: m[0] });
  }
  return lines.map((line) => {
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', fmt(line.left - origin.x));
    // The range's box spans the font's ascent and descent; the baseline sits about 80 % down.
    text.setAttribute('y', fmt(line.top - origin.y + line.height * 0.8));
    text.setAttribute('font-size', style.fontSize);
    text.setAttribute('font-weight', style.fontWeight);
    text.setAttribute('fill', style.color);
    text.textContent = line.text;
    return text;
  });
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The SVG file's text: XML, starting with `<svg`. */
export function svgFileText(svg: SVGSVGElement): string {
  return new XMLSerializer().serializeToString(svg);
}

/** Rasterises SVG text at `scale` × its size to a PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const g = canvas.getContext('2d');
    if (!g) throw new Error('this browser cannot draw on a canvas');
    g.scale(scale, scale);
    g.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be encoded'))), 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a file through a temporary link. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a chart's title or cell: letters, digits and dashes. Pure. */
export function chartFileName(title: string | undefined, fallback: string, ext: 'svg' | 'png'): string {
  const base = (title ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${base || fallback}.${ext}`;
}
