import { QueryError, type ParamValue, type QueryRequest } from './types.js';

/** A QueryRequest checked at the engine's boundary, with defaults filled in. */
export interface ValidRequest {
  sql: string;
  params: Record<string, ParamValue>;
  offset: number;
  limit: number;
  allowedFiles: string[];
  timeoutMs: number;
  queryId: string;
}

const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * Checks a request from server code. Pure. Throws QueryError kind 'refused' naming the bad field,
 * so a caller's bug never reaches a worker.
 */
export function validateRequest(request: QueryRequest, defaultTimeoutMs: number): ValidRequest {
  const bad = (what: string): never => {
    throw new QueryError(`invalid query request: ${what}`, 'refused');
  };
  if (typeof request !== 'object' || request === null) bad('not an object');
  if (typeof request.sql !== 'string') bad('sql must be a string');
  if (typeof request.queryId !== 'string' || request.queryId === '') bad('queryId must be a non-empty string');
  const offset = request.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) bad(`offset must be a non-negative integer (got ${offset})`);
  if (!Number.isSafeInteger(request.limit) || request.limit < 0) {
    bad(`limit must be a non-negative integer (got ${request.limit})`);
  }
  const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS) {
    bad(`timeoutMs must be between 1 and ${MAX_TIMEOUT_MS} (got ${timeoutMs})`);
  }
  if (!Array.isArray(request.allowedFiles) || !request.allowedFiles.every((file) => typeof file === 'string')) {
    bad('allowedFiles must be an array of strings');
  }
  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(request.params ?? {})) {
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) bad(`parameter $${name} must be a string, finite number, boolean or null`);
    params[name] = value;
  }
  return {
    sql: request.sql,
    params,
    offset,
    limit: request.limit,
    allowedFiles: [...request.allowedFiles],
    timeoutMs,
    queryId: request.queryId,
  };
}

/** "30 s", "0.5 s": how a time limit reads in a message. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(1))} s`;
}
