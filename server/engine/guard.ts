/**
 * The statement guard: decides, from DuckDB's own parse tree, whether a user's statement may run.
 * Pure: no DuckDB here; parse.ts produces the tree with `json_serialize_sql`.
 *
 * Why a guard on top of the sandbox settings (sandbox.ts): FINDINGS shows that DuckDB's settings do
 * not stop `COPY … TO` / `EXPORT` / `ATTACH` inside the data and temp dirs, `CALL enable_logging()`
 * (one connection then reads another's SQL), `CREATE MACRO`, or multi-statement strings. So the
 * guard admits exactly one SELECT and walks EVERY node of its tree generically (all object and array
 * fields), so that a node type we never listed cannot hide a table function. Rules, in short:
 *
 * - Table functions: an allowlist (TABLE_FUNCTIONS below). `read_parquet`/`parquet_scan` only with a
 *   constant path (or list of constant paths) that is exactly one of the request's `allowedFiles`, and
 *   only constant named options from READ_PARQUET_OPTIONS. Everything else is refused — read_csv*,
 *   read_text, read_blob, glob, parquet_metadata & co, query, query_table, duckdb_*,
 *   pragma_*, enable_logging, sniff_csv, test_*, which_secret, json_execute_serialized_sql, the
 *   `histogram` table macros (they call query_table), … Allowlisted, each because it only computes
 *   from its arguments: range, generate_series, unnest, repeat, repeat_row (row generators);
 *   json_each, json_tree (walk a JSON value given as argument); pg_timezone_names (a static list).
 * - `read_json` likewise only of an allowed file with constant options from READ_JSON_OPTIONS (the
 *   `columns` struct included): the audit log is a newline-delimited JSON file that administrators
 *   query as the dataset `audit_log` (server/audit/dataset.ts); read_csv*, read_ndjson_objects & co
 *   stay refused.
 * - Scalar functions: a short denylist of what reads settings or the environment or changes
 *   connection state. Checked against `duckdb_functions()` of DuckDB 1.5.6: current_setting,
 *   getvariable, getenv (CLI only, listed in case a build adds it), nextval/currval/setval
 *   (sequences: state), setseed (changes the connection's random state), write_log (writes to the
 *   log), sleep_ms / pg_sleep (hold a worker without doing work, and resist interrupt), and the
 *   built-in macros whose body reads the catalog through a table function: pg_get_viewdef,
 *   pg_get_constraintdef, format_type, get_block_size. `__internal_*` functions are refused as a
 *   family (compression internals, not meant for users). `error()` is harmless and allowed.
 *   test/unit/guard.test.ts re-derives the macro part from the build, so an upgrade that adds such
 *   a macro fails a test instead of opening a hole.
 * - Function names may carry the `main` schema (the parser writes list literals as
 *   `main.list_value`), nothing else: no catalog, no other schema.
 * - Table names: the engine holds no tables or views; datasets and cells arrive as CTEs. A table
 *   reference must therefore name a CTE of the statement, carry no schema/catalog qualifier, contain
 *   no `.`, `/`, `\` or `:` (which would make DuckDB try a replacement scan of a file such as
 *   `FROM 'x.csv'`), and not be a name of DuckDB's system catalog (duckdb_*, pg_*, sqlite_*, …), which
 *   an out-of-scope reference would reach even though a CTE of that name exists elsewhere.
 * - SHOW/DESCRIBE/SUMMARIZE are allowed over a query (`SUMMARIZE persons`), never over the catalog
 *   (`SHOW TABLES`).
 * - Unknown FROM items, query nodes and expression classes are refused: fail closed.
 */

/** Statements larger than this are refused before parsing. */
export const MAX_SQL_BYTES = 1024 * 1024;

/** Why a statement was refused; `location` is DuckDB's byte offset of the offending node, if known. */
export type GuardVerdict = { ok: true } | { ok: false; message: string; location?: number };

const TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'pg_timezone_names',
]);

const PARQUET_READERS = new Set(['read_parquet', 'parquet_scan']);

