/**
 * The URL policy of Markdown cells (pure part). The full XSS payload set runs in a real
 * browser, where DOMPurify has a DOM: test/browser/markdown-xss.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isSafeUrl } from '../../client/cells/markdown-render.js';

describe('markdown URL policy', () => {
  it('refuses script URLs in links, however written', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:x', 'java\tscript:x', 'java\nscript:x', 'vbscript:x', 'data:text/html,<script>']) {
      expect(isSafeUrl(url, false), url).toBe(false);
    }
  });

  it('lets links go to web pages, mail, anchors and this server', () => {
    for (const url of ['https://example.org/a', 'http://intranet/x', 'mailto:a@b.c', '#section', '/n/other', 'notes.html']) {
      expect(isSafeUrl(url, false), url).toBe(true);
    }
  });

  it('loads images only from this server or inline data', () => {
    expect(isSafeUrl('http://evil.example/p.png', true)).toBe(false);
    expect(isSafeUrl('//evil.example/p.png', true)).toBe(false);
    expect(isSafeUrl('data:image/svg+xml;base64,AAAA', true)).toBe(false);
    expect(isSafeUrl('data:image/png;base64,AAAA', true)).toBe(true);
    expect(isSafeUrl('/static/logo.png', true)).toBe(true);
  });
});
