/**
 * Filtering the log for the administrators' page: the query is validated once at the
 * boundary (`parseAuditQuery`), then matched record by record while streaming the file,
 * keeping only the page asked for.
 */
import { BadRequestError } from '../errors.js';
import { readLines } from './lines.js';
import { AUDIT_ACTIONS, type AuditAction, type AuditPage, type AuditQuery, type AuditRecord } from './types.js';

export const MAX_PAGE = 500;

const PARAMS = ['action', 'actor', 'target', 'text', 'q', 'from', 'to', 'before', 'limit', 'offset'];
/** An ISO 8601 date, or date and time with an optional zone: what the page and scripts send. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Builds a query from URL parameters, refusing anything malformed or unknown with a
 * message naming it. `q` is another name for `text`; `before` a sequence number.
 */
export function parseAuditQuery(params: Record<string, string | undefined>): AuditQuery {
  for (const key of Object.keys(params)) {
    if (!PARAMS.includes(key)) throw new BadRequestError(`audit search: unknown parameter "${key.slice(0, 40)}" (expected ${PARAMS.join(', ')})`);
  }
  const q: AuditQuery = { limit: 50, offset: 0 };
  if (params.action) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(params.action)) {
      throw new BadRequestError(`audit search: unknown action "${params.action.slice(0, 40)}" (one of ${AUDIT_ACTIONS.join(', ')})`);
    }
    q.action = params.action as AuditAction;
  }
  if (params.actor?.trim()) q.actor = params.actor.trim().slice(0, 200);
  if (params.target?.trim()) q.target = params.target.trim().slice(0, 200);
  const text = params.text || params.q;
  if (text) q.text = text.slice(0, 1000);
  for (const key of ['from', 'to'] as const) {
    const v = params[key];
    if (!v) continue;
    if (!ISO_TIME.test(v) || Number.isNaN(Date.parse(v))) throw new BadRequestError(`audit search: "${key}" is not an ISO date or time (e.g. 2025-03-01 or 2025-03-01T08:00:00Z): ${v.slice(0, 40)}`);
    q[key] = v;
  }
  if (params.before) q.before = intParam(params.before, 'before', 1, 1, Number.MAX_SAFE_INTEGER);
  q.limit = intParam(params.limit, 'limit', 50, 1, MAX_PAGE);
  q.offset = intParam(params.offset, 'offset', 0, 0, 1_000_000);
  return q;
}

function intParam(raw: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadRequestError(`audit search: "${name}" must be an integer from ${min} to ${max}`);
  return n;
}

/** A matcher for one query; `line` is the record's text as stored (for the text search). */
export function recordMatcher(q: AuditQuery): (r: AuditRecord, line: string) => boolean {
  const from = q.from ? Date.parse(q.from) : -Infinity;
  const to = q.to ? Date.parse(q.to) : Infinity;
  const actor = q.actor ? q.actor.toLowerCase() : undefined;
  const text = q.text ? q.text.toLowerCase() : undefined;
  const target = q.target ? q.target.toLowerCase() : undefined;
  return (r, line) => {
    if (q.before !== undefined && !(r.seq < q.before)) return false;
    if (q.action && r.action !== q.action) return false;
    if (target !== undefined && !(r.target ?? '').toLowerCase().includes(target)) return false;
    if (actor !== undefined && r.actor.userId !== q.actor && r.actor.name?.toLowerCase() !== actor) return false;
    const t = Date.parse(r.time);
    if (t < from || t >= to) return false;
    if (text !== undefined && !line.toLowerCase().includes(text)) return false;
    return true;
  };
}

/** The page of matching records (newest first) among the first `size` bytes of the log. */
export async function searchAuditFile(path: string, q: AuditQuery, size?: number): Promise<AuditPage> {
  const matches = recordMatcher(q);
  const keep = q.offset + q.limit;
  // The newest `keep` matches, oldest first, in a ring so the whole log is never held.
  const ring: AuditRecord[] = [];
  let total = 0;
  for await (const line of readLines(path, size)) {
    let r: AuditRecord;
    try {
      r = JSON.parse(line.text) as AuditRecord;
    } catch {
      continue; // verify reports damage; search shows what it can read
    }
    if (typeof r !== 'object' || r === null || typeof r.time !== 'string' || typeof r.actor !== 'object' || r.actor === null) continue;
    if (!matches(r, line.text)) continue;
    ring[total % keep] = r;
    total++;
  }
  const newestFirst: AuditRecord[] = [];
  for (let i = total - 1; i >= Math.max(0, total - keep); i--) newestFirst.push(ring[i % keep]!);
  return { records: newestFirst.slice(q.offset, q.offset + q.limit), total };
}