/** JSON readers: only for files the request allows (the audit log, for administrators). */
const JSON_READERS = new Set(['read_json']);

/** Named options of read_json that only shape how an allowed file is parsed. */
const READ_JSON_OPTIONS = new Set(['format', 'columns', 'ignore_errors', 'records', 'auto_detect']);

/** Named options of read_parquet that only shape how allowed files are read. */
const READ_PARQUET_OPTIONS = new Set([
  'hive_partitioning',
  'union_by_name',
  'filename',
  'file_row_number',
  'binary_as_string',
  'hive_types_autocast',
]);

const DENIED_FUNCTIONS = new Set([
  'current_setting',
  'getvariable',
  'getenv',
  'nextval',
  'currval',
  'setval',
  'setseed',
  'write_log',
  'sleep_ms',
  'pg_sleep',
  'pg_get_viewdef',
  'pg_get_constraintdef',
  'format_type',
  'get_block_size',
  'enable_logging',
  'disable_logging',
  'truncate_duckdb_logs',
  'checkpoint',
  'force_checkpoint',
  'json_execute_serialized_sql',
  'query',
  'query_table',
]);

const TABLE_REF_TYPES = new Set([
  'BASE_TABLE',
  'SUBQUERY',
  'JOIN',
  'TABLE_FUNCTION',
  'EMPTY',
  'EXPRESSION_LIST',
  'PIVOT',
  'SHOW_REF',
]);

const QUERY_NODE_TYPES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE']);

const EXPRESSION_CLASSES = new Set([
  'AGGREGATE',
  'BETWEEN',
  'CASE',
  'CAST',
  'COLLATE',
  'COLUMN_REF',
  'COMPARISON',
  'CONJUNCTION',
  'CONSTANT',
  'DEFAULT',
  'FUNCTION',
  'LAMBDA',
  'LAMBDA_REF',
  'OPERATOR',
  'PARAMETER',
  'POSITIONAL_REFERENCE',
  'STAR',
  'SUBQUERY',
  'WINDOW',
]);

/** Names in DuckDB's system catalog (views such as duckdb_tables, pg_class, sqlite_master, …). */
const RESERVED_TABLE_PREFIXES = ['duckdb_', 'pg_', 'sqlite_', 'pragma_', 'information_schema'];

/** True when an unqualified table name could reach DuckDB's system catalog. */
export function isReservedTableName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_TABLE_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** True when a scalar (or aggregate/window) function of this name is refused. */
export function isDeniedFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return DENIED_FUNCTIONS.has(lower) || lower.startsWith('__internal');
}

/** True when a table function of this name may run (read_parquet subject to its path check). */
export function isAllowedTableFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return TABLE_FUNCTIONS.has(lower) || PARQUET_READERS.has(lower) || JSON_READERS.has(lower);
}

/** The first keyword of a statement, skipping comments and parentheses: names what was refused. */
export function statementKeyword(sql: string): string {
  const stripped = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/[()]/g, ' ')
    .trimStart();
  const match = /^[A-Za-z_]+/.exec(stripped);
  return match ? match[0].toUpperCase() : 'a statement that is not a SELECT';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { [key: string]: Json };

const isNode = (value: Json | undefined): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: Json | undefined): string => (typeof value === 'string' ? value : '');

const locationOf = (node: Node): number | undefined => {
  const at = node['query_location'];
  // DuckDB writes "no location" as 2^64-1.
  return typeof at === 'number' && at < Number.MAX_SAFE_INTEGER ? at : undefined;
};

class Refusal extends Error {
  constructor(
    message: string,
    readonly location?: number,
  ) {
    super(message);
  }
}

/**
 * Checks one statement of `json_serialize_sql` output (an element of its `statements` array).
 * `allowedFiles` are the exact read_parquet arguments the caller may use.
 */
export function checkStatement(statement: unknown, allowedFiles: readonly string[]): GuardVerdict {
  try {
    const root = statement as Json;
    const allowed = new Set(allowedFiles);
    const cteNames = collectCteNames(root);
    const verified = new Set<Node>();
    forEachNode(root, (node) => checkNode(node, { allowed, cteNames, verified }));
    return { ok: true };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message, location: error.location };
    throw error;
  }
}

