import type { Context } from 'hono';
import { BadRequestError } from '../errors.js';

const MAX_JSON_BYTES = 2 * 1024 * 1024;

/** Reads a JSON object body, refusing anything else with a message that says what was wrong. */
export async function jsonObject(c: Context, where: string): Promise<Record<string, unknown>> {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) throw new BadRequestError(`${where}: body too large (${length} bytes; at most ${MAX_JSON_BYTES})`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new BadRequestError(`${where}: body too large`);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadRequestError(`${where}: body is not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(`${where}: body must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function requireString(body: Record<string, unknown>, key: string, where: string, max = 100_000): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequestError(`${where}: "${key}" must be a non-empty string`);
  if (v.length > max) throw new BadRequestError(`${where}: "${key}" is too long (${v.length} characters; at most ${max})`);
  return v;
}

/** Refuses fields a route does not know, by name: a typo must not be silently ignored. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[], where: string, expected = allowed.join(', ')): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new BadRequestError(`${where}: unknown field "${key.slice(0, 40)}" (expected ${expected})`);
  }
}
