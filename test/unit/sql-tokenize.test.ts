import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifierProblem, isSqlIdentifier, quoteIdentifier, quoteString } from '../../core/sql/identifiers.js';
import { isSignificant, tokenize, unquoteIdentifier, type TokenKind } from '../../core/sql/tokenize.js';
import { utf8OffsetToIndex } from '../../core/sql/utf8.js';

/** [kind, text] of every token except whitespace, for compact expectations. */
function kinds(sql: string): Array<[TokenKind, string]> {
  return tokenize(sql).filter((t) => t.kind !== 'whitespace').map((t) => [t.kind, t.text]);
}

describe('tokenize', () => {
  it('splits a query into identifiers, keywords, operators and punctuation', () => {
    expect(kinds('SELECT a.b, count(*) FROM suspects WHERE x>=1.5e3')).toStrictEqual([
      ['keyword', 'SELECT'], ['ident', 'a'], ['punct', '.'], ['ident', 'b'], ['punct', ','],
      ['ident', 'count'], ['punct', '('], ['op', '*'], ['punct', ')'], ['keyword', 'FROM'],
      ['ident', 'suspects'], ['keyword', 'WHERE'], ['ident', 'x'], ['op', '>='], ['number', '1.5e3'],
    ]);
  });

  it('reads strings with doubled quotes, E-strings with backslashes, and prefixed strings', () => {
    expect(kinds("'it''s' E'a\\'b' x'FF' 'end'")).toStrictEqual([
      ['string', "'it''s'"], ['string', "E'a\\'b'"], ['string', "x'FF'"], ['string', "'end'"],
    ]);
  });

  it('reads dollar-quoted strings, with and without a tag', () => {
    expect(kinds("$$ it's -- not a comment $$ $fn$ a $$ b $fn$ 1")).toStrictEqual([
      ['string', "$$ it's -- not a comment $$"], ['string', '$fn$ a $$ b $fn$'], ['number', '1'],
    ]);
  });

  it('reads quoted identifiers with doubled quotes', () => {
    const tokens = kinds('SELECT "a ""b""" FROM "From"');
    expect(tokens).toStrictEqual([
      ['keyword', 'SELECT'], ['quoted_ident', '"a ""b"""'], ['keyword', 'FROM'], ['quoted_ident', '"From"'],
    ]);
    expect(unquoteIdentifier('"a ""b"""')).toBe('a "b"');
  });

  it('reads line comments and nested block comments', () => {
    expect(kinds('a -- x /* y\nb /* 1 /* 2 */ still */ c')).toStrictEqual([
      ['ident', 'a'], ['comment', '-- x /* y'], ['ident', 'b'], ['comment', '/* 1 /* 2 */ still */'], ['ident', 'c'],
    ]);
  });

  it('reads $name, $1 and ? parameters', () => {
    expect(kinds('x = $city AND y = $1 AND z = ?')).toStrictEqual([
      ['ident', 'x'], ['op', '='], ['param', '$city'], ['keyword', 'AND'], ['ident', 'y'], ['op', '='],
      ['param', '$1'], ['keyword', 'AND'], ['ident', 'z'], ['op', '='], ['param', '?'],
    ]);
  });

  it('reads numbers in their SQL forms', () => {
    expect(kinds('1 1.5 .5 1e10 2E-3 1_000 0x1F 0b101')
      .map(([k, t]) => `${k}:${t}`)).toStrictEqual(
      ['number:1', 'number:1.5', 'number:.5', 'number:1e10', 'number:2E-3', 'number:1_000', 'number:0x1F', 'number:0b101'],
    );
  });

  it('stops an operator where a comment starts, and reads casts', () => {
    expect(kinds('a+-- c\nb::INT')).toStrictEqual([
      ['ident', 'a'], ['op', '+'], ['comment', '-- c'], ['ident', 'b'], ['op', '::'], ['ident', 'INT'],
    ]);
  });

  it('runs unterminated strings, identifiers and comments to the end of the input', () => {
    for (const [sql, kind] of [["SELECT 'abc", 'string'], ['SELECT "abc', 'quoted_ident'], ['SELECT /* a /* b */', 'comment'], ['SELECT $t$ x', 'string'], ["SELECT E'\\", 'string']] as const) {
      const last = tokenize(sql).at(-1)!;
      expect(last.kind).toBe(kind);
      expect(last.end).toBe(sql.length);
    }
  });

  it('reads unicode identifiers as one identifier', () => {
    expect(kinds('SELECT café, 名前 FROM t')).toStrictEqual([
      ['keyword', 'SELECT'], ['ident', 'café'], ['punct', ','], ['ident', '名前'], ['keyword', 'FROM'], ['ident', 't'],
    ]);
  });

  it('never throws and covers the input exactly, for any text', () => {
    const sqlish = fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", '"', '$', '$$', '$a$', '--', '/*', '*/', '\n', ' ', 'E', "E'", '\\', '?', '.', '1', 'a', ':', '::', 'select', '-'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(sqlish, (sql) => {
        const tokens = tokenize(sql);
        expect(tokens.map((t) => t.text).join('')).toBe(sql);
        let at = 0;
        for (const t of tokens) {
          expect(t.start).toBe(at);
          expect(t.end).toBeGreaterThan(t.start);
          expect(sql.slice(t.start, t.end)).toBe(t.text);
          at = t.end;
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('marks whitespace and comments as insignificant', () => {
    expect(tokenize('a /* c */ -- d\n b').filter(isSignificant).map((t) => t.text)).toStrictEqual(['a', 'b']);
  });
});

describe('identifiers', () => {
  it('accepts plain names and refuses reserved words, digits first and punctuation', () => {
    expect(isSqlIdentifier('suspects')).toBe(true);
    expect(isSqlIdentifier('_calls_2024')).toBe(true);
    expect(isSqlIdentifier('Select')).toBe(false);
    expect(isSqlIdentifier('2024_calls')).toBe(false);
    expect(isSqlIdentifier('calls-2024')).toBe(false);
    expect(isSqlIdentifier('a'.repeat(63))).toBe(true);
    expect(isSqlIdentifier('a'.repeat(64))).toBe(false);
    expect(isSqlIdentifier('')).toBe(false);
  });

  it('explains why a name is refused', () => {
    expect(identifierProblem('2024-calls')).toBe(
      '"2024-calls" is not a valid name: use letters, digits and _, not starting with a digit',
    );
    expect(identifierProblem('order')).toBe('"order" is not a valid name: it is a reserved SQL word');
    expect(identifierProblem('ok')).toBeNull();
  });

  it('quotes identifiers and strings by doubling quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteString("O'Brien")).toBe("'O''Brien'");
  });
});

describe('utf8OffsetToIndex', () => {
  it('turns DuckDB byte offsets into string indexes', () => {
    const sql = "SELECT 'ééé', nope -- 🙂 x";
    expect(utf8OffsetToIndex(sql, 17)).toBe(sql.indexOf('nope'));
    const x = new TextEncoder().encode(sql).length - 1;
    expect(utf8OffsetToIndex(sql, x)).toBe(sql.length - 1);
    expect(utf8OffsetToIndex(sql, 1e9)).toBe(sql.length);
  });
});
