/**
 * Request rate limit per API token: a token bucket holding `perMinute` requests, refilled
 * continuously, so a script may burst up to the limit and then runs at the limit's pace.
 * In memory: a restart refills every bucket, which only forgives. Browser sessions are
 * not limited by it (people do not click 600 times a minute; a busy notebook may poll).
 */

export interface RateRules {
  /** Requests per minute per key; also the burst size. */
  perMinute: number;
  /** Most keys remembered; the least recently used go first. */
  maxKeys: number;
}

export const DEFAULT_TOKEN_RATE: RateRules = { perMinute: 600, maxKeys: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rules: RateRules = DEFAULT_TOKEN_RATE,
    private readonly now: () => number = Date.now,
  ) {
    if (!(rules.perMinute > 0)) throw new Error(`rate limit: perMinute must be positive, got ${rules.perMinute}`);
  }

  /**
   * Takes one request for `key`: 0 when it may go ahead, else the whole seconds to wait
   * before the next one would be allowed (the Retry-After value).
   */
  take(key: string): number {
    const t = this.now();
    const { perMinute } = this.rules;
    const old = this.buckets.get(key);
    const refilled = old ? Math.min(perMinute, old.tokens + ((t - old.at) * perMinute) / 60_000) : perMinute;
    this.buckets.delete(key); // re-inserted last: the map stays ordered by last use
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, at: t });
      return Math.max(1, Math.ceil(((1 - refilled) * 60_000) / perMinute / 1000));
    }
    this.buckets.set(key, { tokens: refilled - 1, at: t });
    while (this.buckets.size > this.rules.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return 0;
  }
}
