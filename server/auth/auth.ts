/**
 * Accounts, sessions, API tokens, first-start setup and login throttling behind one
 * object, which also writes every security event to the audit log before answering.
 * HTTP (server/http/routes/auth.ts, server/http/session.ts) and the `carnet user` /
 * `carnet token` commands both go through it, so neither can forget the audit.
 */
import { join } from 'node:path';
import type { AuditAction, AuditLog } from '../audit/index.js';
import { asUserId } from '../../core/ids.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { PasswordHasher, type HashParams } from './password.js';
import { normaliseName } from './rules.js';
import { sameSecret, randomToken, tokenHash } from './secrets.js';
import { DEFAULT_SESSION_TIMES, SessionStore, type Session, type SessionTimes } from './sessions.js';
import { DEFAULT_THROTTLE, Throttle, type ThrottleRules } from './throttle.js';
import { TokenStore, type ApiToken } from './tokens.js';
import { publicUser, type Actor, type AuthUser, type Credential, type Role } from './types.js';
import { UserStore, type AccountPatch, type NewUser } from './users.js';
import { DEFAULT_TOKEN_RATE, RateLimiter } from './rate.js';
import type { ExternalIdentity } from './external.js';

export interface AuthOptions {
  stateDir: string;
  /** False: everyone is the local administrator (until the login page ships). */
  required: boolean;
  audit: AuditLog;
  /** Clock (tests). */
  now?: () => Date;
  hashParams?: HashParams;
  sessionTimes?: SessionTimes;
  throttle?: Partial<ThrottleRules>;
  /** Requests per minute allowed to each API token (default 600). */
  tokenRatePerMinute?: number;
  /** How long a setup link stays valid. Default one hour. */
  setupTtlMs?: number;
  /**
   * This process serves sessions and owns sessions.json (default true). The `carnet`
   * commands pass false: they never write it, and the sessions they end stop working
   * through the account's credentialVersion instead.
   */
  ownsSessions?: boolean;
}

/** A refused request, with the status the HTTP layer answers. */
export interface Refusal {
  ok: false;
  status: 401 | 403 | 409 | 429;
  message: string;
  retryAfter?: number;
  setup?: boolean;
}

export interface SignedIn {
  ok: true;
  user: AuthUser;
  /** The session token for the cookie, and its lifetime. */
  token: string;
  maxAge: number;
}

export interface Resolved {
  user: AuthUser;
  credential: Credential;
}

/** The user of every request when authentication is off. */
export const LOCAL_USER: AuthUser = { id: asUserId('local'), name: 'local', displayName: 'Local user', role: 'admin', groups: [] };

export const NOT_SET_UP = 'Carnet is not set up yet: open the setup link printed by the server';
const WRONG_LOGIN = 'wrong login name or password';

export const authPaths = (stateDir: string) => {
  const dir = join(stateDir, 'auth');
  return { dir, users: join(dir, 'users.json'), sessions: join(dir, 'sessions.json'), tokens: join(dir, 'tokens.json') };
};

export type Auth = ReturnType<typeof buildAuth>;

/** Opens the account stores of a workspace's state folder. */
export async function createAuth(opts: AuthOptions): Promise<Auth> {
  return buildAuth(opts);
}

