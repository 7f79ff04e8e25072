import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CarnetError } from '../errors.js';
import { QueryError } from '../engine/types.js';

/** The one place where errors become HTTP responses: `{error: {message, ...}}`. */
export function errorResponse(err: Error, c: Context): Response {
  if (err instanceof CarnetError) {
    return c.json({ error: { message: err.message, ...err.details } }, err.status);
  }
  if (err instanceof QueryError) {
    return c.json({ error: { message: err.message, kind: err.kind, ...(err.position !== undefined ? { position: err.position } : {}) } }, 400);
  }
  if (err instanceof HTTPException) {
    return c.json({ error: { message: err.message || 'request refused' } }, err.status);
  }
  console.error(`[carnet] ${c.req.method} ${c.req.path}:`, err);
  return c.json({ error: { message: 'internal error; the server log has the details' } }, 500);
}
