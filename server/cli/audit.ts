/**
 * `carnet audit …` commands. Read-only: they never open the log for appending, so they
 * neither repair nor extend it and are safe to run beside a serving Carnet.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { workspacePaths } from '../workspace.js';
import { AUDIT_FILE, auditDirOf, verifyAuditFile, writeAuditNdjson } from '../audit/index.js';
import type { VerifyResult } from '../audit/index.js';

export interface AuditCliIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: AuditCliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** The audit log file of a workspace. */
export const auditFileOf = (home: string) => join(auditDirOf(workspacePaths(home).stateDir), AUDIT_FILE);

/**
 * `carnet audit verify`: checks the hash chain. Prints OK with the record count and last
 * hash (note it elsewhere: it is what reveals a later cut of the newest records), or the
 * first bad record. Returns the exit code: 0 intact, 1 damaged or absent.
 */
export async function auditVerify(home: string, io: AuditCliIo = consoleIo): Promise<number> {
  const path = auditFileOf(home);
  if (!(await stat(path).then(() => true, () => false))) {
    io.err(`carnet: no audit log at ${path} (nothing recorded yet, or the file was removed)`);
    return 1;
  }
  let result: VerifyResult = await verifyAuditFile(path);
  if (!result.ok && result.reason.startsWith('last record is incomplete')) {
    // A serving Carnet may be in the middle of an append: look again once it is done.
    await new Promise((ok) => setTimeout(ok, 300));
    result = await verifyAuditFile(path);
  }
  if (result.ok) {
    io.out(`audit log OK: ${result.records} record${result.records === 1 ? '' : 's'}, chain intact (${path})`);
    io.out(`last hash: ${result.lastHash}`);
    return 0;
  }
  io.err(`audit log DAMAGED (${path}): ${result.reason}`);
  io.err(`${result.records} record${result.records === 1 ? '' : 's'} before it verified`);
  return 1;
}

/** `carnet audit export <file.ndjson>`: the log as a flat table a notebook can import. */
export async function auditExport(home: string, outPath: string, io: AuditCliIo = consoleIo): Promise<number> {
  const path = auditFileOf(home);
  if (!(await stat(path).then(() => true, () => false))) {
    io.err(`carnet: no audit log at ${path}`);
    return 1;
  }
  const count = await writeAuditNdjson(path, outPath);
  io.out(`wrote ${count} audit record${count === 1 ? '' : 's'} to ${outPath}`);
  return 0;
}
