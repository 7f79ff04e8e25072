/**
 * `carnet user …`: account administration from the server's shell, for the first
 * administrator, for recovery, and for scripts. Each change is audited with the
 * operating-system user who ran it. Safe to run beside a serving Carnet: the files are
 * locked while changed and the server sees changes at its next request.
 */
import { userInfo } from 'node:os';
import { workspacePaths } from '../workspace.js';
import { createAuditLog, auditDirOf } from '../audit/index.js';
import { createAuth, generatePassword, parseRole, type Actor, type Auth } from '../auth/index.js';
import { CarnetError } from '../errors.js';
import { formatTable } from './table.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Everything piped to stdin, or null when stdin is a terminal (nothing piped). */
  stdin(): Promise<string | null>;
}

export const consoleIo: CliIo = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  async stdin() {
    if (process.stdin.isTTY) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** The operating-system account behind a command, as the audit log names it. */
export function cliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { name: `cli:${who}` };
}

/** Opens a workspace's accounts and audit log for one command; closes them after. Returns the exit code. */
export async function withAccounts(home: string, io: CliIo, run: (auth: Auth) => Promise<number>): Promise<number> {
  const stateDir = workspacePaths(home).stateDir;
  let audit;
  try {
    audit = await createAuditLog(auditDirOf(stateDir));
  } catch (e) {
    io.err(`carnet: ${(e as Error).message}`);
    return 1;
  }
  const auth = await createAuth({ stateDir, required: true, audit, ownsSessions: false });
  try {
    return await run(auth);
  } catch (e) {
    if (!(e instanceof CarnetError)) throw e;
    io.err(`carnet: ${e.message}`);
    return 1;
  } finally {
    await auth.close();
    await audit.close();
  }
}

/** The password piped on stdin (one trailing newline removed), or a generated one to print once. */
async function passwordFrom(io: CliIo): Promise<{ password: string; generated: boolean }> {
  const piped = await io.stdin();
  const password = piped?.replace(/\r?\n$/, '');
  if (password) return { password, generated: false };
  return { password: generatePassword(), generated: true };
}

/** `carnet user add <name> --role admin|analyst [--display-name "…"]` (password from stdin, or generated and printed once). */
export function userAdd(home: string, name: string, opts: { role: string; displayName?: string }, io: CliIo = consoleIo): Promise<number> {
  const role = parseRole(opts.role);
  if (!role) {
    io.err(`carnet: --role must be admin or analyst (got "${opts.role}")`);
    return Promise.resolve(2);
  }
  return withAccounts(home, io, async (auth) => {
    const { password, generated } = await passwordFrom(io);
    const user = await auth.addUser(cliActor(), { name, role, password, ...(opts.displayName ? { displayName: opts.displayName } : {}) });
    io.out(`created ${user.role} "${user.name}" (${user.displayName})`);
    if (generated) io.out(`password (shown once; they change it after signing in): ${password}`);
    return 0;
  });
}

/** `carnet user list`. */
export function userList(home: string, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const users = await auth.users.list();
    if (users.length === 0) {
      io.out('no accounts yet (carnet user add <name> --role admin, or the setup link printed by carnet serve)');
      return 0;
    }
    const cols = ['name', 'display name', 'role', 'groups', 'status', 'created', 'password changed'].map((n) => ({ name: n, type: '' }));
    const rows = users.map((u) => [u.name, u.displayName, u.role, (u.groups ?? []).join(','), u.disabled ? 'disabled' : 'active', u.createdAt.slice(0, 16).replace('T', ' '), u.passwordChangedAt.slice(0, 16).replace('T', ' ')]);
    io.out(formatTable(cols, rows, 60));
    return 0;
  });
}

/** `carnet user disable <name>`: signs them out everywhere; their API tokens stop working. */
export function userDisable(home: string, name: string, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const user = await auth.setDisabled(cliActor(), name, true);
    io.out(`disabled "${user.name}"`);
    return 0;
  });
}

/** `carnet user enable <name>`. */
export function userEnable(home: string, name: string, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const user = await auth.setDisabled(cliActor(), name, false);
    io.out(`enabled "${user.name}"`);
    return 0;
  });
}

/** `carnet user role <name> admin|analyst`. */
export function userSetRole(home: string, name: string, role: string, io: CliIo = consoleIo): Promise<number> {
  const parsed = parseRole(role);
  if (!parsed) {
    io.err(`carnet: the role must be admin or analyst (got "${role}")`);
    return Promise.resolve(2);
  }
  return withAccounts(home, io, async (auth) => {
    const user = await auth.setRole(cliActor(), name, parsed);
    io.out(`"${user.name}" is now ${user.role}`);
    return 0;
  });
}

/** `carnet user groups <name> [a,b,…]`: sets the account's groups (none when the list is empty or absent). */
export function userSetGroups(home: string, name: string, list: string | undefined, io: CliIo = consoleIo): Promise<number> {
  const groups = (list ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
  return withAccounts(home, io, async (auth) => {
    const user = await auth.setGroups(cliActor(), name, groups);
    io.out(user.groups.length ? `"${user.name}" is in ${user.groups.join(', ')}` : `"${user.name}" is in no group`);
    return 0;
  });
}

/** `carnet user reset-password <name>` (new password from stdin, or generated and printed once). Ends their sessions. */
export function userResetPassword(home: string, name: string, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const { password, generated } = await passwordFrom(io);
    const user = await auth.resetPassword(cliActor(), name, password);
    io.out(`new password set for "${user.name}"; their sessions have ended`);
    if (generated) io.out(`password (shown once): ${password}`);
    return 0;
  });
}
