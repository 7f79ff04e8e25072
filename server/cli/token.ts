/** `carnet token …`: API tokens for scripts (`Authorization: Bearer cnt_…`). */
import { cliActor, consoleIo, withAccounts, type CliIo } from './user.js';
import { formatTable } from './table.js';

/** `carnet token create --user <name> [--name <label>]`: prints the token once. */
export function tokenCreate(home: string, opts: { user: string; name?: string }, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const { token, record, user } = await auth.createToken(cliActor(), opts.user, opts.name ?? '');
    io.out(`API token ${record.id} ("${record.name}") for "${user.name}" — shown once, keep it secret:`);
    io.out(token);
    return 0;
  });
}

/** `carnet token list`: every token, live or revoked (never the token itself). */
export function tokenList(home: string, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const [tokens, users] = await Promise.all([auth.tokens.list(), auth.users.list()]);
    if (tokens.length === 0) {
      io.out('no API tokens (carnet token create --user <name>)');
      return 0;
    }
    const nameOf = new Map(users.map((u) => [u.id as string, u.name]));
    const cols = ['id', 'user', 'name', 'created', 'revoked'].map((n) => ({ name: n, type: '' }));
    const rows = tokens.map((t) => [t.id, nameOf.get(t.userId) ?? t.userId, t.name, t.createdAt.slice(0, 16).replace('T', ' '), t.revokedAt ? t.revokedAt.slice(0, 16).replace('T', ' ') : '']);
    io.out(formatTable(cols, rows, 60));
    return 0;
  });
}

/** `carnet token revoke <id>`: the token stops working at the server's next request. */
export function tokenRevoke(home: string, id: string, io: CliIo = consoleIo): Promise<number> {
  return withAccounts(home, io, async (auth) => {
    const t = await auth.revokeToken(cliActor(), id);
    io.out(`revoked API token ${t.id} ("${t.name}")`);
    return 0;
  });
}
