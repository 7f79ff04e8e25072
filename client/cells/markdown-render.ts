/**
 * Markdown cells as HTML: `marked` renders, DOMPurify sanitises. Whatever a cell holds,
 * the result carries no script, no event handler, no javascript: link, no form and no
 * request to another host (the closed network must stay closed).
 */
import { marked } from 'marked';
import DOMPurify from 'dompurify';

let hooked = false;

/** Only same-origin paths, fragments and data: images may load; links may also go to http(s)/mailto. */
export function isSafeUrl(url: string, forImage: boolean): boolean {
  const u = url.trim().replace(/[\u0000-\u001F\u007F\s]+/g, '');
  if (u === '') return true;
  if (u.startsWith('#')) return true;
  if (forImage) {
    if (/^data:image\/(png|gif|jpeg|webp);/i.test(u)) return true;
    // A relative path or an absolute path on this host; not protocol-relative (//host).
    return /^\/(?!\/)/.test(u) || (!/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('//'));
  }
  return /^(https?:|mailto:)/i.test(u) || /^\/(?!\/)/.test(u) || (!/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('//'));
}

function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A') {
      const href = el.getAttribute('href');
      if (href !== null && !isSafeUrl(href, false)) el.removeAttribute('href');
      if (el.hasAttribute('href') && !el.getAttribute('href')!.startsWith('#')) {
        el.setAttribute('target', '_blank');
        el.setAttribute('rel', 'noopener noreferrer');
      }
    }
    if (el.tagName === 'IMG') {
      const src = el.getAttribute('src');
      if (src !== null && !isSafeUrl(src, true)) {
        el.removeAttribute('src');
        el.setAttribute('data-blocked', 'external image');
      }
      el.removeAttribute('srcset');
    }
  });
}

/** Renders Markdown to sanitised HTML. */
export function renderMarkdown(source: string): string {
  installHooks();
  const html = marked.parse(source, { async: false, gfm: true, breaks: false }) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'link', 'meta', 'base', 'video', 'audio', 'source', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset', 'formaction', 'action', 'background', 'poster', 'ping'],
    ALLOW_DATA_ATTR: false,
  });
}
