/**
 * Accounts in `<stateDir>/auth/users.json`. Every change validates its input, keeps at
 * least one active administrator, and is written atomically; auditing is the caller's
 * (server/auth/auth.ts), which knows who asked.
 */
import { asUserId } from '../../core/ids.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { JsonFile } from './json-file.js';
import { PasswordHasher } from './password.js';
import { displayNameProblem, normaliseName, parseGroups, parseRole, passwordProblem, userNameProblem } from './rules.js';
import { randomId } from './secrets.js';
import type { Role, StoredUser } from './types.js';
import { sourceProblem, uniqueName, type ExternalIdentity, type ExternalSource } from './external.js';

/**
 * The password hash of a single sign-on account: not a PHC string, so argon2 can never
 * verify it (verifyLogin also refuses such accounts before looking at it).
 */
export const EXTERNAL_PASSWORD = '!external';

interface UsersDoc {
  users: StoredUser[];
}

export interface NewUser {
  name: string;
  displayName?: string;
  role: Role;
  password: string;
  groups?: string[];
}

/** What an administrator may change of an account in one go (UserStore.update). */
export interface AccountPatch {
  displayName?: string;
  groups?: readonly string[];
  role?: Role;
  disabled?: boolean;
}

export type LoginCheck = { ok: true; user: StoredUser } | { ok: false; reason: 'unknown' | 'password' | 'disabled' | 'external'; user?: StoredUser };

/** What a single sign-on login did to the account. */
export interface ExternalUpsert {
  user: StoredUser;
  created: boolean;
  /** The account before this login (absent when created). */
  before?: StoredUser;
  /** The provider demoted the only active administrator: the role was kept. */
  roleKept?: boolean;
}

export class UserStore {
  private readonly file: JsonFile<UsersDoc>;

  constructor(
    path: string,
    readonly hasher: PasswordHasher,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = new JsonFile(path, () => ({ users: [] }), validateUsers);
  }

  async list(): Promise<StoredUser[]> {
    return (await this.file.read()).users;
  }

  async count(): Promise<number> {
    return (await this.file.read()).users.length;
  }

  async byName(name: string): Promise<StoredUser | undefined> {
    const n = normaliseName(name);
    return (await this.list()).find((u) => u.name === n);
  }

  async byId(id: string): Promise<StoredUser | undefined> {
    return (await this.list()).find((u) => u.id === id);
  }

  /** The account linked to a provider's subject, if any. */
  async byExternal(source: ExternalSource): Promise<StoredUser | undefined> {
    return (await this.list()).find((u) => sameSource(u.source, source));
  }

  /**
   * The account of a single sign-on login: the one linked to (issuer, sub), its role,
   * groups and display name updated from the provider; or a new one, named after the
   * wanted name made unique. Never links to a password account of the same name, which
   * would let whoever controls that name at the provider take it over. One atomic
   * update, so two first logins of one person cannot make two accounts.
   */
  upsertExternal(identity: ExternalIdentity): Promise<ExternalUpsert> {
    const groups = parseGroups(identity.groups);
    if (typeof groups === 'string') throw new BadRequestError(groups);
    if (!parseRole(identity.role)) throw new BadRequestError(`role "${String(identity.role)}" is not one of admin, analyst`);
    const displayName = identity.displayName.trim();
    const problem = userNameProblem(identity.name) ?? displayNameProblem(displayName);
    if (problem) throw new BadRequestError(problem);
    return this.file.update((doc): { doc: UsersDoc; result: ExternalUpsert } => {
      const i = doc.users.findIndex((u) => sameSource(u.source, identity.source));
      if (i === -1) {
        const name = uniqueName(identity.name, new Set(doc.users.map((u) => u.name)));
        const at = this.now().toISOString();
        const user: StoredUser = {
          id: asUserId(randomId()),
          name,
          displayName,
          role: identity.role,
          groups,
          disabled: false,
          source: { ...identity.source },
          passwordHash: EXTERNAL_PASSWORD,
          createdAt: at,
          passwordChangedAt: at,
          credentialVersion: 1,
        };
        return { doc: { users: [...doc.users, user] }, result: { user, created: true } };
      }
      const before = doc.users[i]!;
      // The store keeps one active administrator whatever the provider says, as it does for an administrator's own change.
      const roleKept = before.role === 'admin' && identity.role !== 'admin' && !before.disabled && !doc.users.some((o) => o.id !== before.id && o.role === 'admin' && !o.disabled);
      const user: StoredUser = { ...before, displayName, groups, role: roleKept ? before.role : identity.role };
      const users = [...doc.users];
      users[i] = user;
      return { doc: { users }, result: { user, created: false, before, ...(roleKept ? { roleKept } : {}) } };
    });
  }

