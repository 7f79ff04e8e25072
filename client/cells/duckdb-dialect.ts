/** DuckDB's SQL for CodeMirror: its keywords, types and lexical rules (PostgreSQL-like). */
import { SQLDialect } from '@codemirror/lang-sql';

const KEYWORDS = [
  // Standard query words.
  'select from where group by having order limit offset as on using join inner left right full outer cross natural',
  'union all intersect except distinct with recursive case when then else end and or not in is null like ilike between',
  'exists any some true false asc desc nulls first last window partition over rows range groups preceding following',
  'unbounded current row filter within values cast try_cast interval collate escape lateral fetch only next',
  // DuckDB additions.
  'qualify pivot unpivot summarize describe show exclude replace columns asof positional semi anti sample tablesample',
  'reservoir bernoulli system glob similar struct_pack materialized default by_name union_by_name',
  'lambda map struct list array explain analyze create table view macro drop insert into update delete set',
].join(' ');

const TYPES = [
  'bigint int8 long integer int4 int signed smallint int2 short tinyint int1 hugeint uhugeint ubigint uinteger usmallint utinyint varint',
  'double float8 float float4 real decimal numeric boolean bool logical varchar char bpchar text string blob bytea binary varbinary',
  'date time timestamp datetime timestamptz timestamp_s timestamp_ms timestamp_ns timetz interval uuid json bit bitstring enum union',
].join(' ');

/** A few functions highlighted as builtins even before the server's vocabulary arrives. */
const BUILTINS = [
  'count sum avg min max median mode quantile quantile_cont stddev variance string_agg list arg_max arg_min approx_count_distinct',
  'coalesce nullif greatest least abs round floor ceil length lower upper trim substring strftime strptime date_trunc date_part',
  'epoch now current_date regexp_matches regexp_replace regexp_extract split_part concat unnest generate_series range read_parquet',
  'row_number rank dense_rank lag lead first_value last_value ntile percent_rank cume_dist',
].join(' ');

export const DuckDB = SQLDialect.define({
  keywords: KEYWORDS,
  types: TYPES,
  builtin: BUILTINS,
  // DuckDB: '' escapes in strings (E'' for backslashes), $$ strings, "quoted identifiers", -- and /* */ comments.
  backslashEscapes: false,
  doubleDollarQuotedStrings: true,
  operatorChars: '*+-%<>!=&|~^/:@#',
  specialVar: '$?',
  identifierQuotes: '"',
  caseInsensitiveIdentifiers: true,
});
