/**
 * The audit log's vocabulary: what an entry says, what a stored record adds (its place
 * in the hash chain), and what verification and search answer.
 */

/** Every kind of event the log records. */
export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'query',
  'export',
  'share',
  'role_change',
  'account_change',
  'dataset_import',
  'token_create',
  'token_revoke',
  /** The log itself cut a half-written last line on opening (a crash mid-append). */
  'audit_repair',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it. A CLI command has a name and no user id; a failed login has only a name and address. */
export interface AuditActor {
  userId?: string;
  name?: string;
  address?: string;
}

/** Details of a `query` record, so every caller writes the same fields. */
export interface QueryAuditDetails {
  notebookId?: string;
  cellId?: string;
  compiledSql: string;
  /** Dataset names the compiled query reads. */
  datasets: string[];
  params?: Record<string, unknown>;
  rows?: number;
  durationMs: number;
  status: 'ok' | 'error' | 'cancelled';
  error?: string;
}

/** What a caller appends. `details` must be JSON-representable (bigints become strings). */
export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  /** What the action was about: a notebook id, a user name, a dataset name… */
  target?: string;
  details?: Record<string, unknown>;
}

/** One line of the log. `hash` = sha256 of the canonical JSON of every other field. */
export interface AuditRecord {
  seq: number;
  time: string;
  prevHash: string;
  hash: string;
  actor: AuditActor;
  action: AuditAction;
  target?: string;
  details: Record<string, unknown>;
}

export type VerifyResult =
  | { ok: true; records: number; lastHash: string }
  | { ok: false; seq: number; reason: string; records: number };

export interface AuditQuery {
  action?: AuditAction;
  /** A user id, or a name (case-insensitive). */
  actor?: string;
  /** ISO time, inclusive. */
  from?: string;
  /** ISO time, exclusive. */
  to?: string;
  /** Case-insensitive substring of the record's target (a user, notebook or dataset name). */
  target?: string;
  /** Case-insensitive substring of the whole record (SQL, target, details…). */
  text?: string;
  /** Only records before this sequence number: the next page after a record already shown. */
  before?: number;
  limit: number;
  offset: number;
}

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  /** Matches in the whole log. */
  total: number;
}

/** The prevHash of record 1. */
export const GENESIS_HASH = '0'.repeat(64);