/** Checks the byte size of a statement before anything parses it. */
export function checkSqlSize(sql: string): GuardVerdict {
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > MAX_SQL_BYTES) {
    return { ok: false, message: `the query is too large (${bytes} bytes; at most ${MAX_SQL_BYTES})` };
  }
  return { ok: true };
}

interface Context {
  allowed: ReadonlySet<string>;
  cteNames: ReadonlySet<string>;
  /** Function nodes already checked as table functions: not re-checked as scalar calls. */
  verified: Set<Node>;
}

function checkNode(node: Node, context: Context): void {
  const klass = node['class'];
  const type = str(node['type']);
  if (typeof klass === 'string') {
    if (!EXPRESSION_CLASSES.has(klass)) throw new Refusal(`unsupported expression "${klass}"`, locationOf(node));
    if ('function_name' in node && !context.verified.has(node)) checkScalarFunction(node);
    return;
  }
  if ('modifiers' in node && 'cte_map' in node) {
    if (!QUERY_NODE_TYPES.has(type)) throw new Refusal(`unsupported query part "${type}"`);
    return;
  }
  if ('query_location' in node && 'alias' in node && 'sample' in node) {
    checkTableRef(node, type, context);
  }
}

function checkTableRef(node: Node, type: string, context: Context): void {
  const at = locationOf(node);
  if (!TABLE_REF_TYPES.has(type)) throw new Refusal(`unsupported FROM clause item "${type}"`, at);
  if (type === 'BASE_TABLE') checkBaseTable(node, context, at);
  if (type === 'SHOW_REF') {
    if (!isNode(node['query']) || str(node['table_name']) !== '') {
      throw new Refusal('SHOW is not allowed here: use DESCRIBE or SUMMARIZE on a dataset or query', at);
    }
  }
  if (type === 'TABLE_FUNCTION') {
    const fn = node['function'];
    if (!isNode(fn)) throw new Refusal('unsupported table function call', at);
    checkTableFunction(fn, context);
    context.verified.add(fn);
  }
}

function checkBaseTable(node: Node, context: Context, at: number | undefined): void {
  const name = str(node['table_name']);
  const qualifier = [str(node['catalog_name']), str(node['schema_name'])].filter((part) => part !== '');
  if (qualifier.length > 0) {
    throw new Refusal(`table "${[...qualifier, name].join('.')}" is not allowed: datasets are reached by name`, at);
  }
  if (/[./\\:]/.test(name)) {
    throw new Refusal(`reading "${name}" directly is not allowed: datasets are reached by name`, at);
  }
  if (isReservedTableName(name)) {
    throw new Refusal(`table "${name}" is not allowed: it belongs to DuckDB's system catalog`, at);
  }
  if (!context.cteNames.has(name.toLowerCase())) {
    throw new Refusal(`unknown table "${name}": use a dataset or the name of a cell`, at);
  }
}

function checkScalarFunction(node: Node): void {
  const name = str(node['function_name']);
  const at = locationOf(node);
  checkQualifier(node, name, at);
  if (isDeniedFunction(name)) throw new Refusal(`function "${name}" is not allowed here`, at);
}

function checkQualifier(node: Node, name: string, at: number | undefined): void {
  const catalog = str(node['catalog']);
  const schema = str(node['schema']);
  if (catalog !== '' || (schema !== '' && schema.toLowerCase() !== 'main')) {
    const qualified = [catalog, schema, name].filter((part) => part !== '').join('.');
    throw new Refusal(`function "${qualified}" is not allowed: use functions without a schema`, at);
  }
}

function checkTableFunction(fn: Node, context: Context): void {
  const name = str(fn['function_name']);
  const at = locationOf(fn);
  checkQualifier(fn, name, at);
  const lower = name.toLowerCase();
  if (PARQUET_READERS.has(lower)) {
    checkFileRead(fn, name, context, READ_PARQUET_OPTIONS);
    return;
  }
  if (JSON_READERS.has(lower)) {
    checkFileRead(fn, name, context, READ_JSON_OPTIONS);
    return;
  }
  if (!TABLE_FUNCTIONS.has(lower)) {
    throw new Refusal(`table function "${name}" is not allowed: datasets are reached by name`, at);
  }
}

