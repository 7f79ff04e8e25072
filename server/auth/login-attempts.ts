/**
 * Single sign-on attempts in flight: the PKCE verifier, state and nonce of each, kept on
 * the server under a random key the browser holds in a cookie, for a few minutes, and
 * usable once. Kept in memory: a restart during a login only makes the person click
 * again, and nothing secret is ever written to disk.
 */
import { randomToken } from './secrets.js';

export interface LoginAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The redirect_uri sent to the provider; the token request must repeat it. */
  redirectUri: string;
  /** Same-origin path to return to after signing in. */
  next: string;
  createdAt: number;
}

export interface AttemptRules {
  ttlMs: number;
  /** Most attempts kept; the oldest go first (a flood of unfinished logins cannot grow memory). */
  maxAttempts: number;
}

export const DEFAULT_ATTEMPT_RULES: AttemptRules = { ttlMs: 10 * 60_000, maxAttempts: 10_000 };

export class LoginAttempts {
  private readonly attempts = new Map<string, LoginAttempt>();

  constructor(
    readonly rules: AttemptRules = DEFAULT_ATTEMPT_RULES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores an attempt; returns the key for the cookie. */
  add(attempt: Omit<LoginAttempt, 'createdAt'>): string {
    const key = randomToken();
    this.attempts.set(key, { ...attempt, createdAt: this.now() });
    while (this.attempts.size > this.rules.maxAttempts) this.attempts.delete(this.attempts.keys().next().value!);
    return key;
  }

  /** Removes and returns the attempt of a key: null when unknown, used or expired. */
  take(key: string): LoginAttempt | null {
    const a = this.attempts.get(key);
    if (!a) return null;
    this.attempts.delete(key);
    return this.now() - a.createdAt < this.rules.ttlMs ? a : null;
  }

  get size(): number {
    return this.attempts.size;
  }
}