function buildAuth(opts: AuthOptions) {
  const now = opts.now ?? (() => new Date());
  const paths = authPaths(opts.stateDir);
  const hasher = new PasswordHasher(opts.hashParams);
  const users = new UserStore(paths.users, hasher, now);
  const sessions = new SessionStore(paths.sessions, () => now().getTime(), opts.sessionTimes ?? DEFAULT_SESSION_TIMES);
  const tokens = new TokenStore(paths.tokens, now);
  const throttle = new Throttle(() => now().getTime(), { ...DEFAULT_THROTTLE, ...opts.throttle });
  const tokenRate = new RateLimiter({ ...DEFAULT_TOKEN_RATE, ...(opts.tokenRatePerMinute !== undefined ? { perMinute: opts.tokenRatePerMinute } : {}) }, () => now().getTime());
  const audit = opts.audit;
  const setupTtlMs = opts.setupTtlMs ?? 3600_000;
  let setupToken: { hash: string; expiresAt: number } | null = null;
  const endSessions = (userId: string) => (opts.ownsSessions === false ? Promise.resolve() : sessions.deleteForUser(userId));
  /**
   * Sessions a password change replaced by a fresh one for the same browser (old hash → new):
   * the changer's open websockets carry on under it. In memory only: a restart reconnects
   * every websocket with the browser's current cookie anyway.
   */
  const renewed = new Map<string, string>();

  const record = (actor: Actor, action: AuditAction, target: string | undefined, details: Record<string, unknown> = {}) =>
    audit.append({ actor, action, ...(target !== undefined ? { target } : {}), details });
  const actorOf = (u: AuthUser, address?: string): Actor => ({ userId: u.id, name: u.name, ...(address ? { address } : {}) });
  const isSetUp = async () => (await users.count()) > 0;
  const throttled = (retryAfter: number): Refusal => ({
    ok: false,
    status: 429,
    retryAfter,
    message: `too many failed attempts: try again in ${retryAfter < 120 ? `${retryAfter} s` : `${Math.ceil(retryAfter / 60)} min`}`,
  });

  /**
   * Applies changes to an account all at once or not at all (UserStore.update), then audits
   * each field that changed. Disabling ends the account's sessions.
   */
  const updateAccount = async (actor: Actor, name: string, patch: AccountPatch): Promise<AuthUser> => {
    const { before, after } = await users.update(name, patch);
    if (after.disabled && !before.disabled) await endSessions(after.id);
    if (after.displayName !== before.displayName) await record(actor, 'account_change', after.name, { change: 'display name', from: before.displayName, to: after.displayName });
    if (patch.groups !== undefined) await record(actor, 'role_change', after.name, { change: 'groups', from: before.groups ?? [], to: after.groups ?? [] });
    if (after.role !== before.role) await record(actor, 'role_change', after.name, { from: before.role, to: after.role });
    if (after.disabled !== before.disabled) await record(actor, 'account_change', after.name, { change: after.disabled ? 'disabled' : 'enabled' });
    return publicUser(after);
  };

  const startSession = async (user: AuthUser, version: number, address?: string): Promise<SignedIn> => {
    const { token, session } = await sessions.create(user.id, version, address);
    return { ok: true, user, token, maxAge: sessions.maxAgeSeconds(session) };
  };

  return {
    required: opts.required,
    users,
    sessions,
    tokens,
    throttle,
    /** Per API token request limit; the HTTP layer takes one per bearer request. */
    tokenRate,
    audit,
    isSetUp,

    /**
     * On a start with no account, makes a one-time setup token (valid `setupTtlMs`) and
     * returns the link to print. Null when authentication is off or an account exists.
     */
    async ensureSetup(baseUrl: string): Promise<{ link: string; expiresAt: string } | null> {
      if (!opts.required || (await isSetUp())) {
        setupToken = null;
        return null;
      }
      const token = randomToken();
      const expiresAt = now().getTime() + setupTtlMs;
      setupToken = { hash: tokenHash(token), expiresAt };
      return { link: `${baseUrl.replace(/\/+$/, '')}/setup?token=${token}`, expiresAt: new Date(expiresAt).toISOString() };
    },

    /** Creates the first administrator with the setup token, once, and signs them in. */
    async setup(input: { token: string; name: string; displayName?: string; password: string }, address?: string): Promise<SignedIn | Refusal> {
      if (await isSetUp()) return { ok: false, status: 409, message: 'Carnet is already set up: sign in instead' };
      const wait = throttle.retryAfter({ address });
      if (wait) return throttled(wait);
      const expected = setupToken;
      if (!expected || !sameSecret(tokenHash(input.token), expected.hash)) {
        throttle.failure({ address });
        return { ok: false, status: 403, message: 'this setup link is not valid: use the last link the server printed', setup: true };
      }
      if (now().getTime() >= expected.expiresAt) {
        return { ok: false, status: 403, message: 'this setup link has expired: restart Carnet to print a new one', setup: true };
      }
      const stored = await users.add({ name: input.name, displayName: input.displayName, password: input.password, role: 'admin' }, { onlyIfNone: true });
      setupToken = null;
      const user = publicUser(stored);
      await record(actorOf(user, address), 'account_change', user.name, { change: 'created', role: 'admin', via: 'setup link' });
      return startSession(user, stored.credentialVersion, address);
    },

    /** Checks a password login (throttled, audited) and starts a session. */
    async login(name: string, password: string, address?: string): Promise<SignedIn | Refusal> {
      if (!(await isSetUp())) return { ok: false, status: 401, message: NOT_SET_UP, setup: true };
      const account = normaliseName(name).slice(0, 100);
      const keys = { account, ...(address ? { address } : {}) };
      const failed = (reason: string, extra: Record<string, unknown> = {}) =>
        record({ name: account, ...(address ? { address } : {}) }, 'login_failed', account, { reason, ...extra });
      const wait = throttle.retryAfter(keys);
      if (wait) {
        await failed('throttled', { retryAfter: wait });
        return throttled(wait);
      }
      const check = await users.verifyLogin(account, password);
      if (!check.ok) {
        if (check.reason === 'disabled') {
          await failed('disabled');
          return { ok: false, status: 403, message: `the account "${account}" is disabled: ask an administrator` };
        }
        throttle.failure(keys);
        // A single sign-on account answers like a wrong password: the page offers the provider's button.
        await failed(check.reason === 'unknown' ? 'unknown name' : check.reason === 'external' ? 'single sign-on account: no password' : 'wrong password');
        return { ok: false, status: 401, message: WRONG_LOGIN };
      }
      throttle.success(account);
      const user = publicUser(check.user);
      await record(actorOf(user, address), 'login', user.name, { method: 'password' });
      return startSession(user, check.user.credentialVersion, address);
    },

    /**
     * Signs in someone a single sign-on provider vouched for (server/auth/oidc.ts decided
     * the role from their groups): finds or creates the linked account, brings its role,
     * groups and display name up to date, refuses a disabled account, audits, and starts
     * a session like a password login. Works before setup: the first account may come
     * from the provider.
     */
    async loginExternal(identity: ExternalIdentity, details: { method: string } & Record<string, unknown>, address?: string): Promise<SignedIn | Refusal> {
      const r = await users.upsertExternal(identity);
      const user = publicUser(r.user);
      const actor = actorOf(user, address);
      const via = { via: details.method, issuer: identity.source.issuer };
      if (r.created) await record(actor, 'account_change', user.name, { change: 'created', role: user.role, groups: user.groups, ...via });
      else if (r.before && (r.before.role !== r.user.role || (r.before.groups ?? []).join(',') !== user.groups.join(','))) {
        await record(actor, 'role_change', user.name, { change: 'single sign-on', from: { role: r.before.role, groups: r.before.groups ?? [] }, to: { role: r.user.role, groups: user.groups }, ...via });
      }
      if (r.user.disabled) {
        await record({ name: user.name, ...(address ? { address } : {}) }, 'login_failed', user.name, { reason: 'disabled', ...details });
        return { ok: false, status: 403, message: `the account "${user.name}" is disabled: ask an administrator` };
      }
      await record(actor, 'login', user.name, { ...details, ...(r.roleKept ? { roleKept: 'the only active administrator stays one' } : {}) });
      return startSession(user, r.user.credentialVersion, address);
    },

    /** Audits a single sign-on attempt that did not reach an account (refused group, provider error, tampered state). */
    async externalLoginFailed(reason: string, details: { method: string; name?: string } & Record<string, unknown>, address?: string): Promise<void> {
      const { name, ...rest } = details;
      await record({ ...(name ? { name } : {}), ...(address ? { address } : {}) }, 'login_failed', name, { reason, ...rest });
    },

    /** Ends a cookie session (an API token is revoked instead, not signed out). */
    async logout(r: Resolved, address?: string): Promise<void> {
      if (r.credential.kind !== 'session') return;
      await sessions.delete(r.credential.tokenHash);
      await record(actorOf(r.user, address), 'logout', r.user.name);
    },

    /** The user of a session cookie, or null when it is unknown, expired, or its account changed. */
    async fromSession(token: string): Promise<(Resolved & { session: Session }) | null> {
      if (token.length > 200) return null;
      const session = await sessions.resolve(token);
      if (!session) return null;
      const stored = await users.byId(session.userId);
      if (!stored || stored.disabled || stored.credentialVersion !== session.version) {
        await sessions.delete(session.hash);
        return null;
      }
      return { user: publicUser(stored), credential: { kind: 'session', tokenHash: session.hash }, session };
    },

    /** The user of an API token, or null when it is unknown, revoked, or its account is disabled. */
    async fromApiToken(token: string): Promise<Resolved | null> {
      const t = await tokens.resolve(token);
      if (!t) return null;
      const stored = await users.byId(t.userId);
      if (!stored || stored.disabled) return null;
      return { user: publicUser(stored), credential: { kind: 'token', tokenId: t.id } };
    },

    /**
     * Changes one's own password after checking the current one (throttled like a login).
     * Every session of the account ends; a cookie caller gets a fresh one.
     */
    async changePassword(r: Resolved, current: string, next: string, address?: string): Promise<{ ok: true; session?: SignedIn } | Refusal> {
      if (r.credential.kind === 'local') throw new BadRequestError('authentication is off: there is no account whose password could change');
      const stored = await users.byId(r.user.id);
      if (!stored) throw new NotFoundError(`no account "${r.user.name}"`);
      if (stored.source) return { ok: false, status: 403, message: `the account "${stored.name}" signs in with single sign-on: change its password at the identity provider` };
      const keys = { account: stored.name, ...(address ? { address } : {}) };
      const wait = throttle.retryAfter(keys);
      if (wait) return throttled(wait);
      if (!(await hasher.verify(stored.passwordHash, current))) {
        throttle.failure(keys);
        await record(actorOf(r.user, address), 'account_change', stored.name, { change: 'password', status: 'refused: wrong current password' });
        return { ok: false, status: 403, message: 'the current password is wrong' };
      }
      const changed = await users.setPassword(stored.name, next);
      await endSessions(stored.id);
      await record(actorOf(r.user, address), 'account_change', stored.name, { change: 'password' });
      if (r.credential.kind !== 'session') return { ok: true };
      const fresh = await startSession(r.user, changed.credentialVersion, address);
      renewed.set(r.credential.tokenHash, tokenHash(fresh.token));
      return { ok: true, session: fresh };
    },

    /**
     * Why the credential an open websocket was accepted with no longer holds (signed out,
     * session expired or ended by a password change, API token revoked, account disabled), or
     * null while it holds. An open websocket counts as use: only the absolute expiry ends its
     * session, not idleness. Changes made by another process (`carnet user disable`,
     * `carnet token revoke`) are seen, as every read checks the file.
     */
    async credentialEnded(credential: Credential): Promise<string | null> {
      if (credential.kind === 'local') return null;
      const ended = 'your session has ended (signed out, expired or password changed): sign in again';
      let holder: { userId: string; version?: number };
      if (credential.kind === 'token') {
        const token = (await tokens.list()).find((t) => t.id === credential.tokenId);
        if (!token || token.revokedAt) return 'the API token was revoked';
        holder = { userId: token.userId };
      } else {
        let hash = credential.tokenHash;
        for (let next = renewed.get(hash); next !== undefined; next = renewed.get(hash)) hash = next;
        const session = await sessions.current(hash);
        if (!session) return ended;
        holder = { userId: session.userId, version: session.version };
      }
      const stored = await users.byId(holder.userId);
      if (!stored || stored.disabled) return 'your account is disabled';
      return holder.version !== undefined && holder.version !== stored.credentialVersion ? ended : null;
    },

    // Administration (CLI now, the administrators' page later). Each is audited with its actor.

    async addUser(actor: Actor, input: NewUser): Promise<AuthUser> {
      const user = publicUser(await users.add(input));
      await record(actor, 'account_change', user.name, { change: 'created', role: user.role });
      return user;
    },

    setDisabled: (actor: Actor, name: string, disabled: boolean): Promise<AuthUser> => updateAccount(actor, name, { disabled }),
    setRole: (actor: Actor, name: string, role: Role): Promise<AuthUser> => updateAccount(actor, name, { role }),
    /** Replaces an account's groups (what notebooks shared with a group reach). */
    setGroups: (actor: Actor, name: string, groups: readonly string[]): Promise<AuthUser> => updateAccount(actor, name, { groups }),
    updateAccount,

    /** An administrator's reset: sets the password and ends the account's sessions. */
    async resetPassword(actor: Actor, name: string, password: string): Promise<AuthUser> {
      const stored = await users.setPassword(name, password);
      await endSessions(stored.id);
      await record(actor, 'account_change', stored.name, { change: 'password reset' });
      return publicUser(stored);
    },

    async createToken(actor: Actor, userName: string, label: string): Promise<{ token: string; record: ApiToken; user: AuthUser }> {
      const stored = await users.byName(userName);
      if (!stored) throw new NotFoundError(`no account named "${normaliseName(userName).slice(0, 70)}"`);
      if (stored.disabled) throw new BadRequestError(`the account "${stored.name}" is disabled`);
      const made = await tokens.create(stored.id, label);
      await record(actor, 'token_create', stored.name, { tokenId: made.record.id, label: made.record.name });
      return { ...made, user: publicUser(stored) };
    },

    async revokeToken(actor: Actor, id: string): Promise<ApiToken> {
      const revoked = await tokens.revoke(id);
      const owner = await users.byId(revoked.userId);
      await record(actor, 'token_revoke', owner?.name ?? revoked.userId, { tokenId: revoked.id, label: revoked.name });
      return revoked;
    },

    /** Writes pending session times. The audit log is the caller's to close. */
    async close(): Promise<void> {
      if (opts.ownsSessions !== false) await sessions.flush();
    },
  };
}
