/**
 * Accounts that sign in through an identity provider (single sign-on): how the
 * provider's claims become a login name, groups and a role. Pure: the OpenID Connect
 * exchange is server/auth/oidc.ts, the account store server/auth/users.ts.
 */
import type { Role } from './types.js';
import { userNameProblem } from './rules.js';

/** Where an account comes from when it is not a Carnet password account. */
export interface ExternalSource {
  kind: 'oidc';
  /** The provider's issuer identifier, exactly as configured. */
  issuer: string;
  /** The provider's stable subject identifier for the person (`sub`). */
  sub: string;
}

/** What a provider vouched for, after the role was decided: the input of Auth.loginExternal. */
export interface ExternalIdentity {
  source: ExternalSource;
  /** Wanted login name (already sanitised); made unique when the account is created. */
  name: string;
  displayName: string;
  role: Role;
  groups: string[];
}

/** Which provider groups make an administrator or an analyst. Empty `analyst`: everyone signed in is one. */
export interface GroupRoles {
  admin: readonly string[];
  analyst: readonly string[];
}

const MAX_GROUPS = 100;

/**
 * A provider's group name in Carnet's group form: lowercase, a leading "/" dropped
 * (Keycloak sends paths), other characters outside letters, digits, ".", "_", "-"
 * turned into "-". Null when nothing is left. Configured group lists go through the
 * same function, so "Data Team" in the claim matches "data team" in the setting.
 */
export function normaliseGroup(raw: string): string | null {
  const s = raw
    .trim()
    .toLowerCase()
    .replace(/^\/+/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return s === '' ? null : s;
}

/**
 * The groups claim: a list of strings (or one string), found by its exact name first,
 * then as a dotted path (`realm_access.roles`), since names like Auth0's
 * `https://example.com/groups` hold dots themselves. Anything else: no groups.
 */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string): { groups: string[]; truncated: boolean } {
  let v: unknown = claims[claim];
  if (v === undefined && claim.includes('.')) {
    v = claim.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), claims);
  }
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [];
  const all = [...new Set(list.map(normaliseGroup).filter((g): g is string => g !== null))].sort();
  return { groups: all.slice(0, MAX_GROUPS), truncated: all.length > MAX_GROUPS };
}

/** The role the groups give, or null when they give none (the login is refused). */
export function roleForGroups(groups: readonly string[], rules: GroupRoles): Role | null {
  if (groups.some((g) => rules.admin.includes(g))) return 'admin';
  if (rules.analyst.length === 0 || groups.some((g) => rules.analyst.includes(g))) return 'analyst';
  return null;
}

/**
 * The login name wanted for a new account: preferred_username, else the e-mail's local
 * part, else the name, else the subject, made to fit the login-name rule. Never a
 * password account's name: uniqueName adds a suffix when taken.
 */
export function loginNameFrom(claims: Record<string, unknown>): string {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
  const candidates = [str('preferred_username'), str('email').split('@')[0] ?? '', str('name'), str('sub')];
  for (const c of candidates) {
    const n = c
      .trim()
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '')
      .slice(0, 56)
      .replace(/[._-]+$/, '');
    if (n !== '' && userNameProblem(n) === null) return n;
  }
  return 'user';
}

/** `base`, or `base-2`, `base-3`… : the first not in `taken`. Pure. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const n = `${base}-${i}`;
    if (!taken.has(n)) return n;
  }
}

/** The display name: the `name` claim, else the login name; control characters removed, at most 100 characters. */
export function displayNameFrom(claims: Record<string, unknown>, fallback: string): string {
  const raw = typeof claims.name === 'string' ? claims.name : '';
  const s = raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 100).trim();
  return s === '' ? fallback : s;
}

/** Validates a stored `source` field (users.json); returns a problem or null. */
export function sourceProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'must be an object';
  const s = v as Record<string, unknown>;
  if (s.kind !== 'oidc') return 'kind must be "oidc"';
  if (typeof s.issuer !== 'string' || s.issuer === '') return 'issuer must be a non-empty string';
  if (typeof s.sub !== 'string' || s.sub === '') return 'sub must be a non-empty string';
  return null;
}
