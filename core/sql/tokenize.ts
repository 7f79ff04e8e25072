/**
 * A small lexer for DuckDB's SQL dialect (PostgreSQL's lexical rules). It exists so that the
 * compiler and editor can tell names from strings and comments; it never parses and never
 * throws. Tokens cover the input exactly: concatenating their texts gives the input back.
 * Unterminated strings, quoted identifiers and comments run to the end of the input.
 */
import { RESERVED_WORDS } from './identifiers.js';

export type TokenKind =
  | 'ident'
  | 'quoted_ident'
  | 'keyword'
  | 'string'
  | 'number'
  | 'comment'
  | 'op'
  | 'punct'
  | 'param'
  | 'whitespace';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the first character in the input. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

const WHITESPACE = /[ \t\n\r\f\v]/;
// PostgreSQL treats every byte >= 0x80 as a letter; we do the same for UTF-16 units.
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG_PART = /[A-Za-z0-9_\u0080-\uffff]/;
const OP_CHARS = '+-*/<>=~!@#%^&|';
// One-letter prefixes that turn a following '…' into a special string (E'\n', X'FF', B'01', N'…').
const STRING_PREFIXES = 'eExXbBnN';

/** Splits `sql` into tokens. Total: any input gives tokens, never an exception. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (WHITESPACE.test(c)) {
      let j = i + 1;
      while (j < sql.length && WHITESPACE.test(sql[j]!)) j++;
      push('whitespace', j);
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl === -1 ? sql.length : nl);
    } else if (c === '/' && next === '*') {
      push('comment', scanBlockComment(sql, i));
    } else if (c === "'") {
      push('string', scanQuoted(sql, i + 1, "'", false));
    } else if (STRING_PREFIXES.includes(c) && next === "'") {
      push('string', scanQuoted(sql, i + 2, "'", c === 'e' || c === 'E'));
    } else if ((c === 'u' || c === 'U') && next === '&' && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
      const quote = sql[i + 2]!;
      push(quote === "'" ? 'string' : 'quoted_ident', scanQuoted(sql, i + 3, quote, false));
    } else if (c === '"') {
      push('quoted_ident', scanQuoted(sql, i + 1, '"', false));
    } else if (c === '$') {
      scanDollar(sql, i, push);
    } else if (c === '?') {
      let j = i + 1;
      while (j < sql.length && isDigit(sql[j]!)) j++;
      push('param', j);
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      push('number', scanNumber(sql, i));
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql[j]!)) j++;
      const word = sql.slice(i, j);
      push(RESERVED_WORDS.has(word.toLowerCase()) ? 'keyword' : 'ident', j);
    } else if (c === ':' && (next === ':' || next === '=')) {
      push('op', i + 2);
    } else if (OP_CHARS.includes(c)) {
      push('op', scanOperator(sql, i));
    } else {
      // Punctuation ( ) [ ] { } , ; . : and any character SQL has no use for: one each.
      push('punct', i + 1);
    }
  }
  return tokens;
}

/** Tokens that carry meaning: not whitespace, not comments. */
export function isSignificant(token: Token): boolean {
  return token.kind !== 'whitespace' && token.kind !== 'comment';
}

/** The name a quoted identifier token stands for: quotes removed, doubled quotes undone. */
export function unquoteIdentifier(text: string): string {
  const body = text.startsWith('U&') || text.startsWith('u&') ? text.slice(2) : text;
  const closed = body.length >= 2 && body.endsWith('"');
  return body.slice(1, closed ? -1 : undefined).replace(/""/g, '"');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** End of a quoted run starting at `from` (just past the opening quote). */
function scanQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let j = from;
  while (j < sql.length) {
    const c = sql[j]!;
    if (backslashEscapes && c === '\\') {
      j += 2;
    } else if (c === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else {
      j++;
    }
  }
  return sql.length;
}

function scanBlockComment(sql: string, from: number): number {
  let depth = 0;
  let j = from;
  while (j < sql.length) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else {
      j++;
    }
  }
  return sql.length;
}

/** `$$…$$`, `$tag$…$tag$`, `$1`, `$name`, or a lone `$`. */
function scanDollar(sql: string, from: number, push: (kind: TokenKind, end: number) => void): void {
  let j = from + 1;
  if (j < sql.length && IDENT_START.test(sql[j]!)) {
    while (j < sql.length && DOLLAR_TAG_PART.test(sql[j]!)) j++;
  }
  if (sql[j] === '$') {
    const tag = sql.slice(from, j + 1);
    const close = sql.indexOf(tag, j + 1);
    push('string', close === -1 ? sql.length : close + tag.length);
    return;
  }
  if (j > from + 1) {
    push('param', j);
    return;
  }
  j = from + 1;
  while (j < sql.length && isDigit(sql[j]!)) j++;
  push(j > from + 1 ? 'param' : 'punct', j);
}

function scanNumber(sql: string, from: number): number {
  const rest = sql.slice(from);
  const m =
    /^0[xX][0-9A-Fa-f_]+/.exec(rest) ??
    /^0[bB][01_]+/.exec(rest) ??
    /^(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/.exec(rest);
  // The last pattern always matches here: the caller saw a digit or '.' + digit.
  return from + (m?.[0].length ?? 1);
}

/** A run of operator characters, stopping where a comment starts. */
function scanOperator(sql: string, from: number): number {
  let j = from + 1;
  while (j < sql.length && OP_CHARS.includes(sql[j]!)) {
    const two = sql.slice(j, j + 2);
    if (two === '--' || two === '/*') break;
    j++;
  }
  return j;
}