/** A file reader: constant paths, each one of the request's allowed files, and constant options from `options`. */
function checkFileRead(fn: Node, name: string, context: Context, options: ReadonlySet<string>): void {
  const at = locationOf(fn);
  const args = Array.isArray(fn['children']) ? fn['children'] : [];
  const [first, ...rest] = args;
  const paths = isNode(first) ? constantStrings(first) : undefined;
  if (paths === undefined || paths.length === 0) {
    throw new Refusal(`${name} needs a constant file path: datasets are reached by name`, at);
  }
  for (const path of paths) {
    if (!context.allowed.has(path)) {
      throw new Refusal(`${name} of "${path}" is not allowed: datasets are reached by name`, at);
    }
  }
  for (const arg of rest) {
    const option = isNode(arg) ? namedOption(arg) : undefined;
    if (option === undefined || !options.has(option.name.toLowerCase()) || !isConstant(option.value)) {
      throw new Refusal(`${name}: only constant options ${[...options].join(', ')} are allowed`, at);
    }
  }
}

/** The strings of a constant string or a list literal of constant strings; undefined otherwise. */
function constantStrings(node: Node): string[] | undefined {
  if (node['class'] === 'CONSTANT') {
    const value = node['value'];
    return isNode(value) && typeof value['value'] === 'string' ? [value['value']] : undefined;
  }
  if (node['class'] === 'FUNCTION' && str(node['function_name']).toLowerCase() === 'list_value') {
    const out: string[] = [];
    for (const child of Array.isArray(node['children']) ? node['children'] : []) {
      const strings = isNode(child) ? constantStrings(child) : undefined;
      if (strings === undefined || strings.length !== 1) return undefined;
      out.push(...strings);
    }
    return out;
  }
  return undefined;
}

function namedOption(node: Node): { name: string; value: Node } | undefined {
  const left = node['left'];
  const right = node['right'];
  if (node['class'] !== 'COMPARISON' || !isNode(left) || !isNode(right) || left['class'] !== 'COLUMN_REF') return;
  const names = left['column_names'];
  if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== 'string') return;
  return { name: names[0], value: right };
}

/** A constant, a cast of one, or a struct literal of them (read_json's `columns = {a: 'INT'}`). */
function isConstant(node: Node): boolean {
  if (node['class'] === 'CONSTANT') return true;
  const child = node['child'];
  if (node['class'] === 'CAST') return isNode(child) && isConstant(child);
  if (node['class'] === 'FUNCTION' && str(node['function_name']).toLowerCase() === 'struct_pack') {
    const children = node['children'];
    return Array.isArray(children) && children.every((c) => isNode(c) && isConstant(c));
  }
  return false;
}

/** Every CTE name defined anywhere in the tree, lower-cased (DuckDB matches names case-insensitively). */
function collectCteNames(root: Json): Set<string> {
  const names = new Set<string>();
  forEachNode(root, (node) => {
    const map = node['cte_map'];
    if (isNode(map) && Array.isArray(map['map'])) {
      for (const entry of map['map']) if (isNode(entry)) names.add(str(entry['key']).toLowerCase());
    }
    if (node['type'] === 'RECURSIVE_CTE_NODE' || node['type'] === 'CTE_NODE') {
      names.add(str(node['cte_name']).toLowerCase());
    }
  });
  names.delete('');
  return names;
}

/**
 * Visits every object node of the tree, depth first, without recursion: a hostile
 * statement can nest deeper than the call stack, never deeper than an array.
 */
function forEachNode(root: Json, visit: (node: Node) => void): void {
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as Json;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    if (!isNode(value)) continue;
    visit(value);
    for (const key of Object.keys(value)) stack.push(value[key] as Json);
  }
}
