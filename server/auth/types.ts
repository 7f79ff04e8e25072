/** Accounts, sessions and API tokens as stored, and the user a request acts as. */
import type { UserId } from '../../core/ids.js';
import type { ExternalSource } from './external.js';

export const ROLES = ['admin', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** One account in users.json. */
export interface StoredUser {
  id: UserId;
  /** Login name: lowercase, unique. */
  name: string;
  displayName: string;
  role: Role;
  /**
   * Groups the account belongs to (lowercase names): notebooks are shared with a group,
   * and single sign-on sets them from the provider's claim. Absent in older files: none.
   */
  groups?: string[];
  disabled: boolean;
  /**
   * Set for an account that signs in through single sign-on: its password hash is a
   * placeholder that never verifies, and the store refuses to give it a password.
   * Absent: a password account (every account in older files).
   */
  source?: ExternalSource;
  /** argon2id, PHC string; EXTERNAL_PASSWORD for a single sign-on account. */
  passwordHash: string;
  createdAt: string;
  passwordChangedAt: string;
  /**
   * Bumped when the password changes or the account is disabled; a session made under
   * an older version is no longer valid. A counter, not a time, so no clock decides it.
   */
  credentialVersion: number;
}

/** What a request, a websocket or a page may know about its user. */
export interface AuthUser {
  id: UserId;
  name: string;
  displayName: string;
  role: Role;
  groups: string[];
}

/** How the request proved who it is. */
export type Credential =
  | { kind: 'session'; tokenHash: string }
  | { kind: 'token'; tokenId: string }
  /** Authentication is off (config): everyone is the local administrator. */
  | { kind: 'local' };

export const publicUser = (u: StoredUser): AuthUser => ({ id: u.id, name: u.name, displayName: u.displayName, role: u.role, groups: u.groups ?? [] });

/** Who did something, as the audit log records it. */
export interface Actor {
  userId?: string;
  name?: string;
  address?: string;
}
