/**
 * Renaming a cell without breaking the cells that read it: the edits that replace its
 * name where another cell's SQL refers to it. Pure; follows core/compile's reference rules.
 */
import { definedCteNames, findReferences } from '../../core/compile/index.js';
import { isSignificant, tokenize, unquoteIdentifier, type Token } from '../../core/sql/tokenize.js';

export interface TextEdit {
  from: number;
  to: number;
  insert: string;
}

const nameOf = (t: Token): string | null =>
  t.kind === 'ident' ? t.text.toLowerCase() : t.kind === 'quoted_ident' ? unquoteIdentifier(t.text).toLowerCase() : null;

/**
 * Edits turning references to `oldName` into `newName` in `sql`: the relation itself
 * (`FROM suspects`) and its use as a qualifier (`suspects.name`). Nothing changes in a
 * cell that defines its own CTE of that name, or where the name is a column or function.
 */
export function renameEdits(sql: string, oldName: string, newName: string): TextEdit[] {
  const key = oldName.toLowerCase();
  if (!findReferences(sql, new Set([key])).has(key)) return [];
  const tokens = tokenize(sql).filter(isSignificant);
  if ([...definedCteNames(tokens)].some((n) => n.toLowerCase() === key)) return [];
  const edits: TextEdit[] = [];
  tokens.forEach((token, i) => {
    if (nameOf(token) !== key) return;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (before && (before.text === '.' || (before.kind === 'keyword' && before.text.toLowerCase() === 'as'))) return;
    if (after?.text === '(') return;
    edits.push({ from: token.start, to: token.end, insert: newName });
  });
  return edits;
}

/** Applies edits to a string (for tests and previews); edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  return out;
}
