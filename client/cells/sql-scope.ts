/**
 * Which relations a SQL text reads, with their aliases: `FROM persons p JOIN calls AS c`
 * gives persons→p and calls→c. Pure and approximate (a lexer, not a parser); good enough
 * to offer the right columns while the analyst types.
 */
import { isSignificant, tokenize, unquoteIdentifier, type Token } from '../../core/sql/tokenize.js';

export interface RelationRef {
  /** The relation's name as written (a dataset or a cell). */
  name: string;
  /** Its alias, when one follows. */
  alias?: string;
}

// Words that may follow a relation name and are not its alias.
const NOT_ALIAS = new Set([
  'where', 'group', 'order', 'limit', 'offset', 'join', 'on', 'using', 'left', 'right', 'full', 'inner', 'outer', 'cross',
  'natural', 'union', 'except', 'intersect', 'having', 'window', 'qualify', 'positional', 'asof', 'semi', 'anti',
  'lateral', 'sample', 'tablesample', 'pivot', 'unpivot', 'as', 'select', 'from', 'with',
]);

const nameOf = (tok: Token): string | undefined =>
  tok.kind === 'ident' ? tok.text : tok.kind === 'quoted_ident' ? unquoteIdentifier(tok.text) : undefined;

/** The relations after FROM / JOIN (and comma lists after FROM), in order. */
export function relationsIn(sql: string): RelationRef[] {
  const toks = tokenize(sql).filter(isSignificant);
  const out: RelationRef[] = [];
  for (let i = 0; i < toks.length; i++) {
    const word = toks[i]!.text.toLowerCase();
    if (toks[i]!.kind === 'keyword' && (word === 'from' || word === 'join')) {
      let j = i + 1;
      for (;;) {
        const rel = toks[j] ? nameOf(toks[j]!) : undefined;
        // A function call (`range(10)`) or subquery is not a named relation.
        if (!rel || toks[j + 1]?.text === '(' || toks[j + 1]?.text === '.') break;
        const ref: RelationRef = { name: rel };
        j++;
        if (toks[j]?.text.toLowerCase() === 'as') j++;
        const alias = toks[j] ? nameOf(toks[j]!) : undefined;
        if (alias && !NOT_ALIAS.has(alias.toLowerCase())) {
          ref.alias = alias;
          j++;
        }
        out.push(ref);
        if (word !== 'from' || toks[j]?.text !== ',') break;
        j++;
      }
    }
  }
  return out;
}

/** The relation an alias or name before a dot stands for (case-insensitive); the qualifier itself when unknown. */
export function resolveQualifier(qualifier: string, refs: RelationRef[]): string {
  const q = qualifier.toLowerCase();
  const byAlias = refs.find((r) => r.alias?.toLowerCase() === q);
  if (byAlias) return byAlias.name;
  return refs.find((r) => r.name.toLowerCase() === q)?.name ?? qualifier;
}
