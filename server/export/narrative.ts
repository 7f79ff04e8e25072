/**
 * Markdown cells as HTML a briefing may carry: rendered with marked, sanitised with
 * DOMPurify (no script, no event handler, no javascript: link, no style), then stripped of
 * every reference that would make a reader's machine fetch something: a briefing opens
 * without a network and tells no one it was opened. Links to other places keep their text
 * and show their address; images that are not inline data become their description.
 */
import { Marked } from 'marked';
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { exportWindow } from './dom.js';

const marked = new Marked({ gfm: true, breaks: false });
let purify: DOMPurify | undefined;

/** Attributes that make a browser load or go somewhere. */
const URL_ATTRIBUTES = ['href', 'src', 'xlink:href', 'srcset', 'poster', 'background', 'action', 'formaction', 'cite', 'longdesc', 'ping', 'data'];
const INLINE_IMAGE = /^data:image\/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*$/i;

function sanitizer(): DOMPurify {
  purify ??= createDOMPurify(exportWindow() as unknown as Parameters<typeof createDOMPurify>[0]);
  return purify;
}

/** Safe, self-contained HTML for the Markdown `source`. Deterministic; no I/O. */
export function renderNarrative(source: string): string {
  const html = marked.parse(source, { async: false });
  const body = sanitizer().sanitize(html, {
    RETURN_DOM: true,
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'video', 'audio', 'source', 'track', 'picture', 'iframe', 'object', 'embed', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'srcset', 'target', 'ping'],
    ALLOW_DATA_ATTR: false,
    SANITIZE_NAMED_PROPS: true,
  });
  for (const el of Array.from(body.querySelectorAll('*'))) detach(el);
  return body.innerHTML;
}

/** Removes what would load or navigate away; keeps what a reader needs to know. */
function detach(el: Element): void {
  const document = el.ownerDocument;
  if (el.tagName === 'IMG') {
    const src = el.getAttribute('src') ?? '';
    if (!INLINE_IMAGE.test(src)) {
      const alt = el.getAttribute('alt')?.trim();
      const note = document.createElement('span');
      note.className = 'image-omitted';
      note.textContent = `[image${alt ? `: ${alt}` : ''}]`;
      el.replaceWith(note);
      return;
    }
  }
  if (el.tagName === 'A') {
    const href = el.getAttribute('href')?.trim() ?? '';
    if (href !== '' && !href.startsWith('#')) {
      el.removeAttribute('href');
      el.setAttribute('class', 'external-link');
      if (/^(https?:|mailto:)/i.test(href) && el.textContent?.trim() !== href) {
        el.after(document.createTextNode(` (${href})`));
      }
    }
  }
  for (const name of URL_ATTRIBUTES) {
    const value = el.getAttribute(name);
    if (value === null) continue;
    const keep = value.trim().startsWith('#') || (el.tagName === 'IMG' && name === 'src' && INLINE_IMAGE.test(value));
    if (!keep) el.removeAttribute(name);
  }
}
