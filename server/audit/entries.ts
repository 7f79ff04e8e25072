/** Builders for the records other parts append, so every caller writes the same fields. Pure. */
import type { AuditActor, AuditEntry, QueryAuditDetails } from './types.js';

/** A `query` record: one per statement run (a cell, or free SQL), whatever its outcome. */
export function queryEntry(actor: AuditActor, d: QueryAuditDetails): AuditEntry {
  return { actor, action: 'query', ...(d.notebookId ? { target: d.notebookId } : {}), details: { ...d } };
}

/** The status a failed run is recorded with: a cancel is not an error. */
export function failedStatus(kind: string | undefined): 'error' | 'cancelled' {
  return kind === 'cancelled' ? 'cancelled' : 'error';
}
