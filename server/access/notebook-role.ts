/**
 * Roles on a notebook (issue 6): owner > editor > commenter > viewer. Who has which one
 * follows from the notebook's sharing entry (server/access/sharing.ts), the user's login
 * name, groups and account role, and whether authentication is on. Pure: no disk, no clock.
 */

/** Lowest first: the index is the rank. */
export const NOTEBOOK_ROLES = ['viewer', 'commenter', 'editor', 'owner'] as const;
export type NotebookRole = (typeof NOTEBOOK_ROLES)[number];

/** The roles a share may give; ownership is given by `owner`, never by a share. */
export const SHARE_ROLES = ['editor', 'commenter', 'viewer'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];

export const SHARE_KINDS = ['user', 'group', 'everyone'] as const;
export type ShareKind = (typeof SHARE_KINDS)[number];

/** One grant: a user (login name), a group (group name) or everyone (`'*'`). */
export interface Share {
  kind: ShareKind;
  name: string;
  role: ShareRole;
}

/** What the server keeps about one notebook's access. */
export interface SharingEntry {
  /** Login name of the owner; null: nobody (only administrators reach it until shared). */
  owner: string | null;
  shares: Share[];
}

/** The user a role is decided for (an AuthUser fits). */
export interface RoleSubject {
  name: string;
  role: string;
  groups: readonly string[];
}

export const roleRank = (role: NotebookRole): number => NOTEBOOK_ROLES.indexOf(role);

/** True when `role` is `needed` or higher; no role never is. */
export function roleAtLeast(role: NotebookRole | null, needed: NotebookRole): boolean {
  return role !== null && roleRank(role) >= roleRank(needed);
}

/** The highest of `roles`, or null for none. */
export function highestRole(roles: Iterable<NotebookRole | null>): NotebookRole | null {
  let best: NotebookRole | null = null;
  for (const r of roles) if (r !== null && (best === null || roleRank(r) > roleRank(best))) best = r;
  return best;
}

/** True when `share` names `user` (by login name, one of their groups, or everyone). */
export function shareMatches(share: Share, user: RoleSubject): boolean {
  switch (share.kind) {
    case 'everyone':
      return true;
    case 'user':
      return share.name === user.name.toLowerCase();
    case 'group':
      return user.groups.some((g) => g.toLowerCase() === share.name);
  }
}

/**
 * The role of `user` on a notebook whose entry is `entry` (undefined: never shared, no
 * owner). Authentication off → owner (the one local user); administrators → owner; the
 * owner → owner; else the highest matching share; else null.
 */
export function notebookRole(entry: SharingEntry | undefined, user: RoleSubject, authOn: boolean): NotebookRole | null {
  if (!authOn || user.role === 'admin') return 'owner';
  if (!entry) return null;
  if (entry.owner !== null && entry.owner === user.name.toLowerCase()) return 'owner';
  return highestRole(entry.shares.filter((s) => shareMatches(s, user)).map((s) => s.role));
}

/** May edit the document and run cells. */
export const canEditRole = (role: NotebookRole | null): boolean => roleAtLeast(role, 'editor');

/** May change the shares and the owner. */
export const canShareRole = (role: NotebookRole | null): boolean => role === 'owner';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Validates one share from outside (a request body, the state file). Returns the share
 * with its name lowercased, or a sentence naming the field that is wrong.
 */
export function parseShare(raw: unknown, where: string): Share | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${where}: expected {"kind", "name", "role"}`;
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) if (key !== 'kind' && key !== 'name' && key !== 'role') return `${where}: unknown field "${key.slice(0, 40)}" (expected kind, name, role)`;
  const { kind, name, role } = o;
  if (typeof kind !== 'string' || !(SHARE_KINDS as readonly string[]).includes(kind)) return `${where}: "kind" must be one of ${SHARE_KINDS.join(', ')}`;
  if (typeof role !== 'string' || !(SHARE_ROLES as readonly string[]).includes(role)) {
    return `${where}: "role" must be one of ${SHARE_ROLES.join(', ')}${role === 'owner' ? ' (ownership is given by "owner")' : ''}`;
  }
  if (typeof name !== 'string') return `${where}: "name" must be a string`;
  const n = name.trim().toLowerCase();
  if (kind === 'everyone') {
    if (n !== '*') return `${where}: "name" of an everyone share must be "*"`;
  } else if (!NAME.test(n)) {
    return `${where}: "name" "${name.slice(0, 70)}" is not a ${kind === 'user' ? 'login' : 'group'} name (1 to 64 letters, digits, ".", "_" or "-")`;
  }
  return { kind: kind as ShareKind, name: n, role: role as ShareRole };
}

/** Validates a list of shares; a second share for the same user, group or everyone is refused by name. */
export function parseShares(raw: unknown, where: string): Share[] | string {
  if (!Array.isArray(raw)) return `${where}: "shares" must be a list of {kind, name, role}`;
  if (raw.length > 500) return `${where}: too many shares (${raw.length}; at most 500)`;
  const out: Share[] = [];
  const seen = new Set<string>();
  for (const [i, item] of raw.entries()) {
    const share = parseShare(item, `${where}: shares[${i}]`);
    if (typeof share === 'string') return share;
    const key = `${share.kind}:${share.name}`;
    if (seen.has(key)) return `${where}: shares[${i}]: ${share.kind === 'everyone' ? 'everyone' : `${share.kind} "${share.name}"`} is shared with twice`;
    seen.add(key);
    out.push(share);
  }
  return out;
}

/** Validates an owner's login name (null allowed); returns the lowercased name or a sentence. */
export function parseOwner(raw: unknown, where: string): string | null | { problem: string } {
  if (raw === null) return null;
  if (typeof raw !== 'string' || !NAME.test(raw.trim().toLowerCase())) return { problem: `${where}: "owner" must be a login name` };
  return raw.trim().toLowerCase();
}
