/**
 * Pure functions that make a record's hash reproducible: the same content gives the
 * same bytes whatever order its keys were written in.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; the one form a record's hash covers. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`audit: ${typeof value} is not JSON`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * The value as it will read back from the file: bigints become strings, undefined and
 * functions drop out, dates become ISO strings. Hashing this (not the caller's object)
 * is what lets verify recompute the same hash from the parsed line.
 */
export function toJsonValue<T>(value: T): T {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return (text === undefined ? undefined : JSON.parse(text)) as T;
}

/** sha256 (hex) of the canonical JSON of a record's fields other than `hash`. */
export function recordHash(fields: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = fields;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
