/**
 * Names of cells and datasets. Both become CTE or view names in compiled SQL, so we accept
 * only plain identifiers that need no quoting and cannot be mistaken for SQL syntax.
 */

/**
 * Words a name may not be: DuckDB's reserved keywords, plus a few statement words
 * (`describe`, `show`, `summarize`) that would read ambiguously at the start of a cell.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'select', 'from', 'where', 'group', 'order', 'by', 'limit', 'join', 'on', 'as', 'with',
  'union', 'all', 'table', 'and', 'or', 'not', 'null', 'true', 'false', 'case', 'when', 'then',
  'else', 'end', 'in', 'is', 'like', 'between', 'distinct', 'having', 'offset', 'create', 'drop',
  'insert', 'update', 'delete', 'into', 'values', 'set', 'using', 'natural', 'cross', 'left',
  'right', 'full', 'inner', 'outer', 'lateral', 'window', 'qualify', 'pivot', 'unpivot',
  'asof', 'semi', 'anti', 'positional', 'glob', 'ilike', 'similar', 'pivot_longer', 'pivot_wider', 'unpack',
  'returning', 'default', 'primary', 'foreign', 'references', 'check', 'constraint', 'unique',
  'array', 'cast', 'collate', 'column', 'grant', 'analyse', 'analyze', 'asc', 'desc', 'both',
  'leading', 'trailing', 'only', 'some', 'any', 'except', 'intersect', 'fetch', 'for', 'do',
  'placing', 'variadic', 'symmetric', 'asymmetric', 'current_date', 'current_time',
  'current_timestamp', 'current_user', 'session_user', 'user', 'current_role', 'localtime',
  'localtimestamp', 'deferrable', 'initially', 'describe', 'show', 'summarize',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** True when `name` is a plain identifier we accept for a cell or dataset name. */
export function isSqlIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED_WORDS.has(name.toLowerCase());
}

/** Why `name` cannot name a cell or dataset, as a sentence for the analyst; null when it can. */
export function identifierProblem(name: string): string | null {
  const shown = JSON.stringify(name);
  if (name.length === 0) return 'a name cannot be empty';
  if (name.length > 63) return `${shown} is not a valid name: use at most 63 characters`;
  if (!IDENTIFIER.test(name)) {
    return `${shown} is not a valid name: use letters, digits and _, not starting with a digit`;
  }
  if (RESERVED_WORDS.has(name.toLowerCase())) {
    return `${shown} is not a valid name: it is a reserved SQL word`;
  }
  return null;
}

/** `name` as a double-quoted SQL identifier, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `s` as a single-quoted SQL string literal, inner quotes doubled. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
