/**
 * The audit log as a dataset named `audit_log`, so security officers study it in a
 * notebook with SQL. The relation reads the log file itself (newline-delimited JSON) with
 * explicit columns, so its shape never depends on which actions happened to be logged; a
 * half-written last line (an append in progress) is skipped, not an error. Its columns
 * are those of `carnet audit export` (flattenRecord), so a query works on either.
 *
 * Only administrators get it in their scope (server/access/request.ts); the engine
 * reads the file only when a request's allowed files name it, and never writes it (the
 * guard admits one SELECT; DuckDB's allowed_paths lets nothing else be created beside it).
 * Pure: builds SQL text, touches no file.
 */

/** The name administrators write in SQL. */
export const AUDIT_DATASET = 'audit_log';

/** A catalog-like entry for the scope: name, relation body and the one file it reads. */
export interface AuditDataset {
  name: string;
  relation: string;
  readPaths: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** How read_json parses a record: every field a record may have, typed. */
const COLUMNS = [
  `seq: 'BIGINT'`,
  `"time": 'VARCHAR'`,
  `prevHash: 'VARCHAR'`,
  `hash: 'VARCHAR'`,
  `actor: 'STRUCT(userId VARCHAR, name VARCHAR, address VARCHAR)'`,
  `action: 'VARCHAR'`,
  `target: 'VARCHAR'`,
  `details: 'JSON'`,
].join(', ');

/** The columns users see, flat, as in `carnet audit export`. */
const SELECT = [
  'seq',
  'CAST("time" AS TIMESTAMPTZ) AS "time"',
  'action',
  'actor.userId AS actor_user_id',
  'actor.name AS actor_name',
  'actor.address AS actor_address',
  'target',
  `details->>'notebookId' AS notebook_id`,
  `details->>'cellId' AS cell_id`,
  `details->>'compiledSql' AS compiled_sql`,
  `CAST(details->'datasets' AS VARCHAR[]) AS datasets`,
  `TRY_CAST(details->>'rows' AS BIGINT) AS "rows"`,
  `TRY_CAST(details->>'durationMs' AS DOUBLE) AS duration_ms`,
  `details->>'status' AS status`,
  `details->>'error' AS error`,
  'details',
  'prevHash AS prev_hash',
  'hash',
].join(', ');

/** The relation body over the log file at `path` (absolute). */
export function auditRelation(path: string): string {
  // ignore_errors turns an unparsable line (only ever the torn tail) into a row of NULLs, dropped by the WHERE.
  return `SELECT ${SELECT} FROM read_json(${quote(path)}, format = 'newline_delimited', ignore_errors = true, columns = {${COLUMNS}}) WHERE seq IS NOT NULL`;
}

/** The `audit_log` dataset over the log file at `path`. */
export function auditDataset(path: string): AuditDataset {
  return { name: AUDIT_DATASET, relation: auditRelation(path), readPaths: [path] };
}
