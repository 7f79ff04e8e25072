/**
 * Compiles a cell into one statement: the datasets and upstream cells it reads become CTEs in
 * front of its own SQL, so a run is stateless and the SQL would run on another engine too.
 *
 *     WITH "persons" AS NOT MATERIALIZED (
 *     SELECT * FROM read_parquet('/data/persons.parquet')
 *     ), "suspects" AS (
 *     SELECT * FROM persons WHERE city = 'Lyon'
 *     )
 *     SELECT count(*) FROM suspects
 *
 * Each source is followed by a newline, so a trailing `-- comment` cannot swallow what comes
 * after it. Pure: no engine, no I/O. DuckDB error offsets map back to cells with `locate`.
 */
import type { CellId } from '../ids.js';
import type { CellData } from '../notebook/model.js';
import { quoteIdentifier } from '../sql/identifiers.js';
import { isSignificant, tokenize, unquoteIdentifier, type Token } from '../sql/tokenize.js';
import { buildGraph, upstreamOrder } from './graph.js';
import { findReferences } from './references.js';

/** Where a cell's source sits inside the compiled SQL. */
export interface QuerySegment {
  /** Absent for the free-standing query of compileSql. */
  cellId?: CellId;
  name?: string;
  /** Offset of the segment in `sql`. */
  start: number;
  length: number;
  /**
   * 1-based line and column in the cell source where the segment starts: 1:1, except for a
   * target whose leading `WITH` was merged into ours (the segment starts after that word).
   */
  line: number;
  column: number;
}

export interface CompiledQuery {
  ok: true;
  sql: string;
  /** Upstream cells in the order their CTEs appear, then the target. */
  cells: CellId[];
  /** Lower-cased names of the datasets the statement reads. */
  datasets: string[];
  segments: QuerySegment[];
}

export interface CompileError {
  ok: false;
  /** For the analyst: names the cell(s), e.g. `reference cycle: a → b → a`. */
  error: string;
  /** The cells the error is about. */
  cellIds: CellId[];
}

export type CompileResult = CompiledQuery | CompileError;

export interface CompileInput {
  cells: readonly CellData[];
  target: CellId;
  /** Lower-cased dataset name → SQL relation body, e.g. `SELECT * FROM read_parquet('/data/persons.parquet')`. */
  datasets: ReadonlyMap<string, string>;
}

