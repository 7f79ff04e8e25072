/**
 * Markdown written by analysts, made safe to hand on as Markdown: raw HTML is shown as text,
 * links that are not web, mail or in-page addresses keep only their text, and images that
 * are not inline data become their description — so whatever renders the file runs nothing
 * and fetches nothing. Everything else is left byte for byte. Pure.
 */
import { Marked, type Token, type Tokens } from 'marked';

const lexer = new Marked({ gfm: true });
const SAFE_LINK = /^(https?:|mailto:|#)/i;
const INLINE_IMAGE = /^data:image\/(?:png|gif|jpeg|webp);base64,/i;

/** `source` with raw HTML, unsafe links and remote images neutralised. */
export function safeMarkdown(source: string): string {
  return lexer.lexer(source).map(neutraliseBlock).join('');
}

function neutraliseBlock(token: Token): string {
  if (token.type === 'html') return escapeAngles(token.raw);
  if (token.type === 'code' || token.type === 'space' || token.type === 'hr') return token.raw;
  let out = token.raw;
  let cursor = 0;
  for (const leaf of leaves(token)) {
    const at = out.indexOf(leaf.raw, cursor);
    if (at === -1) continue;
    const replacement = neutraliseInline(leaf);
    out = out.slice(0, at) + replacement + out.slice(at + leaf.raw.length);
    cursor = at + replacement.length;
  }
  return out;
}

/** The inline tokens of a block in document order, stopping at links and images (handled whole). */
function* leaves(token: Token): Generator<Token> {
  const children = childrenOf(token);
  if (children.length === 0 || token.type === 'link' || token.type === 'image') {
    if (token.raw !== undefined) yield token;
    return;
  }
  for (const child of children) yield* leaves(child);
}

function childrenOf(token: Token): Token[] {
  if (token.type === 'table') {
    const t = token as Tokens.Table;
    return [...t.header, ...t.rows.flat()].flatMap((c) => c.tokens);
  }
  if (token.type === 'list') return (token as Tokens.List).items;
  return (token as { tokens?: Token[] }).tokens ?? [];
}

function neutraliseInline(token: Token): string {
  switch (token.type) {
    case 'html':
      return escapeAngles(token.raw);
    case 'link': {
      const link = token as Tokens.Link;
      if (SAFE_LINK.test(link.href.trim())) return link.raw.includes('<') && !link.raw.startsWith('<') ? escapeAngles(link.raw) : link.raw;
      return escapeText(link.text);
    }
    case 'image': {
      const image = token as Tokens.Image;
      if (INLINE_IMAGE.test(image.href.trim())) return image.raw;
      return `\\[image${image.text ? `: ${escapeText(image.text)}` : ''}\\]`;
    }
    default:
      return token.raw;
  }
}

function escapeAngles(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text that Markdown shows as it is. */
export function escapeText(s: string): string {
  return s.replace(/[\\`*_[\]<>|#!]/g, '\\$&').replace(/&/g, '&amp;');
}
