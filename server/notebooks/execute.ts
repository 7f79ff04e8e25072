import { randomUUID } from 'node:crypto';
import type { Engine, ParamValue } from '../engine/types.js';
import { QueryError } from '../engine/types.js';
import type { ResultOrigin, ResultStore, StoredResult } from './results.js';
import { quoteIdentifier } from '../../core/sql/identifiers.js';
import { BadRequestError } from '../errors.js';

export interface SortSpec {
  column: string;
  desc?: boolean;
}

export interface RunOptions {
  params?: Record<string, ParamValue>;
  limit?: number;
  offset?: number;
  sort?: SortSpec;
  queryId?: string;
}

export interface ExecuteDeps {
  engine: Engine;
  results: ResultStore;
  /** Most rows a single result may hold (default 100k). */
  rowCap: number;
  timeoutMs: number;
}

/**
 * Runs an already compiled statement through the sandboxed engine and stores the
 * result. Sorting wraps the statement rather than editing it, so the analyst's
 * SQL is never rewritten. Error positions (string offsets into what ran) leave
 * here relative to `sql`.
 */
export async function execute(
  deps: ExecuteDeps,
  sql: string,
  allowedFiles: string[],
  opts: RunOptions,
  persist: boolean,
  /** Kept with the result so reading it later can be refused to whoever is not cleared. */
  marking?: { level: string; compartments: string[] },
  /** The notebook or the user it belongs to, kept with it: the results routes check it. */
  origin?: ResultOrigin,
): Promise<StoredResult> {
  const limit = Math.min(opts.limit ?? deps.rowCap, deps.rowCap);
  let text = sql;
  let shift = 0;
  if (opts.sort) {
    const prefix = 'SELECT * FROM (\n';
    text = `${prefix}${sql}\n) AS carnet_sorted ORDER BY ${quoteIdentifier(opts.sort.column)} ${opts.sort.desc ? 'DESC' : 'ASC'} NULLS LAST`;
    shift = prefix.length;
  }
  try {
    const r = await deps.engine.query({
      sql: text,
      params: opts.params,
      offset: opts.offset ?? 0,
      limit,
      allowedFiles,
      timeoutMs: deps.timeoutMs,
      queryId: opts.queryId ?? randomUUID(),
    });
    return await deps.results.put({ ...r, ...(marking ? { marking } : {}), ...origin }, persist);
  } catch (e) {
    if (e instanceof QueryError && e.position !== undefined) {
      const p = e.position - shift;
      throw new QueryError(e.message, e.kind, p >= 0 && p <= sql.length ? p : undefined);
    }
    throw e;
  }
}

/** Validates the run options of an HTTP body; unknown fields are refused by name. */
export function parseRunOptions(body: Record<string, unknown>, where: string): RunOptions {
  const out: RunOptions = {};
  const { params, limit, offset, sort, queryId } = body;
  if (params !== undefined) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new BadRequestError(`${where}: "params" must be an object of name → value`);
    }
    const clean: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries(params)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(k)) throw new BadRequestError(`${where}: parameter name "${k.slice(0, 40)}" is not an identifier`);
      if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
        throw new BadRequestError(`${where}: parameter "${k}" must be a string, number, boolean or null`);
      }
      clean[k] = v as ParamValue;
    }
    out.params = clean;
  }
  if (limit !== undefined) out.limit = count(limit, 'limit', where, 1);
  if (offset !== undefined) out.offset = count(offset, 'offset', where, 0);
  if (sort !== undefined && sort !== null) {
    const s = sort as Record<string, unknown>;
    if (typeof s !== 'object' || typeof s.column !== 'string' || s.column.length === 0 || s.column.length > 255) {
      throw new BadRequestError(`${where}: "sort" must be {column: string, desc?: boolean}`);
    }
    out.sort = { column: s.column, desc: s.desc === true };
  }
  if (queryId !== undefined) {
    if (typeof queryId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(queryId)) {
      throw new BadRequestError(`${where}: "queryId" must be 1–64 letters, digits, - or _`);
    }
    out.queryId = queryId;
  }
  return out;
}

function count(v: unknown, name: string, where: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new BadRequestError(`${where}: "${name}" must be an integer ≥ ${min}`);
  }
  return v;
}