/** A position in the SQL that ran, mapped back to the cell source. */
export interface SourceLocation {
  /** Absent for the free-standing query of compileSql. */
  cellId?: CellId;
  name?: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** Compiles the SQL cell `target` with the cells and datasets it reads. */
export function compileCell(input: CompileInput): CompileResult {
  const datasets = lowerKeys(input.datasets);
  const index = input.cells.findIndex((c) => c.id === input.target);
  const target = input.cells[index];
  if (!target) return failure(`no cell with id "${input.target}" in this notebook`, [input.target]);
  const label = cellLabel(target, index);
  if (target.kind !== 'sql') return failure(`${label} is a ${target.kind} cell; only SQL cells run`, [target.id]);
  const body = prepareBody(target.source);
  if (body.empty) return failure(`${label} is empty`, [target.id]);
  const kind = notAQuery(body);
  if (kind) return failure(`${label}: only SELECT queries can run here (found ${kind})`, [target.id]);

  const graph = buildGraph(input.cells, new Set(datasets.keys()));
  const upstream = upstreamOrder(graph, target.id);
  if (!upstream.ok) return failure(upstream.error, upstream.cellIds);

  const ctes: Cte[] = upstream.datasets.map((name) => ({ name, materialize: false, body: datasets.get(name)! }));
  for (const id of upstream.cells) {
    const cell = input.cells.find((c) => c.id === id)!;
    const prepared = prepareBody(cell.source);
    const name = cell.name!;
    if (prepared.empty) return failure(`${label} reads cell "${name}", which is empty`, [target.id, cell.id]);
    const other = notAQuery(prepared);
    if (other) return failure(`cell "${name}": only SELECT queries can run here (found ${other})`, [cell.id]);
    ctes.push({ name, materialize: true, body: prepared.text, cell: { cellId: cell.id, name } });
  }
  const main: Main = { body, cell: target.name === undefined ? { cellId: target.id } : { cellId: target.id, name: target.name } };
  const clash = mergeClash(body, ctes);
  if (clash) {
    return failure(
      `${label}: its WITH clause defines "${clash}", a name the cells it reads also use; rename it in the WITH clause`,
      [target.id],
    );
  }
  return { ok: true, ...assemble(ctes, main), cells: [...upstream.cells, target.id], datasets: upstream.datasets };
}

/** Compiles a free-standing query (no notebook) with the datasets it reads. */
export function compileSql(sql: string, datasets: ReadonlyMap<string, string>): CompileResult {
  const lower = lowerKeys(datasets);
  const body = prepareBody(sql);
  if (body.empty) return failure('the query is empty', []);
  const kind = notAQuery(body);
  if (kind) return failure(`only SELECT queries can run here (found ${kind})`, []);
  const used = [...findReferences(sql, new Set(lower.keys()))];
  const ctes: Cte[] = used.map((name) => ({ name, materialize: false, body: lower.get(name)! }));
  const clash = mergeClash(body, ctes);
  if (clash) return failure(`the WITH clause defines "${clash}", which is also a dataset the query reads; rename it`, []);
  return { ok: true, ...assemble(ctes, { body, cell: {} }), cells: [], datasets: used };
}

/** The cell, line and column of a character offset in `compiled.sql`; null outside any cell. */
export function locate(compiled: CompiledQuery, position: number): SourceLocation | null {
  const segment = compiled.segments.find((s) => position >= s.start && position <= s.start + s.length);
  if (!segment) return null;
  const before = compiled.sql.slice(segment.start, position);
  const lastBreak = before.lastIndexOf('\n');
  const line = segment.line + countLines(before);
  const column = lastBreak === -1 ? segment.column + before.length : before.length - lastBreak;
  const location: SourceLocation = { line, column };
  if (segment.cellId !== undefined) location.cellId = segment.cellId;
  if (segment.name !== undefined) location.name = segment.name;
  return location;
}

interface Body {
  /** The source without one trailing `;` and whatever whitespace or comment follows it. */
  text: string;
  /** True when the source has nothing but whitespace, comments and `;`. */
  empty: boolean;
  /** Significant tokens of `text`. */
  tokens: Token[];
}

interface Cte {
  name: string;
  /** False for datasets: inline them, so DuckDB can push filters into the Parquet scan. */
  materialize: boolean;
  body: string;
  cell?: Pick<QuerySegment, 'cellId' | 'name'>;
}

interface Main {
  body: Body;
  cell: Pick<QuerySegment, 'cellId' | 'name'>;
}

function prepareBody(source: string): Body {
  const all = tokenize(source);
  let end = all.length;
  const lastSignificant = findLastIndex(all, isSignificant);
  if (lastSignificant !== -1 && all[lastSignificant]!.text === ';') end = lastSignificant;
  while (end > 0 && all[end - 1]!.kind === 'whitespace') end--;
  const kept = all.slice(0, end);
  const tokens = kept.filter(isSignificant);
  return { text: source.slice(0, kept.at(-1)?.end ?? 0), empty: tokens.every((t) => t.text === ';'), tokens };
}

/** Where a target starting with WITH [RECURSIVE] continues after those words; null otherwise. */
function leadingWith(body: Body): { recursive: boolean; continueAt: number } | null {
  const [first, second] = body.tokens;
  if (!first || first.kind !== 'keyword' || first.text.toLowerCase() !== 'with') return null;
  const recursive = second?.kind === 'ident' && second.text.toLowerCase() === 'recursive';
  return { recursive, continueAt: recursive ? second.end : first.end };
}

/** A name our CTEs and the target's own top-level WITH list would both define; null if none. */
function mergeClash(body: Body, ctes: readonly Cte[]): string | null {
  const start = leadingWith(body);
  if (!start || ctes.length === 0) return null;
  const ours = new Set(ctes.map((c) => c.name.toLowerCase()));
  const tokens = body.tokens;
  let i = tokens.findIndex((t) => t.start >= start.continueAt);
  while (i !== -1 && i < tokens.length) {
    const name = tokens[i]!;
    if (name.kind !== 'ident' && name.kind !== 'quoted_ident') return null;
    const plain = name.kind === 'ident' ? name.text : unquoteIdentifier(name.text);
    if (ours.has(plain.toLowerCase())) return plain;
    // Skip "(columns) AS [NOT] [MATERIALIZED] ( … )" to the comma before the next CTE.
    i = skipToGroupEnd(tokens, i + 1);
    if (tokens[i]?.text !== ',') return null;
    i++;
  }
  return null;
}

/** From a CTE's column list or AS, the index just past its body's closing parenthesis. */
function skipToGroupEnd(tokens: readonly Token[], from: number): number {
  let i = from;
  let depth = 0;
  let sawBody = false;
  for (; i < tokens.length; i++) {
    const text = tokens[i]!.text;
    if (text === '(') depth++;
    else if (text === ')') depth--;
    if (depth === 0 && text === ')' && sawBody) return i + 1;
    if (depth === 0 && tokens[i]!.kind === 'keyword' && text.toLowerCase() === 'as') sawBody = true;
  }
  return i;
}

function assemble(ctes: readonly Cte[], main: Main): Pick<CompiledQuery, 'sql' | 'segments'> {
  const segments: QuerySegment[] = [];
  let sql = '';
  const addSegment = (text: string, cell: Pick<QuerySegment, 'cellId' | 'name'>, line = 1, column = 1) => {
    segments.push({ ...cell, start: sql.length, length: text.length, line, column });
    sql += text;
  };
  const merge = ctes.length > 0 ? leadingWith(main.body) : null;
  if (ctes.length > 0) sql += merge?.recursive ? 'WITH RECURSIVE ' : 'WITH ';
  ctes.forEach((cte, i) => {
    if (i > 0) sql += ', ';
    sql += `${quoteIdentifier(cte.name)} AS ${cte.materialize ? '' : 'NOT MATERIALIZED '}(\n`;
    const wrap = cte.cell !== undefined && isShowStatement(cte.body);
    if (wrap) sql += 'SELECT * FROM (\n';
    if (cte.cell) addSegment(cte.body, cte.cell);
    else sql += cte.body;
    sql += wrap ? '\n)\n)' : '\n)';
  });
  const text = main.body.text;
  if (merge) {
    sql += ',';
    const prefix = text.slice(0, merge.continueAt);
    const lastBreak = prefix.lastIndexOf('\n');
    const column = lastBreak === -1 ? prefix.length + 1 : prefix.length - lastBreak;
    addSegment(text.slice(merge.continueAt), main.cell, 1 + countLines(prefix), column);
  } else {
    // SUMMARIZE and DESCRIBE cannot follow a WITH list, but can be a subquery.
    const wrap = ctes.length > 0 && isShowStatement(text);
    if (ctes.length > 0) sql += wrap ? '\nSELECT * FROM (\n' : '\n';
    addSegment(text, main.cell);
    if (wrap) sql += '\n)';
  }
  sql += '\n';
  return { sql, segments };
}

function failure(error: string, cellIds: CellId[]): CompileError {
  return { ok: false, error, cellIds };
}

function cellLabel(cell: CellData, index: number): string {
  return cell.name === undefined ? `cell ${index + 1}` : `cell "${cell.name}"`;
}

function lowerKeys(map: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...map].map(([k, v]) => [k.toLowerCase(), v]));
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** SUMMARIZE, DESCRIBE and SHOW are statements of their own, not SELECTs. */
function isShowStatement(text: string): boolean {
  const first = tokenize(text).find(isSignificant);
  return first !== undefined && /^(summarize|describe|show)$/i.test(first.text);
}

const QUERY_STARTS = new Set(['select', 'with', 'from', 'values', 'table', 'summarize', 'describe', 'show', 'pivot', 'unpivot', '(']);

/**
 * The first word of a statement that is not a query (COPY, ATTACH, SET…), in capitals;
 * null for a query. Composing such a statement into CTEs would only produce a puzzling
 * syntax error; the engine's guard remains the check that counts.
 */
function notAQuery(body: Body): string | null {
  const first = body.tokens[0];
  if (!first) return null;
  return QUERY_STARTS.has(first.text.toLowerCase()) ? null : first.text.toUpperCase();
}
