/**
 * Which cell and dataset names a cell's SQL reads. Lexical, not a parse: good enough to order
 * cells and pick CTEs, and never wrong in the dangerous direction for plain queries (a missed
 * reference shows up as DuckDB's "table not found" error in that cell).
 */
import { isSignificant, tokenize, unquoteIdentifier, type Token } from '../sql/tokenize.js';

/**
 * The known `names` (lower-cased) that `sql` refers to as relations, in order of first use.
 *
 * A name counts when it appears as an identifier (unquoted, or quoted — DuckDB matches both
 * case-insensitively) and is not:
 * - qualified or qualifying (`x.suspects`, `suspects.name`): a column, or a table of another schema;
 * - called (`suspects(…)`): a function;
 * - an alias (`AS suspects`);
 * - a CTE the cell defines itself (`WITH suspects AS (…)`), which shadows the outer name
 *   wherever it appears in the cell.
 * Strings and comments are ignored.
 */
export function findReferences(sql: string, names: ReadonlySet<string>): Set<string> {
  const tokens = tokenize(sql).filter(isSignificant);
  const shadowed = new Set([...definedCteNames(tokens)].map((n) => n.toLowerCase()));
  const found = new Set<string>();
  tokens.forEach((token, i) => {
    const name = relationName(token);
    if (name === null || !names.has(name) || shadowed.has(name)) return;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (before && (before.text === '.' || isKeyword(before, 'as'))) return;
    if (after && (after.text === '.' || after.text === '(')) return;
    found.add(name);
  });
  return found;
}

/**
 * Names of the CTEs a statement defines: an identifier after WITH, RECURSIVE or a comma,
 * followed by an optional column list, AS, optional [NOT] MATERIALIZED and "(".
 * `tokens` must be significant tokens only. Names are returned as written (unquoted).
 */
export function definedCteNames(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.kind !== 'ident' && token.kind !== 'quoted_ident') return;
    const before = tokens[i - 1];
    if (!before || !(isKeyword(before, 'with') || isWord(before, 'recursive') || before.text === ',')) return;
    let j = i + 1;
    if (tokens[j]?.text === '(') j = skipParens(tokens, j);
    if (!tokens[j] || !isKeyword(tokens[j]!, 'as')) return;
    j++;
    if (tokens[j] && isKeyword(tokens[j]!, 'not')) j++;
    if (tokens[j] && isWord(tokens[j]!, 'materialized')) j++;
    if (tokens[j]?.text === '(') names.add(token.kind === 'ident' ? token.text : unquoteIdentifier(token.text));
  });
  return names;
}

/** The lower-cased name an identifier token stands for; null for other tokens. */
function relationName(token: Token): string | null {
  if (token.kind === 'ident') return token.text.toLowerCase();
  if (token.kind === 'quoted_ident') return unquoteIdentifier(token.text).toLowerCase();
  return null;
}

function isKeyword(token: Token, word: string): boolean {
  return token.kind === 'keyword' && token.text.toLowerCase() === word;
}

function isWord(token: Token, word: string): boolean {
  return (token.kind === 'ident' || token.kind === 'keyword') && token.text.toLowerCase() === word;
}

/** Index just past the parenthesis group opening at `open`. */
function skipParens(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (tokens[j]!.text === '(') depth++;
    else if (tokens[j]!.text === ')' && --depth === 0) return j + 1;
  }
  return tokens.length;
}
