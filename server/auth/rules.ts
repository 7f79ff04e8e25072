/**
 * What makes a valid login name, display name, password and role. Pure: each returns a
 * sentence for the person who typed the value, or null.
 */
import { ROLES, type Role } from './types.js';

export const MIN_PASSWORD = 12;
/** argon2 takes any length; a cap keeps one request from costing much. */
export const MAX_PASSWORD = 1024;

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Login names are compared lowercased; this is the form stored. */
export const normaliseName = (name: string) => name.trim().toLowerCase();

export function userNameProblem(name: string): string | null {
  if (!NAME.test(name)) {
    return `login name "${name.slice(0, 70)}" is not allowed: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`;
  }
  return null;
}

export function displayNameProblem(displayName: string): string | null {
  const s = displayName.trim();
  if (s === '') return 'display name is empty';
  if (s.length > 100) return `display name is too long (${s.length} characters; at most 100)`;
  if (/[\u0000-\u001f\u007f]/.test(s)) return 'display name contains control characters';
  return null;
}

export function passwordProblem(password: string, name?: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD) {
    return `password too short: ${length} character${length === 1 ? '' : 's'}; use at least ${MIN_PASSWORD} (a few unrelated words make a good one)`;
  }
  if (length > MAX_PASSWORD) return `password too long: ${length} characters; at most ${MAX_PASSWORD}`;
  if (name !== undefined && password.trim().toLowerCase() === name.toLowerCase()) return 'password must not be the login name';
  return null;
}

export function parseRole(role: unknown): Role | null {
  return typeof role === 'string' && (ROLES as readonly string[]).includes(role) ? (role as Role) : null;
}

const GROUP = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Group names are stored lowercase, each once, sorted. Returns the list or a sentence naming the bad one. */
export function parseGroups(groups: unknown): string[] | string {
  if (!Array.isArray(groups)) return 'groups must be a list of names';
  const out = new Set<string>();
  for (const g of groups) {
    if (typeof g !== 'string') return 'groups must be a list of names';
    const n = g.trim().toLowerCase();
    if (!GROUP.test(n)) return `group "${g.slice(0, 70)}" is not allowed: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`;
    out.add(n);
  }
  if (out.size > 100) return `too many groups (${out.size}; at most 100)`;
  return [...out].sort();
}