  /**
   * Creates an account. With `onlyIfNone`, refuses when any account exists: the first
   * administrator is created once, even if two setup requests race.
   */
  async add(input: NewUser, opts: { onlyIfNone?: boolean } = {}): Promise<StoredUser> {
    const name = normaliseName(input.name);
    const displayName = (input.displayName ?? name).trim();
    const problem = userNameProblem(name) ?? displayNameProblem(displayName) ?? passwordProblem(input.password, name);
    if (problem) throw new BadRequestError(problem);
    if (!parseRole(input.role)) throw new BadRequestError(`role "${String(input.role)}" is not one of admin, analyst`);
    const groups = parseGroups(input.groups ?? []);
    if (typeof groups === 'string') throw new BadRequestError(groups);
    const passwordHash = await this.hasher.hash(input.password);
    return this.file.update((doc) => {
      if (opts.onlyIfNone && doc.users.length > 0) throw new ConflictError('Carnet is already set up: sign in instead');
      if (doc.users.some((u) => u.name === name)) throw new ConflictError(`an account named "${name}" already exists`);
      const at = this.now().toISOString();
      const user: StoredUser = { id: asUserId(randomId()), name, displayName, role: input.role, groups, disabled: false, passwordHash, createdAt: at, passwordChangedAt: at, credentialVersion: 1 };
      return { doc: { users: [...doc.users, user] }, result: user };
    });
  }

  /** Disables or re-enables an account (a disabled account's sessions no longer hold). */
  async setDisabled(name: string, disabled: boolean): Promise<StoredUser> {
    return (await this.update(name, { disabled })).after;
  }

  async setRole(name: string, role: Role): Promise<StoredUser> {
    return (await this.update(name, { role })).after;
  }

  /** Replaces the account's groups (validated, lowercased, sorted). */
  async setGroups(name: string, groups: readonly string[]): Promise<StoredUser> {
    return (await this.update(name, { groups })).after;
  }

