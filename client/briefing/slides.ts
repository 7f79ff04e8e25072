/**
 * Splits a briefing document into slides: a cover (title, byline), then one slide per
 * top-level heading (h1 or h2 of the narrative) holding everything up to the next one —
 * text, tables, figures. Content before the first heading gets a slide of its own. The
 * provenance appendix is left out: slides are for the story. Pure over the parsed document
 * it is given (never the live page), so nothing in it runs.
 */

export interface Slide {
  /** The heading, or the document title for the cover. */
  title: string;
  /** Nodes of the parsed briefing, in order (headings included); the caller clones them. */
  nodes: Element[];
  cover: boolean;
}

export interface SlideDeck {
  title: string;
  /** The classification marking, when the notebook carries one. */
  marking?: string;
  /** The briefing's own stylesheet (the slides are drawn with it, plus their own rules). */
  css: string;
  slides: Slide[];
}

const SPLIT_AT = new Set(['H1', 'H2']);

/** The deck of `doc`, a briefing as served by GET /api/notebooks/:id/briefing. */
export function deckFromBriefing(doc: Document, untitled: string): SlideDeck {
  const title = doc.querySelector('.doc-header h1')?.textContent?.trim() || doc.title || untitled;
  const marking = doc.querySelector('meta[name="carnet-marking"]')?.getAttribute('content')?.trim() || undefined;
  const css = Array.from(doc.querySelectorAll('style'), (s) => s.textContent ?? '').join('\n');
  const cover: Slide = { title, nodes: Array.from(doc.querySelectorAll('.doc-header')), cover: true };
  const slides: Slide[] = [cover];
  let current: Slide | null = null;
  for (const unit of units(doc.querySelector('article > main') ?? doc.body)) {
    if (SPLIT_AT.has(unit.tagName)) {
      current = { title: unit.textContent?.trim() || untitled, nodes: [unit], cover: false };
      slides.push(current);
    } else if (!isBlank(unit)) {
      if (!current) {
        current = { title: untitled, nodes: [], cover: false };
        slides.push(current);
      }
      current.nodes.push(unit);
    }
  }
  return { title, ...(marking ? { marking } : {}), css, slides };
}

/**
 * The blocks of the briefing's main part, with narrative sections opened up: a heading may
 * sit anywhere in a Markdown cell, and a slide boundary must fall on it.
 */
function units(main: Element): Element[] {
  const out: Element[] = [];
  for (const child of Array.from(main.children)) {
    if (child.classList.contains('narrative')) out.push(...Array.from(child.children));
    else out.push(child);
  }
  return out;
}

function isBlank(el: Element): boolean {
  return (el.textContent ?? '').trim() === '' && el.querySelector('svg, img, table') === null;
}
