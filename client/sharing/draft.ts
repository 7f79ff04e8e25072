/**
 * The share list being edited in the dialog: who a typed name means, adding (or re-roling)
 * a share, changing a role, removing one. Pure: the dialog keeps the list and redraws.
 */
import type { Directory, Share, ShareRole } from './api.js';

/** The datalist value meaning "everyone signed in" (also accepted typed as its label). */
export const EVERYONE_VALUE = '*';
/** Group suggestions are written `group:<name>`, so a group and a login name never collide. */
export const GROUP_PREFIX = 'group:';

/** Identity of a share in the list (one entry per person, group, or everyone). */
export const shareKey = (s: Pick<Share, 'kind' | 'name'>): string => `${s.kind}:${s.kind === 'everyone' ? '*' : s.name.toLowerCase()}`;

export type Resolved = { ok: true; share: Share } | { ok: false; problem: 'empty' | 'unknown' | 'owner'; name: string };

/**
 * What a typed entry of the add row names: `*` or the label for everyone; `group:x` or a known
 * group; a login name or display name of a known account (case-insensitive). The owner is
 * refused: they have every right already.
 */
export function resolveEntry(text: string, role: ShareRole, directory: Directory, owner: string | null, everyoneLabel: string): Resolved {
  const typed = text.trim();
  if (typed === '') return { ok: false, problem: 'empty', name: typed };
  const lower = typed.toLowerCase();
  if (typed === EVERYONE_VALUE || lower === everyoneLabel.toLowerCase()) return { ok: true, share: { kind: 'everyone', name: '*', role } };
  if (lower.startsWith(GROUP_PREFIX)) {
    const wanted = typed.slice(GROUP_PREFIX.length).trim();
    const group = directory.groups.find((g) => g.toLowerCase() === wanted.toLowerCase());
    return group ? { ok: true, share: { kind: 'group', name: group, role } } : { ok: false, problem: 'unknown', name: wanted };
  }
  const user = directory.users.find((u) => u.name.toLowerCase() === lower) ?? directory.users.find((u) => u.displayName.toLowerCase() === lower);
  if (user) {
    if (owner !== null && user.name.toLowerCase() === owner.toLowerCase()) return { ok: false, problem: 'owner', name: user.name };
    return { ok: true, share: { kind: 'user', name: user.name, role } };
  }
  const group = directory.groups.find((g) => g.toLowerCase() === lower);
  if (group) return { ok: true, share: { kind: 'group', name: group, role } };
  return { ok: false, problem: 'unknown', name: typed };
}

/** The list with `share` added, or replacing the entry for the same person or group (in place). */
export function upsertShare(shares: readonly Share[], share: Share): Share[] {
  const key = shareKey(share);
  const at = shares.findIndex((s) => shareKey(s) === key);
  if (at === -1) return [...shares, share];
  return shares.map((s, i) => (i === at ? share : s));
}

/** The list with the entry at `index` given `role`. */
export function setShareRole(shares: readonly Share[], index: number, role: ShareRole): Share[] {
  return shares.map((s, i) => (i === index ? { ...s, role } : s));
}

/** The list without the entry at `index`. */
export function removeShare(shares: readonly Share[], index: number): Share[] {
  return shares.filter((_, i) => i !== index);
}

/** Whether two share lists grant the same (order does not matter). */
export function sameShares(a: readonly Share[], b: readonly Share[]): boolean {
  const sig = (l: readonly Share[]) => l.map((s) => `${shareKey(s)}=${s.role}`).sort().join('|');
  return sig(a) === sig(b);
}