  /**
   * Changes to one account, several at once all or none, each checked against the account as
   * the others leave it (demoting and disabling the only active administrator is refused
   * whatever the order); a single sign-on account's role and groups are the provider's.
   * Returns the account before and after.
   */
  update(name: string, patch: AccountPatch): Promise<{ before: StoredUser; after: StoredUser }> {
    if (patch.role !== undefined && !parseRole(patch.role)) throw new BadRequestError(`role "${String(patch.role)}" is not one of admin, analyst`);
    const groups = patch.groups === undefined ? undefined : parseGroups(patch.groups);
    if (typeof groups === 'string') throw new BadRequestError(groups);
    const shown = patch.displayName?.trim();
    const problem = shown === undefined ? null : displayNameProblem(shown);
    if (problem) throw new BadRequestError(problem);
    let before: StoredUser | undefined;
    return this.change(name, (u, all) => {
      before = u;
      // The provider's groups decide these at every sign-in: a change here would not last.
      const providerOwned = [patch.role !== undefined && patch.role !== u.role ? 'role' : null, groups !== undefined && groups.join(',') !== (u.groups ?? []).join(',') ? 'groups' : null].filter(Boolean);
      if (u.source && providerOwned.length > 0) {
        throw new BadRequestError(`the account "${u.name}" signs in with single sign-on: its ${providerOwned.join(' and ')} come from the identity provider at each sign-in`);
      }
      const next: StoredUser = {
        ...u,
        ...(shown !== undefined ? { displayName: shown } : {}),
        ...(groups !== undefined ? { groups } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      };
      const activeAdmin = (x: StoredUser) => x.role === 'admin' && !x.disabled;
      if (activeAdmin(u) && !activeAdmin(next)) lastAdminGuard(u, all, next.role !== 'admin' ? 'demote' : 'disable');
      if (next.disabled && !u.disabled) next.credentialVersion = u.credentialVersion + 1;
      return next;
    }).then((after) => ({ before: before!, after }));
  }

  /** Sets a new password (administrator's reset, or after checking the old one). Ends every session of the account. */
  async setPassword(name: string, password: string): Promise<StoredUser> {
    const problem = passwordProblem(password, normaliseName(name));
    if (problem) throw new BadRequestError(problem);
    const external = (u: StoredUser | undefined) => {
      if (u?.source) throw new BadRequestError(`the account "${u.name}" signs in with single sign-on: it has no Carnet password`);
    };
    external(await this.byName(name));
    const passwordHash = await this.hasher.hash(password);
    return this.change(name, (u) => {
      external(u);
      return { ...u, passwordHash, passwordChangedAt: this.now().toISOString(), credentialVersion: u.credentialVersion + 1 };
    });
  }

  /**
   * Checks a login. An unknown name costs the same argon2 work as a known one; a disabled
   * account is reported only when its password was right.
   */
  async verifyLogin(name: string, password: string): Promise<LoginCheck> {
    if (password.length > 4 * 1024) return { ok: false, reason: 'password' };
    const user = await this.byName(name);
    if (!user) {
      await this.hasher.verifyNobody(password);
      return { ok: false, reason: 'unknown' };
    }
    if (user.source) {
      // Same work as a wrong password, so the answer's timing does not tell it apart.
      await this.hasher.verifyNobody(password);
      return { ok: false, reason: 'external', user };
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) return { ok: false, reason: 'password', user };
    if (user.disabled) return { ok: false, reason: 'disabled', user };
    if (this.hasher.outdated(user.passwordHash)) {
      const passwordHash = await this.hasher.hash(password);
      // Same password, new parameters: sessions stay valid.
      await this.change(user.name, (u) => ({ ...u, passwordHash }));
    }
    return { ok: true, user };
  }

  private change(name: string, f: (u: StoredUser, all: StoredUser[]) => StoredUser): Promise<StoredUser> {
    const n = normaliseName(name);
    return this.file.update((doc) => {
      const i = doc.users.findIndex((u) => u.name === n);
      if (i === -1) throw new NotFoundError(`no account named "${n.slice(0, 70)}"`);
      const next = f(doc.users[i]!, doc.users);
      const users = [...doc.users];
      users[i] = next;
      return { doc: { users }, result: next };
    });
  }
}

function lastAdminGuard(u: StoredUser, all: StoredUser[], verb: string): void {
  if (!all.some((o) => o.id !== u.id && o.role === 'admin' && !o.disabled)) {
    throw new ConflictError(`cannot ${verb} "${u.name}": it is the only active administrator (make another one first)`);
  }
}

function sameSource(a: ExternalSource | undefined, b: ExternalSource): boolean {
  return a !== undefined && a.kind === b.kind && a.issuer === b.issuer && a.sub === b.sub;
}

function validateUsers(raw: unknown, path: string): UsersDoc {
  const users = (raw as UsersDoc | null)?.users;
  if (!Array.isArray(users)) throw new Error(`${path}: expected {"users": [...]}`);
  users.forEach((u: StoredUser, i) => {
    const where = `${path}: users[${i}]`;
    if (typeof u !== 'object' || u === null) throw new Error(`${where} is not an object`);
    for (const k of ['id', 'name', 'displayName', 'passwordHash', 'createdAt', 'passwordChangedAt'] as const) {
      if (typeof u[k] !== 'string') throw new Error(`${where}.${k} must be a string`);
    }
    if (!parseRole(u.role)) throw new Error(`${where}.role must be admin or analyst`);
    if (typeof u.disabled !== 'boolean') throw new Error(`${where}.disabled must be true or false`);
    if (!Number.isSafeInteger(u.credentialVersion)) throw new Error(`${where}.credentialVersion must be an integer`);
    if (u.groups !== undefined && typeof parseGroups(u.groups) === 'string') throw new Error(`${where}.groups: ${String(parseGroups(u.groups))}`);
    if (u.source !== undefined && sourceProblem(u.source)) throw new Error(`${where}.source: ${String(sourceProblem(u.source))}`);
  });
  return { users };
}
