export { createAuditLog, auditDirOf, AUDIT_FILE, type AuditLog, type AuditLogOptions } from './log.js';
export { verifyAuditFile } from './verify.js';
export { parseAuditQuery, searchAuditFile, MAX_PAGE } from './search.js';
export { writeAuditNdjson, flattenRecord } from './export.js';
export { queryEntry, failedStatus } from './entries.js';
export { canonicalJson, recordHash } from './canonical.js';
export { withFileLock } from './file-lock.js';
export * from './types.js';
