/**
 * `carnet user clear …` and `carnet dataset mark …`: clearances and dataset markings from
 * the server's shell (issue 6), audited as the operating-system user who ran them. The
 * server reads the access files at each decision, so a change applies at once.
 */
import { workspacePaths } from '../workspace.js';
import { createAuditLog, auditDirOf, type AuditLog } from '../audit/index.js';
import { createAuth } from '../auth/index.js';
import { createAccess, markingText, type Access } from '../access/index.js';
import { createCatalog } from '../datasets/index.js';
import { consoleIo, cliActor, type CliIo } from './user.js';

export interface MarkingOptions {
  level?: string;
  /** Comma-separated compartment names, as typed after --compartments. */
  compartments?: string;
}

/** `A, B,,c` → ['A', 'B', 'c']. */
export function parseCompartments(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((c) => c.trim()).filter((c) => c.length > 0);
}

/** Opens the workspace's access state and audit log for one command; closes them after. */
async function withAccess(home: string, io: CliIo, run: (access: Access, audit: AuditLog) => Promise<number>): Promise<number> {
  const stateDir = workspacePaths(home).stateDir;
  let audit: AuditLog;
  try {
    audit = await createAuditLog(auditDirOf(stateDir));
  } catch (e) {
    io.err(`carnet: ${(e as Error).message}`);
    return 1;
  }
  try {
    const access = await createAccess({ stateDir, enforce: true, audit });
    return await run(access, audit);
  } catch (e) {
    // Unknown levels and compartments come back named: they are the operator's input.
    io.err(`carnet: ${(e as Error).message}`);
    return 1;
  } finally {
    await audit.close();
  }
}

/** `carnet user clear <name> --level L [--compartments A,B]`: sets an account's clearance. */
export async function userClear(home: string, name: string, opts: MarkingOptions, io: CliIo = consoleIo): Promise<number> {
  if (!opts.level) {
    io.err('carnet: user clear needs --level <level> (e.g. --level SECRET)');
    return 2;
  }
  const level = opts.level;
  return withAccess(home, io, async (access, audit) => {
    const auth = await createAuth({ stateDir: workspacePaths(home).stateDir, required: true, audit, ownsSessions: false });
    try {
      if (!(await auth.users.byName(name))) {
        io.err(`carnet: no account "${name}" (carnet user list; add it first with carnet user add)`);
        return 1;
      }
    } finally {
      await auth.close();
    }
    const m = await access.setClearance(cliActor(), name, { level, compartments: parseCompartments(opts.compartments) });
    io.out(`"${name.toLowerCase()}" is cleared for ${markingText(m)}`);
    return 0;
  });
}

/** `carnet dataset mark <name> --level L [--compartments A]`: sets a dataset's marking. */
export async function datasetMark(home: string, name: string, opts: MarkingOptions, io: CliIo = consoleIo): Promise<number> {
  if (!opts.level) {
    io.err('carnet: dataset mark needs --level <level> (e.g. --level SECRET)');
    return 2;
  }
  const level = opts.level;
  return withAccess(home, io, async (access) => {
    const catalog = await createCatalog(workspacePaths(home).dataDir);
    try {
      if (!(await catalog.get(name))) {
        io.err(`carnet: no dataset "${name}" (carnet datasets lists them)`);
        return 1;
      }
    } finally {
      await catalog.close();
    }
    const m = await access.setDatasetMarking(cliActor(), name, { level, compartments: parseCompartments(opts.compartments) });
    io.out(`dataset "${name}" is marked ${markingText(m)}`);
    return 0;
  });
}
