/**
 * Browser sessions: a random 256-bit token in the cookie, only its sha256 kept here and
 * in `<stateDir>/auth/sessions.json` (so a restart does not sign everyone out, and a
 * stolen file opens nothing). A session ends after `idleMs` without use or `absoluteMs`
 * after sign-in, whichever comes first. Only the server writes this file.
 */
import { JsonFile } from './json-file.js';
import { randomToken, tokenHash } from './secrets.js';

export interface Session {
  /** sha256 of the cookie's token. */
  hash: string;
  userId: string;
  /** The account's credentialVersion at sign-in. */
  version: number;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  address?: string;
}

export interface SessionTimes {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_TIMES: SessionTimes = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

/** Last-use times are written at most this often: an idle expiry a few minutes early is fine. */
const TOUCH_WRITE_MS = 5 * 60_000;

export class SessionStore {
  private readonly byHash = new Map<string, Session>();
  private readonly file: JsonFile<{ sessions: Session[] }>;
  private loaded = false;
  private dirty = false;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    path: string,
    private readonly now: () => number = Date.now,
    readonly times: SessionTimes = DEFAULT_SESSION_TIMES,
    private readonly onError: (e: unknown) => void = (e) => console.error('[carnet] sessions:', e),
  ) {
    this.file = new JsonFile(path, () => ({ sessions: [] }), validateSessions);
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const t = this.now();
    for (const s of (await this.file.read()).sessions) if (this.live(s, t)) this.byHash.set(s.hash, s);
    this.loaded = true;
  }

  /** Starts a session; returns the token for the cookie (never stored). */
  async create(userId: string, version: number, address?: string): Promise<{ token: string; session: Session }> {
    await this.load();
    const token = randomToken();
    const t = this.now();
    const session: Session = { hash: tokenHash(token), userId, version, createdAt: t, lastSeenAt: t, expiresAt: t + this.times.absoluteMs, ...(address ? { address } : {}) };
    this.byHash.set(session.hash, session);
    await this.save();
    return { token, session };
  }

  /** The live session of a cookie token, marking it used; null when unknown or expired. */
  async resolve(token: string): Promise<Session | null> {
    await this.load();
    const s = this.byHash.get(tokenHash(token));
    if (!s) return null;
    const t = this.now();
    if (!this.live(s, t)) {
      this.byHash.delete(s.hash);
      this.dirty = true;
      return null;
    }
    s.lastSeenAt = t;
    this.dirty = true;
    if (t - this.lastWrite > TOUCH_WRITE_MS) void this.save().catch(this.onError);
    return s;
  }

  /**
   * The session of a hash unless it was deleted or reached its absolute expiry; idleness is
   * not checked and last use not marked (an open websocket's re-check, see Auth.credentialEnded).
   */
  async current(hash: string): Promise<Session | null> {
    await this.load();
    const s = this.byHash.get(hash);
    return s && this.now() < s.expiresAt ? s : null;
  }

  async delete(hash: string): Promise<void> {
    await this.load();
    if (this.byHash.delete(hash)) await this.save();
  }

  /** Ends every session of a user (disabled, password changed elsewhere). */
  async deleteForUser(userId: string): Promise<void> {
    await this.load();
    let any = false;
    for (const s of this.byHash.values()) if (s.userId === userId) any = this.byHash.delete(s.hash) || any;
    if (any) await this.save();
  }

  /** Seconds until the session ends by absolute expiry (for the cookie's Max-Age). */
  maxAgeSeconds(s: Session): number {
    return Math.max(0, Math.floor((s.expiresAt - this.now()) / 1000));
  }

  /** Writes pending last-use times (on shutdown). */
  async flush(): Promise<void> {
    if (this.dirty) await this.save();
    await this.writing;
  }

  private live(s: Session, t: number): boolean {
    return t < s.expiresAt && t - s.lastSeenAt < this.times.idleMs;
  }

  /** Writes the live sessions; writes are chained so an older snapshot never lands last. */
  private save(): Promise<void> {
    const t = this.now();
    this.lastWrite = t;
    this.dirty = false;
    const run = this.writing.then(() =>
      this.file.update(() => {
        const sessions = [...this.byHash.values()].filter((s) => this.live(s, this.now()));
        return { doc: { sessions }, result: undefined };
      }),
    );
    this.writing = run.catch(() => {});
    return run;
  }
}

function validateSessions(raw: unknown, path: string): { sessions: Session[] } {
  const sessions = (raw as { sessions?: unknown } | null)?.sessions;
  if (!Array.isArray(sessions)) throw new Error(`${path}: expected {"sessions": [...]}`);
  // A malformed entry is dropped, not fatal: the worst outcome is one person signing in again.
  return {
    sessions: sessions.filter(
      (s: Session) => typeof s === 'object' && s !== null && typeof s.hash === 'string' && typeof s.userId === 'string' && [s.version, s.createdAt, s.lastSeenAt, s.expiresAt].every(Number.isFinite),
    ),
  };
}
