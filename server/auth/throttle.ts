/**
 * Login throttling: after a few failures for one account, or more for one address, each
 * further attempt must wait twice as long as the last (1 s, 2 s, 4 s … up to 15 min).
 * The account count is reset by a successful login; the address count only decays, so
 * one valid account cannot clear an address that is guessing others. In memory: a
 * restart forgives, which costs an attacker a restart they cannot cause.
 */

export interface ThrottleRules {
  /** Failures allowed before delays start, per account name. */
  accountFree: number;
  /** Per client address: higher, since an office behind one proxy shares it. */
  addressFree: number;
  baseMs: number;
  capMs: number;
  /** A key with no failure for this long is forgotten. */
  forgetMs: number;
  /** Most keys remembered; the least recently failed go first. */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottleRules = { accountFree: 3, addressFree: 10, baseMs: 1000, capMs: 15 * 60_000, forgetMs: 24 * 3600_000, maxKeys: 100_000 };

interface Entry {
  failures: number;
  last: number;
}

export interface ThrottleKeys {
  account?: string;
  address?: string;
}

/** The wait after `failures` failures when `free` are allowed. Pure. */
export function delayAfter(failures: number, free: number, rules: Pick<ThrottleRules, 'baseMs' | 'capMs'>): number {
  if (failures < free) return 0;
  return Math.min(rules.capMs, rules.baseMs * 2 ** Math.min(failures - free, 40));
}

export class Throttle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly rules: ThrottleRules = DEFAULT_THROTTLE,
  ) {}

  /** Seconds to wait before the next attempt may be checked; 0 when it may go ahead. */
  retryAfter(keys: ThrottleKeys): number {
    const t = this.now();
    let wait = 0;
    for (const [key, free] of this.keyed(keys)) {
      const e = this.entries.get(key);
      if (!e) continue;
      wait = Math.max(wait, e.last + delayAfter(e.failures, free, this.rules) - t);
    }
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  failure(keys: ThrottleKeys): void {
    const t = this.now();
    for (const [key] of this.keyed(keys)) {
      const e = this.entries.get(key);
      const failures = e && t - e.last < this.rules.forgetMs ? e.failures + 1 : 1;
      this.entries.delete(key); // re-inserted last: the map stays ordered by last failure
      this.entries.set(key, { failures, last: t });
    }
    while (this.entries.size > this.rules.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A successful login: the account starts afresh. */
  success(account: string): void {
    this.entries.delete(`account:${account.toLowerCase()}`);
  }

  private keyed(keys: ThrottleKeys): [string, number][] {
    const out: [string, number][] = [];
    if (keys.account !== undefined) out.push([`account:${keys.account.toLowerCase()}`, this.rules.accountFree]);
    if (keys.address !== undefined) out.push([`address:${keys.address}`, this.rules.addressFree]);
    return out;
  }
}
